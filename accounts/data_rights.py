"""Users' rights over their data: export everything about them, delete their account.

Export: one JSON document with the account, the scientist profile, institution
memberships, the projects they created, their suggestions (scores and reasons),
the interests they expressed (and the other side's interest where the interface
shows it: never a "not for me" or its reason, which stays hidden as promised),
their introductions with reasons, the agreements they are a party to (as the
scientist, or as an approved member of the project's institution) with
milestones and every timeline entry the agreement page shows them, and their
reminders. Other people's contact details are never in it.

Deletion removes the user and their personal data:
- the user row, their email addresses, memberships and reminders (cascade from
  the user), and every session they are logged in with (tracked by
  allauth.usersessions), so no session row names them afterwards;
- their scientist profile, and with it everything that exists only because of the
  profile: its matches, interests, introductions and the agreements where they are
  the scientist (with those agreements' milestones, timelines and reminders). The
  coordinators' figures then no longer count those agreements.
- Rows other people own stay and forget the user: projects and institutions they
  created, interests they decided for an institution, agreements they proposed and
  timeline entries they wrote keep their content with no author (SET_NULL).
"""

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Q

from accounts.models import ErasedEmail
from agreements.models import Agreement, AgreementEvent, Reminder
from matching.matcher import fill_reasons
from matching.models import Interest, Introduction, Match
from matching.reasons import render_reasons
from notifications.models import Notification, NotificationPreference
from profiles.models import Membership, Project, ScientistProfile

EXPORT_VERSION = 2


def _date(value):
    return value.isoformat() if value else None


def _profile(profile: ScientistProfile) -> dict:
    return {
        "ref": profile.ref,
        "name": profile.name,
        "email": profile.email,
        "country": profile.country,
        "city": profile.city,
        "institution_abroad": profile.institution_abroad,
        "position": profile.position,
        "fields": profile.fields,
        "keywords": profile.keywords,
        "summary": profile.summary,
        "goals": profile.goals,
        "collaboration_types": profile.collaboration_types,
        "available_from": _date(profile.available_from),
        "horizon_months": profile.horizon_months,
        "hours_per_month": profile.hours_per_month,
        "languages": profile.languages,
        "alma_maters": profile.alma_maters,
        "states_of_interest": profile.states_of_interest,
        "sectors": profile.sectors,
        "abroad_since": profile.abroad_since,
        "collaborated_before": profile.collaborated_before,
        "max_collaborations": profile.max_collaborations,
        "created_at": _date(profile.created_at),
        "updated_at": _date(profile.updated_at),
    }


def _project(project) -> dict:
    return {"ref": project.ref, "title": project.title, "institution": project.institution.name}


def _party_filter(user, profile) -> Q:
    """Rows about a scientist-project pair where the user speaks for one side."""
    institutions = Membership.objects.approved().filter(user=user).values("institution_id")
    mine = Q(project__institution_id__in=institutions)
    if profile is not None:
        mine |= Q(scientist=profile)
    return mine


def export_user_data(user) -> dict:
    """Everything the platform holds about `user`, as JSON-ready data."""
    profile = ScientistProfile.objects.filter(user=user).first()
    party = _party_filter(user, profile)

    own_interests = Q(decided_by=user)
    if profile is not None:
        own_interests |= Q(scientist=profile, side=Interest.Side.SCIENTIST)
        # The institution's interest is shown on the suggestion; its "not for
        # me" never is, so it is not exported either.
        own_interests |= Q(
            scientist=profile,
            side=Interest.Side.INSTITUTION,
            decision=Interest.Decision.INTERESTED,
        )
    interests = (
        Interest.objects.filter(own_interests)
        .select_related("scientist", "project__institution")
        .order_by("created_at", "pk")
    )
    introductions = (
        Introduction.objects.filter(party)
        .select_related("scientist", "project__institution")
        .order_by("created_at", "pk")
    )
    agreements = (
        Agreement.objects.filter(party)
        .select_related("scientist", "project__institution")
        .prefetch_related("milestones")
        .order_by("created_at", "pk")
    )
    # Every entry of their agreements' timelines, as the agreement page shows it.
    events = AgreementEvent.objects.filter(agreement__in=agreements).order_by("created_at", "pk")
    events_by_agreement: dict[int, list] = {}
    for event in events:
        events_by_agreement.setdefault(event.agreement_id, []).append(
            {
                "kind": event.kind,
                "channel": event.channel,
                "message": event.message,
                "by_you": event.actor_id == user.pk,
                "created_at": _date(event.created_at),
            }
        )
    suggestions = list(
        Match.objects.filter(scientist=profile)
        .select_related("project__institution")
        .order_by("-score", "project_id")
        if profile is not None
        else []
    )
    fill_reasons(suggestions)
    projects = (
        Project.objects.filter(created_by=user)
        .select_related("institution")
        .order_by("created_at", "pk")
    )

    return {
        "format": "red-diaspora-personal-data",
        "version": EXPORT_VERSION,
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "preferred_language": user.preferred_language,
            "privacy_accepted_at": _date(user.privacy_accepted_at),
            "date_joined": _date(user.date_joined),
            "last_login": _date(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.order_by("pk")
            ],
        },
        "scientist_profile": _profile(profile) if profile else None,
        "memberships": [
            {
                "institution": m.institution.name,
                "institution_ref": m.institution.ref,
                "status": m.status,
                "created_at": _date(m.created_at),
                "decided_at": _date(m.decided_at),
            }
            for m in Membership.objects.filter(user=user)
            .select_related("institution")
            .order_by("created_at", "pk")
        ],
        "projects_created": [
            {
                **_project(p),
                "status": p.status,
                "description": p.description,
                "created_at": _date(p.created_at),
            }
            for p in projects
        ],
        "suggestions": [
            {
                "project": _project(m.project),
                "score": m.score,
                "components": m.components,
                "reasons": render_reasons(m.reasons, audience="scientist"),
                "updated_at": _date(m.updated_at),
            }
            for m in suggestions
        ],
        "interests": [
            {
                "scientist": i.scientist.name,
                "project": _project(i.project),
                "side": i.side,
                "decision": i.decision,
                "reason": i.reason,
                "decided_by_you": i.decided_by_id == user.pk,
                "created_at": _date(i.created_at),
                "updated_at": _date(i.updated_at),
            }
            for i in interests
        ],
        "introductions": [
            {
                "scientist": i.scientist.name,
                "project": _project(i.project),
                "score": i.score,
                "reasons": render_reasons(
                    i.reasons,
                    audience="scientist"
                    if profile and i.scientist_id == profile.pk
                    else "institution",
                ),
                "created_at": _date(i.created_at),
            }
            for i in introductions
        ],
        "agreements": [
            {
                "ref": a.ref,
                "scientist": a.scientist.name,
                "project": _project(a.project),
                "stage": a.stage,
                "goals": a.goals,
                "goals_text": a.goals_text,
                "hours_per_month": a.hours_per_month,
                "started_on": _date(a.started_on),
                "signed_on": _date(a.signed_on),
                "completed_on": _date(a.completed_on),
                "last_activity_on": _date(a.last_activity_on),
                "next_follow_up_on": _date(a.next_follow_up_on),
                "notes": a.notes,
                "close_reason": a.close_reason,
                "milestones": [
                    {
                        "title": m.title,
                        "due_on": _date(m.due_on),
                        "done": m.done,
                        "done_on": _date(m.done_on),
                    }
                    for m in a.milestones.all()
                ],
                "timeline": events_by_agreement.get(a.pk, []),
            }
            for a in agreements
        ],
        "reminders": [
            {
                "kind": r.kind,
                "agreement_ref": r.agreement.ref,
                "message": r.message,
                "sent_on": _date(r.sent_on),
                "read_at": _date(r.read_at),
            }
            for r in Reminder.objects.filter(user=user)
            .select_related("agreement")
            .order_by("sent_on", "pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "what": n.title,
                "link": n.link,
                "created_at": n.created_at,
                "delivery": n.delivery,
                "emailed_at": n.emailed_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
        ),
    }


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete `user` and their scientist profile (see the module docstring)."""
    profiles = ScientistProfile.objects.filter(user=user)
    emails = [user.email, *user.emailaddress_set.values_list("email", flat=True)]
    emails += list(profiles.values_list("email", flat=True))
    ErasedEmail.objects.remember(emails)
    for session in UserSession.objects.filter(user=user):
        session.end()  # deletes the session row itself, not only its tracking
    profiles.delete()
    user.delete()
