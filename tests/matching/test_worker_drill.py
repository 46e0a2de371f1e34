"""The fault drill, with a real worker on Redis and PostgreSQL: the worker is
killed with SIGKILL in the middle of a full rematch, a new one starts, and the
run finishes by itself with the same stored suggestions as an uninterrupted run.

Minutes are not waited for: the periodic recovery job is called with its clock
moved past its thresholds, as beat would call it later.
"""

import datetime
import random
import time
from pathlib import Path

import pytest
from django.db import close_old_connections
from django.utils import timezone

from matching import matcher, runs, tasks
from matching.models import Match, MatchRun
from tests.matching.test_matcher import _random_world, _stored

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TOP_K = 3
CHUNK_SIZE = 3


def _drill_settings(monkeypatch, settings):
    # The worker is another process: it reads these from its environment.
    monkeypatch.setenv("MATCH_TOP_K", str(TOP_K))
    monkeypatch.setenv("MATCH_CHUNK_SIZE", str(CHUNK_SIZE))
    settings.MATCH_TOP_K = TOP_K
    settings.MATCH_CHUNK_SIZE = CHUNK_SIZE
    matcher.forget_model(stored=False)


@pytest.fixture
def drill_worker(monkeypatch, settings, request):
    _drill_settings(monkeypatch, settings)
    return request.getfixturevalue("live_worker")


@pytest.fixture
def drill_prefork_worker(monkeypatch, settings, request):
    _drill_settings(monkeypatch, settings)
    return request.getfixturevalue("live_prefork_worker")


def _pool_processes(worker) -> list[int]:
    children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def _uninterrupted_rows(worker):
    """The suggestions a run nobody disturbed stores, on the same data."""
    Match.objects.all().delete()
    matcher.forget_model(stored=False)
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    worker.wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.DONE, timeout=180
    )
    return _stored()


def _run():
    close_old_connections()
    return MatchRun.objects.get()


def test_a_full_rematch_survives_its_worker_being_killed(drill_worker):
    from matching.signals import rescoring_suspended

    with rescoring_suspended():
        _random_world(random.Random(33), n_scientists=240, n_projects=30)

    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    drill_worker.wait_for(lambda: _run().chunks_done >= 2, timeout=120, every=0.05)
    drill_worker.kill_hard()
    killed_at = _run()
    assert killed_at.status == MatchRun.Status.RUNNING
    assert killed_at.chunks_done < killed_at.chunks_total  # killed in the middle

    drill_worker.start_again()
    deadline = time.monotonic() + 180
    while _run().status == MatchRun.Status.RUNNING and time.monotonic() < deadline:
        # Beat calls this every minute; here its clock runs past the thresholds.
        later = timezone.now() + runs.NO_PROGRESS + datetime.timedelta(minutes=1)
        runs.recover_runs(now=later)
        time.sleep(2)
    finished = _run()
    assert finished.status == MatchRun.Status.DONE, drill_worker.log()
    assert finished.chunks_done == finished.chunks_total == finished.chunks.count()
    assert finished.chunks.filter(done_at__isnull=True).count() == 0

    after_the_drill = _stored()

    assert _uninterrupted_rows(drill_worker) == after_the_drill


def test_a_full_rematch_survives_a_pool_process_being_killed(drill_prefork_worker):
    """The killed process's task goes back on the queue (task_reject_on_worker_lost)
    and the worker starts a new process: no recovery job is needed."""
    import os
    import signal

    from matching.signals import rescoring_suspended

    with rescoring_suspended():
        _random_world(random.Random(34), n_scientists=240, n_projects=30)
    worker = drill_prefork_worker
    worker.wait_for(lambda: len(_pool_processes(worker)) == 2, timeout=60)
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    worker.wait_for(lambda: _run().chunks_done >= 2, timeout=120, every=0.05)
    os.kill(_pool_processes(worker)[0], signal.SIGKILL)
    assert _run().chunks_done < _run().chunks_total  # killed in the middle

    worker.wait_for(lambda: _run().status != MatchRun.Status.RUNNING, timeout=180)
    finished = _run()
    assert finished.status == MatchRun.Status.DONE, worker.log()
    assert finished.chunks_done == finished.chunks_total  # no chunk counted twice
    after_the_drill = _stored()
    assert _uninterrupted_rows(worker) == after_the_drill


def test_two_rematch_requests_at_once_start_one_run(drill_worker):
    import threading

    from matching import services
    from tests import factories

    coordinators = [factories.CoordinatorFactory(), factories.CoordinatorFactory()]
    results = []
    barrier = threading.Barrier(2)

    def press(user):
        barrier.wait()
        try:
            results.append(services.start_full_rematch(user=user))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=press, args=(c,)) for c in coordinators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(started for _run, started in results) == [False, True]
    assert len({run.pk for run, _started in results}) == 1
    assert MatchRun.objects.count() == 1
