"""Keep suggestions fresh: saving a profile or a project queues its rescoring.

The task is queued with ``transaction.on_commit`` so the worker reads the
committed row. Bulk jobs (import_data, seed_demo, bench_matcher) wrap their
writes in ``rescoring_suspended()`` so that no per-row task is queued; they run
a full rematch afterwards instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from profiles.models import Project, ScientistProfile

logger = logging.getLogger(__name__)

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "matching_rescoring_suspended", default=False
)


@contextlib.contextmanager
def rescoring_suspended() -> Iterator[None]:
    """Within this block, saving a profile or a project queues no rescoring task."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def rescoring_is_suspended() -> bool:
    return _suspended.get()


def _queue(task_name: str, object_id: int) -> None:
    # Recorded with the save (same transaction): if the message below is lost,
    # or the broker is down, a periodic job queues the rescoring again.
    from matching import runs

    kind = "scientist" if task_name == "rescore_scientist_task" else "project"
    runs.record_rescore(kind, object_id)

    def send() -> None:
        # Imported late: the tasks import the matcher, which imports the models.
        from kombu.exceptions import OperationalError

        from matching import tasks

        try:
            getattr(tasks, task_name).delay(object_id)
        except OperationalError:
            # The broker is down: the save stands; the pending row is picked up later.
            logger.exception("Could not queue %s(%s)", task_name, object_id)

    transaction.on_commit(send)


@receiver(post_save, sender=ScientistProfile, dispatch_uid="matching_rescore_scientist")
def queue_scientist_rescoring(sender, instance, raw=False, **kwargs):
    if raw or rescoring_is_suspended():
        return
    _queue("rescore_scientist_task", instance.pk)


@receiver(post_save, sender=Project, dispatch_uid="matching_rescore_project")
def queue_project_rescoring(sender, instance, raw=False, **kwargs):
    if raw or rescoring_is_suspended():
        return
    _queue("rescore_project_task", instance.pk)


# A deleted profile or project takes its suggestions with it: the lists it was
# in are short of one until their owners are rescored (refilled from the rest).
@receiver(pre_delete, sender=ScientistProfile, dispatch_uid="matching_refill_after_scientist")
def queue_refill_after_scientist_deletion(sender, instance, **kwargs):
    from matching.models import Match, MatchFloor

    if rescoring_is_suspended():
        return  # a bulk job: the full rematch after it recomputes every floor
    MatchFloor.objects.filter(side=MatchFloor.Side.SCIENTIST, owner_id=instance.pk).delete()
    for project_id in Match.objects.filter(scientist=instance).values_list("project_id", flat=True):
        _queue("rescore_project_task", project_id)


@receiver(pre_delete, sender=Project, dispatch_uid="matching_refill_after_project")
def queue_refill_after_project_deletion(sender, instance, **kwargs):
    from matching.models import Match, MatchFloor

    if rescoring_is_suspended():
        return  # a bulk job: the full rematch after it recomputes every floor
    MatchFloor.objects.filter(side=MatchFloor.Side.PROJECT, owner_id=instance.pk).delete()
    for scientist_id in Match.objects.filter(project=instance).values_list(
        "scientist_id", flat=True
    ):
        _queue("rescore_scientist_task", scientist_id)
