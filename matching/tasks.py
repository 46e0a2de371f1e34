"""Background jobs of the matcher. They pass ids, reload, and are safe to run twice.

Full rematch runs and pending rescoring are kept in the database (matching.runs),
so a killed worker or a broker outage delays the work but never loses it.
"""

import json
import logging
import time

from celery import chord, shared_task
from django.conf import settings
from django.utils import timezone

from . import embeddings, matcher, runs
from .models import MatchRun, PendingRescore

log = logging.getLogger(__name__)


def _embed(kind: str, ids: list[int]) -> int:
    """Vectors of texts that lack a current one. A failure leaves them without a
    vector (scored without the semantic part) rather than stopping the work that
    follows: rescoring, or the rematch waiting for this chunk."""
    try:
        return embeddings.embed(kind, ids)
    except Exception:
        log.exception("Could not embed %s %s..%s", kind, ids[:1], ids[-1:])
        return 0


@shared_task
def rescore_scientist_task(scientist_id: int) -> None:
    """After a profile is saved: its vector if its text changed, then its rows."""
    started = timezone.now()
    _embed("scientist", [scientist_id])
    matcher.rescore_scientist(scientist_id)
    runs.rescore_done(PendingRescore.Kind.SCIENTIST, scientist_id, started_at=started)


@shared_task
def rescore_project_task(project_id: int) -> None:
    started = timezone.now()
    _embed("project", [project_id])
    matcher.rescore_project(project_id)
    runs.rescore_done(PendingRescore.Kind.PROJECT, project_id, started_at=started)


@shared_task
def embed_chunk_task(kind: str, ids: list[int]) -> int:
    """Vectors of a chunk of profiles or projects that lack a current one."""
    return _embed(kind, ids)


@shared_task(
    bind=True,
    soft_time_limit=settings.MATCH_CHUNK_TIME_LIMIT,
    time_limit=settings.MATCH_CHUNK_TIME_LIMIT + 30,
)
def score_chunk_task(self, run_id: int, chunk_index: int) -> int:
    before = dict(matcher.TIMINGS)
    started = time.perf_counter()
    pairs = runs.score_chunk(run_id=run_id, index=chunk_index, task_id=self.request.id or "")
    if pairs:
        # One line per chunk: what it cost, split as matcher.TIMINGS splits it
        # (bench_rematch_workers reads these lines from its workers' logs).
        spent = {
            key: round(value - before.get(key, 0.0), 3) for key, value in matcher.TIMINGS.items()
        }
        log.info(
            "Full rematch %s chunk %s: %s",
            run_id,
            chunk_index,
            json.dumps(
                {"pairs": pairs, "seconds": round(time.perf_counter() - started, 3), **spent}
            ),
        )
    return pairs


@shared_task
def finish_run_task(run_id: int) -> None:
    runs.finish_run(run_id)


@shared_task
def start_full_rematch_task(run_id: int) -> int:
    """Compute the missing vectors (chunks shared by the workers), then score."""
    run = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).first()
    if run is None:
        return run_id
    todo = [
        embed_chunk_task.si(kind, chunk)
        for kind in embeddings.KINDS
        for chunk in embeddings.chunks(embeddings.missing_ids(kind), embeddings.CHUNK)
    ]
    if todo:
        chord(todo)(score_full_rematch_task.si(run_id))
        return run_id
    return score_full_rematch_task(run_id)


@shared_task
def score_full_rematch_task(run_id: int) -> int:
    """Refit the model, then queue the chunks; the last one finishes the run.
    (matching.runs.recover_runs queues this again if the start was lost.)"""
    runs.start_run(run_id)
    return run_id


@shared_task
def nightly_full_rematch() -> int:
    """Nightly (Celery beat): refit the model and rematch everything."""
    run, created = runs.begin_run()
    if created:
        start_full_rematch_task.delay(run.pk)
    return run.pk


@shared_task
def recover_match_runs() -> dict:
    """Every minute (Celery beat): queue again what a lost worker left of a run."""
    return runs.recover_runs()


@shared_task
def requeue_pending_rescoring() -> int:
    """Every minute (Celery beat): queue again rescoring the broker dropped."""
    return runs.requeue_pending_rescoring()
