"""The weekly digest: what is new and what waits on the reader; silent otherwise."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agreements.models import Stage
from matching.models import Interest
from notifications import digest
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import notify
from notifications.tasks import send_weekly_digests
from tests import factories
from tests.notifications.conftest import html_of, message_to

# The weekly task reads the clock: the fixtures are dated from today.
NOW = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)


@pytest.fixture
def busy_week(roles):
    """Something of each section for the roles' scientist and member."""
    roles.new_project = factories.ProjectFactory(title="Suelos vivos")
    factories.MatchFactory(scientist=roles.profile, project=roles.new_project)
    factories.InterestFactory(
        scientist=roles.profile, project=roles.project, side=Interest.Side.INSTITUTION
    )
    # Declined by the other institution: never shown to the scientist.
    factories.InterestFactory(
        scientist=roles.profile,
        project=roles.other_project,
        side=Interest.Side.INSTITUTION,
        decision=Interest.Decision.DECLINED,
    )
    waiting = factories.AgreementFactory(
        scientist=roles.profile,
        project=factories.ProjectFactory(institution=roles.institution, title="Agua limpia"),
        stage=Stage.PROPOSED,
        awaiting_side="scientist",
    )
    factories.MilestoneFactory(
        agreement=waiting, title="Muestreo", due_on=NOW.date() + datetime.timedelta(days=10)
    )
    factories.MilestoneFactory(
        agreement=waiting, title="Lejano", due_on=NOW.date() + datetime.timedelta(days=40)
    )
    return roles


def test_the_digest_lists_what_is_new_and_what_waits(busy_week):
    roles = busy_week
    assert digest.send_digest(roles.scientist.pk, now=NOW)
    message = message_to(roles.scientist)
    assert "tu semana" in message.subject
    for text in ("Suelos vivos", roles.project.title, "Agua limpia", "Muestreo"):
        assert text in message.body
        assert text in html_of(message)
    assert roles.other_project.title not in message.body  # their "not for me"
    assert "Lejano" not in message.body  # beyond two weeks
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_member_digest_shows_their_institutions_side(busy_week):
    roles = busy_week
    factories.InterestFactory(
        scientist=roles.other_profile, project=roles.project, side=Interest.Side.SCIENTIST
    )
    factories.InterestFactory(
        scientist=roles.other_profile, project=roles.other_project, side=Interest.Side.SCIENTIST
    )
    roles.member.preferred_language = "en"
    roles.member.save()
    assert digest.send_digest(roles.member.pk, now=NOW)
    body = message_to(roles.member).body
    assert "Scientists interested in your projects" in body
    assert f"{roles.other_profile.name}: {roles.project.title}" in body
    assert roles.other_project.title not in body
    assert "Muestreo" in body  # their institution's agreement


def test_nothing_to_say_sends_nothing(roles):
    assert not digest.send_digest(roles.other_scientist.pk, now=NOW)
    assert mail.outbox == []


def test_one_digest_a_week_however_often_the_job_runs(busy_week):
    roles = busy_week
    assert digest.send_digest(roles.scientist.pk, now=NOW)
    assert not digest.send_digest(roles.scientist.pk, now=NOW + datetime.timedelta(days=2))
    assert len(mail.outbox) == 1
    assert digest.send_digest(roles.scientist.pk, now=NOW + datetime.timedelta(days=7))


def test_recommendations_already_in_a_digest_are_not_new_again(busy_week):
    roles = busy_week
    digest.send_digest(roles.scientist.pk, now=timezone.now())
    mail.outbox.clear()
    digest.send_digest(roles.scientist.pk, now=timezone.now() + datetime.timedelta(days=7))
    assert "Suelos vivos" not in message_to(roles.scientist).body


def test_notifications_kept_for_the_digest_arrive_in_it_once(roles):
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(
        user=roles.other_scientist, kind=Kind.MILESTONE_ADDED, delivery=Delivery.DIGEST
    )
    notify(
        kind=Kind.MILESTONE_ADDED,
        event_key="test:milestone",
        recipients=[roles.other_scientist],
        link="/agreements/",
        actor=roles.member,
        params={"project": "Maíz", "milestone": "Entrega"},
    )
    assert mail.outbox == []
    assert digest.send_digest(roles.other_scientist.pk, now=NOW)
    assert "Entrega" in message_to(roles.other_scientist).body
    assert Notification.objects.get().digested_at is not None
    mail.outbox.clear()
    assert not digest.send_digest(roles.other_scientist.pk, now=NOW + datetime.timedelta(days=7))


def test_whoever_turned_the_digest_off_gets_none(busy_week):
    NotificationSettings.objects.create(user=busy_week.scientist, weekly_digest=False)
    assert not digest.send_digest(busy_week.scientist.pk, now=NOW)
    assert mail.outbox == []


def test_the_weekly_task_reaches_only_those_with_something_to_say(busy_week):
    roles = busy_week
    send_weekly_digests.delay().get()
    recipients = {a for m in mail.outbox for a in m.to}
    assert roles.scientist.email in recipients
    assert roles.member.email in recipients  # the agreement's milestone
    assert roles.other_scientist.email not in recipients


def test_the_weekly_digest_is_a_stored_schedule(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="notifications.tasks.send_weekly_digests")
    assert task.enabled
    assert task.crontab.day_of_week == "1"
    assert PeriodicTask.objects.get(task="notifications.tasks.send_pending_emails").enabled


def test_a_failing_mail_server_leaves_the_digest_for_the_next_run(busy_week, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.FailingBackend"
    assert not digest.send_digest(busy_week.scientist.pk, now=NOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest.send_digest(busy_week.scientist.pk, now=NOW + datetime.timedelta(hours=1))
    assert len(mail.outbox) == 1
