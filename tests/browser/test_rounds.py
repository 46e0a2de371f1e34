"""A coordinator creates a matching round, reviews it against greedy, forbids a
pair, recomputes and publishes; the scientist sees the pair marked with the round.
Selectors use names, ids and URLs, not text, so the walk works in either language."""

import pytest
from django.urls import reverse

from matching.matcher import run_full_rematch
from matching.models import Match
from matching.signals import rescoring_suspended
from rounds.models import Assignment, Round
from tests import factories
from tests.browser.sessions import as_user

pytestmark = pytest.mark.browser


def test_coordinator_creates_reviews_adjusts_and_publishes_a_round(
    transactional_db, browser, live_server, shot
):
    with rescoring_suspended():  # no task per row: one full rematch below
        roles = factories.RoleSet.build()
        oaxaca = factories.InstitutionFactory(name="Secretaría de Salud de Oaxaca", state="MX-OAX")
        roles.project.institution.state = "MX-OAX"
        roles.project.institution.save()
        roles.project.seats = 1
        roles.project.save()
        second = factories.ProjectFactory(institution=oaxaca, seats=1, ref="proj-oax-2")
        by_hand = factories.ProjectFactory(ref="proj-hand", seats=2)
        others = [
            factories.ScientistProfileFactory(institution_abroad=f"University {i}")
            for i in range(4)
        ]
    run_full_rematch()

    ctx, page = as_user(browser, live_server, roles.coordinator)
    page.goto(live_server.url + reverse("rounds:list"))
    page.click(f"a[href='{reverse('rounds:create')}']")
    page.fill("#id_name", "Verano 2027")
    page.check("input[name=states][value=MX-OAX]")
    page.fill("#id_project_refs", "proj-hand")
    page.check("input[name=underserved_states][value=MX-OAX]")
    shot(page, "1-new-round")
    page.click("#round-form button[type=submit]")
    page.wait_for_selector("#figures")
    round = Round.objects.get()
    assert page.url.endswith(round.get_absolute_url())
    assert set(round.projects.all()) == {roles.project, second, by_hand}
    assert round.assignments.count() == 4  # 1 + 1 + 2 seats, 6 scientists
    shot(page, "2-review")

    # Forbid one computed pair, then recompute: that pair is gone, the seat refilled.
    forbidden = round.assignments.order_by("-score").first()
    row = f"#pair-{forbidden.scientist_id}-{forbidden.project_id}"
    page.click(f"{row} button")
    page.wait_for_selector("#rules li")
    page.click(f"form[action='{reverse('rounds:compute', args=[round.pk])}'] button")
    page.wait_for_selector("#figures")
    assert not round.assignments.filter(
        scientist=forbidden.scientist, project=forbidden.project
    ).exists()
    assert round.assignments.count() == 4
    shot(page, "3-after-forbid")

    page.click(f"form[action='{reverse('rounds:publish', args=[round.pk])}'] button")
    page.wait_for_selector(".message")
    assert set(round.assignments.values_list("status", flat=True)) == {Assignment.Status.PUBLISHED}
    shot(page, "4-published")
    ctx.close()

    # A published scientist sees the suggestion marked with the round.
    published = round.assignments.filter(scientist__user__isnull=False).first()
    assert (
        Match.objects.get(
            scientist=published.scientist, project=published.project
        ).proposed_in_round
        == round
    )
    ctx, page = as_user(browser, live_server, published.scientist.user)
    page.goto(live_server.url + reverse("matching:my_recommendations"))
    card = f"#pair-{published.scientist_id}-{published.project_id}"
    page.wait_for_selector(f"{card} .tag")
    assert "Verano 2027" in page.inner_text(card)
    shot(page, "5-scientist-sees-round")
    ctx.close()
    assert others  # (the other scientists fill the remaining seats)


def test_round_review_works_on_a_phone(transactional_db, browser, live_server, shot):
    with rescoring_suspended():
        roles = factories.RoleSet.build()
    factories.MatchFactory(scientist=roles.profile, project=roles.project, score=0.7)
    from rounds import services

    round = services.create_round(user=roles.coordinator, name="Llamado", projects=[roles.project])
    services.compute_round(round.pk)
    ctx, page = as_user(browser, live_server, roles.coordinator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + round.get_absolute_url())
    page.wait_for_selector("#pairs")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(page, "phone")
    ctx.close()
