"""The pages issue 12 names, read on a phone in both languages: the proposer's
next steps fold their reason boxes, the SNII chart keeps its names whole, and a
scientist reads their own score on a project's page. Screenshots are kept in
test-artifacts/screenshots/."""

import pytest
from django.urls import reverse

from agreements.models import Stage
from tests import factories
from tests.browser.sessions import as_user

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_proposer_opens_only_the_step_they_choose(
    transactional_db, browser, live_server, shot, language
):
    roles = factories.RoleSet.build()
    roles.member.preferred_language = language
    roles.member.save()
    agreement = factories.AgreementFactory(
        scientist=roles.profile,
        project=roles.project,
        stage=Stage.PROPOSED,
        awaiting_side="scientist",
        proposed_by=roles.member,
    )
    ctx, page = as_user(browser, live_server, roles.member, **PHONE)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse("agreements:detail", args=[agreement.pk]))
    cancel_box = page.locator("#reason-cancel")
    stall_box = page.locator("#reason-stall")
    assert not cancel_box.is_visible() and not stall_box.is_visible()
    shot(page, f"{language}-folded")

    page.click("details[data-action=cancel] summary")
    assert cancel_box.is_visible() and not stall_box.is_visible()
    label = page.locator("label[for=reason-cancel]").inner_text()
    assert (
        label
        == {"es": "¿Por qué cancelar el acuerdo?", "en": "Why cancel the agreement?"}[language]
    )
    shot(page, f"{language}-cancel-chosen")
    ctx.close()


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_snii_chart_gives_each_area_its_own_row_on_a_phone(
    transactional_db, browser, live_server, shot, language
):
    roles = factories.RoleSet.build()
    factories.AgreementFactory(scientist=roles.profile, project=roles.project)
    ctx, page = as_user(browser, live_server, roles.coordinator, **PHONE)
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse("agreements:dashboard"))
    chart = page.locator("canvas[data-chart=chart-areas]")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Horizontal bars: nine rows of names, taller than the phone is wide.
    assert box["height"] > box["width"]
    shot(page, f"{language}-dashboard")
    ctx.close()


def test_a_scientist_reads_their_score_and_reasons_on_a_project_page_on_a_phone(
    transactional_db, browser, live_server, shot
):
    roles = factories.RoleSet.build()
    ctx, page = as_user(browser, live_server, roles.scientist, **PHONE)
    page.goto(live_server.url + reverse("profiles:project_detail", args=[roles.project.pk]))
    fit = page.locator("#fit")
    assert fit.is_visible()
    assert fit.locator("li").count() >= 3
    assert "%" in fit.locator("strong").first.inner_text()
    shot(page, "es-project-fit")
    ctx.close()
