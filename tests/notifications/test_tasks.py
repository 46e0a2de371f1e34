"""Emails survive a broker outage and a failing mail server: the rows wait in the
database and a periodic sweep sends them, each once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import tasks
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import notify


def tell(user, key="test:sweep"):
    notify(
        kind=Kind.MILESTONE_DONE,
        event_key=key,
        recipients=[user],
        link="/agreements/",
        params={"project": "Maíz", "milestone": "Entrega"},
    )


def age(minutes=10):
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_broker_outage_loses_no_email(roles, committed, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.send_notification_emails, "delay", broker_down)
    with committed():
        tell(roles.scientist)  # the change itself commits
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    age()
    assert tasks.send_pending_emails.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[roles.scientist.email]]
    assert tasks.send_pending_emails.delay().get() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_fresh_rows_to_their_own_job(roles):
    tell(roles.scientist)  # its on-commit job is still to come
    assert tasks.send_pending_emails.delay().get() == 0


def test_a_failing_mail_server_gives_the_email_back_to_the_sweep(roles, settings, committed):
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.FailingBackend"
    with committed():
        tell(roles.scientist)
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    age()
    assert tasks.send_pending_emails.delay().get() == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


@pytest.mark.parametrize("delivery", ["app", "digest"])
def test_the_sweep_never_emails_what_the_reader_kept_out_of_email(roles, delivery):
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(
        user=roles.scientist, kind=Kind.MILESTONE_DONE, delivery=delivery
    )
    tell(roles.scientist)
    age()
    assert tasks.send_pending_emails.delay().get() == 0
    assert mail.outbox == []
