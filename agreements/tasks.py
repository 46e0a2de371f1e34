from celery import shared_task
from django.utils import timezone

from . import dashboard
from .followups import run_followups


@shared_task(name="agreements.tasks.run_daily_followups")
def run_daily_followups(today: str | None = None) -> dict:
    """The daily follow-up job (scheduled in the admin: Periodic tasks). Safe to run twice."""
    day = timezone.localdate() if not today else timezone.datetime.fromisoformat(today).date()
    return run_followups(day)


@shared_task(name="agreements.tasks.refresh_dashboard_figures")
def refresh_dashboard_figures() -> None:
    """The coordinators' dashboard figures computed ahead of a request (queued
    after saves that change them). Safe to run twice: kept figures are reused."""
    dashboard.refresh_figures(timezone.localdate())
