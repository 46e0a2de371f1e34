from html import escape

import pytest
from django.urls import reverse

from matching.models import Interest

pytestmark = pytest.mark.django_db


def test_members_find_the_recommended_scientists_from_their_project_page(client, roles):
    client.force_login(roles.member)
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert reverse("matching:project_recommendations", args=[roles.project.pk]) in response.text


def test_a_scientist_can_say_they_are_interested_from_a_project_page(client, roles):
    client.force_login(roles.scientist)
    url = reverse("profiles:project_detail", args=[roles.project.pk])
    response = client.get(url)
    action = reverse("matching:scientist_decide", args=[roles.project.pk])
    assert action in response.text
    assert reverse("matching:project_recommendations", args=[roles.project.pk]) not in response.text

    response = client.post(action, {"decision": "interested", "next": url})
    assert response.status_code == 302 and response.url == url
    interest = Interest.objects.get(scientist=roles.profile, project=roles.project)
    assert interest.side == Interest.Side.SCIENTIST
    assert interest.decision == Interest.Decision.INTERESTED


def test_a_scientist_sees_how_the_project_fits_them_with_reasons(client, roles):
    client.force_login(roles.scientist)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert "How this project fits you" in response.text
    fit = response.context["fit"]
    assert fit.scientist == roles.profile and fit.project == roles.project
    assert f"Score: {fit.score_percent}%" in response.text
    assert fit.reasons and all(escape(reason) in response.text for reason in fit.reasons)
    # Spoken to the scientist ("you"), not about them.
    assert any("you" in reason.lower() for reason in fit.reasons)


def test_another_scientist_sees_their_own_score_not_someone_elses(client, roles):
    client.force_login(roles.other_scientist)
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert response.context["fit"].scientist == roles.other_profile


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_people_without_a_scientist_profile_see_no_score(client, roles, who):
    client.force_login(getattr(roles, who))
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert response.context["fit"] is None
    assert "Qué tan bien encaja este proyecto contigo" not in response.text


def test_an_interested_scientist_is_told_so_instead_of_the_button(client, roles):
    Interest.objects.create(
        scientist=roles.profile,
        project=roles.project,
        side=Interest.Side.SCIENTIST,
        decision=Interest.Decision.INTERESTED,
    )
    client.force_login(roles.scientist)
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert reverse("matching:scientist_decide", args=[roles.project.pk]) not in response.text
    assert "Te interesa. Los presentaremos cuando la institución también se interese." in (
        response.text
    )
