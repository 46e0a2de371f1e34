"""Background computation of large rounds: passes an id, reloads, safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def compute_round_task(round_id: int) -> int:
    services.compute_round(round_id)
    return round_id
