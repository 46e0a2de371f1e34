"""bench_rematch_workers: the distributed full rematch measured through real workers."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.models import Match, MatchRun
from profiles.models import Project, ScientistProfile


def _run(*args) -> dict:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("bench_rematch_workers", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_model_size_is_measured_without_storing_anything(db):
    figures = _run("--model-only", "--scientists", "300", "--projects", "40")
    assert figures["model_fitted_on"] == 340
    assert 0 < figures["model_cache_bytes"] < figures["model_uncompressed_bytes"]
    assert not ScientistProfile.objects.exists()


def test_without_postgresql_and_a_redis_broker_the_benchmark_refuses_to_start(db, settings):
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError):
        _run("--scientists", "20", "--projects", "5", "--workers", "1")
    assert not ScientistProfile.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_the_rematch_through_workers_and_leaves_the_database_empty(
    live_services, settings
):
    # the cache the workers share the model through (tests use a local one)
    settings.CACHES = {
        "default": {"BACKEND": "diaspora.cache.ForgivingRedisCache", "LOCATION": settings.REDIS_URL}
    }
    from tests.live_worker import set_always_eager

    was_eager = set_always_eager(False)
    try:
        figures = _run("--scientists", "90", "--projects", "15", "--workers", "1", "2")
    finally:
        set_always_eager(was_eager)
    assert set(figures["seconds"]) == {"1", "2"}
    assert figures["speedup"]["1"] == 1.0
    assert 0 < figures["pairs_scored"] <= 90 * 15
    assert figures["rows_kept"] > 0
    assert figures["runs"]["2"]["rows_kept"] == figures["runs"]["1"]["rows_kept"]
    assert len(figures["runs"]["2"]["peak_rss_mb_pool"]) >= 2
    assert figures["model_cache_bytes"] > 0
    assert figures["projection"]["machines"]["16"]["processes"] == 32
    assert not Match.objects.exists()
    assert not MatchRun.objects.exists()
    assert not ScientistProfile.objects.exists() and not Project.objects.exists()
