"""The notification centre with its count, the preferences page and an email's HTML
part, in chromium, on a desktop and on a phone. Screenshots in test-artifacts/."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from agreements import services as agreements
from tests import factories
from tests.browser.test_accessibility import check_page

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def logged_in(browser, live_server, user, viewport=DESKTOP, locale="es-MX"):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale=locale, viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return context, page


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def proposal(transactional_db):
    """The scientist proposes an agreement: the member is told (app and email)."""
    roles = factories.RoleSet.build()
    introduction = factories.IntroductionFactory(scientist=roles.profile, project=roles.project)
    agreement = agreements.propose_agreement(
        introduction=introduction, by=roles.scientist, goals=["publications"]
    )
    agreements.add_milestone(agreement=agreement, by=roles.scientist, title="Primer borrador")
    return roles, agreement


def test_the_centre_counts_and_leads_to_the_agreement(browser, live_server, proposal, shot):
    roles, agreement = proposal
    context, page = logged_in(browser, live_server, roles.member)
    page.goto(live_server.url + reverse("home"))
    assert page.locator("#nav-notifications .count").inner_text() == "2"
    page.click("#nav-notifications")
    page.wait_for_url("**/notifications/")
    assert page.locator(".notification.unread").count() == 2
    assert "propuso un acuerdo" in page.locator("main").inner_text()
    check_page(page, reverse("notifications:list"))
    shot(page, "centre")
    page.locator(".notification").nth(1).locator("form[action$='/open/'] button").click()
    page.wait_for_url(f"**/agreements/{agreement.pk}/")
    assert page.locator("#nav-notifications .count").inner_text() == "1"
    context.close()


def test_preferences_page_saves_a_choice(browser, live_server, proposal, shot):
    roles, _agreement = proposal
    context, page = logged_in(browser, live_server, roles.member)
    check_page(page, reverse("notifications:preferences"))
    page.select_option("#id_kind_milestone_added", "app")
    page.click("main form[method=post] button[type=submit]:not(.outline)")
    page.wait_for_selector(".message")
    assert page.locator("#id_kind_milestone_added").input_value() == "app"
    assert "/notifications/calendar/" in page.locator("#calendar-url").input_value()
    shot(page, "preferences")
    context.close()


def test_coordinator_preferences_show_what_they_follow(browser, live_server, proposal, shot):
    roles, _agreement = proposal
    context, page = logged_in(browser, live_server, roles.coordinator, locale="en-US")
    check_page(page, reverse("notifications:preferences"))
    assert page.locator("input[name=followed_areas]").count() == 9
    shot(page, "coordinator-preferences")
    context.close()


def test_on_a_phone(browser, live_server, proposal, shot):
    roles, _agreement = proposal
    context, page = logged_in(browser, live_server, roles.member, viewport=PHONE)
    page.goto(live_server.url + reverse("notifications:list"))
    assert page.locator("#nav-notifications .count").is_visible()
    assert fits_the_screen(page)
    shot(page, "centre-phone")
    page.goto(live_server.url + reverse("notifications:preferences"))
    assert fits_the_screen(page)
    shot(page, "preferences-phone")
    context.close()


def test_an_emails_html_part(browser, live_server, proposal, shot, settings):
    roles, agreement = proposal
    message = next(m for m in mail.outbox if m.to == [roles.member.email])
    html, _mimetype = message.alternatives[0]
    for viewport, name in ((DESKTOP, "email"), (PHONE, "email-phone")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_content(html)
        button = page.locator("a", has_text="Responder la propuesta")
        assert button.get_attribute("href") == (
            settings.SITE_URL + reverse("agreements:detail", args=[agreement.pk])
        )
        assert fits_the_screen(page)
        shot(page, name)
        context.close()


def test_an_introduction_emails_html_part(browser, live_server, transactional_db, shot):
    from notifications import events

    roles = factories.RoleSet.build()
    introduction = factories.IntroductionFactory(scientist=roles.profile, project=roles.project)
    events.introduction_made(introduction)
    message = next(m for m in mail.outbox if m.to == [roles.scientist.email])
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(message.alternatives[0][0])
    assert page.locator(f"a[href='mailto:{roles.member.email}']").count() == 1
    assert fits_the_screen(page)
    shot(page, "introduction-phone")
    context.close()


def test_the_not_found_page_in_the_sites_layout(browser, live_server, proposal, shot):
    roles, _agreement = proposal
    context, page = logged_in(browser, live_server, roles.scientist, viewport=PHONE)
    response = page.goto(live_server.url + "/agreements/999999/")
    assert response.status == 404
    assert page.locator("#nav-notifications").count() == 1
    assert page.locator(f"main a[href='{reverse('home')}']").count() == 1
    assert fits_the_screen(page)
    shot(page, "404-phone")
    context.close()


def test_a_digests_html_part(browser, live_server, proposal, shot):
    from notifications import digest

    roles, _agreement = proposal
    assert digest.send_digest(roles.member.pk)
    message = next(m for m in mail.outbox if m.to == [roles.member.email] and "semana" in m.subject)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(message.alternatives[0][0])
    assert page.locator("h2").count() >= 2  # new scientists, the agreement waiting
    assert fits_the_screen(page)
    shot(page, "digest-phone")
    context.close()
