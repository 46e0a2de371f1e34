import pytest
from django.core import mail

from notifications.models import Notification
from tests.live_worker import live_services, live_worker  # noqa: F401


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the code, then what waits for the commit (the emails), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def notified(kind) -> list[str]:
    """Emails of the people notified of this kind, sorted."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def message_to(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


def html_of(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html
