"""Background jobs of notifications: short, by id, safe to run twice."""

from celery import shared_task

from . import digest, services

DIGEST_CHUNK = 200


@shared_task(name="notifications.tasks.send_notification_emails")
def send_notification_emails(ids: list[int]) -> int:
    """Emails that fail are given back to the sweep (send_pending_emails), not retried here."""
    return services.send_notification_emails(ids)


@shared_task(name="notifications.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Periodic: emails whose queueing was lost (broker down when the change committed)."""
    return services.send_notification_emails(services.pending_email_ids())


@shared_task(name="notifications.tasks.send_weekly_digests")
def send_weekly_digests() -> int:
    """Weekly (stored schedule): one small job per chunk of people."""
    ids = digest.recipient_ids()
    for i in range(0, len(ids), DIGEST_CHUNK):
        send_digests.delay(ids[i : i + DIGEST_CHUNK])
    return len(ids)


@shared_task(name="notifications.tasks.send_digests")
def send_digests(user_ids: list[int]) -> int:
    return sum(1 for pk in user_ids if digest.send_digest(pk))
