"""Every email: plain text and HTML from templates, links on SITE_URL, one-click unsubscribe."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import events
from notifications.kinds import Kind
from notifications.models import Delivery, NotificationPreference, NotificationSettings
from profiles.models import Membership
from tests import factories
from tests.notifications.conftest import html_of, message_to

SITE = "https://red.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def request_email(roles, committed):
    """A membership request: one email to the coordinator."""
    membership = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    )
    with committed():
        events.membership_requested(membership)
    return message_to(roles.coordinator)


def test_an_email_has_a_plain_text_and_an_html_part_saying_the_same(roles, request_email):
    html = html_of(request_email)
    assert roles.institution.name in request_email.body
    assert roles.institution.name in html
    assert f'href="{SITE}/approvals/"' in html
    assert f"{SITE}/approvals/" in request_email.body
    assert '<html lang="es">' in html
    assert "\n" not in request_email.subject


def test_every_link_is_on_the_sites_own_address(request_email):
    links = re.findall(r"https?://[^\s\"<>]+", request_email.body + html_of(request_email))
    assert links
    assert all(link.startswith(SITE + "/") for link in links)


def test_allauth_emails_link_to_the_same_address(db, client):
    client.post(
        reverse("account_signup"),
        {
            "email": "ana@example.org",
            "full_name": "Ana",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
            "role": "scientist",
            "accept_privacy": "on",
        },
    )
    (message,) = mail.outbox
    assert f"{SITE}/accounts/confirm-email/" in message.body
    assert "testserver" not in message.body


def test_list_unsubscribe_headers_and_one_click_post_without_login(roles, request_email):
    header = request_email.extra_headers["List-Unsubscribe"]
    assert request_email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url.startswith(SITE + "/notifications/unsubscribe/")
    assert url in request_email.body
    path = url.removeprefix(SITE)
    anonymous = Client(enforce_csrf_checks=True)
    # Opening the link changes nothing (mail scanners follow links).
    assert anonymous.get(path).status_code == 200
    assert not NotificationPreference.objects.exists()
    # The mail client's one-click POST needs no login and no CSRF token.
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=roles.coordinator)
    assert (preference.kind, preference.delivery) == (Kind.MEMBERSHIP_REQUESTED, Delivery.APP)


def test_after_unsubscribing_the_kind_stays_in_the_app_without_email(
    roles, request_email, committed
):
    path = request_email.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)
    Client().post(path)
    mail.outbox.clear()
    again = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    )
    with committed():
        events.membership_requested(again)
    assert roles.coordinator.email not in [a for m in mail.outbox for a in m.to]
    assert roles.coordinator.notifications.count() == 2


def test_a_forged_unsubscribe_token_is_refused(db, client):
    response = client.post(reverse("notifications:unsubscribe", args=["not-a-token"]))
    assert response.status_code == 404


def test_the_digest_unsubscribe_link_stops_the_digest(roles):
    from notifications.services import DIGEST, unsubscribe_token

    Client().post(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(roles.scientist, DIGEST)])
    )
    assert NotificationSettings.of(roles.scientist).weekly_digest is False


def test_the_introduction_email_has_contact_details_in_both_parts(roles, committed):
    intro = factories.IntroductionFactory(scientist=roles.profile, project=roles.project)
    with committed():
        events.introduction_made(intro)
    to_member = message_to(roles.member)
    assert roles.profile.email in to_member.body
    assert f"mailto:{roles.profile.email}" in html_of(to_member)
    to_scientist = message_to(roles.scientist)
    assert roles.member.email in html_of(to_scientist)
    assert f"{SITE}/matching/introductions/{intro.pk}/" in to_scientist.body
