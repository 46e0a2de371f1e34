import datetime

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import AgreementEvent, Stage
from tests import factories

from .conftest import TODAY, make_agreement

LATER = TODAY + datetime.timedelta(days=3)

# (stage before, action, who acts, stage after): every allowed transition.
ALLOWED = [
    (Stage.PROPOSED, "accept", "member", Stage.SIGNED),
    (Stage.PROPOSED, "request_changes", "member", Stage.NEGOTIATING),
    (Stage.SIGNED, "start", "scientist", Stage.ACTIVE),
    (Stage.ACTIVE, "complete", "member", Stage.COMPLETED),
    (Stage.STALLED, "resume", "scientist", Stage.ACTIVE),
    *[
        (s, "stall", "coordinator", Stage.STALLED)
        for s in (Stage.PROPOSED, Stage.NEGOTIATING, Stage.SIGNED, Stage.ACTIVE)
    ],
    *[
        (s, "cancel", "member", Stage.CANCELLED)
        for s in (Stage.PROPOSED, Stage.NEGOTIATING, Stage.SIGNED, Stage.ACTIVE, Stage.STALLED)
    ],
]

ALLOWED_PAIRS = {(s, a) for s, a, _, _ in ALLOWED} | {(Stage.NEGOTIATING, "revise")}
REFUSED = [
    (stage, action)
    for stage in Stage.values
    for action in services.TRANSITIONS
    if (stage, action) not in ALLOWED_PAIRS
]


@pytest.mark.parametrize(("before", "action", "who", "after"), ALLOWED)
def test_allowed_transition_moves_the_stage_and_records_who_and_when(
    roles, before, action, who, after
):
    agreement = make_agreement(roles, before, last_activity_on=TODAY)
    actor = getattr(roles, who)
    services.transition(
        agreement=agreement, action=action, by=actor, reason="porque sí", today=LATER
    )
    agreement.refresh_from_db()
    assert agreement.stage == after
    assert agreement.last_activity_on == LATER
    event = agreement.events.get(kind=AgreementEvent.Kind.STAGE)
    assert event.actor == actor
    assert event.data == {"action": action, "from": before, "to": after}


@pytest.mark.parametrize(("stage", "action"), REFUSED)
def test_refused_transition_raises_and_changes_nothing(roles, stage, action):
    agreement = make_agreement(roles, stage)
    with pytest.raises(services.AgreementError):
        services.transition(agreement=agreement, action=action, by=roles.coordinator, reason="x")
    agreement.refresh_from_db()
    assert agreement.stage == stage
    assert not agreement.events.exists()


def test_refused_transitions_are_not_offered(roles):
    for stage in Stage.values:
        agreement = make_agreement(roles, stage)
        offered = {t.action for t in services.allowed_actions(agreement, roles.coordinator)}
        offered |= {t.action for t in services.allowed_actions(agreement, roles.scientist)}
        offered |= {t.action for t in services.allowed_actions(agreement, roles.member)}
        assert {(stage, a) for a in offered} <= ALLOWED_PAIRS
        agreement.delete()


def test_proposal_awaits_the_other_side(roles, proposed):
    assert proposed.stage == Stage.PROPOSED
    assert proposed.awaiting_side == services.INSTITUTION
    assert proposed.milestones.get().title == "Primer borrador"
    assert proposed.events.get().kind == AgreementEvent.Kind.CREATED
    actions = {t.action for t in services.allowed_actions(proposed, roles.scientist)}
    assert "accept" not in actions
    with pytest.raises(services.AgreementError, match="other side"):
        services.transition(agreement=proposed, action="accept", by=roles.scientist)


def test_coordinator_cannot_accept_for_a_side(roles, proposed):
    with pytest.raises(services.AgreementError):
        services.transition(agreement=proposed, action="accept", by=roles.coordinator)


def test_institution_can_propose_and_then_the_scientist_accepts(roles, introduction):
    agreement = services.propose_agreement(
        introduction=introduction, by=roles.member, goals=["student_training"], today=TODAY
    )
    assert agreement.awaiting_side == services.SCIENTIST
    services.transition(agreement=agreement, action="accept", by=roles.scientist, today=LATER)
    agreement.refresh_from_db()
    assert agreement.stage == Stage.SIGNED
    assert agreement.signed_on == LATER


def test_signing_records_days_from_introduction(roles, proposed, introduction):
    signed_day = timezone.localdate(introduction.created_at) + datetime.timedelta(days=12)
    services.transition(agreement=proposed, action="accept", by=roles.member, today=signed_day)
    proposed.refresh_from_db()
    assert proposed.days_to_sign == 12


def test_ask_for_changes_then_revise_goes_back_to_the_other_side(roles, proposed):
    services.transition(
        agreement=proposed, action="request_changes", by=roles.member, reason="Menos horas"
    )
    proposed.refresh_from_db()
    assert proposed.stage == Stage.NEGOTIATING
    assert proposed.awaiting_side == services.SCIENTIST
    with pytest.raises(services.AgreementError):
        services.revise_agreement(agreement=proposed, by=roles.member, goals=["publications"])
    services.revise_agreement(
        agreement=proposed,
        by=roles.scientist,
        goals=["publications", "conferences"],
        hours_per_month=4,
        milestones=[{"title": "Póster", "due_on": None}],
        note="4 horas",
    )
    proposed.refresh_from_db()
    assert proposed.stage == Stage.PROPOSED
    assert proposed.awaiting_side == services.INSTITUTION
    assert proposed.hours_per_month == 4
    assert proposed.goals == ["publications", "conferences"]
    assert proposed.milestones.count() == 2


def test_revise_is_refused_through_the_generic_transition(roles):
    agreement = make_agreement(roles, Stage.NEGOTIATING)
    with pytest.raises(services.AgreementError):
        services.transition(agreement=agreement, action="revise", by=roles.scientist)


def test_reason_is_required_to_cancel_stall_or_ask_for_changes(roles, proposed):
    for action in ("cancel", "stall", "request_changes"):
        with pytest.raises(services.AgreementError, match="reason"):
            services.transition(agreement=proposed, action=action, by=roles.member, reason="  ")
    proposed.refresh_from_db()
    assert proposed.stage == Stage.PROPOSED


def test_cancel_keeps_the_reason(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    services.transition(agreement=agreement, action="cancel", by=roles.member, reason="Sin fondos")
    agreement.refresh_from_db()
    assert agreement.close_reason == "Sin fondos"


@pytest.mark.parametrize("who", ["other_scientist", "other_member"])
def test_outsiders_cannot_change_an_agreement(roles, who):
    agreement = make_agreement(roles, Stage.ACTIVE)
    outsider = getattr(roles, who)
    assert services.allowed_actions(agreement, outsider) == []
    with pytest.raises(services.AgreementError):
        services.transition(agreement=agreement, action="complete", by=outsider)
    with pytest.raises(services.AgreementError):
        services.add_milestone(agreement=agreement, by=outsider, title="x")
    with pytest.raises(services.AgreementError):
        services.add_note(agreement=agreement, by=outsider, text="x")


def test_outsider_cannot_propose(roles, introduction):
    with pytest.raises(services.AgreementError):
        services.propose_agreement(
            introduction=introduction, by=roles.other_member, goals=["policy"]
        )


def test_only_one_open_agreement_per_pair(roles, proposed, introduction):
    with pytest.raises(services.AgreementError, match="already"):
        services.propose_agreement(introduction=introduction, by=roles.member, goals=["policy"])


def test_a_proposal_needs_a_goal(roles, introduction):
    with pytest.raises(services.AgreementError):
        services.propose_agreement(introduction=introduction, by=roles.scientist, goals=[])


def test_milestones_add_and_tick_done_record_events(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    m = services.add_milestone(
        agreement=agreement, by=roles.scientist, title="Datos", due_on=LATER, today=LATER
    )
    services.complete_milestone(milestone=m, by=roles.member, today=LATER)
    m.refresh_from_db()
    assert m.done and m.done_on == LATER
    kinds = list(agreement.events.values_list("kind", flat=True))
    assert sorted(kinds) == ["milestone_added", "milestone_done"]
    with pytest.raises(services.AgreementError, match="already"):
        services.complete_milestone(milestone=m, by=roles.member)


def test_closed_agreement_takes_no_milestones(roles):
    agreement = make_agreement(roles, Stage.COMPLETED)
    with pytest.raises(services.AgreementError, match="closed"):
        services.add_milestone(agreement=agreement, by=roles.scientist, title="x")


def test_coordinator_tools_are_for_coordinators(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    with pytest.raises(services.AgreementError):
        services.log_contact(agreement=agreement, by=roles.scientist, channel="call")
    with pytest.raises(services.AgreementError):
        services.set_follow_up(agreement=agreement, by=roles.member, on=LATER)
    with pytest.raises(services.AgreementError):
        services.assign_coordinator(agreement=agreement, by=roles.member, coordinator=None)
    with pytest.raises(services.AgreementError, match="not a coordinator"):
        services.assign_coordinator(
            agreement=agreement, by=roles.coordinator, coordinator=roles.member
        )
    colleague = factories.CoordinatorFactory()
    services.assign_coordinator(agreement=agreement, by=roles.coordinator, coordinator=colleague)
    services.log_contact(
        agreement=agreement, by=roles.coordinator, channel="call", note="ok", today=LATER
    )
    services.set_follow_up(agreement=agreement, by=roles.coordinator, on=LATER)
    agreement.refresh_from_db()
    assert agreement.coordinator == colleague
    assert agreement.next_follow_up_on == LATER
    assert agreement.events.filter(kind="contact", channel="call", message="ok").exists()
