"""Recommended projects (scientist) and recommended scientists (institution):
who sees which suggestion, what is shown, and the interest buttons."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from matching.models import Interest
from matching.reasons import render_reasons
from profiles import vocab
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

MY = reverse("matching:my_recommendations")


@pytest.fixture
def match(roles):
    roles.profile.email = "private.contact@lab.example.org"
    roles.profile.city = "Pasadena"
    roles.profile.institution_abroad = "Caltech Secret Lab"
    roles.profile.save()
    return factories.MatchFactory(
        scientist=roles.profile,
        project=roles.project,
        score=0.81,
        components={"field": 0.93, "goals": 0.5, "timeline": 0.64, "network": 1.0, "language": 1},
        reasons=[],
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- My recommendations ----------------------------------------------------------


def test_anonymous_is_sent_to_login_for_recommendations(client, match):
    response = client.get(MY)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_scientist_sees_their_recommended_project_with_score_and_components(client, roles, match):
    response = login(client, roles.scientist).get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    assert roles.project.title in html
    assert "81%" in html
    # Each component as a bar with its value in text.
    for label, value in [("Field", 93), ("Goals", 50), ("Timeline", 64), ("Network", 100)]:
        assert label in html
        assert f"{value}%" in html
    assert '<progress value="93" max="100"' in html
    assert 'name="decision" value="interested"' in html


def test_recommendations_are_ranked_best_first(client, roles, match):
    better = factories.ProjectFactory(title="Mejor proyecto de genómica")
    factories.MatchFactory(scientist=roles.profile, project=better, score=0.95, reasons=[])
    html = login(client, roles.scientist).get(MY).content.decode()
    assert html.index(better.title) < html.index(roles.project.title)


def test_other_scientist_does_not_see_someone_elses_recommendations(client, roles, match):
    response = login(client, roles.other_scientist).get(MY)
    assert response.status_code == 200
    assert roles.project.title not in response.content.decode()


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_users_without_a_scientist_profile_are_invited_to_create_one(client, roles, match, who):
    response = login(client, getattr(roles, who)).get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recommendations are made for scientists with a profile." in html
    assert roles.project.title not in html


@pytest.mark.parametrize("status", [vocab.ProjectStatus.CLOSED, vocab.ProjectStatus.DRAFT])
def test_projects_that_are_not_open_are_not_recommended(client, roles, match, status):
    roles.project.status = status
    roles.project.save()
    html = login(client, roles.scientist).get(MY).content.decode()
    assert roles.project.title not in html


def test_declined_project_moves_to_the_not_for_me_section(client, roles, match):
    factories.InterestFactory(
        scientist=roles.profile,
        project=roles.project,
        side=Interest.Side.SCIENTIST,
        decision=Interest.Decision.DECLINED,
        reason="too far",
    )
    html = login(client, roles.scientist).get(MY).content.decode()
    assert "1 project you marked as not for you" in html
    assert html.index("1 project you marked as not for you") < html.index(roles.project.title)
    assert "Interested after all" in html


def test_scientist_sees_when_the_institution_is_interested_but_never_a_decline(
    client, roles, match
):
    interest = factories.InterestFactory(
        scientist=roles.profile, project=roles.project, side=Interest.Side.INSTITUTION
    )
    login(client, roles.scientist)
    assert "The institution is interested" in client.get(MY).content.decode()
    interest.decision = Interest.Decision.DECLINED
    interest.reason = "We need someone in Mexico"
    interest.save()
    html = client.get(MY).content.decode()
    assert "The institution is interested" not in html
    assert "We need someone in Mexico" not in html


# --- Recommended scientists for a project ---------------------------------------


def project_url(roles):
    return reverse("matching:project_recommendations", args=[roles.project.pk])


def test_anonymous_is_sent_to_login_for_project_recommendations(client, roles, match):
    response = client.get(project_url(roles))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["scientist", "other_scientist", "other_member"])
def test_project_recommendations_are_hidden_from_outsiders(client, roles, match, who):
    response = login(client, getattr(roles, who)).get(project_url(roles))
    assert response.status_code == 404


def test_pending_member_cannot_see_project_recommendations(client, roles, match):
    from profiles.models import Membership

    pending = factories.MembershipFactory(
        institution=roles.institution, status=Membership.Status.PENDING
    ).user
    assert login(client, pending).get(project_url(roles)).status_code == 404


def test_member_sees_recommended_scientists_without_contact_details(client, roles, match):
    response = login(client, roles.member).get(project_url(roles))
    assert response.status_code == 200
    html = response.content.decode()
    assert roles.profile.name in html
    assert "81%" in html
    assert 'name="decision" value="interested"' in html
    assert "private.contact@lab.example.org" not in html
    assert roles.scientist.email not in html
    assert "Pasadena" not in html
    assert "Caltech Secret Lab" not in html


def test_coordinator_sees_recommended_scientists_and_both_decisions_but_no_buttons(
    client, roles, match
):
    factories.InterestFactory(
        scientist=roles.profile, project=roles.project, side=Interest.Side.SCIENTIST
    )
    html = login(client, roles.coordinator).get(project_url(roles)).content.decode()
    assert roles.profile.name in html
    assert 'name="decision"' not in html
    assert "Scientist: Interested" in " ".join(html.split())


def test_closed_project_has_no_recommended_scientists(client, roles, match):
    roles.project.status = vocab.ProjectStatus.CLOSED
    roles.project.save()
    html = login(client, roles.member).get(project_url(roles)).content.decode()
    assert "This project is not open" in html
    assert roles.profile.name not in html


def test_member_does_not_see_other_projects_suggestions(client, roles, match):
    other = factories.ScientistProfileFactory(name="Zacarías Otro Perfil")
    factories.MatchFactory(scientist=other, project=roles.other_project, reasons=[])
    html = login(client, roles.member).get(project_url(roles)).content.decode()
    assert other.name not in html


def test_reasons_speak_to_the_scientist_and_about_the_scientist_to_the_institution(
    client, roles, match
):
    match.reasons = [
        {"code": "alma_mater", "params": {"alma_mater": "UNAM", "institution": "UNAM"}}
    ]
    match.save()
    client.force_login(roles.scientist)
    assert "You studied at UNAM, the project&#x27;s institution." in client.get(MY).content.decode()
    client.force_login(roles.member)
    html = client.get(project_url(roles)).content.decode()
    assert "The scientist studied at UNAM, the project&#x27;s institution." in html


def test_reasons_are_rendered_in_the_users_language(client, roles, match):
    match.reasons = [{"code": "different_fields", "params": {}}]
    match.save()
    client.force_login(roles.scientist)
    english = client.get(MY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The fields are different." in english
    assert '<html lang="en"' in english
    spanish = client.get(MY, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in spanish
    with translation.override("es"):
        (expected,) = render_reasons(match.reasons)
    assert escape(expected) in spanish


def test_reasons_a_rematch_left_unbuilt_are_built_on_first_view_and_kept(client, roles, match):
    from matching.scoring import score_pair

    match.reasons = None  # as a rematch stores it: scores and components only
    match.save()
    html = login(client, roles.scientist).get(MY).content.decode()
    match.refresh_from_db()
    expected = score_pair(roles.profile, roles.project).reasons
    assert expected and match.reasons == expected
    with translation.override("en"):
        first = render_reasons(expected, audience="scientist")[0]
    assert escape(first) in html
