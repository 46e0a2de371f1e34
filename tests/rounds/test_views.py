"""The coordinator's round pages: access, create, review, adjust, publish."""

import pytest
from django.urls import reverse

from matching.models import Match
from rounds import services
from rounds.models import Assignment, PairRule, Round
from tests.factories import (
    InstitutionFactory,
    MatchFactory,
    ProjectFactory,
    ScientistProfileFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_matcher", "english")]


@pytest.fixture
def round(roles):
    MatchFactory(scientist=roles.profile, project=roles.project, score=0.7)
    made = services.create_round(user=roles.coordinator, name="Verano", projects=[roles.project])
    services.compute_round(made.pk)
    made.refresh_from_db()
    return made


def urls(round: Round) -> list[tuple[str, str]]:
    rule = PairRule.objects.create(
        round=round, scientist=round.assignments.get().scientist, project=round.projects.get(),
        kind="forbid",
    )  # fmt: skip
    return [
        ("get", reverse("rounds:list")),
        ("get", reverse("rounds:create")),
        ("get", reverse("rounds:detail", args=[round.pk])),
        ("get", reverse("rounds:progress", args=[round.pk])),
        ("post", reverse("rounds:compute", args=[round.pk])),
        ("post", reverse("rounds:publish", args=[round.pk])),
        ("post", reverse("rounds:rule_add", args=[round.pk])),
        ("post", reverse("rounds:rule_delete", args=[round.pk, rule.pk])),
    ]


@pytest.mark.parametrize("who", ["scientist", "member", "other_member"])
def test_round_pages_are_for_coordinators_only(client, roles, round, who):
    client.force_login(getattr(roles, who))
    for method, url in urls(round):
        assert getattr(client, method)(url).status_code == 404, url
    assert Round.objects.get().status == Round.Status.COMPUTED
    assert PairRule.objects.exists()


def test_anonymous_is_sent_to_login(client, round):
    for method, url in urls(round):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_coordinator_creates_a_round_by_filters_and_by_hand(client, roles):
    oaxaca = ProjectFactory(institution=InstitutionFactory(state="MX-OAX"), seats=1)
    ProjectFactory(institution=InstitutionFactory(state="MX-JAL"))
    by_hand = ProjectFactory(ref="proj-hand", institution=InstitutionFactory(state="MX-NLE"))
    MatchFactory(scientist=roles.profile, project=oaxaca, score=0.6)
    client.force_login(roles.coordinator)
    response = client.post(
        reverse("rounds:create"),
        {"name": "Llamado Oaxaca", "states": ["MX-OAX"], "project_refs": "proj-hand",
         "max_per_institution_abroad": "2", "underserved_states": ["MX-OAX"]},
    )  # fmt: skip
    made = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert set(made.projects.all()) == {oaxaca, by_hand}
    assert made.status == Round.Status.COMPUTED  # small rounds are computed at once
    page = client.get(made.get_absolute_url()).content.decode()
    assert roles.profile.name in page and oaxaca.title in page
    assert "Greedy, for comparison" in page
    assert "no candidate" in page  # proj-hand has no suggestion: its seats stay empty, and why


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"name": "R", "project_refs": "proj-nope"}, "No open project has the reference proj-nope"),
        ({"name": "R"}, "No open project matches these filters"),
        ({"name": "  ", "states": ["MX-OAX"]}, "This field is required"),
        ({"name": "R", "states": ["MX-OAX"], "max_per_institution_abroad": "0"}, "greater than"),
        ({"name": "R", "states": ["MX-OAX"], "max_per_institution_abroad": "9" * 30}, "less than"),
        ({"name": "R\x00", "states": ["MX-OAX"]}, "Null characters are not allowed"),
    ],
)
def test_bad_round_input_shows_an_error_and_saves_nothing(client, roles, data, field_error):
    ProjectFactory(institution=InstitutionFactory(state="MX-OAX"))
    client.force_login(roles.coordinator)
    response = client.post(reverse("rounds:create"), data)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not Round.objects.exists()


def test_coordinator_forbids_a_pair_recomputes_and_publishes(client, roles, round):
    other = ScientistProfileFactory()
    MatchFactory(scientist=other, project=roles.project, score=0.5)
    client.force_login(roles.coordinator)
    client.post(
        reverse("rounds:rule_add", args=[round.pk]),
        {"scientist_id": roles.profile.pk, "project_id": roles.project.pk, "kind": "forbid"},
    )
    response = client.post(reverse("rounds:compute", args=[round.pk]), follow=True)
    assert "The round was computed again." in response.content.decode()
    assert set(round.assignments.values_list("scientist", flat=True)) == {other.pk}
    response = client.post(reverse("rounds:publish", args=[round.pk]), follow=True)
    assert "Published: 1 pairs" in response.content.decode()
    assert Match.objects.get(scientist=other, project=roles.project).proposed_in_round == round
    assert round.assignments.get().status == Assignment.Status.PUBLISHED


def test_forcing_a_pair_by_reference_and_a_bad_reference(client, roles, round):
    client.force_login(roles.coordinator)
    url = reverse("rounds:rule_add", args=[round.pk])
    response = client.post(
        url, {"scientist": "sci-unknown", "project": roles.project.ref, "kind": "force"},
        follow=True,
    )  # fmt: skip
    assert "No scientist has this reference." in response.content.decode()
    other = ScientistProfileFactory()
    client.post(url, {"scientist": other.ref, "project": roles.project.ref, "kind": "force"})
    assert round.rules.get().kind == "force"


def test_the_scientist_sees_the_published_pair_marked_with_the_round(client, roles, round):
    services.publish_round(user=roles.coordinator, round=round)
    client.force_login(roles.scientist)
    page = client.get(reverse("matching:my_recommendations")).content.decode()
    assert "Proposed in round Verano" in page
    client.force_login(roles.member)
    page = client.get(
        reverse("matching:project_recommendations", args=[roles.project.pk])
    ).content.decode()
    assert "Proposed in round Verano" in page


def test_a_filled_project_shows_seats_filled_instead_of_suggestions(client, roles):
    from agreements.models import Stage
    from tests.factories import AgreementFactory

    project = roles.project
    project.seats = 1
    project.save()
    MatchFactory(scientist=roles.profile, project=project, score=0.7)
    AgreementFactory(scientist=roles.other_profile, project=project, stage=Stage.SIGNED)
    client.force_login(roles.member)
    page = client.get(reverse("matching:project_recommendations", args=[project.pk]))
    assert "Seats filled" in page.content.decode()
    assert roles.profile.name not in page.content.decode()
