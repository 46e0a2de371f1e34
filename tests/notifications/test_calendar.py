"""Each person's private calendar feed, and its reset."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Stage
from notifications.models import NotificationSettings
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def dated(roles):
    agreement = factories.AgreementFactory(
        scientist=roles.profile,
        project=roles.project,
        stage=Stage.ACTIVE,
        started_on=datetime.date(2026, 9, 1),
        next_follow_up_on=datetime.date(2026, 12, 15),
    )
    factories.MilestoneFactory(
        agreement=agreement, title="Informe", due_on=datetime.date(2027, 2, 1)
    )
    other = factories.AgreementFactory(scientist=roles.other_profile, project=roles.other_project)
    factories.MilestoneFactory(agreement=other, title="Ajeno", due_on=datetime.date(2027, 2, 2))
    return agreement


def feed_of(user):
    token = NotificationSettings.of(user).calendar_token
    return Client().get(reverse("notifications:calendar", args=[token]))


def events_of(response) -> dict[str, datetime.date]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}


def test_the_feed_has_the_milestones_follow_ups_and_start_dates(roles, dated):
    response = feed_of(roles.scientist)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = events_of(response)
    assert events[f"Hito: Informe ({roles.project.title})"] == datetime.date(2027, 2, 1)
    assert events[f"Seguimiento: {roles.project.title}"] == datetime.date(2026, 12, 15)
    assert events[f"Inicia el acuerdo: {roles.project.title}"] == datetime.date(2026, 9, 1)
    assert events[f"Inicia el proyecto: {roles.project.title}"] == roles.project.starts_on
    assert not any("Ajeno" in summary for summary in events)


def test_the_institution_member_sees_the_same_agreement_in_their_language(roles, dated):
    roles.member.preferred_language = "en"
    roles.member.save()
    events = events_of(feed_of(roles.member))
    assert events[f"Milestone: Informe ({roles.project.title})"] == datetime.date(2027, 2, 1)
    assert not any("Ajeno" in summary for summary in events)


def test_a_reset_address_stops_the_old_one(roles, dated):
    old = NotificationSettings.of(roles.scientist).calendar_token
    client = Client()
    assert client.login(email=roles.scientist.email, password=PASSWORD)
    page = client.get(reverse("notifications:preferences"))
    assert old in page.text
    client.post(reverse("notifications:calendar_reset"))
    new = NotificationSettings.of(roles.scientist).calendar_token
    assert new != old
    assert Client().get(reverse("notifications:calendar", args=[old])).status_code == 404
    assert Client().get(reverse("notifications:calendar", args=[new])).status_code == 200


def test_an_unknown_address_is_not_found(db):
    assert Client().get(reverse("notifications:calendar", args=["guess"])).status_code == 404


def test_a_deactivated_users_feed_stops(roles, dated):
    token = NotificationSettings.of(roles.scientist).calendar_token
    roles.scientist.is_active = False
    roles.scientist.save()
    assert Client().get(reverse("notifications:calendar", args=[token])).status_code == 404
