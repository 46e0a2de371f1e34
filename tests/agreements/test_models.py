"""What an agreement keeps of its milestones, whichever way they are written."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import dashboard as dash
from agreements import services
from agreements.models import Agreement, Milestone, Stage, refresh_first_open_due_on
from tests import factories

from .conftest import make_agreement

pytestmark = pytest.mark.django_db

MARCH, MAY, JUNE = datetime.date(2027, 3, 1), datetime.date(2027, 5, 1), datetime.date(2027, 6, 1)


def first_open_due_on(agreement):
    return Agreement.objects.values_list("first_open_due_on", flat=True).get(pk=agreement.pk)


def overdue_refs(today):
    rows, _total = dash.attention(Agreement.objects.all(), today)
    return [a.ref for a in rows if a.has_overdue]


def test_the_earliest_open_milestone_follows_adding_ticking_moving_and_deleting(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    assert first_open_due_on(agreement) is None
    may = services.add_milestone(agreement=agreement, by=roles.scientist, title="B", due_on=MAY)
    services.add_milestone(agreement=agreement, by=roles.scientist, title="C", due_on=JUNE)
    services.add_milestone(agreement=agreement, by=roles.scientist, title="No date")
    assert first_open_due_on(agreement) == MAY
    assert overdue_refs(MAY + datetime.timedelta(days=1)) == [agreement.ref]
    assert overdue_refs(MAY) == []

    services.complete_milestone(milestone=may, by=roles.member, today=MAY)
    assert first_open_due_on(agreement) == JUNE
    assert overdue_refs(MAY + datetime.timedelta(days=1)) == []

    june = agreement.milestones.get(title="C")
    june.due_on = MARCH  # moved earlier (as the admin does)
    june.save()
    assert first_open_due_on(agreement) == MARCH
    june.delete()
    assert first_open_due_on(agreement) is None


def test_milestones_written_in_bulk_are_kept_too(roles):
    first = make_agreement(roles, Stage.ACTIVE)
    second = factories.AgreementFactory(stage=Stage.ACTIVE)
    made = Milestone.objects.bulk_create(
        [
            Milestone(agreement=first, title="a", due_on=JUNE),
            Milestone(agreement=first, title="b", due_on=MAY),
            Milestone(agreement=second, title="c", due_on=MARCH),
        ]
    )
    assert (first_open_due_on(first), first_open_due_on(second)) == (MAY, MARCH)
    made[2].done = True
    Milestone.objects.bulk_update([made[2]], ["done"])
    assert first_open_due_on(second) is None


def test_milestones_updated_or_deleted_as_a_queryset_are_kept_too(roles):
    agreement = make_agreement(roles, Stage.ACTIVE)
    Milestone.objects.bulk_create(
        [
            Milestone(agreement=agreement, title="a", due_on=MARCH),
            Milestone(agreement=agreement, title="b", due_on=JUNE),
        ]
    )
    Milestone.objects.filter(title="a").update(done=True)
    assert first_open_due_on(agreement) == JUNE
    Milestone.objects.filter(title="b").delete()
    assert first_open_due_on(agreement) is None


def test_milestones_moved_to_another_agreement_as_a_queryset_move_its_date_too(roles):
    first = make_agreement(roles, Stage.ACTIVE)
    second = factories.AgreementFactory(stage=Stage.ACTIVE)
    Milestone.objects.bulk_create([Milestone(agreement=first, title="a", due_on=MAY)])
    Milestone.objects.filter(title="a").update(agreement=second)
    assert (first_open_due_on(first), first_open_due_on(second)) == (None, MAY)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_an_agreements_earliest_open_milestone_is_read_from_its_own_index(roles):
    """Refreshing one agreement's date reads its own open milestones. Without an
    index on (agreement, due date) PostgreSQL walked every open milestone in due
    order for each agreement, which made seed_scale's history step (150,000
    milestones) take 17 minutes instead of under 3."""
    agreement = make_agreement(roles, Stage.ACTIVE)
    Milestone.objects.bulk_create(
        Milestone(agreement=agreement, title=str(day), due_on=MAY + datetime.timedelta(days=day))
        for day in range(30)
    )
    with CaptureQueriesContext(connection) as queries:
        refresh_first_open_due_on([agreement.pk])
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as with many rows
        cursor.execute("EXPLAIN " + update)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "milestone_open_by_agreement" in plan
    assert first_open_due_on(agreement) == MAY
