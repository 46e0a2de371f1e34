"""Bookkeeping of full rematch runs and pending rescoring, so that background
work survives killed workers and broker outages.

A run is split into MatchRunChunk rows. A chunk task claims its chunk (a
conditional UPDATE), scores it with ``matcher.score_chunk`` and marks it done;
the task that completes the last chunk finishes the run (prune). A delivery of
a chunk that is done, or being worked on by another live task, does nothing, so
a redelivered message never counts twice.

``recover_runs`` (Celery beat, every minute) finds what a dead worker left: a
chunk started by a task no worker is running any more, chunks queued while the
run makes no progress and nobody works on it, a run whose chunks are all done
but not finished, a run whose start was lost. It queues them again, so a run
finishes by itself once a worker is up. One run at a time: a partial unique
index on MatchRun.status.

Saving a profile or a project records a PendingRescore row with the save; the
rescoring task deletes it when done, and ``requeue_pending_rescoring`` queues
again what the broker dropped or never took.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from . import matcher
from .models import MatchRun, MatchRunChunk, PendingRescore

logger = logging.getLogger(__name__)

MAX_CHUNK_ATTEMPTS = 3
# A chunk claimed this long ago by a task that is not running is lost; also the
# margin for a claim newer than the last look at the workers.
LOST_GRACE = datetime.timedelta(seconds=30)
# Queued chunks are sent again when the run has not moved for this long and no
# worker is on it (their messages went with a dead worker's prefetch).
NO_PROGRESS = datetime.timedelta(minutes=2)
# The refit before the chunks are made can take a while on a large network.
START_GRACE = datetime.timedelta(minutes=15)
# A pending rescoring not done after this long is queued again.
RESCORE_GRACE = datetime.timedelta(minutes=2)
RESCORE_BATCH = 500


def chunk_time_limit() -> int:
    """Seconds a chunk may take before Celery stops it (the tasks' time limit)."""
    return settings.MATCH_CHUNK_TIME_LIMIT


# --- Runs --------------------------------------------------------------------------


def running_run() -> MatchRun | None:
    return MatchRun.objects.filter(status=MatchRun.Status.RUNNING).first()


def begin_run(*, started_by=None) -> tuple[MatchRun, bool]:
    """A new run, or the one already running: (run, created). The database
    allows one running run, so concurrent callers agree on it."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return MatchRun.objects.create(started_by=started_by), True
        except IntegrityError:
            running = running_run()
            if running is not None:
                return running, False
    raise RuntimeError("could not start or find a running full rematch")


def fail_run(run_id: int) -> None:
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.FAILED, finished_at=timezone.now()
    )


def start_run(run_id: int) -> None:
    """Refit, write the chunks (once, however often this is delivered), queue them."""
    run = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).first()
    if run is None:
        return
    if not run.chunks.exists():
        try:
            scientist_chunks = matcher.prepare_run(run)
        except Exception:
            fail_run(run_id)
            raise
        MatchRun.objects.filter(pk=run_id).update(chunks_total=len(scientist_chunks))
        now = timezone.now()
        MatchRunChunk.objects.bulk_create(
            [
                MatchRunChunk(run=run, index=i, scientist_ids=ids, queued_at=now)
                for i, ids in enumerate(scientist_chunks)
            ],
            ignore_conflicts=True,
        )
    queue_chunks(run_id, run.chunks.filter(done_at__isnull=True, started_at__isnull=True))
    if not run.chunks.exists():
        finish_run(run_id)


def queue_chunks(run_id: int, chunks) -> None:
    from .tasks import score_chunk_task

    for index in list(chunks.order_by("index").values_list("index", flat=True)):
        score_chunk_task.delay(run_id, index)


def score_chunk(*, run_id: int, index: int, task_id: str) -> int:
    """Claim the chunk, score it, mark it done; finish the run after the last one.
    Returns the pairs scored (0 when this delivery had nothing to do)."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=chunk_time_limit()) - LOST_GRACE
    claimed = (
        MatchRunChunk.objects.filter(
            run_id=run_id,
            index=index,
            done_at__isnull=True,
            run__status=MatchRun.Status.RUNNING,
        )
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=stale) | Q(task_id=task_id))
        .update(started_at=now, task_id=task_id, attempts=F("attempts") + 1)
    )
    if not claimed:
        return 0
    chunk = MatchRunChunk.objects.get(run_id=run_id, index=index)
    # A chunk scored before (its worker died on it) may already have added its
    # scores to the run's shared per-project bounds; adding them again would
    # count its scientists twice and overstate the bounds, dropping rows other
    # chunks need. So a second attempt scores without the bounds: it writes a
    # superset of its rows, which the finishing prune trims.
    pairs = matcher.score_chunk(run_id if chunk.attempts == 1 else None, chunk.scientist_ids)
    MatchRunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
        done_at=timezone.now(), pairs_scored=pairs
    )
    sync_progress(run_id)
    if not MatchRunChunk.objects.filter(run_id=run_id, done_at__isnull=True).exists():
        finish_run(run_id)
    return pairs


def sync_progress(run_id: int) -> None:
    """The run's counters from its chunks (a chunk scored twice counts once)."""
    done = MatchRunChunk.objects.filter(run_id=run_id, done_at__isnull=False)
    totals = done.aggregate(chunks=Count("pk"), pairs=Sum("pairs_scored"))
    MatchRun.objects.filter(pk=run_id).update(
        chunks_done=totals["chunks"] or 0, pairs_scored=totals["pairs"] or 0
    )


def finish_run(run_id: int) -> MatchRun | None:
    """Prune and mark done, once, when every chunk is done."""
    with transaction.atomic():
        run = (
            MatchRun.objects.select_for_update()
            .filter(pk=run_id, status=MatchRun.Status.RUNNING)
            .first()
        )
        if run is None or run.chunks.filter(done_at__isnull=True).exists():
            return None
        sync_progress(run_id)
        return matcher.finish_run(run_id)


def _active_task_ids() -> set[str] | None:
    """Ids of the tasks the workers are executing now; None when unknown."""
    from diaspora.celery import app

    if app.conf.task_always_eager:
        return None
    try:
        replies = app.control.inspect(timeout=1.0).active()
    except Exception:  # the broker is unreachable: decide nothing from it
        logger.warning("Could not ask the workers what they are running", exc_info=True)
        return None
    return {task["id"] for tasks in (replies or {}).values() for task in tasks}


def recover_runs(*, now: datetime.datetime | None = None, active: set[str] | None = None) -> dict:
    """Queue again what a lost worker left of the running run; see the module doc.

    ``active``: the task ids being executed (asked of the workers when None).
    """
    from .tasks import finish_run_task, score_full_rematch_task

    now = now or timezone.now()
    summary = {"requeued_chunks": 0, "finished": 0, "restarted": 0, "failed": 0}
    run = running_run()
    if run is None:
        return summary
    open_chunks = list(run.chunks.filter(done_at__isnull=True))
    if not run.chunks.exists():
        if run.started_at < now - START_GRACE:
            # Straight to scoring: vectors still missing are computed later, and
            # their profiles are scored without the semantic part meanwhile.
            score_full_rematch_task.delay(run.pk)
            summary["restarted"] += 1
        return summary
    if not open_chunks:
        finish_run_task.delay(run.pk)
        summary["finished"] += 1
        return summary
    if active is None:
        active = _active_task_ids()
    stale = now - datetime.timedelta(seconds=chunk_time_limit()) - LOST_GRACE

    def being_worked_on(chunk) -> bool:
        if chunk.started_at is None:
            return False
        if chunk.started_at >= now - LOST_GRACE:
            return True
        if active is None:
            return chunk.started_at >= stale
        return chunk.task_id in active

    started_lost = [c for c in open_chunks if c.started_at and not being_worked_on(c)]
    lost = list(started_lost)
    last_moves = run.chunks.aggregate(started=Max("started_at"), done=Max("done_at"))
    last_move = max([t for t in last_moves.values() if t] + [run.started_at])
    if last_move < now - NO_PROGRESS and not any(being_worked_on(c) for c in open_chunks):
        lost += [c for c in open_chunks if c.started_at is None and c.queued_at < now - NO_PROGRESS]
    if any(c.attempts >= MAX_CHUNK_ATTEMPTS for c in started_lost):
        logger.error(
            "Full rematch %s failed: a chunk was lost %s times", run.pk, MAX_CHUNK_ATTEMPTS
        )
        fail_run(run.pk)
        summary["failed"] += 1
        return summary
    if lost:
        ids = [c.pk for c in lost]
        MatchRunChunk.objects.filter(pk__in=ids, done_at__isnull=True).update(
            started_at=None, task_id="", queued_at=now
        )
        queue_chunks(run.pk, MatchRunChunk.objects.filter(pk__in=ids, done_at__isnull=True))
        summary["requeued_chunks"] += len(ids)
        logger.warning("Full rematch %s: %s lost chunk(s) queued again", run.pk, len(ids))
    return summary


# --- Pending rescoring ---------------------------------------------------------------


def record_rescore(kind: str, object_id: int) -> None:
    """Remember (with the save) that this profile or project needs rescoring."""
    PendingRescore.objects.update_or_create(
        kind=kind, object_id=object_id, defaults={"requested_at": timezone.now()}
    )


def rescore_done(kind: str, object_id: int, *, started_at: datetime.datetime) -> None:
    """The rescoring that started at `started_at` is done; a save made after
    that start stays pending."""
    PendingRescore.objects.filter(
        kind=kind, object_id=object_id, requested_at__lte=started_at
    ).delete()


def requeue_pending_rescoring(*, now: datetime.datetime | None = None) -> int:
    """Queue again the rescoring the broker dropped or never took. Returns how many."""
    from kombu.exceptions import OperationalError

    from . import tasks

    now = now or timezone.now()
    due = PendingRescore.objects.filter(requested_at__lt=now - RESCORE_GRACE).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - RESCORE_GRACE)
    )
    task_of = {
        PendingRescore.Kind.SCIENTIST: tasks.rescore_scientist_task,
        PendingRescore.Kind.PROJECT: tasks.rescore_project_task,
    }
    queued = 0
    for pending in list(due.order_by("requested_at")[:RESCORE_BATCH]):
        try:
            task_of[pending.kind].delay(pending.object_id)
        except OperationalError:
            logger.warning("The broker is still unreachable: rescoring stays pending")
            break
        PendingRescore.objects.filter(pk=pending.pk).update(queued_at=now)
        queued += 1
    return queued
