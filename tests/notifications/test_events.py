"""Each event reaches exactly the people it concerns, once, in their language,
as they chose; never someone who may not see what it names."""

import datetime

import pytest
from django.core import mail

from agreements import services as agreements
from agreements.followups import run_followups
from agreements.models import Stage
from matching import services as matching
from matching.models import Interest
from notifications import services
from notifications.kinds import Kind
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from profiles import services as profiles
from profiles.models import Membership
from tests import factories
from tests.notifications.conftest import mailed, message_to, notified

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def people(roles):
    """The roles, a colleague in the same institution and a pending applicant."""
    roles.colleague = factories.MembershipFactory(institution=roles.institution).user
    roles.applicant = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    ).user
    return roles


@pytest.fixture
def introduction(people):
    return factories.IntroductionFactory(scientist=people.profile, project=people.project)


def propose(people, introduction, by=None):
    return agreements.propose_agreement(
        introduction=introduction,
        by=by or people.scientist,
        goals=["publications"],
        milestones=[{"title": "Primer borrador", "due_on": datetime.date(2027, 3, 1)}],
        today=TODAY,
    )


def emails(*users):
    return sorted(u.email for u in users)


# --- agreements ---------------------------------------------------------------------


def test_a_proposal_reaches_the_other_side_only(people, introduction, committed):
    with committed():
        propose(people, introduction)
    assert notified(Kind.AGREEMENT_PROPOSED) == emails(people.member, people.colleague)
    assert mailed() == emails(people.member, people.colleague)
    body = message_to(people.member).body
    assert people.project.title in body
    assert "/agreements/" in body


def test_each_step_of_the_agreement_reaches_the_parties_but_not_whoever_took_it(
    people, introduction, committed
):
    agreement = propose(people, introduction)
    steps = [
        (people.member, "request_changes", Kind.AGREEMENT_CHANGES_REQUESTED),
        (people.scientist, "revise", Kind.AGREEMENT_REVISED),
        (people.member, "accept", Kind.AGREEMENT_SIGNED),
        (people.scientist, "start", Kind.AGREEMENT_STARTED),
        (people.colleague, "stall", Kind.AGREEMENT_STALLED),
        (people.member, "resume", Kind.AGREEMENT_RESUMED),
        (people.scientist, "complete", Kind.AGREEMENT_COMPLETED),
    ]
    everyone = {people.scientist, people.member, people.colleague}
    for actor, action, kind in steps:
        mail.outbox.clear()
        with committed():
            if action == "revise":
                agreements.revise_agreement(
                    agreement=agreement, by=actor, goals=["publications"], note="Listo."
                )
            else:
                agreements.transition(agreement=agreement, action=action, by=actor, reason="Motivo")
        expected = emails(*(everyone - {actor}))
        if kind == Kind.AGREEMENT_STALLED:
            expected = sorted(expected + [people.coordinator.email])  # nobody is assigned
        assert notified(kind) == expected, kind
        assert mailed() == expected, kind
    assert people.other_member.email not in mailed()
    assert not Notification.objects.filter(
        recipient__in=[people.other_scientist, people.other_member, people.applicant]
    ).exists()


def test_a_cancellation_reaches_the_assigned_coordinator_and_its_reason(people, committed):
    agreement = factories.AgreementFactory(
        scientist=people.profile, project=people.project, coordinator=people.coordinator
    )
    other_coordinator = factories.CoordinatorFactory()
    with committed():
        agreements.transition(
            agreement=agreement, action="cancel", by=people.scientist, reason="Sin fondos"
        )
    assert notified(Kind.AGREEMENT_CANCELLED) == emails(
        people.member, people.colleague, people.coordinator
    )
    assert other_coordinator.email not in mailed()
    assert "Sin fondos" in message_to(people.coordinator).body


def test_milestones_added_and_done_reach_the_other_parties(people, committed):
    agreement = factories.AgreementFactory(scientist=people.profile, project=people.project)
    with committed():
        milestone = agreements.add_milestone(
            agreement=agreement, by=people.member, title="Informe final"
        )
        agreements.complete_milestone(milestone=milestone, by=people.scientist)
    assert notified(Kind.MILESTONE_ADDED) == emails(people.scientist, people.colleague)
    assert notified(Kind.MILESTONE_DONE) == emails(people.member, people.colleague)
    assert "Informe final" in message_to(people.scientist).subject


def test_the_assigned_coordinator_hears_of_it_and_nobody_else(people, committed):
    agreement = factories.AgreementFactory(scientist=people.profile, project=people.project)
    colleague = factories.CoordinatorFactory()
    with committed():
        agreements.assign_coordinator(
            agreement=agreement, by=colleague, coordinator=people.coordinator
        )
    assert notified(Kind.COORDINATOR_ASSIGNED) == [people.coordinator.email]
    assert mailed() == [people.coordinator.email]


def test_follow_up_reminders_reach_each_person_once_as_notifications(people, committed):
    agreement = factories.AgreementFactory(
        scientist=people.profile,
        project=people.project,
        stage=Stage.ACTIVE,
        last_activity_on=TODAY,
        next_follow_up_on=TODAY,
        coordinator=people.coordinator,
    )
    soon = factories.MilestoneFactory(agreement=agreement, due_on=TODAY + datetime.timedelta(3))
    late = factories.MilestoneFactory(agreement=agreement, due_on=TODAY - datetime.timedelta(2))
    sleepy = factories.AgreementFactory(
        scientist=people.profile,
        project=factories.ProjectFactory(institution=people.institution),
        last_activity_on=TODAY - datetime.timedelta(days=60),
    )
    with committed():
        run_followups(TODAY)
        run_followups(TODAY)
    parties = emails(people.scientist, people.member, people.colleague)
    assert notified(Kind.MILESTONE_DUE) == parties
    assert notified(Kind.MILESTONE_OVERDUE) == parties
    assert notified(Kind.FOLLOW_UP_DUE) == [people.coordinator.email]
    assert notified(Kind.AGREEMENT_STALLED) == sorted(parties + [people.coordinator.email])
    assert len(mail.outbox) == Notification.objects.count() == 3 + 3 + 1 + 4
    due = Notification.objects.get(kind=Kind.MILESTONE_DUE, recipient=people.scientist)
    assert soon.title in due.title
    overdue = Notification.objects.get(kind=Kind.MILESTONE_OVERDUE, recipient=people.scientist)
    assert late.title in overdue.title
    assert due.link == f"/agreements/{agreement.pk}/#milestones-title"
    stalled = Notification.objects.get(kind=Kind.AGREEMENT_STALLED, recipient=people.scientist)
    assert stalled.link == f"/agreements/{sleepy.pk}/"


# --- interest and introductions ---------------------------------------------------------


def test_institution_interest_reaches_the_scientist_only(people, committed):
    with committed():
        matching.express_interest(
            user=people.member,
            scientist=people.profile,
            project=people.project,
            side=Interest.Side.INSTITUTION,
            decision=Interest.Decision.INTERESTED,
        )
    assert notified(Kind.INTEREST) == [people.scientist.email]
    message = message_to(people.scientist)
    assert people.institution.name in message.subject
    # No contact details before mutual interest.
    assert people.member.email not in message.body


def test_not_for_me_reaches_nobody(people, committed):
    with committed():
        for side, user in (
            (Interest.Side.INSTITUTION, people.member),
            (Interest.Side.SCIENTIST, people.scientist),
        ):
            matching.express_interest(
                user=user,
                scientist=people.profile,
                project=people.project,
                side=side,
                decision=Interest.Decision.DECLINED,
                reason="No es mi área",
            )
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_changing_ones_mind_back_to_interested_does_not_notify_twice(people, committed):
    def decide(decision):
        matching.express_interest(
            user=people.scientist,
            scientist=people.profile,
            project=people.project,
            side=Interest.Side.SCIENTIST,
            decision=decision,
        )

    with committed():
        decide(Interest.Decision.INTERESTED)
        decide(Interest.Decision.DECLINED)
        decide(Interest.Decision.INTERESTED)
    assert notified(Kind.INTEREST) == emails(people.member, people.colleague)
    assert len(mail.outbox) == 2


def test_an_introduction_reaches_both_sides_with_contact_details(people, committed):
    with committed():
        for side, user in (
            (Interest.Side.SCIENTIST, people.scientist),
            (Interest.Side.INSTITUTION, people.member),
        ):
            matching.express_interest(
                user=user,
                scientist=people.profile,
                project=people.project,
                side=side,
                decision=Interest.Decision.INTERESTED,
            )
    assert notified(Kind.INTRODUCTION) == emails(people.scientist, people.member, people.colleague)
    intro_mails = [m for m in mail.outbox if "/matching/introductions/" in m.body]
    assert sorted(a for m in intro_mails for a in m.to) == emails(
        people.scientist, people.member, people.colleague
    )
    to_scientist = next(m for m in intro_mails if m.to == [people.scientist.email])
    assert people.member.email in to_scientist.body
    assert people.applicant.email not in to_scientist.body


# --- institutions and memberships -------------------------------------------------------


def test_a_registration_reaches_the_coordinators_who_follow_it(people, committed):
    focused = factories.CoordinatorFactory()
    NotificationSettings.of(focused).followed_institutions.add(people.other_institution)
    registrant = factories.UserFactory(role="institution_member")
    institution = factories.InstitutionFactory.build(approved=False, ref="")
    with committed():
        profiles.register_institution(user=registrant, institution=institution)
    assert notified(Kind.INSTITUTION_REGISTERED) == [people.coordinator.email]
    assert registrant.email not in mailed()


def test_coordinators_following_an_area_hear_of_requests_in_it(people, committed):
    follows_biology = factories.CoordinatorFactory()
    NotificationSettings.objects.create(user=follows_biology, followed_areas=["biology_chemistry"])
    follows_humanities = factories.CoordinatorFactory()
    NotificationSettings.objects.create(user=follows_humanities, followed_areas=["humanities"])
    newcomer = factories.UserFactory(role="institution_member")
    with committed():
        profiles.request_membership(user=newcomer, institution=people.institution)
    assert notified(Kind.MEMBERSHIP_REQUESTED) == emails(
        people.coordinator, follows_biology, people.member, people.colleague
    )
    assert follows_humanities.email not in mailed()
    assert people.other_member.email not in mailed()
    approvals = Notification.objects.get(recipient=follows_biology)
    assert approvals.link == "/approvals/"


def test_decisions_reach_the_people_who_waited(people, committed):
    registrant = factories.UserFactory(role="institution_member")
    institution = factories.InstitutionFactory.build(approved=False, ref="")
    profiles.register_institution(user=registrant, institution=institution)
    newcomer = factories.UserFactory(role="institution_member")
    with committed():
        profiles.decide_institution(institution=institution, approve=True, by=people.coordinator)
        membership = profiles.request_membership(user=newcomer, institution=people.institution)
        profiles.decide_membership(membership=membership, approve=False, by=people.coordinator)
    assert notified(Kind.INSTITUTION_DECIDED) == [registrant.email]
    assert notified(Kind.MEMBERSHIP_DECIDED) == [newcomer.email]
    # Both read Spanish, the default language.
    assert "fue aprobada" in message_to(registrant).subject
    assert "no fue aceptada" in message_to(newcomer).subject


# --- once, language, preferences --------------------------------------------------------


def test_the_same_event_twice_makes_one_notification_and_one_email(people, committed):
    membership = factories.MembershipFactory(
        institution=people.institution, status=Membership.Status.PENDING
    )
    from notifications import events

    with committed():
        events.membership_requested(membership)
        events.membership_requested(membership)
    assert Notification.objects.filter(recipient=people.coordinator).count() == 1
    assert mailed().count(people.coordinator.email) == 1
    # A retried email job sends nothing again.
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert services.send_notification_emails(ids) == 0


def test_emails_are_in_each_readers_language(people, introduction, committed):
    people.member.preferred_language = "en"
    people.member.save()
    people.colleague.preferred_language = "es"
    people.colleague.save()
    with committed():
        propose(people, introduction)
    assert "proposed an agreement" in message_to(people.member).subject
    assert "propuso un acuerdo" in message_to(people.colleague).subject
    assert "Answer the proposal" in message_to(people.member).body
    assert "Responder la propuesta" in message_to(people.colleague).body


def test_preferences_keep_an_event_in_the_app_or_for_the_digest(people, introduction, committed):
    NotificationPreference.objects.create(
        user=people.member, kind=Kind.AGREEMENT_PROPOSED, delivery=Delivery.APP
    )
    NotificationPreference.objects.create(
        user=people.colleague, kind=Kind.AGREEMENT_PROPOSED, delivery=Delivery.DIGEST
    )
    with committed():
        propose(people, introduction)
    assert mail.outbox == []
    assert notified(Kind.AGREEMENT_PROPOSED) == emails(people.member, people.colleague)
    assert Notification.objects.for_digest().get().recipient == people.colleague


def test_a_rolled_back_change_notifies_nobody(people, introduction, committed):
    from django.db import transaction

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        propose(people, introduction)
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_follow_ups_of_an_unassigned_agreement_reach_the_coordinators_who_follow_it(
    people, committed
):
    elsewhere = factories.CoordinatorFactory()
    NotificationSettings.of(elsewhere).followed_institutions.add(people.other_institution)
    factories.AgreementFactory(
        scientist=people.profile,
        project=people.project,
        last_activity_on=TODAY,
        next_follow_up_on=TODAY,
    )
    with committed():
        run_followups(TODAY)
    assert notified(Kind.FOLLOW_UP_DUE) == [people.coordinator.email]


def test_a_notification_names_the_actor_but_never_their_email(people, committed):
    people.member.full_name = ""
    people.member.save()
    agreement = factories.AgreementFactory(scientist=people.profile, project=people.project)
    with committed():
        agreements.add_milestone(agreement=agreement, by=people.member, title="Informe")
    message = message_to(people.scientist)
    assert people.member.email not in message.body
    assert "Alguien agregó el hito «Informe»" in message.subject
