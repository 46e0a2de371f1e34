"""The coordinator's matching rounds: create, compute, review, adjust, publish.

Only coordinators see rounds (404 for everyone else); every change is a POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from matching.matcher import fill_reasons
from matching.models import Match
from matching.reasons import render_reasons
from profiles import vocab
from profiles.models import Project, ScientistProfile

from . import services
from .forms import PairRuleForm, RoundForm
from .models import Assignment, PairRule, Round

PAGE_SIZE = 50
EMPTY_SEAT_REASONS = {
    services.EmptySeatReason.NOT_OPEN: gettext_lazy("the project is not open"),
    services.EmptySeatReason.NO_CANDIDATES: gettext_lazy(
        "no candidate: no suggested scientist who shares a language, scores above 0 and has "
        "not declined"
    ),
    services.EmptySeatReason.TOO_FEW_CANDIDATES: gettext_lazy(
        "fewer candidates than seats: every candidate is already assigned to it"
    ),
    services.EmptySeatReason.CANDIDATES_TAKEN: gettext_lazy(
        "its other candidates have no capacity left: they add more to the total elsewhere, "
        "or their institution abroad reached its limit"
    ),
}


def _round_for(request, pk: int) -> Round:
    return get_object_or_404(services.rounds_for_user(request.user), pk=pk)


def _require_coordinator(request) -> None:
    if not request.user.is_coordinator:
        raise Http404


@login_required
def round_list(request):
    _require_coordinator(request)
    rounds = services.rounds_for_user(request.user).annotate(
        n_projects=Count("projects", distinct=True),
        n_assigned=Count(
            "assignments", filter=~Q(assignments__status=Assignment.Status.DECLINED), distinct=True
        ),
    )
    return render(request, "rounds/round_list.html", {"rounds": rounds})


@login_required
def round_create(request):
    _require_coordinator(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round = services.create_round(
            user=request.user,
            name=data["name"],
            projects=form.projects,
            max_per_institution_abroad=data["max_per_institution_abroad"],
            underserved_states=data["underserved_states"],
        )
        services.start_compute(user=request.user, round=round)
        return redirect(round)
    return render(request, "rounds/round_form.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    round = _round_for(request, pk)
    assignments = round.assignments.select_related(
        "scientist", "project", "project__institution"
    ).order_by("project__title", "project_id", "-score", "scientist__name")
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list))
    empty = _empty_seats(round)
    counts = dict(
        round.assignments.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    assigned = counts.get(Assignment.Status.COMPUTED, 0) + counts.get(
        Assignment.Status.PUBLISHED, 0
    )
    context = {
        "round": round,
        "page": page,
        "rows": rows,
        "empty_seats": empty,
        "empty_total": sum(e["seats"] for e in empty),
        "assigned": assigned,
        "counts": counts,
        "mean": (round.total_score / assigned) if assigned and round.total_score else None,
        "greedy_mean": (
            round.greedy_total_score / round.greedy_assigned if round.greedy_assigned else None
        ),
        "gain": _gain(round),
        "uncovered_states": [vocab.mexican_states().get(s, s) for s in round.uncovered_states],
        "underserved_states": [vocab.mexican_states().get(s, s) for s in round.underserved_states],
        "rules": round.rules.select_related("scientist", "project").order_by("-created_at"),
        "rule_form": PairRuleForm(round=round),
        "projects_count": round.projects.count(),
    }
    return render(request, "rounds/round_detail.html", context)


def _gain(round: Round) -> float | None:
    if round.total_score is None or not round.greedy_total_score:
        return None
    return 100 * (round.total_score - round.greedy_total_score) / round.greedy_total_score


def _rows(assignments: list[Assignment]) -> list[dict]:
    """Each pair with its matcher reasons (from the stored suggestion, when there is one)."""
    sci_ids = {a.scientist_id for a in assignments}
    proj_ids = {a.project_id for a in assignments}
    matches = {
        (m.scientist_id, m.project_id): m
        for m in Match.objects.filter(scientist_id__in=sci_ids, project_id__in=proj_ids)
    }
    fill_reasons(matches.values())
    rows = []
    for a in assignments:
        match = matches.get((a.scientist_id, a.project_id))
        reasons = render_reasons(match.reasons) if match else []
        rows.append({"a": a, "reasons": reasons[:3], "percent": round(a.score * 100)})
    return rows


def _empty_seats(round: Round) -> list[dict]:
    projects = Project.objects.in_bulk([e["project_id"] for e in round.empty_seats])
    out = []
    for entry in round.empty_seats:
        project = projects.get(entry["project_id"])
        if project is None:
            continue
        out.append(
            {
                "project": project,
                "seats": entry["seats"],
                "reason": EMPTY_SEAT_REASONS.get(entry["reason"], entry["reason"]),
            }
        )
    return out


@login_required
def round_progress(request, pk: int):
    round = _round_for(request, pk)
    response = render(request, "rounds/_progress.html", {"round": round})
    if not round.is_busy and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # done: reload the page to show the result
    return response


@login_required
@require_POST
def round_compute(request, pk: int):
    round = _round_for(request, pk)
    if not services.start_compute(user=request.user, round=round):
        messages.warning(request, _("The round is already being computed."))
        return redirect(round)
    round.refresh_from_db()
    if round.is_busy:
        messages.success(request, _("The round is being computed."))
    elif round.status == Round.Status.FAILED:
        messages.error(request, _("The computation failed; try again."))
    else:
        messages.success(request, _("The round was computed again."))
    return redirect(round)


@login_required
@require_POST
def round_publish(request, pk: int):
    round = _round_for(request, pk)
    try:
        n = services.publish_round(user=request.user, round=round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Published: %(n)d pairs are now suggestions for both sides.") % {"n": n},
        )
    return redirect(round)


@login_required
@require_POST
def rule_add(request, pk: int):
    round = _round_for(request, pk)
    data = request.POST.copy()
    # The buttons on each row name the pair by id; the form below the table by reference.
    if data.get("scientist_id", "").isdigit() and data.get("project_id", "").isdigit():
        scientist = get_object_or_404(ScientistProfile, pk=int(data["scientist_id"]))
        project = get_object_or_404(round.projects.all(), pk=int(data["project_id"]))
        data["scientist"], data["project"] = scientist.ref, project.ref
    form = PairRuleForm(data, round=round)
    if form.is_valid():
        try:
            services.add_rule(
                user=request.user,
                round=round,
                scientist=form.cleaned_data["scientist"],
                project=form.cleaned_data["project"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rule saved. Recompute the round to apply it."))
    else:
        errors = [
            f"{form.fields[name].label}: {' '.join(errs)}" for name, errs in form.errors.items()
        ]
        messages.error(request, " ".join(errors))
    return redirect(round.get_absolute_url() + "#rules")


@login_required
@require_POST
def rule_delete(request, pk: int, rule_pk: int):
    round = _round_for(request, pk)
    rule = get_object_or_404(PairRule, pk=rule_pk, round=round)
    services.remove_rule(user=request.user, rule=rule)
    messages.success(request, _("Rule removed. Recompute the round to apply it."))
    return redirect(round.get_absolute_url() + "#rules")
