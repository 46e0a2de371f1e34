"""A scientist walks to a recommended project and says "interested"; the project's
member does the same for the scientist (htmx, in place); both reach the
introduction with the contact details. Selectors use names, ids and URLs, not
text, so the walk works in Spanish and English."""

import pytest
from django.urls import reverse

from matching.matcher import run_full_rematch
from matching.models import Interest, Introduction, Match
from matching.signals import rescoring_suspended
from tests import factories
from tests.browser.sessions import as_user

pytestmark = pytest.mark.browser


def test_scientist_and_institution_reach_an_introduction_through_recommendations(
    transactional_db, browser, live_server, shot
):
    with rescoring_suspended():  # no task per row: one full rematch below
        roles = factories.RoleSet.build()
        roles.profile.email = "ana.contacto@lab.example.org"
        roles.profile.save()
    run_full_rematch()
    assert Match.objects.filter(scientist=roles.profile, project=roles.project).exists()
    card = f"#pair-{roles.profile.pk}-{roles.project.pk}"

    # The scientist finds the project among their recommendations and opens it.
    ctx, page = as_user(browser, live_server, roles.scientist)
    page.goto(live_server.url + reverse("matching:my_recommendations"))
    page.wait_for_selector(f"{card} progress")
    shot(page, "1-recommended-projects")
    page.click(f"{card} h3 a")
    page.wait_for_url(f"**{roles.project.get_absolute_url()}")
    shot(page, "2-project")
    page.go_back()

    # "Interested" updates the card in place.
    page.click(f"{card} form:has(input[name=decision][value=interested]) button")
    page.wait_for_selector(f"{card} input[name=decision][value=interested]", state="detached")
    assert Interest.objects.get(side="scientist").decision == "interested"
    assert not Introduction.objects.exists()
    shot(page, "3-scientist-interested")
    ctx.close()

    # The member sees the scientist among the project's recommendations, without contact.
    ctx, page = as_user(browser, live_server, roles.member)
    page.goto(
        live_server.url + reverse("matching:project_recommendations", args=[roles.project.pk])
    )
    page.wait_for_selector(card)
    assert "ana.contacto@lab.example.org" not in page.content()
    shot(page, "4-recommended-scientists")
    page.click(f"{card} form:has(input[name=decision][value=interested]) button")
    intro_link = f"{card} a[href*='/matching/introductions/']"
    page.wait_for_selector(intro_link)
    intro = Introduction.objects.get()
    shot(page, "5-mutual-interest")

    # The introduction shares the contact details and the reasons.
    page.click(intro_link)
    page.wait_for_url(f"**{reverse('matching:introduction_detail', args=[intro.pk])}")
    assert page.locator("a[href='mailto:ana.contacto@lab.example.org']").count() == 1
    assert page.locator("progress").count() == 4
    shot(page, "6-introduction")
    ctx.close()

    # The scientist sees it too.
    ctx, page = as_user(browser, live_server, roles.scientist)
    page.goto(live_server.url + reverse("matching:introduction_list"))
    page.click(f"a[href='{reverse('matching:introduction_detail', args=[intro.pk])}']")
    page.wait_for_selector(f"a[href='mailto:{roles.member.email}']")
    ctx.close()

    # A coordinator looks the pair up on the matcher page.
    ctx, page = as_user(browser, live_server, roles.coordinator)
    page.goto(live_server.url + reverse("matching:coordinator"))
    page.fill("#id_scientist", roles.profile.ref)
    page.fill("#id_project", roles.project.ref)
    page.click("form[method=get] button[type=submit]")
    page.wait_for_selector("#pair-explanation progress")
    shot(page, "7-coordinator-pair")
    ctx.close()


def test_a_member_reads_why_an_english_profile_fits_a_spanish_project_on_a_phone(
    transactional_db, browser, live_server, shot
):
    with rescoring_suspended():
        institution = factories.InstitutionFactory(name="Instituto de Geofísica, UNAM")
        member = factories.MembershipFactory(institution=institution).user
        project = factories.ProjectFactory(
            institution=institution,
            title="Recarga de acuíferos sobreexplotados en el Bajío",
            description=(
                "Buscamos modelar la recarga de los acuíferos sobreexplotados del Bajío. "
                "Queremos que los pozos de las comunidades no se sequen en los próximos años."
            ),
            keywords=[],
            fields=["earth_sciences"],
        )
        profile = factories.ScientistProfileFactory(
            summary=(
                "I grew up in Celaya. I model how depleted groundwater reserves in semi-arid "
                "basins are replenished, so that wells in farming towns do not run dry."
            ),
            keywords=[],
            fields=["earth_sciences"],
            languages=["en", "es"],
        )
    run_full_rematch()  # computes the vectors first
    card = f"#pair-{profile.pk}-{project.pk}"

    ctx, page = as_user(browser, live_server, member, viewport={"width": 390, "height": 844})
    page.goto(live_server.url + reverse("matching:project_recommendations", args=[project.pk]))
    reason = page.locator(f"{card} li", has_text="acuíferos sobreexplotados")
    reason.scroll_into_view_if_needed()
    text = reason.inner_text()
    assert "depleted groundwater reserves" in text  # the profile's closest sentence, quoted
    assert "grew up in Celaya" not in text
    shot(page, "semantic-evidence-phone")
    ctx.close()
