"""The Django admin: email login for users, search and filters on every model of ours."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, email="root@example.org")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:profiles_institution_changelist",
        "admin:profiles_membership_changelist",
        "admin:profiles_scientistprofile_changelist",
        "admin:profiles_project_changelist",
    ],
)
def test_admin_lists_search_and_filter(admin_client, roles, url_name):
    response = admin_client.get(reverse(url_name), {"q": "example"})
    assert response.status_code == 200
    assert response.context["cl"].search_fields
    assert response.context["cl"].has_filters


def test_admin_user_search_finds_by_email(admin_client):
    UserFactory(email="findme@example.org")
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "findme"})
    assert [u.email for u in response.context["cl"].result_list] == ["findme@example.org"]


def test_admin_adds_a_user_with_an_email_login(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.org",
            "full_name": "New Person",
            "role": "institution_member",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.check_password(PASSWORD)
    assert (
        admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    )


def test_admin_is_closed_to_non_staff_users(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
