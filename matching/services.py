"""Workflows of the matcher's users: interest, introduction, full rematch.

Who may see what is decided here too (``*_for_user`` helpers), so that every
view scopes its lookups through one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from notifications import events as notification_events
from profiles import vocab
from profiles.models import Membership, Project, ScientistProfile, listed_to_members_q

from . import runs
from .models import Interest, Introduction, Match, MatchRun
from .scoring import score_pair

REASON_MAX_LENGTH = 2000


# --- Who may see what ---------------------------------------------------------


def member_institution_ids(user) -> list[int]:
    """Institutions where the user is an approved member (of an approved institution)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.approved().filter(user=user).values_list("institution_id", flat=True)
    )


def is_project_member(user, project: Project) -> bool:
    return project.institution_id in member_institution_ids(user)


def projects_for_user(user) -> QuerySet[Project]:
    """Projects whose recommended scientists the user may see."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(institution_id__in=member_institution_ids(user))


def introductions_for_user(user) -> QuerySet[Introduction]:
    """A scientist sees theirs, a member their institutions', a coordinator all."""
    qs = Introduction.objects.select_related("scientist", "project", "project__institution")
    if not user.is_authenticated:
        return qs.none()
    if user.is_coordinator:
        return qs
    condition = Q(project__institution_id__in=member_institution_ids(user))
    profile = scientist_profile_of(user)
    if profile is not None:
        condition |= Q(scientist=profile)
    return qs.filter(condition)


def scientist_profile_of(user) -> ScientistProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.scientist_profile
    except ScientistProfile.DoesNotExist:
        return None


def recommended_projects(scientist: ScientistProfile) -> QuerySet[Match]:
    """A scientist's stored suggestions with open projects that have a free seat, best first."""
    return (
        Match.objects.filter(
            scientist=scientist, project__status=vocab.ProjectStatus.OPEN, score__gt=0
        )
        # Per row (the scientist's few suggestions), not every project's seats.
        .exclude(Exists(Project.objects.seats_filled().filter(pk=OuterRef("project_id"))))
        .select_related("scientist", "project", "project__institution", "proposed_in_round")
        .order_by("-score", "project_id")
    )


def recommended_scientists(project: Project, *, viewer=None) -> QuerySet[Match]:
    """A project's stored suggestions, best first; none while it is closed or its seats filled.

    Members see only scientists listed to them (unclaimed imported profiles wait
    for their owner, or for recorded consent); coordinators see everyone.
    """
    if not project.is_open or project.is_filled:
        return Match.objects.none()
    matches = Match.objects.filter(project=project, score__gt=0)
    if viewer is not None and not viewer.is_coordinator:
        matches = matches.filter(listed_to_members_q("scientist__"))
    return matches.select_related(
        "scientist", "project", "project__institution", "proposed_in_round"
    ).order_by("-score", "scientist_id")


# --- Interest and introductions ----------------------------------------------


@dataclass
class InterestResult:
    interest: Interest
    introduction: Introduction | None
    introduction_created: bool


def express_interest(
    *,
    user,
    scientist: ScientistProfile,
    project: Project,
    side: str,
    decision: str,
    reason: str = "",
) -> InterestResult:
    """Record one side's decision on a pair; introduce them when both are interested.

    Repeating a decision changes nothing. The introduction is created once, with
    a snapshot of the pair's score and reasons, and both sides are emailed after
    the transaction commits.
    """
    if side not in Interest.Side.values:
        raise ValidationError(_("Unknown side."))
    if decision not in Interest.Decision.values:
        raise ValidationError(_("Unknown decision."))
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if decision == Interest.Decision.INTERESTED:
        reason = ""
    _check_may_decide(user=user, scientist=scientist, project=project, side=side)

    with transaction.atomic():
        # Both sides deciding at once serialise on the project row, so the
        # second one sees the first one's interest and introduces them.
        project = Project.objects.select_for_update().get(pk=project.pk)
        if decision == Interest.Decision.INTERESTED and not project.is_open:
            raise ValidationError(_("This project is not open."))
        if decision == Interest.Decision.INTERESTED and project.is_filled:
            raise ValidationError(_("This project's seats are filled."))
        interest, _created = Interest.objects.update_or_create(
            scientist=scientist,
            project=project,
            side=side,
            defaults={"decision": decision, "reason": reason, "decided_by": user},
        )
        introduction = Introduction.objects.filter(scientist=scientist, project=project).first()
        created = False
        if introduction is None and _both_interested(scientist, project):
            introduction = _create_introduction(scientist, project)
            created = True
            notification_events.introduction_made(introduction)
        elif introduction is None:
            notification_events.interest_expressed(interest)
    return InterestResult(interest, introduction, created)


def _check_may_decide(*, user, scientist: ScientistProfile, project: Project, side: str) -> None:
    if side == Interest.Side.SCIENTIST:
        if not user.is_authenticated or scientist.user_id != user.pk:
            raise PermissionDenied(_("Only the scientist can decide for the scientist."))
    elif not is_project_member(user, project):
        raise PermissionDenied(_("Only the project's institution can decide for it."))


def _both_interested(scientist: ScientistProfile, project: Project) -> bool:
    sides = set(
        Interest.objects.filter(
            scientist=scientist, project=project, decision=Interest.Decision.INTERESTED
        ).values_list("side", flat=True)
    )
    return sides == set(Interest.Side.values)


def _create_introduction(scientist: ScientistProfile, project: Project) -> Introduction:
    match = Match.objects.filter(scientist=scientist, project=project).first()
    if match is not None:
        from .matcher import fill_reasons

        fill_reasons([match])
        score, components, reasons = match.score, match.components, match.reasons
    else:
        pair = score_pair(scientist, project)
        score, components, reasons = pair.score, pair.components, pair.reasons
    return Introduction.objects.create(
        scientist=scientist,
        project=project,
        score=score,
        components=dict(components),
        reasons=list(reasons),
    )


def interest_state(scientist: ScientistProfile, project: Project) -> dict[str, Interest]:
    """side -> Interest for one pair."""
    return {i.side: i for i in Interest.objects.filter(scientist=scientist, project=project)}


def institution_contacts(project: Project) -> list:
    """The approved members of the project's institution (users)."""
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.approved().filter(
                institution=project.institution_id
            ),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def scientist_contact_email(scientist: ScientistProfile) -> str:
    if scientist.email:
        return scientist.email
    return scientist.user.email if scientist.user_id else ""


# --- Full rematch ---------------------------------------------------------------


def running_match_run() -> MatchRun | None:
    return runs.running_run()


def start_full_rematch(*, user) -> tuple[MatchRun, bool]:
    """Start a full rematch unless one is running; returns (run, started).

    One run at a time is a database constraint: two coordinators pressing the
    button at once get the same run. A lost start is queued again by
    matching.runs.recover_runs.
    """
    if not user.is_coordinator:
        raise PermissionDenied
    run, created = runs.begin_run(started_by=user)
    if created:
        from .tasks import start_full_rematch_task

        run_id = run.pk
        transaction.on_commit(lambda: start_full_rematch_task.delay(run_id))
    return run, created
