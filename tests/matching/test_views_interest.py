"""The "Interested" / "Not for me" buttons: htmx in place, or a plain POST and redirect."""

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import Interest, Introduction
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def match(roles):
    return factories.MatchFactory(
        scientist=roles.profile, project=roles.project, score=0.7, reasons=[]
    )


def sci_url(roles):
    return reverse("matching:scientist_decide", args=[roles.project.pk])


def inst_url(roles):
    return reverse("matching:institution_decide", args=[roles.project.pk, roles.profile.pk])


# --- access --------------------------------------------------------------------


@pytest.mark.parametrize("url", [sci_url, inst_url])
def test_anonymous_cannot_decide(client, roles, match, url):
    response = client.post(url(roles), {"decision": "interested"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Interest.objects.exists()


@pytest.mark.parametrize("url", [sci_url, inst_url])
def test_deciding_needs_a_post(client, roles, match, url):
    client.force_login(roles.scientist)
    assert client.get(url(roles)).status_code == 405


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_users_without_a_scientist_profile_cannot_decide_as_scientist(client, roles, match, who):
    client.force_login(getattr(roles, who))
    assert client.post(sci_url(roles), {"decision": "interested"}).status_code == 404
    assert not Interest.objects.exists()


def test_other_scientist_deciding_only_records_their_own_interest(client, roles, match):
    client.force_login(roles.other_scientist)
    client.post(sci_url(roles), {"decision": "interested"})
    interest = Interest.objects.get()
    assert interest.scientist == roles.other_profile
    assert not Interest.objects.filter(scientist=roles.profile).exists()


@pytest.mark.parametrize("who", ["scientist", "other_scientist", "other_member", "coordinator"])
def test_only_the_projects_members_decide_for_the_institution(client, roles, match, who):
    client.force_login(getattr(roles, who))
    assert client.post(inst_url(roles), {"decision": "interested"}).status_code == 404
    assert not Interest.objects.exists()


# --- without JavaScript ------------------------------------------------------------


def test_plain_post_records_interest_and_redirects_back(client, roles, match):
    client.force_login(roles.scientist)
    next_url = reverse("matching:my_recommendations") + "?page=1"
    response = client.post(sci_url(roles), {"decision": "interested", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert Interest.objects.get().decision == Interest.Decision.INTERESTED
    page = client.get(response["Location"]).content.decode()
    assert "We will introduce you when the other side is interested too." in page
    assert "You are interested." in page


def test_redirect_ignores_an_unsafe_next(client, roles, match):
    client.force_login(roles.scientist)
    response = client.post(
        sci_url(roles), {"decision": "interested", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("matching:my_recommendations")


def test_plain_post_decline_with_reason(client, roles, match):
    client.force_login(roles.member)
    response = client.post(
        inst_url(roles), {"decision": "declined", "reason": "We need someone on site."}
    )
    assert response["Location"] == reverse(
        "matching:project_recommendations", args=[roles.project.pk]
    )
    interest = Interest.objects.get()
    assert (interest.side, interest.decision) == ("institution", "declined")
    assert interest.reason == "We need someone on site."
    assert interest.decided_by == roles.member


def test_invalid_decision_shows_an_error_and_changes_nothing(client, roles, match):
    client.force_login(roles.scientist)
    response = client.post(sci_url(roles), {"decision": "whatever"}, follow=True)
    assert not Interest.objects.exists()
    assert "message-error" in response.content.decode()


# --- with htmx ------------------------------------------------------------------------


def test_htmx_post_returns_the_updated_card_only(client, roles, match):
    client.force_login(roles.scientist)
    response = client.post(sci_url(roles), {"decision": "interested"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="pair-{roles.profile.pk}-{roles.project.pk}"')
    assert "<html" not in html
    assert "You are interested." in html
    assert 'value="interested"' not in html  # the button is gone once decided
    assert "Not for me" in html


def test_htmx_decline_shows_the_reason_in_the_card(client, roles, match):
    client.force_login(roles.scientist)
    html = client.post(
        sci_url(roles), {"decision": "declined", "reason": "Too little time"}, **HTMX
    ).content.decode()
    assert "You marked this as not for you." in html
    assert "Too little time" in html
    assert "Interested after all" in html


def test_mutual_interest_through_the_buttons_introduces_and_emails(
    client, roles, match, django_capture_on_commit_callbacks
):
    client.force_login(roles.scientist)
    client.post(sci_url(roles), {"decision": "interested"}, **HTMX)
    client.force_login(roles.member)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(inst_url(roles), {"decision": "interested"}, **HTMX).content.decode()
    intro = Introduction.objects.get()
    assert "You have been introduced." in html
    assert reverse("matching:introduction_detail", args=[intro.pk]) in html
    assert len(mail.outbox) == 2


def test_htmx_interest_in_closed_project_shows_the_error_in_the_card(client, roles, match):
    roles.project.status = "closed"
    roles.project.save()
    client.force_login(roles.scientist)
    html = client.post(sci_url(roles), {"decision": "interested"}, **HTMX).content.decode()
    assert "This project is not open." in html
    assert not Interest.objects.exists()


def test_interest_in_a_project_without_a_stored_match_is_scored_now(client, roles):
    """From a project page, a scientist may say "interested" in a project not suggested to them."""
    client.force_login(roles.scientist)
    html = client.post(sci_url(roles), {"decision": "interested"}, **HTMX).content.decode()
    assert Interest.objects.get().project == roles.project
    assert "computed now; not among the stored suggestions" in html
    assert "You are interested." in html
