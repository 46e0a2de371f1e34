"""Suggestions for both sides, interest, introductions and the coordinator's matcher page.

Every lookup goes through the scoping helpers of ``services`` (404 otherwise);
every change is a POST.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from profiles import vocab
from profiles.models import Project, ScientistProfile

from . import services
from .evidence import with_evidence
from .forms import DecisionForm, IntroductionSearchForm, PairLookupForm
from .matcher import fill_reasons
from .models import Interest, Introduction, Match, MatchRun
from .reasons import render_reasons
from .scoring import score_pair

PAGE_SIZE = 20
SHOWN_COMPONENTS = {
    "field": pgettext_lazy("score component", "Field"),
    "goals": pgettext_lazy("score component", "Goals"),
    "timeline": pgettext_lazy("score component", "Timeline"),
    "network": pgettext_lazy("score component", "Network"),
}


def _render_reasons(reasons: list[dict], audience: str | None = None) -> list[str]:
    """Sentences in the request's language; "scientist" speaks to the scientist ("you")."""
    return render_reasons(reasons or [], audience=audience)


@dataclass
class Component:
    name: str
    label: str
    value: float

    @property
    def percent(self) -> int:
        return round(self.value * 100)


@dataclass
class Suggestion:
    """One pair as a card: its score explained, and where each side stands."""

    scientist: ScientistProfile
    project: Project
    score: float
    components: list[Component]
    reasons: list[str]
    viewer_side: str | None  # "scientist", "institution", or None (a coordinator)
    interests: dict[str, Interest] = field(default_factory=dict)
    introduction: Introduction | None = None
    stored: bool = True
    proposed_in_round: object | None = None  # the rounds.Round that proposed this pair

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)

    @property
    def dom_id(self) -> str:
        return f"pair-{self.scientist.pk}-{self.project.pk}"

    @property
    def mine(self) -> Interest | None:
        return self.interests.get(self.viewer_side) if self.viewer_side else None

    @property
    def other_interested(self) -> bool:
        """Whether the other side said "interested" (a decline is never revealed)."""
        other = (
            Interest.Side.INSTITUTION
            if self.viewer_side == Interest.Side.SCIENTIST
            else Interest.Side.SCIENTIST
        )
        found = self.interests.get(other)
        return bool(found and found.decision == Interest.Decision.INTERESTED)

    @property
    def scientist_decision(self) -> Interest | None:
        return self.interests.get(Interest.Side.SCIENTIST)

    @property
    def institution_decision(self) -> Interest | None:
        return self.interests.get(Interest.Side.INSTITUTION)

    @property
    def decide_url(self) -> str:
        if self.viewer_side == Interest.Side.SCIENTIST:
            return reverse("matching:scientist_decide", args=[self.project.pk])
        if self.viewer_side == Interest.Side.INSTITUTION:
            return reverse("matching:institution_decide", args=[self.project.pk, self.scientist.pk])
        return ""


def _components(values: dict) -> list[Component]:
    return [
        Component(name, str(label), float((values or {}).get(name, 0.0)))
        for name, label in SHOWN_COMPONENTS.items()
    ]


def _suggestions(rows, viewer_side: str | None) -> list[Suggestion]:
    """Cards for Match rows (or anything with scientist, project, score, components, reasons)."""
    rows = list(rows)
    if not rows:
        return []
    fill_reasons(rows)
    sci_ids = {r.scientist_id for r in rows}
    proj_ids = {r.project_id for r in rows}
    interests: dict[tuple[int, int], dict[str, Interest]] = {}
    for i in Interest.objects.filter(scientist_id__in=sci_ids, project_id__in=proj_ids):
        interests.setdefault((i.scientist_id, i.project_id), {})[i.side] = i
    intros = {
        (i.scientist_id, i.project_id): i
        for i in Introduction.objects.filter(scientist_id__in=sci_ids, project_id__in=proj_ids)
    }
    return [
        Suggestion(
            scientist=r.scientist,
            project=r.project,
            score=r.score,
            components=_components(r.components),
            reasons=_render_reasons(
                with_evidence(r.reasons, r.scientist, r.project), audience=viewer_side
            ),
            viewer_side=viewer_side,
            interests=interests.get((r.scientist_id, r.project_id), {}),
            introduction=intros.get((r.scientist_id, r.project_id)),
            stored=r.pk is not None,
            proposed_in_round=getattr(r, "proposed_in_round", None),
        )
        for r in rows
    ]


def _pair_suggestion(scientist: ScientistProfile, project: Project, viewer_side) -> Suggestion:
    """One pair's card: its stored match, or the matcher's score now if none is stored."""
    match = Match.objects.filter(scientist=scientist, project=project).first()
    if match is None:
        pair = score_pair(scientist, project)
        match = Match(
            scientist=scientist,
            project=project,
            score=pair.score,
            components=pair.components,
            reasons=pair.reasons,
        )
    return _suggestions([match], viewer_side)[0]


def fit_for_viewer(user, project: Project) -> Suggestion | None:
    """How an open project fits the scientist looking at it (score, reasons, their
    interest), or None when the viewer has no scientist profile."""
    profile = services.scientist_profile_of(user)
    if profile is None or not project.is_open:
        return None
    return _pair_suggestion(profile, project, Interest.Side.SCIENTIST)


def _declined(side: str):
    return Exists(
        Interest.objects.filter(
            scientist=OuterRef("scientist"),
            project=OuterRef("project"),
            side=side,
            decision=Interest.Decision.DECLINED,
        )
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The scientist's side -------------------------------------------------------


@login_required
def my_recommendations(request):
    profile = services.scientist_profile_of(request.user)
    if profile is None:
        return render(request, "matching/my_recommendations.html", {"profile": None})
    side = Interest.Side.SCIENTIST
    base = services.recommended_projects(profile)
    page = Paginator(base.exclude(_declined(side)), PAGE_SIZE).get_page(request.GET.get("page"))
    declined = base.filter(_declined(side))[:50]
    return render(
        request,
        "matching/my_recommendations.html",
        {
            "profile": profile,
            "page": page,
            "suggestions": _suggestions(page.object_list, side),
            "declined": _suggestions(declined, side),
        },
    )


@login_required
@require_POST
def scientist_decide(request, project_pk: int):
    profile = services.scientist_profile_of(request.user)
    if profile is None:
        raise Http404
    project = get_object_or_404(
        Project.objects.exclude(status=vocab.ProjectStatus.DRAFT), pk=project_pk
    )
    return _decide(
        request, profile, project, Interest.Side.SCIENTIST, reverse("matching:my_recommendations")
    )


# --- The institution's side -----------------------------------------------------


def _visible_project(request, pk: int) -> Project:
    return get_object_or_404(
        services.projects_for_user(request.user).select_related("institution"), pk=pk
    )


@login_required
def project_recommendations(request, pk: int):
    project = _visible_project(request, pk)
    side = Interest.Side.INSTITUTION if services.is_project_member(request.user, project) else None
    base = services.recommended_scientists(project, viewer=request.user)
    main = base.exclude(_declined(Interest.Side.INSTITUTION)) if side else base
    page = Paginator(main, PAGE_SIZE).get_page(request.GET.get("page"))
    declined = base.filter(_declined(Interest.Side.INSTITUTION))[:50] if side else []
    return render(
        request,
        "matching/project_recommendations.html",
        {
            "project": project,
            "viewer_side": side,
            "page": page,
            "suggestions": _suggestions(page.object_list, side),
            "declined": _suggestions(declined, side),
        },
    )


@login_required
@require_POST
def institution_decide(request, project_pk: int, scientist_pk: int):
    project = get_object_or_404(
        Project.objects.filter(
            institution_id__in=services.member_institution_ids(request.user)
        ).exclude(status=vocab.ProjectStatus.DRAFT),
        pk=project_pk,
    )
    scientist = get_object_or_404(ScientistProfile, pk=scientist_pk)
    return _decide(
        request,
        scientist,
        project,
        Interest.Side.INSTITUTION,
        reverse("matching:project_recommendations", args=[project.pk]),
    )


def _decide(request, scientist, project, side: str, default_next: str):
    form = DecisionForm(request.POST)
    error = ""
    result = None
    if form.is_valid():
        try:
            result = services.express_interest(
                user=request.user,
                scientist=scientist,
                project=project,
                side=side,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)

    if _is_htmx(request):
        card = _pair_suggestion(scientist, project, side)
        context = {"s": card, "error": error, "next": _safe_next(request, "")}
        return render(request, "matching/_suggestion.html", context)

    if error:
        messages.error(request, error)
    elif result.introduction_created:
        messages.success(
            request,
            _("You are both interested: we have introduced you. Contact details are shared."),
        )
    elif result.interest.decision == Interest.Decision.INTERESTED:
        messages.success(
            request,
            _(
                "Marked as interesting. We will introduce you when the other side is "
                "interested too."
            ),
        )
    else:
        messages.success(request, _("Marked as not for you. Thank you for telling us why."))
    return redirect(_safe_next(request, default_next))


# --- Introductions ----------------------------------------------------------------


@login_required
def introduction_list(request):
    qs = services.introductions_for_user(request.user).order_by("-created_at", "-pk")
    search = IntroductionSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query and request.user.is_coordinator:
        qs = qs.filter(
            Q(scientist__name__icontains=query)
            | Q(scientist__ref__iexact=query)
            | Q(project__title__icontains=query)
            | Q(project__ref__iexact=query)
            | Q(project__institution__name__icontains=query)
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Members reach their projects' recommended scientists from here too.
    member_projects = (
        Project.objects.open()
        .filter(institution_id__in=services.member_institution_ids(request.user))
        .select_related("institution")
        .order_by("institution__name", "title")[:50]
    )
    return render(
        request,
        "matching/introduction_list.html",
        {"page": page, "q": query, "search": search, "member_projects": member_projects},
    )


@login_required
def introduction_detail(request, pk: int):
    intro = get_object_or_404(
        services.introductions_for_user(request.user).select_related("scientist__user"), pk=pk
    )
    return render(
        request,
        "matching/introduction_detail.html",
        {
            "intro": intro,
            "components": _components(intro.components),
            "score_percent": round(intro.score * 100),
            "score_now_percent": round(_score_now(intro.scientist, intro.project) * 100),
            "reasons": _render_reasons(
                with_evidence(intro.reasons, intro.scientist, intro.project),
                audience="scientist" if intro.scientist.user_id == request.user.pk else None,
            ),
            "members": services.institution_contacts(intro.project),
            "scientist_email": services.scientist_contact_email(intro.scientist),
            "interests": services.interest_state(intro.scientist, intro.project),
        },
    )


def _score_now(scientist: ScientistProfile, project: Project) -> float:
    """The pair's score today: its stored suggestion, else computed now."""
    match = Match.objects.filter(scientist=scientist, project=project).only("score").first()
    return match.score if match is not None else score_pair(scientist, project).score


# --- The coordinator's matcher page ---------------------------------------------


def _require_coordinator(request) -> None:
    if not request.user.is_coordinator:
        raise Http404


def _lookup(qs, query: str, ref_field: str, name_field: str, picked_id: str):
    """(selected object or None, candidates) for a reference or a name."""
    # ASCII digits only ("²".isdigit() is true too) and no more than a key holds.
    if picked_id.isascii() and picked_id.isdigit() and len(picked_id) <= 18:
        found = qs.filter(pk=int(picked_id)).first()
        if found is not None:
            return found, []
    if not query:
        return None, []
    exact = (
        qs.filter(**{ref_field: query}).first()  # the unique index
        or qs.filter(**{f"{ref_field}__iexact": query}).first()
    )
    if exact is not None:
        return exact, []
    candidates = list(qs.filter(**{f"{name_field}__icontains": query}).order_by(name_field)[:20])
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def _rank(qs, score: float) -> int:
    """1 + how many stored matches in the list score higher."""
    return qs.filter(score__gt=score).count() + 1


@login_required
def coordinator(request):
    _require_coordinator(request)
    form = PairLookupForm(request.GET or None)
    sci_query = proj_query = ""
    if form.is_valid():
        sci_query = form.cleaned_data["scientist"].strip()
        proj_query = form.cleaned_data["project"].strip()
    scientist, sci_candidates = _lookup(
        ScientistProfile.objects.all(),
        sci_query,
        "ref",
        "name",
        request.GET.get("scientist_id", ""),
    )
    project, proj_candidates = _lookup(
        Project.objects.select_related("institution"),
        proj_query,
        "ref",
        "title",
        request.GET.get("project_id", ""),
    )
    context = {
        "form": form,
        "scientist": scientist,
        "project": project,
        "sci_candidates": sci_candidates,
        "proj_candidates": proj_candidates,
        "sci_query": sci_query,
        "proj_query": proj_query,
        "sci_value": sci_query or (scientist.ref if scientist else ""),
        "proj_value": proj_query or (project.ref if project else ""),
        "top_k": settings.MATCH_TOP_K,
        "runs": MatchRun.objects.select_related("started_by")[:5],
        "running": services.running_match_run(),
    }
    if scientist is not None:
        context["scientist_top"] = (
            Match.objects.filter(scientist=scientist)
            .select_related("project")
            .order_by("-score")[:5]
        )
    if project is not None:
        context["project_top"] = (
            Match.objects.filter(project=project).select_related("scientist").order_by("-score")[:5]
        )
    if scientist is not None and project is not None:
        context.update(_explain_pair(scientist, project))
    return render(request, "matching/coordinator.html", context)


def _explain_pair(scientist: ScientistProfile, project: Project) -> dict:
    pair = score_pair(scientist, project)
    stored = Match.objects.filter(scientist=scientist, project=project).first()
    top_k = settings.MATCH_TOP_K
    sci_rank = _rank(Match.objects.filter(scientist=scientist).exclude(project=project), pair.score)
    proj_rank = _rank(
        Match.objects.filter(project=project).exclude(scientist=scientist), pair.score
    )
    return {
        "pair": pair,
        "pair_percent": round(pair.score * 100),
        "pair_components": _components(pair.components),
        "pair_language": pair.components.get("language"),
        "pair_reasons": _render_reasons(with_evidence(pair.reasons, scientist, project)),
        "stored": stored,
        "stored_percent": round(stored.score * 100) if stored else None,
        "sci_rank": sci_rank,
        "proj_rank": proj_rank,
        "in_sci_top": pair.score > 0 and sci_rank <= top_k,
        "in_proj_top": pair.score > 0 and proj_rank <= top_k,
        "pair_interests": services.interest_state(scientist, project),
        "pair_introduction": Introduction.objects.filter(
            scientist=scientist, project=project
        ).first(),
    }


@login_required
@require_POST
def start_rematch(request):
    _require_coordinator(request)
    run, started = services.start_full_rematch(user=request.user)
    if started:
        messages.success(request, _("Full rematch started."))
    else:
        messages.warning(request, _("A full rematch is already running."))
    return redirect(reverse("matching:coordinator") + "#runs")


@login_required
def run_progress(request, pk: int):
    _require_coordinator(request)
    run = get_object_or_404(MatchRun, pk=pk)
    return render(request, "matching/_run_progress.html", {"run": run})
