"""A real Celery worker on Redis turns a saved profile into stored suggestions."""

import pytest

from matching.models import Match
from matching.signals import rescoring_suspended
from tests import factories


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_saving_a_profile_produces_its_suggestions_through_a_live_worker(live_worker):
    with rescoring_suspended():
        project = factories.ProjectFactory()
    profile = factories.ScientistProfileFactory()  # committed: the signal sends the task
    live_worker.wait_for(
        lambda: Match.objects.filter(scientist=profile, project=project).exists(), timeout=60
    )
    match = Match.objects.get(scientist=profile, project=project)
    assert 0 < match.score <= 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_full_rematch_shared_by_two_worker_processes_stores_what_one_process_stores(
    monkeypatch, settings, request
):
    """Chunks scored at once by two pool processes, which share each project's
    k-th best score through Redis, leave the same rows as the in-process run."""
    import random

    from matching import matcher, runs, tasks
    from matching.models import MatchRun
    from tests.matching.test_matcher import _expected, _random_world, _stored

    # The worker is another process: it reads these from its environment.
    monkeypatch.setenv("MATCH_TOP_K", "3")
    monkeypatch.setenv("MATCH_CHUNK_SIZE", "3")
    settings.MATCH_TOP_K = 3
    settings.MATCH_CHUNK_SIZE = 3
    with rescoring_suspended():
        _random_world(random.Random(35), n_scientists=45, n_projects=12)
    matcher.forget_model(stored=False)
    in_process = matcher.run_full_rematch()
    assert in_process.status == MatchRun.Status.DONE
    expected = _stored()
    assert expected == _expected()

    Match.objects.all().delete()
    matcher.forget_model(stored=False)
    worker = request.getfixturevalue("live_prefork_worker")
    run, _ = runs.begin_run()
    tasks.start_full_rematch_task.delay(run.pk)
    worker.wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).status != MatchRun.Status.RUNNING, timeout=180
    )
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, worker.log()
    assert run.chunks_done == run.chunks_total == 15
    stored = _stored()
    differ = {
        pair: (stored.get(pair), expected.get(pair))
        for pair in set(stored) | set(expected)
        if stored.get(pair) != expected.get(pair)
    }
    assert not differ, f"(through the workers, in-process): {differ}\n{worker.log()}"
