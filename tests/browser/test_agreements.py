"""Two parties go from an introduction to a signed agreement; a coordinator goes
from the dashboard to a stalled agreement and logs a contact. Selectors use
names and URLs, not text, so the walk works in Spanish and English."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementEvent, Stage
from tests import factories
from tests.browser.sessions import as_user

pytestmark = pytest.mark.browser


def test_two_parties_sign_and_a_coordinator_follows_up_a_stalled_agreement(
    transactional_db, browser, live_server, shot
):
    roles = factories.RoleSet.build()
    introduction = factories.IntroductionFactory(scientist=roles.profile, project=roles.project)

    # The scientist proposes.
    ctx, page = as_user(browser, live_server, roles.scientist)
    page.goto(live_server.url + reverse("agreements:propose", args=[introduction.pk]))
    page.check("input[name=goals][value=student_training]")
    page.fill("input[name=hours_per_month]", "6")
    page.fill("input[name=started_on]", "2027-01-15")
    page.fill("input[name=milestones-0-title]", "Primer borrador")
    page.fill("input[name=milestones-0-due_on]", "2027-03-01")
    shot(page, "1-proposal-form")
    page.click("form[method=post] button[type=submit]:not(.outline)")
    page.wait_for_url("**/agreements/*/")
    agreement = Agreement.objects.get()
    assert agreement.stage == Stage.PROPOSED
    assert page.locator("form[action$='/step/accept/']").count() == 0
    shot(page, "2-proposed-by-scientist")
    ctx.close()

    # The institution's member accepts: signed.
    ctx, page = as_user(browser, live_server, roles.member)
    page.goto(live_server.url + reverse("agreements:detail", args=[agreement.pk]))
    page.click("form[action$='/step/accept/'] button")
    page.wait_for_load_state()
    agreement.refresh_from_db()
    assert agreement.stage == Stage.SIGNED
    assert page.locator(".stage-signed").count() >= 1
    # Ticking the milestone done happens in place (htmx).
    page.click("#milestones form[action*='/milestones/'] button.outline")
    page.wait_for_selector("#milestones >> text=✓")
    shot(page, "3-signed-by-institution")
    assert page.csp_violations == []  # htmx works under the Content-Security-Policy
    ctx.close()

    # A coordinator finds a stalled agreement on the dashboard and logs a call.
    stalled = factories.AgreementFactory(
        scientist=roles.other_profile,
        project=roles.other_project,
        stage=Stage.STALLED,
        last_activity_on=datetime.date.today() - datetime.timedelta(days=80),
    )
    ctx, page = as_user(browser, live_server, roles.coordinator)
    page.goto(live_server.url + reverse("agreements:dashboard"))
    page.wait_for_selector("canvas")
    shot(page, "4-dashboard")
    assert page.csp_violations == []  # so does Chart.js
    assert page.evaluate("document.querySelector('canvas').width") > 0
    page.click(f"#attention-table tr[data-ref='{stalled.ref}'] a[href$='/{stalled.pk}/']")
    page.wait_for_url(f"**/agreements/{stalled.pk}/")
    page.select_option("select[name=channel]", "call")
    page.fill("textarea[name=note]", "Llamé a ambas partes; retoman en enero.")
    page.click("form[action$='/contact/'] button")
    page.wait_for_load_state()
    assert stalled.events.filter(kind=AgreementEvent.Kind.CONTACT, channel="call").exists()
    assert page.locator("text=retoman en enero").count() >= 1
    shot(page, "5-contact-logged")
    ctx.close()
