"""Full rematch runs survive lost workers; rescoring survives a broker outage.

The live drill (a real worker killed with SIGKILL) is in test_worker_drill.py;
these tests play the same situations in-process.
"""

import datetime
import random

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from matching import matcher, runs, tasks
from matching.models import Match, MatchRun, MatchRunChunk, PendingRescore
from tests import factories
from tests.matching.test_matcher import _expected, _random_world, _stored


@pytest.fixture(autouse=True)
def _small_runs(settings):
    settings.MATCH_TOP_K = 3
    settings.MATCH_CHUNK_SIZE = 4
    matcher.forget_model(stored=False)
    yield
    matcher.forget_model(stored=False)


@pytest.fixture
def world(db):
    _random_world(random.Random(21))


def _started_without_chunk_tasks(monkeypatch):
    """A run whose chunks were written and whose messages were then lost."""
    monkeypatch.setattr(runs, "queue_chunks", lambda run_id, chunks: None)
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    monkeypatch.undo()
    return run


def test_two_coordinators_pressing_rematch_at_once_start_one_run(world):
    from matching import services

    first, second = factories.CoordinatorFactory(), factories.CoordinatorFactory()
    MatchRun.objects.create(started_by=first)  # the first press, still running
    run, started = services.start_full_rematch(user=second)
    assert not started
    assert MatchRun.objects.count() == 1
    assert run.started_by == first


def test_the_database_holds_one_running_run(world):
    MatchRun.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create()
    MatchRun.objects.create(status=MatchRun.Status.DONE)  # finished ones are not limited


def test_a_run_records_its_chunks_and_counts_each_once(world):
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.chunks_done == run.chunks_total == run.chunks.count() == 4
    # A message delivered again after the run changes nothing.
    assert tasks.score_chunk_task.delay(run.pk, 0).get() == 0
    run.refresh_from_db()
    assert run.chunks_done == 4
    assert _stored() == _expected()


def test_a_chunk_lost_with_its_worker_is_queued_again_and_the_run_finishes(world, monkeypatch):
    run = _started_without_chunk_tasks(monkeypatch)
    later = timezone.now() + datetime.timedelta(minutes=1)
    # Chunk 0 was being scored by a worker that was killed: its task is gone.
    MatchRunChunk.objects.filter(run=run, index=0).update(
        started_at=timezone.now(), task_id="task-of-a-dead-worker", attempts=1
    )
    runs.score_chunk(run_id=run.pk, index=1, task_id="task-done")  # one got done meanwhile

    summary = runs.recover_runs(now=later, active=set())  # no worker runs it any more
    assert summary["requeued_chunks"] == 1
    run.refresh_from_db()
    # The rest of the queue was still moving, so only the lost chunk was sent again.
    assert run.status == MatchRun.Status.RUNNING

    much_later = later + runs.NO_PROGRESS + datetime.timedelta(seconds=1)
    assert runs.recover_runs(now=much_later, active=set())["requeued_chunks"] == 2
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.chunks_done == run.chunks_total == 4
    assert _stored() == _expected()  # the same rows as an uninterrupted run


def test_a_chunk_a_live_worker_is_scoring_is_left_alone(world, monkeypatch):
    run = _started_without_chunk_tasks(monkeypatch)
    a_minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    MatchRunChunk.objects.filter(run=run, index=0).update(
        started_at=a_minute_ago, task_id="task-alive"
    )
    summary = runs.recover_runs(now=timezone.now(), active={"task-alive"})
    assert summary["requeued_chunks"] == 0


def test_a_chunk_lost_again_and_again_fails_the_run(world, monkeypatch):
    run = _started_without_chunk_tasks(monkeypatch)
    MatchRunChunk.objects.filter(run=run, index=0).update(
        started_at=timezone.now() - datetime.timedelta(minutes=5),
        task_id="dead",
        attempts=runs.MAX_CHUNK_ATTEMPTS,
    )
    assert runs.recover_runs(active=set())["failed"] == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert runs.begin_run()[1]  # and a new one can start


def test_a_run_whose_last_chunk_finished_without_finishing_is_finished(world, monkeypatch):
    run = _started_without_chunk_tasks(monkeypatch)
    monkeypatch.setattr(runs, "finish_run", lambda run_id: None)  # died before finishing
    for index in range(4):
        runs.score_chunk(run_id=run.pk, index=index, task_id=f"t{index}")
    monkeypatch.undo()
    assert runs.recover_runs(active=set())["finished"] == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert _stored() == _expected()


def test_a_lost_start_is_queued_again(world):
    run = MatchRun.objects.create()  # its start task never ran
    MatchRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - runs.START_GRACE - datetime.timedelta(minutes=1)
    )
    assert runs.recover_runs(active=set())["restarted"] == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE


def test_recovery_is_in_the_beat_schedule(settings):
    tasks_scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.tasks.recover_match_runs" in tasks_scheduled
    assert "matching.tasks.requeue_pending_rescoring" in tasks_scheduled
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.CELERY_TASK_TIME_LIMIT
    )


# --- Rescoring while the broker is down ------------------------------------------------


def _broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.rescore_scientist_task, "delay", refuse)
    monkeypatch.setattr(tasks.rescore_project_task, "delay", refuse)


def test_a_save_while_the_broker_is_down_keeps_its_rescoring_pending(
    django_capture_on_commit_callbacks, world, monkeypatch
):
    _broker_down(monkeypatch)
    project = factories.ProjectFactory(title="Genómica del maíz")
    with django_capture_on_commit_callbacks(execute=True):
        profile = factories.ScientistProfileFactory(keywords=["genómica", "maíz"])
    assert PendingRescore.objects.filter(kind="scientist", object_id=profile.pk).exists()
    assert PendingRescore.objects.filter(kind="project", object_id=project.pk).exists()
    assert not Match.objects.filter(scientist=profile).exists()

    monkeypatch.undo()  # the broker is back
    later = timezone.now() + runs.RESCORE_GRACE + datetime.timedelta(seconds=1)
    assert runs.requeue_pending_rescoring(now=later) >= 2
    assert not PendingRescore.objects.exists()
    assert Match.objects.filter(scientist=profile).exists()


def test_a_rescoring_done_deletes_only_what_it_covered(db):
    runs.record_rescore("scientist", 7)
    runs.rescore_done("scientist", 7, started_at=timezone.now() - datetime.timedelta(minutes=1))
    assert PendingRescore.objects.filter(object_id=7).exists()  # saved after it started
    runs.rescore_done("scientist", 7, started_at=timezone.now())
    assert not PendingRescore.objects.filter(object_id=7).exists()


def test_a_chunk_scored_again_after_its_worker_died_does_not_overstate_the_bounds(
    world, monkeypatch
):
    """Its first attempt shared its scores with the other chunks and died before
    writing its rows; the second attempt must not count them twice."""
    run = _started_without_chunk_tasks(monkeypatch)
    first = MatchRunChunk.objects.get(run=run, index=0)
    runs.score_chunk(run_id=run.pk, index=0, task_id="killed")
    Match.objects.filter(scientist_id__in=first.scientist_ids).delete()  # never written
    MatchRunChunk.objects.filter(pk=first.pk).update(
        done_at=None, started_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    runs.recover_runs(active=set())  # queues chunk 0 again: its second attempt
    for index in (1, 2, 3):  # the chunks after it read the shared bounds
        runs.score_chunk(run_id=run.pk, index=index, task_id=f"t{index}")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert _stored() == _expected()


def test_with_many_open_projects_a_run_splits_its_chunks_and_stores_the_same_rows(world, settings):
    """Chunks hold at most MATCH_CHUNK_PAIRS pairs, so a worker's memory does
    not grow with the number of open projects; the stored rows are the same."""
    from profiles.models import Project

    open_projects = Project.objects.open().count()
    settings.MATCH_CHUNK_PAIRS = 2 * open_projects  # two scientists a chunk, not four
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.chunks_total == run.chunks_done == run.chunks.count() == 7  # 14 scientists
    assert max(len(c.scientist_ids) for c in run.chunks.all()) == 2
    assert _stored() == _expected()
