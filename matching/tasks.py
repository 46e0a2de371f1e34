"""Background jobs of the matcher. They pass ids, reload, and are safe to run twice."""

import logging

from celery import chord, shared_task
from django.utils import timezone

from . import embeddings, matcher
from .models import MatchRun

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
    _embed("scientist", [scientist_id])
    matcher.rescore_scientist(scientist_id)


@shared_task
def rescore_project_task(project_id: int) -> None:
    _embed("project", [project_id])
    matcher.rescore_project(project_id)


@shared_task
def embed_chunk_task(kind: str, ids: list[int]) -> int:
    """Vectors of a chunk of profiles or projects that lack a current one."""
    return _embed(kind, ids)


@shared_task
def score_chunk_task(run_id: int, scientist_ids: list[int]) -> int:
    return matcher.score_chunk(run_id, scientist_ids)


@shared_task
def finish_run_task(_results=None, run_id: int | None = None) -> int:
    return matcher.finish_run(run_id).pk


@shared_task
def start_full_rematch_task(run_id: int) -> int:
    """Compute the missing vectors (chunks shared by the workers), then score."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None or run.status == MatchRun.Status.DONE:
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
    """Refit the model, then score the chunks in parallel and finish the run."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None or run.status == MatchRun.Status.DONE:
        return run_id
    try:
        chunks = matcher.prepare_run(run)
    except Exception:
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    if not chunks:
        matcher.finish_run(run_id)
        return run_id
    chord(score_chunk_task.si(run_id, chunk) for chunk in chunks)(finish_run_task.s(run_id=run_id))
    return run_id


@shared_task
def nightly_full_rematch() -> int:
    """Nightly (Celery beat): refit the model and rematch everything."""
    run = MatchRun.objects.create()
    return start_full_rematch_task(run.pk)
