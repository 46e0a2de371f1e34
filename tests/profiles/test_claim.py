"""A scientist whose verified email matches an imported profile claims it."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from profiles.models import ScientistProfile
from tests import factories
from tests.factories import PASSWORD, ScientistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_up_and_confirm(client, email, role="scientist"):
    client.post(
        reverse("account_signup"),
        {
            "email": email,
            "full_name": "Ana López",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": role,
            "accept_privacy": "on",
        },
    )
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    client.post(url.group(1))


@pytest.fixture
def imported():
    return ScientistProfileFactory(user=None, email="Ana.Lopez@Example.org", ref="sci-001")


def test_verified_scientist_claims_the_imported_profile(client, imported):
    sign_up_and_confirm(client, "ana.lopez@example.org")
    imported.refresh_from_db()
    assert imported.user is not None
    assert imported.user.email == "ana.lopez@example.org"
    assert ScientistProfile.objects.count() == 1
    response = client.get(reverse("profiles:my_profile"))
    assert response.context["profile"] == imported
    assert not response.context["creating"]


def test_profile_is_not_claimed_before_verification(client, imported):
    client.post(
        reverse("account_signup"),
        {
            "email": "ana.lopez@example.org",
            "full_name": "Ana López",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "scientist",
            "accept_privacy": "on",
        },
    )
    imported.refresh_from_db()
    assert imported.user is None


def test_institution_members_do_not_claim_scientist_profiles(client, imported):
    sign_up_and_confirm(client, "ana.lopez@example.org", role="institution_member")
    imported.refresh_from_db()
    assert imported.user is None


def test_a_profile_already_claimed_is_not_taken_over(client):
    owned = ScientistProfileFactory(email="ana.lopez@example.org")
    owner = owned.user
    sign_up_and_confirm(client, "ANA.LOPEZ@example.org")
    owned.refresh_from_db()
    assert owned.user == owner


def test_no_matching_email_means_a_new_profile_is_created_later(client, imported):
    sign_up_and_confirm(client, "someone.else@example.org")
    imported.refresh_from_db()
    assert imported.user is None
    assert client.get(reverse("profiles:my_profile")).context["creating"]


def test_profile_imported_after_verification_is_claimed_on_the_profile_page(client):
    user = UserFactory(email="late@example.org")
    client.force_login(user)
    imported = ScientistProfileFactory(user=None, email="LATE@example.org")
    response = client.get(reverse("profiles:my_profile"))
    assert response.context["profile"] == imported
    imported.refresh_from_db()
    assert imported.user == user


def test_unverified_email_does_not_claim_on_the_profile_page(client):
    user = UserFactory(email="late@example.org", verified=False)
    client.force_login(user)
    imported = ScientistProfileFactory(user=None, email="late@example.org")
    assert client.get(reverse("profiles:my_profile")).context["creating"]
    imported.refresh_from_db()
    assert imported.user is None


# --- Unclaimed imported profiles wait for their owner ---------------------------------


def _imported(**kwargs):
    return factories.ScientistProfileFactory(user=None, email="imported@example.org", **kwargs)


def test_unclaimed_imported_profiles_are_not_listed_to_institution_members(client, roles):
    hidden = _imported(name="Persona Importada")
    client.force_login(roles.member)
    listing = client.get(reverse("profiles:scientist_list")).content.decode()
    assert "Persona Importada" not in listing
    assert roles.profile.name in listing
    assert client.get(reverse("profiles:scientist_detail", args=[hidden.pk])).status_code == 404
    # Coordinators see everyone.
    client.force_login(roles.coordinator)
    assert "Persona Importada" in client.get(reverse("profiles:scientist_list")).content.decode()


def test_unclaimed_profiles_are_not_recommended_to_members(client, roles):
    hidden = _imported(name="Persona Importada")
    factories.MatchFactory(scientist=hidden, project=roles.project, score=0.9)
    factories.MatchFactory(scientist=roles.profile, project=roles.project, score=0.5)
    url = reverse("matching:project_recommendations", args=[roles.project.pk])
    client.force_login(roles.member)
    page = client.get(url).content.decode()
    assert "Persona Importada" not in page
    assert roles.profile.name in page
    client.force_login(roles.coordinator)
    assert "Persona Importada" in client.get(url).content.decode()


def test_an_import_a_coordinator_marks_as_consented_is_listed(client, roles, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "consented.json"
    path.write_text('{"scientists": [{"ref": "sci-ok", "name": "Persona Conforme"}]}')
    call_command("import_data", str(path), "--consented", "--no-rematch", stdout=io.StringIO())
    client.force_login(roles.member)
    assert "Persona Conforme" in client.get(reverse("profiles:scientist_list")).content.decode()
