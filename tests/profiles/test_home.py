"""The home page: a landing page for visitors, the next step for each kind of user."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """These tests read English text: ask for the English interface."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


HOME = reverse("home")


def test_visitors_see_what_the_product_is_and_how_to_join(client):
    html = client.get(HOME).content.decode()
    assert reverse("account_signup") in html
    assert "For scientists abroad" in html and "For institutions in Mexico" in html


def test_scientist_without_profile_is_asked_to_complete_it(client):
    client.force_login(UserFactory())
    html = client.get(HOME).content.decode()
    assert "Complete your profile" in html
    assert reverse("profiles:my_profile") in html


def test_scientist_with_profile_is_offered_to_edit_it(client, roles):
    client.force_login(roles.scientist)
    html = client.get(HOME).content.decode()
    assert "Complete your profile" not in html
    assert "Edit my profile" in html


def test_new_institution_member_is_asked_to_register_or_join(client):
    client.force_login(UserFactory(role="institution_member"))
    html = client.get(HOME).content.decode()
    assert reverse("profiles:institution_register") in html
    assert reverse("profiles:institution_join") in html


def test_pending_member_is_told_to_wait_for_approval(client):
    membership = MembershipFactory(status="pending", institution=InstitutionFactory(approved=False))
    client.force_login(membership.user)
    html = client.get(HOME).content.decode()
    assert "waiting for a coordinator" in html
    assert membership.institution.name in html


def test_approved_member_is_offered_to_post_a_project(client, roles):
    client.force_login(roles.member)
    html = client.get(HOME).content.decode()
    assert reverse("profiles:project_create") in html
    assert roles.institution.name in html


def test_coordinator_sees_pending_approvals(client, roles):
    MembershipFactory(status="pending", institution=InstitutionFactory(approved=False))
    client.force_login(roles.coordinator)
    response = client.get(HOME)
    assert response.context["pending_institutions"] == 1
    assert reverse("profiles:approvals") in response.content.decode()
