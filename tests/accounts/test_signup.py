"""Sign-up, email verification, log-in and log-out through allauth."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "email": "ana@example.org",
        "full_name": "Ana López",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": User.Role.SCIENTIST,
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def confirmation_url(message):
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def test_signup_page_shows_role_and_privacy_fields(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("email", "full_name", "password1", "password2", "role", "accept_privacy"):
        assert f'name="{name}"' in html
    assert 'for="id_full_name"' in html
    assert reverse("privacy") in html


def test_signup_stores_name_role_and_privacy_acceptance_date(client):
    response = client.post(reverse("account_signup"), signup_data(role="institution_member"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ana@example.org")
    assert user.full_name == "Ana López"
    assert user.role == User.Role.INSTITUTION_MEMBER
    assert user.privacy_accepted_at is not None
    assert len(mail.outbox) == 1
    assert "ana@example.org" in mail.outbox[0].to


def test_signup_in_english_remembers_english_as_preferred_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("account_signup"), signup_data())
    assert User.objects.get(email="ana@example.org").preferred_language == "en"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"accept_privacy": ""}, "accept_privacy"),
        ({"role": ""}, "role"),
        ({"role": "coordinator"}, "role"),
        ({"full_name": " "}, "full_name"),
        ({"email": "not-an-email"}, "email"),
        ({"password2": "something-else-42"}, "password2"),
    ],
)
def test_signup_rejects_bad_input_with_a_field_error(client, overrides, field):
    response = client.post(reverse("account_signup"), signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()


def test_login_is_refused_until_the_email_is_verified(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("profiles:my_profile")).status_code == 302


def test_confirming_the_email_then_logging_in_works(client):
    client.post(reverse("account_signup"), signup_data())
    url = confirmation_url(mail.outbox[0])
    client.logout()
    assert client.get(url).status_code == 200  # confirmation needs a POST
    assert client.post(url).status_code == 302
    user = User.objects.get(email="ana@example.org")
    assert user.emailaddress_set.get().verified
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("profiles:my_profile")).status_code == 200


def test_confirmation_in_the_signup_session_logs_the_user_in(client):
    client.post(reverse("account_signup"), signup_data())
    client.post(confirmation_url(mail.outbox[0]))
    assert client.session.get("_auth_user_id")


def test_login_with_a_wrong_password_shows_an_error(client):
    UserFactory(email="bob@example.org")
    response = client.post(
        reverse("account_login"), {"login": "bob@example.org", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_switches_the_interface_to_the_preferred_language(client):
    UserFactory(email="bob@example.org", preferred_language="en")
    response = client.post(
        reverse("account_login"), {"login": "bob@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get(reverse("home"))
    assert '<html lang="en"' in page.content.decode()


@pytest.mark.parametrize(
    ("interface", "preferred", "message"),
    [
        ("en", "es", "Iniciaste sesión como Ana López."),
        ("es", "en", "Successfully signed in as Ana López."),
    ],
)
def test_the_signed_in_message_is_in_the_language_the_pages_switch_to(
    client, interface, preferred, message
):
    UserFactory(email="ana@example.org", full_name="Ana López", preferred_language=preferred)
    client.post(reverse("set_language"), {"language": interface, "next": "/"})
    response = client.post(
        reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD}, follow=True
    )
    assert f'<html lang="{preferred}"' in response.text
    assert [str(m) for m in response.context["messages"]] == [message]


def test_the_verification_email_names_the_site_not_the_host(client):
    client.post(reverse("account_signup"), signup_data())
    message = mail.outbox[0]
    assert message.subject == "[Red Diáspora MX] Confirma tu dirección de correo"
    assert message.body.startswith("¡Hola de parte de Red Diáspora MX!")
    assert "Hello from" not in message.body and "testserver!" not in message.body


def test_choosing_a_language_while_logged_in_is_remembered(client):
    user = UserFactory(preferred_language="es")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_logout_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    UserFactory(email="bob@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "bob@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "another-horse-battery-7"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert User.objects.get(email="bob@example.org").check_password(new_password)


def test_password_reset_does_not_reveal_unknown_emails(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_visitors_can_choose_a_language_too(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_language_choice_is_a_post(client):
    assert client.get(reverse("set_language")).status_code == 405


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_account_pages_render_inside_the_site_layout(client, url_name):
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="main"' in html and reverse("privacy") in html


@pytest.mark.parametrize("url_name", ["account_logout", "account_email", "account_change_password"])
def test_logged_in_account_pages_render_inside_the_site_layout(client, url_name):
    client.force_login(UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'id="main"' in response.content.decode()
