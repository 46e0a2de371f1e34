"""The Content-Security-Policy ('self' only) leaves the admin and the account
pages working: no script or style is refused."""

import pytest
from django.urls import reverse

from tests import factories
from tests.browser.sessions import as_user

pytestmark = pytest.mark.browser


def test_admin_and_account_pages_work_under_the_content_security_policy(
    transactional_db, browser, live_server, shot
):
    roles = factories.RoleSet.build()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    ctx, page = as_user(browser, live_server, admin)
    for url in (
        reverse("admin:index"),
        reverse("admin:profiles_scientistprofile_changelist"),
        reverse("admin:profiles_scientistprofile_change", args=[roles.profile.pk]),
        reverse("admin:agreements_followupsettings_add"),
        reverse("accounts:account"),
        reverse("mfa_index"),
        reverse("notifications:list"),
        reverse("notifications:preferences"),
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.csp_violations == [], url
    shot(page, "mfa-index")
    ctx.close()


def test_a_first_visit_asks_for_nothing_the_site_does_not_have(
    transactional_db, browser, live_server
):
    """Every request a page makes (styles, scripts, the tab's icon) is found:
    a newcomer's console shows no 404."""
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    # the browser's own request for the tab's icon shows only in the console
    page.on("console", lambda m: missing.append(m.text) if m.type == "error" else None)
    for url in ("/", reverse("account_login"), reverse("account_signup")):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        # the console may report the icon after the page is idle: ask for it too
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert page.request.get(live_server.url + icon).status == 200, url
    assert missing == []
    context.close()
