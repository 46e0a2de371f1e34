"""The agreement workflow: small atomic functions, one per thing a user can do.

The stage machine is data (TRANSITIONS): the interface offers only what
`allowed_actions` returns and `transition` refuses anything else with a clear
AgreementError. Every change records an AgreementEvent and, when a person made
it, moves `last_activity_on` to today.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching.models import Introduction
from notifications import events as notification_events
from profiles import vocab
from profiles.models import Membership, Project, ScientistProfile

from .models import Agreement, AgreementEvent, Milestone, Stage

SCIENTIST = "scientist"
INSTITUTION = "institution"

# Who may take a transition.
AWAITING = "awaiting"  # only the side the agreement is waiting for
PARTY_OR_COORDINATOR = "party_or_coordinator"


class AgreementError(Exception):
    """A refused action; the message is shown to the user as is."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    by: str
    # The question above the reason box; only transitions that need a reason have one.
    reason_label: Promise | None = None
    # Offered as a form of its own (the revision edits the proposal).
    via_form: bool = False

    @property
    def needs_reason(self) -> bool:
        return self.reason_label is not None


WORKING_STAGES = (Stage.PROPOSED, Stage.NEGOTIATING, Stage.SIGNED, Stage.ACTIVE)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "accept", gettext_lazy("Accept and sign"), (Stage.PROPOSED,), Stage.SIGNED, AWAITING
        ),
        Transition(
            "request_changes",
            gettext_lazy("Ask for changes"),
            (Stage.PROPOSED,),
            Stage.NEGOTIATING,
            AWAITING,
            reason_label=gettext_lazy("What should change?"),
        ),
        Transition(
            "revise",
            gettext_lazy("Revise and propose again"),
            (Stage.NEGOTIATING,),
            Stage.PROPOSED,
            AWAITING,
            via_form=True,
        ),
        Transition(
            "start", gettext_lazy("Start"), (Stage.SIGNED,), Stage.ACTIVE, PARTY_OR_COORDINATOR
        ),
        Transition(
            "complete",
            gettext_lazy("Mark completed"),
            (Stage.ACTIVE,),
            Stage.COMPLETED,
            PARTY_OR_COORDINATOR,
        ),
        Transition(
            "stall",
            gettext_lazy("Mark stalled"),
            WORKING_STAGES,
            Stage.STALLED,
            PARTY_OR_COORDINATOR,
            reason_label=gettext_lazy("Why is it stalled?"),
        ),
        Transition(
            "resume", gettext_lazy("Resume"), (Stage.STALLED,), Stage.ACTIVE, PARTY_OR_COORDINATOR
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel the agreement"),
            (*WORKING_STAGES, Stage.STALLED),
            Stage.CANCELLED,
            PARTY_OR_COORDINATOR,
            reason_label=gettext_lazy("Why cancel the agreement?"),
        ),
    )
}


# --- who is who -------------------------------------------------------------


def member_institution_ids(user) -> QuerySet:
    return Membership.objects.approved().filter(user=user).values("institution_id")


def _parties(user) -> Q:
    """Rows about a scientist-project pair where the user speaks for one side.

    The user's profile and their institutions' projects are looked up first, so
    the condition is on the rows' own keys (two index scans) rather than an OR
    across joined tables, which scans every row."""
    profiles = list(
        ScientistProfile.objects.filter(user=user).order_by().values_list("pk", flat=True)
    )
    projects = list(
        Project.objects.filter(institution_id__in=member_institution_ids(user)).values_list(
            "pk", flat=True
        )
    )
    return Q(scientist_id__in=profiles) | Q(project_id__in=projects)


def _visible(qs: QuerySet, user) -> QuerySet:
    if not user.is_authenticated:
        return qs.none()
    if user.is_coordinator:
        return qs
    return qs.filter(_parties(user))


def visible_agreements(user) -> QuerySet:
    """The agreements a user may see: their own as scientist, their institution's
    as an approved member, all of them as a coordinator."""
    return _visible(Agreement.objects.all(), user)


def visible_introductions(user) -> QuerySet:
    return _visible(Introduction.objects.all(), user)


def introductions_ready(user) -> QuerySet:
    """Introductions where the user is a side and no agreement is open yet."""
    if not user.is_authenticated:
        return Introduction.objects.none()
    open_agreement = Agreement.objects.open().filter(
        scientist=OuterRef("scientist"), project=OuterRef("project")
    )
    return (
        Introduction.objects.filter(_parties(user))
        .exclude(Exists(open_agreement))
        .select_related("scientist", "project__institution")
        .order_by("-created_at")
    )


def sides_of(user, *, scientist, project) -> set[str]:
    """The sides of a scientist-project pair a user speaks for."""
    sides = set()
    if not user.is_authenticated:
        return sides
    if scientist.user_id and scientist.user_id == user.pk:
        sides.add(SCIENTIST)
    if project.institution_id in user.approved_institution_ids:
        sides.add(INSTITUTION)
    return sides


def agreement_sides(user, agreement: Agreement) -> set[str]:
    return sides_of(user, scientist=agreement.scientist, project=agreement.project)


def can_change(user, agreement: Agreement) -> bool:
    return bool(agreement_sides(user, agreement)) or user.is_coordinator


def _other(side: str) -> str:
    return INSTITUTION if side == SCIENTIST else SCIENTIST


def _today(today):
    return today or timezone.localdate()


# --- transitions ------------------------------------------------------------


def allowed_actions(agreement: Agreement, user) -> list[Transition]:
    """The transitions this user may take now, in table order (for the UI)."""
    sides = agreement_sides(user, agreement)
    coordinator = user.is_coordinator
    found = []
    for t in TRANSITIONS.values():
        if agreement.stage not in t.sources:
            continue
        if t.by == AWAITING and agreement.awaiting_side not in sides:
            continue
        if t.by == PARTY_OR_COORDINATOR and not (sides or coordinator):
            continue
        found.append(t)
    return found


def _check(agreement: Agreement, action: str, user) -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise AgreementError(_("Unknown action."))
    if agreement.stage not in t.sources:
        raise AgreementError(
            _("An agreement that is %(stage)s cannot be changed that way (%(action)s).")
            % {"stage": agreement.get_stage_display().lower(), "action": t.label}
        )
    if t not in allowed_actions(agreement, user):
        if t.by == AWAITING:
            raise AgreementError(_("This step is for the other side of the agreement."))
        raise AgreementError(_("Only the parties and coordinators can change this agreement."))
    return t


def _record(agreement, *, actor, kind, message="", channel="", data=None, today=None, touch=True):
    event = AgreementEvent.objects.create(
        agreement=agreement,
        actor=actor,
        kind=kind,
        message=message,
        channel=channel,
        data=data or {},
    )
    if touch:
        agreement.last_activity_on = _today(today)
        Agreement.objects.filter(pk=agreement.pk).update(
            last_activity_on=agreement.last_activity_on, updated_at=timezone.now()
        )
    notification_events.agreement_recorded(event)


def _locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("scientist", "project", "introduction")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def transition(
    *, agreement: Agreement, action: str, by, reason: str = "", today: datetime.date | None = None
) -> Agreement:
    """Take one allowed step of the stage machine (not `revise`: see revise_agreement)."""
    agreement = _locked(agreement)
    t = _check(agreement, action, by)
    if t.via_form and action == "revise":
        raise AgreementError(_("Revise the proposal with its form."))
    return _apply(agreement, t, by=by, reason=reason, today=today)


def _apply(agreement, t: Transition, *, by, reason="", today=None) -> Agreement:
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise AgreementError(_("Please give a reason."))
    today = _today(today)
    old = agreement.stage
    agreement.stage = t.target
    fields = ["stage", "updated_at"]
    if t.action == "accept":
        agreement.signed_on = today
        agreement.awaiting_side = ""
        fields += ["signed_on", "awaiting_side"]
        if agreement.introduction_id:
            introduced = timezone.localdate(agreement.introduction.created_at)
            agreement.days_to_sign = max((today - introduced).days, 0)
            fields.append("days_to_sign")
    elif t.action in ("request_changes", "revise"):
        agreement.awaiting_side = _other(agreement.awaiting_side or SCIENTIST)
        fields.append("awaiting_side")
    elif t.action == "start":
        if agreement.started_on is None:
            agreement.started_on = today
            fields.append("started_on")
    elif t.action == "complete":
        agreement.completed_on = today
        fields.append("completed_on")
    if t.needs_reason and t.action in ("stall", "cancel"):
        agreement.close_reason = reason
        fields.append("close_reason")
    agreement.save(update_fields=fields)
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.STAGE,
        message=reason,
        data={"action": t.action, "from": old, "to": t.target},
        today=today,
    )
    return agreement


def _clean_goals(goals) -> list[str]:
    goals = list(dict.fromkeys(goals or []))
    unknown = [g for g in goals if g not in vocab.Goal.values]
    if unknown:
        raise AgreementError(_("Unknown goals: %(goals)s") % {"goals": ", ".join(unknown)})
    return goals


def _add_milestones(agreement, milestones):
    Milestone.objects.bulk_create(
        [
            Milestone(agreement=agreement, title=m["title"].strip(), due_on=m.get("due_on"))
            for m in milestones
            if (m.get("title") or "").strip()
        ]
    )


@transaction.atomic
def propose_agreement(
    *,
    introduction: Introduction,
    by,
    goals: list[str],
    goals_text: str = "",
    hours_per_month: int | None = None,
    started_on: datetime.date | None = None,
    milestones: list[dict] = (),
    today: datetime.date | None = None,
) -> Agreement:
    """Either side of an introduction proposes an agreement; the other side answers."""
    sides = sides_of(by, scientist=introduction.scientist, project=introduction.project)
    if not sides:
        raise AgreementError(_("Only the two sides of an introduction can propose an agreement."))
    goals = _clean_goals(goals)
    if not goals and not goals_text.strip():
        raise AgreementError(_("Write down at least one goal."))
    if (
        Agreement.objects.open()
        .filter(scientist=introduction.scientist, project=introduction.project)
        .exists()
    ):
        raise AgreementError(
            _("There is already an open agreement for this project and scientist.")
        )
    side = SCIENTIST if SCIENTIST in sides else INSTITUTION
    today = _today(today)
    try:
        with transaction.atomic():
            agreement = Agreement.objects.create(
                scientist=introduction.scientist,
                project=introduction.project,
                introduction=introduction,
                stage=Stage.PROPOSED,
                proposed_by=by,
                awaiting_side=_other(side),
                goals=goals,
                goals_text=goals_text.strip(),
                hours_per_month=hours_per_month,
                started_on=started_on,
                last_activity_on=today,
            )
    except IntegrityError as exc:
        raise AgreementError(
            _("There is already an open agreement for this project and scientist.")
        ) from exc
    _add_milestones(agreement, milestones)
    _record(agreement, actor=by, kind=AgreementEvent.Kind.CREATED, data={"side": side}, today=today)
    return agreement


@transaction.atomic
def revise_agreement(
    *,
    agreement: Agreement,
    by,
    goals: list[str],
    goals_text: str = "",
    hours_per_month: int | None = None,
    started_on: datetime.date | None = None,
    milestones: list[dict] = (),
    note: str = "",
    today: datetime.date | None = None,
) -> Agreement:
    """The side asked for changes edits the proposal and proposes it again."""
    agreement = _locked(agreement)
    t = _check(agreement, "revise", by)
    goals = _clean_goals(goals)
    if not goals and not goals_text.strip():
        raise AgreementError(_("Write down at least one goal."))
    agreement.goals = goals
    agreement.goals_text = goals_text.strip()
    agreement.hours_per_month = hours_per_month
    agreement.started_on = started_on
    agreement.save(update_fields=["goals", "goals_text", "hours_per_month", "started_on"])
    _add_milestones(agreement, milestones)
    _record(agreement, actor=by, kind=AgreementEvent.Kind.EDITED, message=note.strip(), today=today)
    return _apply(agreement, t, by=by, reason=note, today=today)


# --- milestones, notes ------------------------------------------------------


def _require_change(agreement, user):
    if not can_change(user, agreement):
        raise AgreementError(_("Only the parties and coordinators can change this agreement."))
    if not agreement.is_open:
        raise AgreementError(_("This agreement is closed."))


@transaction.atomic
def add_milestone(
    *,
    agreement: Agreement,
    by,
    title: str,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Milestone:
    agreement = _locked(agreement)
    _require_change(agreement, by)
    title = (title or "").strip()
    if not title:
        raise AgreementError(_("A milestone needs a title."))
    milestone = Milestone.objects.create(agreement=agreement, title=title, due_on=due_on)
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.MILESTONE_ADDED,
        message=title,
        data={"milestone": milestone.pk, "due_on": due_on.isoformat() if due_on else None},
        today=today,
    )
    return milestone


@transaction.atomic
def complete_milestone(
    *, milestone: Milestone, by, today: datetime.date | None = None
) -> Milestone:
    agreement = _locked(milestone.agreement)
    _require_change(agreement, by)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done:
        raise AgreementError(_("This milestone is already done."))
    milestone.done = True
    milestone.done_on = _today(today)
    milestone.save(update_fields=["done", "done_on"])
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.MILESTONE_DONE,
        message=milestone.title,
        data={"milestone": milestone.pk},
        today=today,
    )
    return milestone


@transaction.atomic
def add_note(*, agreement: Agreement, by, text: str, today: datetime.date | None = None):
    agreement = _locked(agreement)
    if not can_change(by, agreement):
        raise AgreementError(_("Only the parties and coordinators can change this agreement."))
    text = (text or "").strip()
    if not text:
        raise AgreementError(_("The note is empty."))
    _record(agreement, actor=by, kind=AgreementEvent.Kind.NOTE, message=text, today=today)


# --- coordinators -----------------------------------------------------------


def _require_coordinator(user):
    if not user.is_coordinator:
        raise AgreementError(_("Only coordinators can do this."))


@transaction.atomic
def assign_coordinator(
    *, agreement: Agreement, by, coordinator: User | None, today: datetime.date | None = None
) -> Agreement:
    _require_coordinator(by)
    agreement = _locked(agreement)
    if coordinator is not None and not coordinator.is_coordinator:
        raise AgreementError(_("That person is not a coordinator."))
    agreement.coordinator = coordinator
    agreement.save(update_fields=["coordinator", "updated_at"])
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.ASSIGNED,
        message=str(coordinator) if coordinator else "",
        data={"coordinator": coordinator.pk if coordinator else None},
        today=today,
    )
    return agreement


@transaction.atomic
def log_contact(
    *, agreement: Agreement, by, channel: str, note: str = "", today: datetime.date | None = None
):
    _require_coordinator(by)
    agreement = _locked(agreement)
    if channel not in AgreementEvent.Channel.values:
        raise AgreementError(_("Choose call, email or meeting."))
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.CONTACT,
        channel=channel,
        message=(note or "").strip(),
        today=today,
    )


@transaction.atomic
def set_follow_up(
    *, agreement: Agreement, by, on: datetime.date | None, today: datetime.date | None = None
) -> Agreement:
    _require_coordinator(by)
    agreement = _locked(agreement)
    agreement.next_follow_up_on = on
    agreement.save(update_fields=["next_follow_up_on", "updated_at"])
    _record(
        agreement,
        actor=by,
        kind=AgreementEvent.Kind.FOLLOW_UP,
        data={"on": on.isoformat() if on else None},
        today=today,
    )
    return agreement


def mark_stalled_by_system(*, agreement_id: int, today: datetime.date, stall_days: int) -> bool:
    """Conditionally stall one agreement (the follow-up job). True if this call stalled it.

    Not a person's activity: last_activity_on is kept, so the dashboard still shows
    how long nothing happened.
    """
    cutoff = today - datetime.timedelta(days=stall_days)
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update()
            .filter(pk=agreement_id, stage__in=WORKING_STAGES, last_activity_on__lte=cutoff)
            .first()
        )
        if agreement is None:
            return False
        old = agreement.stage
        agreement.stage = Stage.STALLED
        agreement.save(update_fields=["stage", "updated_at"])
        AgreementEvent.objects.create(
            agreement=agreement,
            actor=None,
            kind=AgreementEvent.Kind.STAGE,
            data={
                "action": "stall",
                "from": old,
                "to": Stage.STALLED,
                "auto": True,
                "days": stall_days,
            },
        )
    return True
