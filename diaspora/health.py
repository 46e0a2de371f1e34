"""GET /health/: is this instance able to serve, and is the background work moving?

Anyone (the load balancer) gets the database and broker states; the answer is
503 only when the database is unreachable, since pages that do not need Redis
keep working without it. Coordinators also get the workers that answered a ping,
the age of the last full rematch and of the last follow-up run, and how much
rescoring is pending.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "unreachable"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "none (tasks run in-process)"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:
        return "unreachable"


def _workers() -> list[str]:
    from diaspora.celery import app

    try:
        return sorted(name for reply in app.control.ping(timeout=1.0) for name in reply)
    except Exception:
        return []


def _age_seconds(moment) -> int | None:
    return int((timezone.now() - moment).total_seconds()) if moment else None


def _background() -> dict:
    from agreements.models import FollowUpRun
    from matching.models import MatchRun, PendingRescore

    last_rematch = (
        MatchRun.objects.filter(status=MatchRun.Status.DONE).order_by("-finished_at").first()
    )
    running = MatchRun.objects.filter(status=MatchRun.Status.RUNNING).first()
    last_followup = FollowUpRun.objects.order_by("-finished_at").first()
    oldest_pending = PendingRescore.objects.order_by("requested_at").first()
    return {
        "workers": _workers() if settings.CELERY_BROKER_URL else ["in-process"],
        "last_full_rematch_age_s": _age_seconds(last_rematch and last_rematch.finished_at),
        "full_rematch_running": (
            {
                "run": running.pk,
                "chunks_done": running.chunks_done,
                "chunks_total": running.chunks_total,
                "age_s": _age_seconds(running.started_at),
            }
            if running
            else None
        ),
        "last_followup_run_age_s": _age_seconds(last_followup and last_followup.finished_at),
        "pending_rescoring": PendingRescore.objects.count(),
        "oldest_pending_rescoring_age_s": _age_seconds(
            oldest_pending and oldest_pending.requested_at
        ),
    }


@never_cache
@require_GET
def health(request):
    database = _database()
    body = {"status": "ok" if database == "ok" else "fail", "database": database}
    body["broker"] = _broker()
    user = request.user
    if database == "ok" and user.is_authenticated and user.is_coordinator:
        body.update(_background())
    return JsonResponse(body, status=200 if database == "ok" else 503)
