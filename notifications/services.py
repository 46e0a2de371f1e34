"""Creating notifications and emailing them.

`notify` runs inside the transaction of the change it reports: the rows commit
(or roll back) with it, one per event and reader (a database constraint), and
their emails are queued for Celery once the transaction commits. The email task
claims each row with a conditional UPDATE, so a retried or concurrent job sends
nothing twice; rows whose queueing was lost (broker down) are swept up by a
periodic task.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User

from .kinds import Kind
from .models import Delivery, Notification, NotificationPreference, NotificationSettings

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The weekly digest is not a kind, but it can be unsubscribed from like one.
DIGEST = "digest"


def site_url(path: str) -> str:
    """An absolute link on the site's own address (settings.SITE_URL), for every email."""
    return settings.SITE_URL.rstrip("/") + path


def deliveries_for(users: Iterable[User], kind: str) -> dict[int, str]:
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {u.pk: chosen.get(u.pk, Delivery.EMAIL) for u in users}


def notify(
    *,
    kind: str,
    event_key: str,
    recipients: Iterable[User],
    link: str,
    actor: User | None = None,
    params: dict | None = None,
) -> None:
    """Record one event for each recipient (never the actor) and queue the emails."""
    readers: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk in readers:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        readers[user.pk] = user
    if not readers:
        return
    # The actor's name only: their email is a contact detail.
    params = {"actor": actor.full_name if actor else "", **(params or {})}
    deliveries = deliveries_for(readers.values(), kind)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                event_key=event_key,
                actor=actor,
                params=params,
                link=link,
                delivery=deliveries[user.pk],
            )
            for user in readers.values()
        ],
        ignore_conflicts=True,
    )
    if any(d == Delivery.EMAIL for d in deliveries.values()):
        recipient_ids = sorted(readers)
        transaction.on_commit(
            lambda: queue_emails(event_key=event_key, recipient_ids=recipient_ids), robust=True
        )


def queue_emails(*, event_key: str, recipient_ids: list[int]) -> None:
    from .tasks import send_notification_emails

    ids = list(
        Notification.objects.emails_to_send()
        .filter(event_key=event_key, recipient_id__in=recipient_ids)
        .values_list("pk", flat=True)
    )
    if ids:
        send_notification_emails.delay(ids)


# --- emails -------------------------------------------------------------------


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    kind = data.get("k") if isinstance(data, dict) else None
    if kind not in (*Kind.values, DIGEST):
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, kind) if user else None


def unsubscribe(user: User, kind: str) -> None:
    """Stop emails of this kind (they stay in the app), or the weekly digest."""
    if kind == DIGEST:
        NotificationSettings.objects.update_or_create(user=user, defaults={"weekly_digest": False})
    else:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": Delivery.APP}
        )


def build_email(
    *, user: User, kind: str, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    """A message to one person in the active language: plain text and HTML parts from
    `template`.txt/.html, with the unsubscribe link and List-Unsubscribe headers."""
    unsubscribe_url = site_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)])
    )
    context = {
        **context,
        "recipient": user,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "preferences_url": site_url(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
        "kind_label": Kind(kind).label if kind in Kind.values else "",
        "is_digest": kind == DIGEST,
    }
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(str(subject).split()),
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"notification": notification, "url": site_url(notification.link)}
        template = "notifications/email/notification"
        if notification.kind == Kind.INTRODUCTION:
            from . import events

            context.update(events.introduction_email_context(notification))
            template = "notifications/email/introduction"
        subject = f"{settings.SITE_NAME}: {notification.title}"
        return build_email(
            user=user, kind=notification.kind, subject=subject, template=template, context=context
        )


def send_notification_emails(ids: list[int]) -> int:
    """Email these notifications, each one once; returns how many were sent."""
    sent = 0
    connection = get_connection()
    for pk in ids:
        claimed = (
            Notification.objects.emails_to_send().filter(pk=pk).update(emailed_at=timezone.now())
        )
        if not claimed:
            continue  # sent already, by this job's earlier try or another worker
        notification = Notification.objects.select_related("recipient").get(pk=pk)
        try:
            connection.send_messages([notification_email(notification)])
        except Exception:
            # Give it back so the sweep tries again later.
            Notification.objects.filter(pk=pk).update(emailed_at=None)
            logger.exception("Could not email notification %s", pk)
            continue
        sent += 1
    return sent


def pending_email_ids(*, older_than_minutes: int = 5, limit: int = 1000) -> list[int]:
    """Emails whose queueing was lost (for instance the broker was down)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    return list(
        Notification.objects.emails_to_send()
        .filter(created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- reading -------------------------------------------------------------------


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
