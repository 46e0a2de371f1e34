"""express_interest: one side, both sides, repeats, declines, who may decide."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from matching import services
from matching.models import Interest, Introduction
from profiles import vocab
from profiles.models import Membership
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

INTERESTED = Interest.Decision.INTERESTED
DECLINED = Interest.Decision.DECLINED
SCIENTIST = Interest.Side.SCIENTIST
INSTITUTION = Interest.Side.INSTITUTION


@pytest.fixture
def pair(roles):
    match = factories.MatchFactory(
        scientist=roles.profile,
        project=roles.project,
        score=0.73,
        components={"field": 0.9, "goals": 0.5, "timeline": 0.6, "network": 1.0, "language": 1.0},
        reasons=[{"code": "shared_alma_mater", "params": {"name": "UNAM"}}],
    )
    return roles, match


def scientist_says(roles, decision=INTERESTED, reason=""):
    return services.express_interest(
        user=roles.scientist,
        scientist=roles.profile,
        project=roles.project,
        side=SCIENTIST,
        decision=decision,
        reason=reason,
    )


def institution_says(roles, decision=INTERESTED, reason="", user=None):
    return services.express_interest(
        user=user or roles.member,
        scientist=roles.profile,
        project=roles.project,
        side=INSTITUTION,
        decision=decision,
        reason=reason,
    )


def test_one_side_interested_records_interest_and_tells_only_the_other_side(
    pair, django_capture_on_commit_callbacks
):
    roles, _ = pair
    with django_capture_on_commit_callbacks(execute=True):
        result = scientist_says(roles)
    assert result.interest.decision == INTERESTED
    assert result.interest.decided_by == roles.scientist
    assert result.introduction is None
    assert not Introduction.objects.exists()
    assert [m.to for m in mail.outbox] == [[roles.member.email]]
    # Interest is not an introduction: no contact details yet.
    assert roles.scientist.email not in mail.outbox[0].body


def test_both_sides_interested_create_one_introduction_with_snapshot(
    pair, django_capture_on_commit_callbacks
):
    roles, match = pair
    scientist_says(roles)
    with django_capture_on_commit_callbacks(execute=True):
        result = institution_says(roles)
    assert result.introduction_created
    intro = Introduction.objects.get()
    assert (intro.scientist, intro.project) == (roles.profile, roles.project)
    assert intro.score == pytest.approx(0.73)
    assert intro.components["network"] == 1.0
    assert intro.reasons == match.reasons
    # Later rescoring does not change what the introduction was based on.
    match.score = 0.1
    match.save()
    intro.refresh_from_db()
    assert intro.score == pytest.approx(0.73)


def test_introduction_emails_the_scientist_and_the_institutions_approved_members(
    pair, django_capture_on_commit_callbacks
):
    roles, _ = pair
    colleague = factories.MembershipFactory(institution=roles.institution).user
    pending = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    ).user
    roles.profile.email = "contact@lab.example.org"
    roles.profile.save()
    scientist_says(roles)
    with django_capture_on_commit_callbacks(execute=True):
        institution_says(roles)

    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([roles.scientist.email, roles.member.email, colleague.email])
    assert pending.email not in recipients
    assert roles.other_member.email not in recipients
    to_member = next(m for m in mail.outbox if m.to == [roles.member.email])
    # The institution learns how to reach the scientist, and vice versa.
    assert "contact@lab.example.org" in to_member.body
    to_scientist = next(m for m in mail.outbox if m.to == [roles.scientist.email])
    assert roles.member.email in to_scientist.body
    assert roles.project.title in to_scientist.subject
    assert "/matching/introductions/" in to_scientist.body


def test_repeating_interest_creates_no_second_introduction_and_no_new_emails(
    pair, django_capture_on_commit_callbacks
):
    roles, _ = pair
    with django_capture_on_commit_callbacks(execute=True):
        scientist_says(roles)
        institution_says(roles)
    sent = len(mail.outbox)
    assert sent == 3  # the scientist's interest to the member, then the introduction to both
    with django_capture_on_commit_callbacks(execute=True):
        again = institution_says(roles)
        scientist_says(roles)
    assert not again.introduction_created
    assert again.introduction == Introduction.objects.get()
    assert Introduction.objects.count() == 1
    assert Interest.objects.count() == 2
    assert len(mail.outbox) == sent


def test_order_of_the_sides_does_not_matter(pair, django_capture_on_commit_callbacks):
    roles, _ = pair
    institution_says(roles)
    assert not Introduction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = scientist_says(roles)
    assert result.introduction_created
    assert Introduction.objects.count() == 1


def test_decline_keeps_the_reason(pair):
    roles, _ = pair
    scientist_says(roles, DECLINED, reason="  The timeline is too short for me.  ")
    interest = Interest.objects.get(side=SCIENTIST)
    assert interest.decision == DECLINED
    assert interest.reason == "The timeline is too short for me."


def test_decline_then_interest_from_other_side_introduces_nobody(pair):
    roles, _ = pair
    scientist_says(roles, DECLINED, reason="Not my field")
    result = institution_says(roles)
    assert result.introduction is None
    assert not Introduction.objects.exists()


def test_changing_mind_from_declined_to_interested_can_introduce(pair):
    roles, _ = pair
    scientist_says(roles, DECLINED, reason="busy")
    institution_says(roles)
    result = scientist_says(roles)
    assert result.introduction_created
    assert Interest.objects.get(side=SCIENTIST).decision == INTERESTED


def test_another_scientist_cannot_decide_for_the_scientist(pair):
    roles, _ = pair
    with pytest.raises(PermissionDenied):
        services.express_interest(
            user=roles.other_scientist,
            scientist=roles.profile,
            project=roles.project,
            side=SCIENTIST,
            decision=INTERESTED,
        )
    assert not Interest.objects.exists()


@pytest.mark.parametrize("who", ["other_member", "scientist", "coordinator"])
def test_only_members_of_the_projects_institution_decide_for_it(pair, who):
    roles, _ = pair
    with pytest.raises(PermissionDenied):
        institution_says(roles, user=getattr(roles, who))
    assert not Interest.objects.exists()


def test_pending_member_cannot_decide_for_the_institution(pair):
    roles, _ = pair
    pending = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    ).user
    with pytest.raises(PermissionDenied):
        institution_says(roles, user=pending)


def test_interest_in_a_closed_project_is_refused(pair):
    roles, _ = pair
    roles.project.status = vocab.ProjectStatus.CLOSED
    roles.project.save()
    with pytest.raises(ValidationError):
        scientist_says(roles)
    assert not Interest.objects.exists()


def test_unknown_decision_is_refused(pair):
    roles, _ = pair
    with pytest.raises(ValidationError):
        scientist_says(roles, decision="maybe")


def test_introduction_without_a_stored_match_snapshots_the_score_now(roles):
    services.express_interest(
        user=roles.scientist,
        scientist=roles.profile,
        project=roles.project,
        side=SCIENTIST,
        decision=INTERESTED,
    )
    result = institution_says(roles)
    intro = result.introduction
    assert intro is not None
    assert 0 < intro.score <= 1
    assert set(intro.components) >= {"field", "goals", "timeline", "network"}
    assert intro.reasons  # explained, like any suggestion


@pytest.mark.django_db(transaction=True)
def test_both_sides_deciding_at_the_same_moment_make_exactly_one_introduction():
    """Two requests at once (PostgreSQL): serialised on the project row, never zero or two."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    roles = factories.RoleSet.build()
    barrier = threading.Barrier(2)
    errors = []

    def decide(user, side):
        try:
            barrier.wait(timeout=10)
            services.express_interest(
                user=user,
                scientist=roles.profile,
                project=roles.project,
                side=side,
                decision=INTERESTED,
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(roles.scientist, SCIENTIST)),
        threading.Thread(target=decide, args=(roles.member, INSTITUTION)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert Introduction.objects.filter(scientist=roles.profile, project=roles.project).count() == 1
