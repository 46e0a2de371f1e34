"""The notification centre and the preferences page: who may see and change what."""

import pytest
from django.urls import reverse

from notifications.kinds import Kind
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from notifications.services import notify
from tests.factories import PASSWORD


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


@pytest.fixture
def note(roles):
    notify(
        kind=Kind.AGREEMENT_PROPOSED,
        event_key="test:1",
        recipients=[roles.scientist],
        link="/agreements/",
        actor=roles.member,
        params={"project": "Maíces nativos"},
    )
    return Notification.objects.get()


URLS = [
    ("get", "notifications:list", []),
    ("post", "notifications:read_all", []),
    ("get", "notifications:preferences", []),
    ("post", "notifications:calendar_reset", []),
]


@pytest.mark.parametrize("method,name,args", URLS)
def test_every_page_needs_login(client, db, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_centre_lists_what_happened_and_the_navigation_counts_it(client, roles, note):
    login(client, roles.scientist)
    page = client.get(reverse("notifications:list"), headers={"Accept-Language": "es"})
    assert "propuso un acuerdo sobre «Maíces nativos»" in page.text
    assert page.context["unread_notifications"] == 1
    assert 'id="nav-notifications"' in page.text
    assert "1 sin leer" in page.text


def test_opening_one_marks_it_read_and_goes_to_its_page(client, roles, note):
    login(client, roles.scientist)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == "/agreements/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 0


def test_mark_all_read(client, roles, note):
    login(client, roles.scientist)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.unread().exists()


@pytest.mark.parametrize("who", ["other_scientist", "member", "other_member", "coordinator"])
def test_nobody_else_sees_or_marks_someone_elses_notification(client, roles, note, who):
    login(client, getattr(roles, who))
    assert "Maíces nativos" not in client.get(reverse("notifications:list")).text
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    note.refresh_from_db()
    assert note.read_at is None


def test_preferences_are_saved_per_kind(client, roles):
    login(client, roles.scientist)
    page = client.get(reverse("notifications:preferences"))
    fields = page.context["form"].fields
    assert "kind_agreement_proposed" in fields
    assert "kind_institution_registered" not in fields  # coordinators only
    assert "kind_membership_requested" not in fields  # institutions and coordinators
    assert "followed_areas" not in fields
    data = {name: Delivery.EMAIL for name in fields if name.startswith("kind_")}
    data.update(kind_interest=Delivery.DIGEST, kind_milestone_added=Delivery.APP)
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=roles.scientist).values_list("kind", "delivery")
    )
    assert chosen[Kind.INTEREST] == Delivery.DIGEST
    assert chosen[Kind.MILESTONE_ADDED] == Delivery.APP
    assert NotificationSettings.of(roles.scientist).weekly_digest is False  # unticked


def test_a_bad_choice_shows_an_error_and_changes_nothing(client, roles):
    login(client, roles.scientist)
    response = client.post(reverse("notifications:preferences"), {"kind_interest": "fax"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind_interest"]
    assert not NotificationPreference.objects.exists()


def test_coordinators_choose_the_institutions_and_areas_they_follow(client, roles):
    login(client, roles.coordinator)
    fields = client.get(reverse("notifications:preferences")).context["form"].fields
    data = {name: Delivery.EMAIL for name in fields if name.startswith("kind_")}
    data.update(
        followed_institutions=[roles.institution.pk],
        followed_areas=["medicine_health"],
        weekly_digest="on",
    )
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    chosen = NotificationSettings.of(roles.coordinator)
    assert list(chosen.followed_institutions.all()) == [roles.institution]
    assert chosen.followed_areas == ["medicine_health"]


def test_others_cannot_choose_what_to_follow(client, roles):
    login(client, roles.member)
    fields = client.get(reverse("notifications:preferences")).context["form"].fields
    data = {name: Delivery.EMAIL for name in fields if name.startswith("kind_")}
    data.update(followed_institutions=[roles.institution.pk])
    client.post(reverse("notifications:preferences"), data)
    assert not NotificationSettings.of(roles.member).followed_institutions.exists()


def test_reading_notifications_is_a_post(client, roles, note):
    login(client, roles.scientist)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405
