from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from profiles.models import Membership

from . import dashboard as dash
from . import exports, services
from .filters import DashboardFilterForm
from .forms import (
    AssignForm,
    ContactForm,
    FollowUpForm,
    MilestoneFormSet,
    NewMilestoneForm,
    NoteForm,
    ProposalForm,
    RevisionForm,
    TransitionForm,
)
from .models import Agreement, AgreementEvent, Milestone, Stage


def _get_agreement_for_user(user, pk) -> Agreement:
    """The one lookup every agreement view goes through: 404 unless the user may see it."""
    return get_object_or_404(
        services.visible_agreements(user).select_related(
            "scientist__user", "project__institution", "coordinator", "proposed_by", "introduction"
        ),
        pk=pk,
    )


def _require_coordinator(user):
    if not user.is_coordinator:
        raise PermissionDenied(_("Only coordinators can do this."))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def agreement_list(request):
    # What the table shows, not every text of four tables: 50 whole rows of
    # agreements, scientists, projects and institutions took half the page's time.
    qs = (
        services.visible_agreements(request.user)
        .select_related("scientist", "project__institution")
        .only(
            "stage",
            "last_activity_on",
            "next_follow_up_on",
            "scientist__name",
            "project__title",
            "project__institution__name",
        )
    )
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    page = Paginator(qs.order_by("-last_activity_on", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "ready": services.introductions_ready(request.user)[:20],
        },
    )


def _milestone_rows(formset) -> list[dict]:
    return [
        {"title": f.cleaned_data["title"], "due_on": f.cleaned_data.get("due_on")}
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("title") or "").strip()
    ]


@login_required
def propose(request, introduction_pk):
    introduction = get_object_or_404(
        services.visible_introductions(request.user).select_related("scientist", "project"),
        pk=introduction_pk,
    )
    if not services.sides_of(
        request.user, scientist=introduction.scientist, project=introduction.project
    ):
        raise PermissionDenied(_("Only the two sides of an introduction can propose an agreement."))
    existing = (
        Agreement.objects.open()
        .filter(scientist=introduction.scientist, project=introduction.project)
        .first()
    )
    if existing is not None:
        messages.info(
            request, _("There is already an open agreement for this project and scientist.")
        )
        return redirect("agreements:detail", existing.pk)
    if request.method == "POST":
        form = ProposalForm(request.POST)
        formset = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and formset.is_valid():
            try:
                agreement = services.propose_agreement(
                    introduction=introduction,
                    by=request.user,
                    goals=form.cleaned_data["goals"],
                    goals_text=form.cleaned_data["goals_text"],
                    hours_per_month=form.cleaned_data["hours_per_month"],
                    started_on=form.cleaned_data["started_on"],
                    milestones=_milestone_rows(formset),
                )
            except services.AgreementError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Agreement proposed. The other side has been asked to answer.")
                )
                return redirect("agreements:detail", agreement.pk)
    else:
        form = ProposalForm(
            initial={
                "goals": [
                    g for g in introduction.project.goals if g in introduction.scientist.goals
                ]
                or introduction.project.goals,
                "hours_per_month": introduction.project.hours_per_month,
                "started_on": introduction.project.starts_on,
            }
        )
        formset = MilestoneFormSet(prefix="milestones")
    return render(
        request,
        "agreements/propose.html",
        {"form": form, "formset": formset, "introduction": introduction},
    )


def _detail_context(request, agreement):
    user = request.user
    members = list(
        Membership.objects.approved()
        .filter(institution_id=agreement.project.institution_id)
        .select_related("user")
        .order_by("user__full_name")
    )
    sides = services.agreement_sides(user, agreement)
    context = {
        "agreement": agreement,
        "milestones": agreement.milestones.all(),
        "events": agreement.events.select_related("actor")[:200],
        "members": members,
        "sides": sides,
        "actions": services.allowed_actions(agreement, user),
        "can_change": services.can_change(user, agreement) and agreement.is_open,
        "can_note": services.can_change(user, agreement),
        "is_coordinator": user.is_coordinator,
        "milestone_form": NewMilestoneForm(),
        "note_form": NoteForm(),
        "transition_form": TransitionForm(),
        "today": timezone.localdate(),
    }
    if user.is_coordinator:
        context.update(
            assign_form=AssignForm(initial={"coordinator": agreement.coordinator_id}),
            contact_form=ContactForm(),
            follow_up_form=FollowUpForm(initial={"next_follow_up_on": agreement.next_follow_up_on}),
        )
    return context


@login_required
def detail(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement))


@login_required
@require_POST
def do_transition(request, pk, action):
    agreement = _get_agreement_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("agreements:detail", agreement.pk)
    reason = form.cleaned_data["reason"]
    try:
        services.transition(agreement=agreement, action=action, by=request.user, reason=reason)
    except services.AgreementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Agreement updated."))
    return redirect("agreements:detail", agreement.pk)


@login_required
def revise(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    if services.TRANSITIONS["revise"] not in services.allowed_actions(agreement, request.user):
        messages.error(
            request,
            _("This step is for the other side of the agreement.")
            if agreement.stage == Stage.NEGOTIATING
            else _("Only an agreement under negotiation can be revised."),
        )
        return redirect("agreements:detail", agreement.pk)
    if request.method == "POST":
        form = RevisionForm(request.POST)
        formset = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and formset.is_valid():
            try:
                services.revise_agreement(
                    agreement=agreement,
                    by=request.user,
                    goals=form.cleaned_data["goals"],
                    goals_text=form.cleaned_data["goals_text"],
                    hours_per_month=form.cleaned_data["hours_per_month"],
                    started_on=form.cleaned_data["started_on"],
                    milestones=_milestone_rows(formset),
                    note=form.cleaned_data["note"],
                )
            except services.AgreementError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Proposal revised and sent to the other side."))
                return redirect("agreements:detail", agreement.pk)
    else:
        form = RevisionForm(
            initial={
                "goals": agreement.goals,
                "goals_text": agreement.goals_text,
                "hours_per_month": agreement.hours_per_month,
                "started_on": agreement.started_on,
            }
        )
        formset = MilestoneFormSet(prefix="milestones")
    last_request = agreement.events.filter(
        kind=AgreementEvent.Kind.STAGE, data__action="request_changes"
    ).first()
    return render(
        request,
        "agreements/revise.html",
        {
            "form": form,
            "formset": formset,
            "agreement": agreement,
            "last_request": last_request,
            "milestones": agreement.milestones.all(),
        },
    )


def _milestones_response(request, agreement, form=None, error=""):
    if _is_htmx(request):
        return render(
            request,
            "agreements/_milestones.html",
            {
                "agreement": agreement,
                "milestones": agreement.milestones.all(),
                "can_change": services.can_change(request.user, agreement) and agreement.is_open,
                "milestone_form": form or NewMilestoneForm(),
                "milestone_error": error,
                "today": timezone.localdate(),
            },
        )
    if error:
        messages.error(request, error)
    return redirect("agreements:detail", agreement.pk)


@login_required
@require_POST
def milestone_add(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    form = NewMilestoneForm(request.POST)
    if not form.is_valid():
        return _milestones_response(request, agreement, form, form.error_text())
    try:
        services.add_milestone(
            agreement=agreement,
            by=request.user,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
        )
    except services.AgreementError as exc:
        return _milestones_response(request, agreement, form, str(exc))
    return _milestones_response(request, agreement)


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    agreement = _get_agreement_for_user(request.user, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, agreement=agreement)
    try:
        services.complete_milestone(milestone=milestone, by=request.user)
    except services.AgreementError as exc:
        return _milestones_response(request, agreement, error=str(exc))
    return _milestones_response(request, agreement)


@login_required
@require_POST
def add_note(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AgreementError(_("The note is empty."))
        services.add_note(agreement=agreement, by=request.user, text=form.cleaned_data["text"])
    except services.AgreementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Note added."))
    return redirect("agreements:detail", agreement.pk)


@login_required
@require_POST
def assign(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    _require_coordinator(request.user)
    form = AssignForm(request.POST)
    if form.is_valid():
        services.assign_coordinator(
            agreement=agreement, by=request.user, coordinator=form.cleaned_data["coordinator"]
        )
        messages.success(request, _("Coordinator assigned."))
    else:
        messages.error(request, _("That person is not a coordinator."))
    return redirect("agreements:detail", agreement.pk)


@login_required
@require_POST
def log_contact(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    _require_coordinator(request.user)
    form = ContactForm(request.POST)
    if form.is_valid():
        services.log_contact(
            agreement=agreement,
            by=request.user,
            channel=form.cleaned_data["channel"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Contact logged."))
    else:
        messages.error(request, _("Choose call, email or meeting."))
    return redirect("agreements:detail", agreement.pk)


@login_required
@require_POST
def follow_up(request, pk):
    agreement = _get_agreement_for_user(request.user, pk)
    _require_coordinator(request.user)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.set_follow_up(
            agreement=agreement, by=request.user, on=form.cleaned_data["next_follow_up_on"]
        )
        messages.success(request, _("Next follow-up date saved."))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("agreements:detail", agreement.pk)


# --- coordinators' dashboard ------------------------------------------------


@login_required
def dashboard(request):
    _require_coordinator(request.user)
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    context = dash.build(filters, today=today)
    context.update(form=form, today=today, query=request.GET.urlencode())
    return render(request, "agreements/dashboard.html", context)


@login_required
def dashboard_csv(request):
    _require_coordinator(request.user)
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    qs = dash.filtered_agreements(filters)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.rows(qs, today=today)), content_type="text/csv; charset=utf-8"
    )
    stamp = today.isoformat()
    response["Content-Disposition"] = f'attachment; filename="agreements-{stamp}.csv"'
    return response
