"""Large rounds are computed by a Celery task that reports progress and is safe to rerun."""

import pytest

from rounds import services
from rounds.models import Round
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    ProjectFactory,
    ScientistProfileFactory,
)

pytestmark = pytest.mark.django_db


def large_round(monkeypatch) -> Round:
    monkeypatch.setattr(services, "INLINE_PAIRS_LIMIT", 0)  # every round counts as large
    project = ProjectFactory(seats=1)
    MatchFactory(scientist=ScientistProfileFactory(), project=project, score=0.6)
    return services.create_round(user=CoordinatorFactory(), name="Grande", projects=[project])


@pytest.mark.usefixtures("quiet_matcher")
def test_a_large_round_is_queued_after_commit_and_finishes_with_full_progress(
    monkeypatch, django_capture_on_commit_callbacks
):
    round = large_round(monkeypatch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.start_compute(user=round.created_by, round=round)
    round.refresh_from_db()
    assert (round.status, len(callbacks)) == (Round.Status.COMPUTING, 1)
    assert not services.start_compute(user=round.created_by, round=round)  # already running
    callbacks[0]()  # the task runs in-process here
    round.refresh_from_db()
    assert (round.status, round.progress, round.assignments.count()) == (
        Round.Status.COMPUTED,
        100,
        1,
    )


@pytest.mark.usefixtures("quiet_matcher")
def test_running_the_task_twice_stores_the_assignment_once(monkeypatch):
    from rounds.tasks import compute_round_task

    round = large_round(monkeypatch)
    compute_round_task(round.pk)
    compute_round_task(round.pk)
    assert round.assignments.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_computes_a_large_round(live_worker, monkeypatch):
    from matching.signals import rescoring_suspended

    with rescoring_suspended():
        round = large_round(monkeypatch)
    services.start_compute(user=round.created_by, round=round)
    live_worker.wait_for(
        lambda: Round.objects.get(pk=round.pk).status == Round.Status.COMPUTED, timeout=60
    )
    assert Round.objects.get(pk=round.pk).assignments.count() == 1


@pytest.mark.usefixtures("quiet_matcher")
def test_a_computation_whose_worker_was_lost_can_be_started_again(monkeypatch):
    import datetime

    from django.utils import timezone

    round = large_round(monkeypatch)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    Round.objects.filter(pk=round.pk).update(
        status=Round.Status.COMPUTING, compute_started_at=long_ago
    )
    round.refresh_from_db()
    assert not round.is_busy
    assert services.start_compute(user=round.created_by, round=round)


@pytest.mark.usefixtures("quiet_matcher")
def test_a_failed_computation_is_shown_as_failed_not_as_an_error_page(client, monkeypatch):
    from django.urls import reverse

    from rounds import solver

    project = ProjectFactory(seats=1)
    MatchFactory(scientist=ScientistProfileFactory(), project=project, score=0.6)
    round = services.create_round(user=CoordinatorFactory(), name="R", projects=[project])

    def broken(instance):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(solver, "solve", broken)
    client.force_login(round.created_by)
    response = client.post(reverse("rounds:compute", args=[round.pk]), follow=True)
    assert response.status_code == 200
    round.refresh_from_db()
    assert round.status == Round.Status.FAILED
