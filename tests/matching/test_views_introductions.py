"""Introductions: who sees which, and the contact details they share."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.usefixtures("english")

LIST = reverse("matching:introduction_list")


@pytest.fixture
def intro(roles):
    roles.profile.email = "ana.contact@lab.example.org"
    roles.profile.city = "Pasadena"
    roles.profile.institution_abroad = "Caltech"
    roles.profile.save()
    roles.member.full_name = "Beatriz Miembro"
    roles.member.save()
    return factories.IntroductionFactory(
        scientist=roles.profile,
        project=roles.project,
        score=0.77,
        components={"field": 0.8, "goals": 0.6, "timeline": 0.9, "network": 0.0, "language": 1},
        reasons=[],
    )


def detail(intro):
    return reverse("matching:introduction_detail", args=[intro.pk])


def test_anonymous_is_sent_to_login(client, intro):
    for url in (LIST, detail(intro)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["scientist", "member", "coordinator"])
def test_list_shows_the_introduction_to_both_sides_and_coordinators(client, roles, intro, who):
    client.force_login(getattr(roles, who))
    html = client.get(LIST).content.decode()
    assert detail(intro) in html
    assert roles.project.title in html


@pytest.mark.parametrize("who", ["other_scientist", "other_member"])
def test_list_hides_other_peoples_introductions(client, roles, intro, who):
    client.force_login(getattr(roles, who))
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail(intro) not in response.content.decode()
    assert "No introductions yet." in response.content.decode()


@pytest.mark.parametrize("who", ["other_scientist", "other_member"])
def test_detail_is_404_for_outsiders(client, roles, intro, who):
    client.force_login(getattr(roles, who))
    assert client.get(detail(intro)).status_code == 404


@pytest.mark.parametrize("who", ["scientist", "member", "coordinator"])
def test_detail_shares_both_sides_contact_details_and_the_score(client, roles, intro, who):
    client.force_login(getattr(roles, who))
    response = client.get(detail(intro))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ana.contact@lab.example.org" in html
    assert "Pasadena" in html
    assert "Caltech" in html
    assert "Beatriz Miembro" in html
    assert roles.member.email in html
    assert roles.other_member.email not in html
    assert "77%" in html
    assert '<progress value="90" max="100"' in html


def test_coordinator_searches_introductions(client, roles, intro):
    other = factories.IntroductionFactory(project=roles.other_project, reasons=[])
    client.force_login(roles.coordinator)
    html = client.get(LIST, {"q": roles.project.ref}).content.decode()
    assert detail(intro) in html
    assert detail(other) not in html


def test_pending_member_sees_no_introduction(client, roles, intro):
    from profiles.models import Membership

    pending = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    ).user
    client.force_login(pending)
    assert client.get(detail(intro)).status_code == 404


def test_contact_details_are_shared_only_after_the_introduction(client, roles):
    """Before: the member sees the suggestion without contact; after: the introduction has it."""
    roles.profile.email = "hidden@lab.example.org"
    roles.profile.save()
    factories.MatchFactory(scientist=roles.profile, project=roles.project, reasons=[])
    client.force_login(roles.member)
    recs = reverse("matching:project_recommendations", args=[roles.project.pk])
    assert "hidden@lab.example.org" not in client.get(recs).content.decode()
    assert "hidden@lab.example.org" not in client.get(LIST).content.decode()

    factories.InterestFactory(scientist=roles.profile, project=roles.project, side="scientist")
    client.post(
        reverse("matching:institution_decide", args=[roles.project.pk, roles.profile.pk]),
        {"decision": "interested"},
    )
    intro = roles.profile.introductions.get()
    assert "hidden@lab.example.org" in client.get(detail(intro)).content.decode()


def test_members_find_their_open_projects_recommendations_from_the_introductions_page(
    client, roles
):
    closed = factories.ProjectFactory(institution=roles.institution, status="closed")
    client.force_login(roles.member)
    html = client.get(LIST).content.decode()
    assert reverse("matching:project_recommendations", args=[roles.project.pk]) in html
    assert reverse("matching:project_recommendations", args=[closed.pk]) not in html
    assert reverse("matching:project_recommendations", args=[roles.other_project.pk]) not in html
    client.force_login(roles.scientist)
    assert "Recommended scientists for your projects" not in client.get(LIST).content.decode()
