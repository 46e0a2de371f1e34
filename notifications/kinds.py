"""The kinds of notification: what each one says, to whom it may go, how it is sent by default.

A notification stores its kind and the names it needs (project title, who did
it...); its text is written here, in the reader's language, whenever it is shown
or emailed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Kind(models.TextChoices):
    INTEREST = "interest", gettext_lazy("Interest from the other side")
    INTRODUCTION = "introduction", gettext_lazy("Introductions")
    AGREEMENT_PROPOSED = "agreement_proposed", gettext_lazy("Agreement proposed")
    AGREEMENT_CHANGES_REQUESTED = (
        "agreement_changes_requested",
        gettext_lazy("Changes asked to an agreement"),
    )
    AGREEMENT_REVISED = "agreement_revised", gettext_lazy("Agreement revised")
    AGREEMENT_SIGNED = "agreement_signed", gettext_lazy("Agreement accepted and signed")
    AGREEMENT_STARTED = "agreement_started", gettext_lazy("Agreement started")
    AGREEMENT_COMPLETED = "agreement_completed", gettext_lazy("Agreement completed")
    AGREEMENT_STALLED = "agreement_stalled", gettext_lazy("Agreement stalled")
    AGREEMENT_RESUMED = "agreement_resumed", gettext_lazy("Agreement resumed")
    AGREEMENT_CANCELLED = "agreement_cancelled", gettext_lazy("Agreement cancelled")
    MILESTONE_ADDED = "milestone_added", gettext_lazy("Milestone added")
    MILESTONE_DUE = "milestone_due", gettext_lazy("Milestone coming due")
    MILESTONE_OVERDUE = "milestone_overdue", gettext_lazy("Milestone overdue")
    MILESTONE_DONE = "milestone_done", gettext_lazy("Milestone done")
    FOLLOW_UP_DUE = "follow_up_due", gettext_lazy("Follow-up due")
    COORDINATOR_ASSIGNED = "coordinator_assigned", gettext_lazy("Agreement assigned to you")
    INSTITUTION_REGISTERED = "institution_registered", gettext_lazy("Institution registered")
    INSTITUTION_DECIDED = "institution_decided", gettext_lazy("Institution approved or rejected")
    MEMBERSHIP_REQUESTED = "membership_requested", gettext_lazy("Request to join an institution")
    MEMBERSHIP_DECIDED = "membership_decided", gettext_lazy("Membership approved or rejected")


# Who may receive a kind (the preferences page shows each person only theirs).
PARTIES = "parties"  # scientists and institution members
MEMBERS = "members"  # institution members
COORDINATORS = "coordinators"
EVERYONE = "everyone"


@dataclass(frozen=True)
class KindSpec:
    audience: str
    action: Promise  # the label of the one link that lets the reader act


SPECS: dict[str, KindSpec] = {
    Kind.INTEREST: KindSpec(PARTIES, gettext_lazy("See who is interested")),
    Kind.INTRODUCTION: KindSpec(PARTIES, gettext_lazy("See the introduction")),
    Kind.AGREEMENT_PROPOSED: KindSpec(EVERYONE, gettext_lazy("Answer the proposal")),
    Kind.AGREEMENT_CHANGES_REQUESTED: KindSpec(EVERYONE, gettext_lazy("Revise the proposal")),
    Kind.AGREEMENT_REVISED: KindSpec(EVERYONE, gettext_lazy("Answer the proposal")),
    Kind.AGREEMENT_SIGNED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.AGREEMENT_STARTED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.AGREEMENT_COMPLETED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.AGREEMENT_STALLED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.AGREEMENT_RESUMED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.AGREEMENT_CANCELLED: KindSpec(EVERYONE, gettext_lazy("Open the agreement")),
    Kind.MILESTONE_ADDED: KindSpec(EVERYONE, gettext_lazy("See the milestones")),
    Kind.MILESTONE_DUE: KindSpec(PARTIES, gettext_lazy("See the milestones")),
    Kind.MILESTONE_OVERDUE: KindSpec(PARTIES, gettext_lazy("See the milestones")),
    Kind.MILESTONE_DONE: KindSpec(EVERYONE, gettext_lazy("See the milestones")),
    Kind.FOLLOW_UP_DUE: KindSpec(COORDINATORS, gettext_lazy("Follow up the agreement")),
    Kind.COORDINATOR_ASSIGNED: KindSpec(COORDINATORS, gettext_lazy("Open the agreement")),
    Kind.INSTITUTION_REGISTERED: KindSpec(COORDINATORS, gettext_lazy("Review it")),
    Kind.INSTITUTION_DECIDED: KindSpec(MEMBERS, gettext_lazy("Open your institution")),
    Kind.MEMBERSHIP_REQUESTED: KindSpec(MEMBERS, gettext_lazy("See the request")),
    Kind.MEMBERSHIP_DECIDED: KindSpec(MEMBERS, gettext_lazy("Open your institution")),
}


def kinds_for(*, is_scientist: bool, is_member: bool, is_coordinator: bool) -> list[str]:
    """The kinds a person in these roles can receive, in table order."""
    wanted = {EVERYONE}
    if is_scientist or is_member:
        wanted.add(PARTIES)
    if is_member or not is_scientist:
        wanted.add(MEMBERS)
    if is_coordinator:
        wanted.update({COORDINATORS, PARTIES, MEMBERS})
    return [k for k in Kind.values if SPECS[k].audience in wanted]


class _Names(dict):
    """A missing name (a row from before a name was recorded) reads as empty, not an error."""

    def __missing__(self, key):
        return ""


def title(kind: str, p: dict) -> str:
    """One line naming what happened and who did it, in the active language."""
    p = _Names(p, actor=p.get("actor") or _("Someone"))
    if kind == Kind.INTEREST:
        if p.get("side") == "institution":
            return _("%(institution)s is interested in working with you on “%(project)s”") % p
        return _("%(scientist)s is interested in your project “%(project)s”") % p
    if kind == Kind.INTRODUCTION:
        return _("Introduction: %(scientist)s and “%(project)s”") % p
    agreement_titles = {
        Kind.AGREEMENT_PROPOSED: _("%(actor)s proposed an agreement on “%(project)s”"),
        Kind.AGREEMENT_CHANGES_REQUESTED: _(
            "%(actor)s asked for changes to the agreement on “%(project)s”"
        ),
        Kind.AGREEMENT_REVISED: _("%(actor)s revised the agreement on “%(project)s”"),
        Kind.AGREEMENT_SIGNED: _("%(actor)s accepted and signed the agreement on “%(project)s”"),
        Kind.AGREEMENT_STARTED: _("%(actor)s started the agreement on “%(project)s”"),
        Kind.AGREEMENT_COMPLETED: _("%(actor)s marked the agreement on “%(project)s” completed"),
        Kind.AGREEMENT_RESUMED: _("%(actor)s resumed the agreement on “%(project)s”"),
        Kind.AGREEMENT_CANCELLED: _("%(actor)s cancelled the agreement on “%(project)s”"),
        Kind.MILESTONE_ADDED: _(
            "%(actor)s added the milestone “%(milestone)s” to the agreement on “%(project)s”"
        ),
        Kind.MILESTONE_DONE: _(
            "%(actor)s marked the milestone “%(milestone)s” of “%(project)s” done"
        ),
        Kind.MILESTONE_DUE: _("Milestone “%(milestone)s” of “%(project)s” is due on %(due)s"),
        Kind.MILESTONE_OVERDUE: _(
            "Milestone “%(milestone)s” of “%(project)s” was due on %(due)s and is not done"
        ),
        Kind.FOLLOW_UP_DUE: _(
            "Follow-up due: the agreement on “%(project)s” with %(scientist)s (planned for %(due)s)"
        ),
        Kind.COORDINATOR_ASSIGNED: _(
            "%(actor)s assigned you the agreement on “%(project)s” with %(scientist)s"
        ),
    }
    if kind == Kind.AGREEMENT_STALLED:
        if p.get("auto"):
            return (
                _("The agreement on “%(project)s” is stalled: nothing happened since %(since)s") % p
            )
        return _("%(actor)s marked the agreement on “%(project)s” stalled") % p
    if kind in agreement_titles:
        return agreement_titles[kind] % p
    if kind == Kind.INSTITUTION_REGISTERED:
        return _("%(actor)s registered the institution %(institution)s: it awaits approval") % p
    if kind == Kind.INSTITUTION_DECIDED:
        if p.get("approved"):
            return _("%(institution)s was approved: you can now post projects") % p
        return _("%(institution)s was not approved") % p
    if kind == Kind.MEMBERSHIP_REQUESTED:
        return _("%(actor)s asked to join %(institution)s") % p
    if kind == Kind.MEMBERSHIP_DECIDED:
        if p.get("approved"):
            return _("You are now a member of %(institution)s") % p
        return _("Your request to join %(institution)s was not accepted") % p
    return str(Kind(kind).label)
