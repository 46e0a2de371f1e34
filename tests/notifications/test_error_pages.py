"""Pages shown when something is wrong use the site's layout and language."""

from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def test_not_found_in_the_layout_and_language(db):
    response = Client().get("/no-such-page/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'id="main"' in response.text
    assert reverse("home") in response.text


def test_not_found_in_spanish(db):
    response = Client().get("/no-such-page/", headers={"Accept-Language": "es"})
    assert "No encontramos esa página" in response.text
    assert '<html lang="es"' in response.text


def test_forbidden_in_the_layout(roles):
    client = Client(headers={"Accept-Language": "en"})
    assert client.login(email=roles.scientist.email, password=PASSWORD)
    response = client.get(reverse("agreements:dashboard"))
    assert response.status_code == 403
    assert "This page is not for your account" in response.text
    assert "Log out" in response.text  # the navigation of a logged-in user


def test_a_form_without_its_security_token(db):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    response = client.post(reverse("account_login"), {"login": "a@example.org"})
    assert response.status_code == 403
    assert "We could not accept that form" in response.text
    assert 'id="main"' in response.text


def test_server_error_in_the_layout(db, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import diaspora.urls

    settings.ROOT_URLCONF = type(
        "Urls", (), {"urlpatterns": [path("boom/", boom), *diaspora.urls.urlpatterns]}
    )
    client = Client(raise_request_exception=False, headers={"Accept-Language": "es"})
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Algo salió mal de nuestro lado" in response.text
    assert reverse("home") in response.text
