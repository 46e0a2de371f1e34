"""Who hears about what: one function per event the rest of the app reports.

Each is called inside the transaction of the change (see services.notify), and
sends only to people who may already see what it names: agreements to their
parties and coordinators, interest only when it is interest (never a "not for
me"), contact details only in an introduction.
"""

from django.urls import reverse

from accounts.models import User
from profiles.models import Institution, Membership, Project

from .kinds import Kind
from .models import NotificationSettings
from .services import notify

STAGE_KINDS = {
    "accept": Kind.AGREEMENT_SIGNED,
    "request_changes": Kind.AGREEMENT_CHANGES_REQUESTED,
    "revise": Kind.AGREEMENT_REVISED,
    "start": Kind.AGREEMENT_STARTED,
    "complete": Kind.AGREEMENT_COMPLETED,
    "stall": Kind.AGREEMENT_STALLED,
    "resume": Kind.AGREEMENT_RESUMED,
    "cancel": Kind.AGREEMENT_CANCELLED,
}
# Coordinators hear of these even when nobody is assigned to the agreement.
NEEDS_A_COORDINATOR = (Kind.AGREEMENT_STALLED, Kind.AGREEMENT_CANCELLED)


# --- who is who ---------------------------------------------------------------


def institution_members(institution_id: int) -> list[User]:
    """The approved members of an approved institution."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.approved().filter(institution_id=institution_id),
        )
        .distinct()
        .order_by("pk")
    )


def agreement_parties(agreement) -> list[User]:
    """The scientist and the members of the project's institution."""
    users = []
    scientist_user = agreement.scientist.user
    if scientist_user is not None:
        users.append(scientist_user)
    return users + institution_members(agreement.project.institution_id)


def coordinators_following(*, institution_id: int | None, areas) -> list[User]:
    """Coordinators who follow this institution or one of these areas, plus those who
    follow nothing (they hear of everything); all of them if that leaves nobody."""
    coordinators = list(User.objects.coordinators().order_by("pk"))
    chosen_by = {
        s.user_id: s
        for s in NotificationSettings.objects.filter(user__in=coordinators).prefetch_related(
            "followed_institutions"
        )
    }
    areas = set(areas or ())

    def follows(coordinator) -> bool:
        chosen = chosen_by.get(coordinator.pk)
        if chosen is None:
            return True
        institution_ids = {i.pk for i in chosen.followed_institutions.all()}
        if not institution_ids and not chosen.followed_areas:
            return True
        return institution_id in institution_ids or bool(areas & set(chosen.followed_areas))

    return [c for c in coordinators if follows(c)] or coordinators


def institution_areas(institution_id: int) -> set[str]:
    areas = set()
    for project_areas in Project.objects.filter(institution_id=institution_id).values_list(
        "areas", flat=True
    ):
        areas.update(project_areas or ())
    return areas


def agreement_coordinators(agreement) -> list[User]:
    if agreement.coordinator_id and agreement.coordinator.is_active:
        return [agreement.coordinator]
    return coordinators_following(
        institution_id=agreement.project.institution_id, areas=agreement.project.areas
    )


def _agreement_params(agreement) -> dict:
    return {
        "project": agreement.project.title,
        "scientist": agreement.scientist.name,
        "agreement_id": agreement.pk,
    }


def _agreement_link(agreement, anchor: str = "") -> str:
    return reverse("agreements:detail", args=[agreement.pk]) + anchor


# --- agreements ----------------------------------------------------------------


def agreement_recorded(event) -> None:
    """An entry on an agreement's timeline, made by a person (agreements.services)."""
    agreement = event.agreement
    params = _agreement_params(agreement)
    anchor = ""
    if event.kind == "created":
        kind = Kind.AGREEMENT_PROPOSED
    elif event.kind == "stage":
        kind = STAGE_KINDS.get(event.data.get("action"))
        params["reason"] = event.message
    elif event.kind in ("milestone_added", "milestone_done"):
        kind = Kind.MILESTONE_ADDED if event.kind == "milestone_added" else Kind.MILESTONE_DONE
        params["milestone"] = event.message
        anchor = "#milestones-title"
    elif event.kind == "assigned":
        if agreement.coordinator_id:
            notify(
                kind=Kind.COORDINATOR_ASSIGNED,
                event_key=f"agreement-event:{event.pk}",
                recipients=[agreement.coordinator],
                link=_agreement_link(agreement),
                actor=event.actor,
                params=params,
            )
        return
    else:
        return  # notes, contacts and follow-up dates stay on the timeline
    if kind is None:
        return
    recipients = agreement_parties(agreement)
    if agreement.coordinator_id:
        recipients.append(agreement.coordinator)
    elif kind in NEEDS_A_COORDINATOR:
        recipients += agreement_coordinators(agreement)
    notify(
        kind=kind,
        event_key=f"agreement-event:{event.pk}",
        recipients=recipients,
        link=_agreement_link(agreement, anchor),
        actor=event.actor,
        params=params,
    )


REMINDER_KINDS = {
    "milestone_due": Kind.MILESTONE_DUE,
    "milestone_overdue": Kind.MILESTONE_OVERDUE,
    "follow_up_due": Kind.FOLLOW_UP_DUE,
    "stalled": Kind.AGREEMENT_STALLED,
}


def reminder(*, user, reminder_kind: str, key: str, agreement, milestone=None) -> None:
    """One of the daily follow-up job's reminders (agreements.followups)."""
    params = _agreement_params(agreement)
    anchor = ""
    if milestone is not None:
        params.update(milestone=milestone.title, due=milestone.due_on.isoformat())
        anchor = "#milestones-title"
    if reminder_kind == "follow_up_due" and agreement.next_follow_up_on:
        params["due"] = agreement.next_follow_up_on.isoformat()
    if reminder_kind == "stalled":
        params.update(auto=True, since=agreement.last_activity_on.isoformat())
    notify(
        kind=REMINDER_KINDS[reminder_kind],
        event_key=f"reminder:{key}",
        recipients=[user],
        link=_agreement_link(agreement, anchor),
        params=params,
    )


# --- interest and introductions ---------------------------------------------------


def interest_expressed(interest) -> None:
    """One side is interested; the other side hears of it (never of a "not for me")."""
    if interest.decision != "interested":
        return
    project = interest.project
    params = {
        "side": interest.side,
        "project": project.title,
        "institution": project.institution.name,
        "scientist": interest.scientist.name,
    }
    key = f"interest:{interest.pk}"
    if interest.side == "institution":
        notify(
            kind=Kind.INTEREST,
            event_key=key,
            recipients=[interest.scientist.user],
            link=reverse("profiles:project_detail", args=[project.pk]),
            actor=interest.decided_by,
            params=params,
        )
    else:
        notify(
            kind=Kind.INTEREST,
            event_key=key,
            recipients=institution_members(project.institution_id),
            link=reverse("matching:project_recommendations", args=[project.pk]),
            actor=interest.decided_by,
            params=params,
        )


def introduction_made(introduction) -> None:
    """Both sides are interested: both hear of it, with each other's contact details."""
    project = introduction.project
    notify(
        kind=Kind.INTRODUCTION,
        event_key=f"introduction:{introduction.pk}",
        recipients=[introduction.scientist.user, *institution_members(project.institution_id)],
        link=reverse("matching:introduction_detail", args=[introduction.pk]),
        params={
            "introduction_id": introduction.pk,
            "project": project.title,
            "scientist": introduction.scientist.name,
            "institution": project.institution.name,
        },
    )


def introduction_email_context(notification) -> dict:
    """What the introduction email shares: each side's contact details."""
    from matching.models import Introduction
    from matching.reasons import render_reasons
    from matching.services import institution_contacts, scientist_contact_email

    intro = (
        Introduction.objects.select_related("scientist", "project__institution")
        .filter(pk=notification.params.get("introduction_id"))
        .first()
    )
    if intro is None:
        return {}
    audience = (
        "scientist" if intro.scientist.user_id == notification.recipient_id else "institution"
    )
    return {
        "intro": intro,
        "scientist": intro.scientist,
        "project": intro.project,
        "institution": intro.project.institution,
        "members": institution_contacts(intro.project),
        "scientist_email": scientist_contact_email(intro.scientist),
        "reasons": render_reasons(intro.reasons, audience=audience),
        "audience": audience,
    }


# --- institutions and memberships ---------------------------------------------------


def institution_registered(institution: Institution, *, by) -> None:
    notify(
        kind=Kind.INSTITUTION_REGISTERED,
        event_key=f"institution:{institution.pk}:registered",
        recipients=coordinators_following(institution_id=institution.pk, areas=()),
        link=reverse("profiles:approvals"),
        actor=by,
        params={"institution": institution.name},
    )


def institution_decided(institution: Institution, *, approved: bool, members, by=None) -> None:
    """`members`: the people whose pending membership this decision settled."""
    outcome = "approved" if approved else "rejected"
    notify(
        kind=Kind.INSTITUTION_DECIDED,
        event_key=f"institution:{institution.pk}:{outcome}",
        recipients=members,
        link=reverse("profiles:my_institution"),
        actor=by,
        params={"institution": institution.name, "approved": approved},
    )


def membership_requested(membership: Membership) -> None:
    institution = membership.institution
    key = f"membership:{membership.pk}:requested"
    params = {"institution": institution.name}
    coordinators = coordinators_following(
        institution_id=institution.pk, areas=institution_areas(institution.pk)
    )
    notify(
        kind=Kind.MEMBERSHIP_REQUESTED,
        event_key=key,
        recipients=coordinators,
        link=reverse("profiles:approvals"),
        actor=membership.user,
        params=params,
    )
    notify(
        kind=Kind.MEMBERSHIP_REQUESTED,
        event_key=key,
        recipients=[
            u
            for u in institution_members(institution.pk)
            if all(c.pk != u.pk for c in coordinators)
        ],
        link=reverse("profiles:my_institution"),
        actor=membership.user,
        params=params,
    )


def membership_decided(membership: Membership, *, by=None) -> None:
    approved = membership.status == Membership.Status.APPROVED
    notify(
        kind=Kind.MEMBERSHIP_DECIDED,
        event_key=f"membership:{membership.pk}:{membership.status}",
        recipients=[membership.user],
        link=reverse("profiles:my_institution"),
        actor=by,
        params={"institution": membership.institution.name, "approved": approved},
    )
