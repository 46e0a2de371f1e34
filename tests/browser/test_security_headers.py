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
