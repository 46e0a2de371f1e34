"""Secure by default: production settings, headers, rate limits, two-factor
login for coordinators and staff, admin permissions."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _production_env(**extra):
    """Only the secret and the allowed hosts, as the README's deployment asks;
    no .env (a checkout's .env must not change what production means)."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "diaspora.example.org",
        "DJANGO_ENV_FILE": os.devnull,
        **extra,
    }


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_only_the_secret_and_the_allowed_hosts():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_https_only_with_secure_cookies():
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SECURE, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=_production_env())
    assert result.stdout.split() == ["False"] + ["True"] * 5 + ["DatabaseCache"], result.stderr


def test_a_proxy_that_terminates_tls_is_trusted_only_when_configured():
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    plain = _manage("shell", "--no-imports", "-c", code, env=_production_env())
    assert plain.stdout.strip() == "None"
    behind = _production_env(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    proxied = _manage("shell", "--no-imports", "-c", code, env=behind)
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout


def _checkout_with_env_file(tmp_path, env_text):
    """A copy of bin/_env.sh in a checkout whose virtual environment is current."""
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "_env.sh", tmp_path / "bin" / "_env.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    stamp = subprocess.run(
        ["sha1sum", "pyproject.toml"], cwd=tmp_path, capture_output=True, text=True
    ).stdout[:12]
    (tmp_path / ".venv" / f".installed-{stamp}").touch()
    if env_text is not None:
        (tmp_path / ".env").write_text(env_text)
    subprocess.run(["bash", "-c", "source bin/_env.sh"], cwd=tmp_path, check=True, timeout=60)
    return (tmp_path / ".env").read_text()


def test_a_new_env_file_holds_a_secret_and_no_debug(tmp_path):
    written = _checkout_with_env_file(tmp_path, None)
    assert "DJANGO_SECRET_KEY=" in written
    assert "DJANGO_DEBUG" not in written


def test_debug_left_in_an_old_env_file_is_removed(tmp_path):
    written = _checkout_with_env_file(tmp_path, "DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=kept\n")
    assert written == "DJANGO_SECRET_KEY=kept\n"


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_code(client):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy


@pytest.mark.parametrize(
    "url_name",
    [
        "profiles:project_list",
        "profiles:scientist_list",
        "agreements:list",
        "agreements:dashboard",
        "agreements:dashboard_csv",
        "accounts:account",
        "accounts:export",
        "profiles:approvals",
        "matching:introduction_list",
    ],
)
def test_private_pages_are_not_stored_by_browsers_or_proxies(client, roles, url_name):
    client.force_login(roles.coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- Rate limits ------------------------------------------------------------------


@pytest.fixture
def rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}


TOO_MANY = "Too many failed login attempts"


def _refused_logins(client, count, forwarded_for, remote_addr="203.0.113.7"):
    """How many of `count` failed logins (each for a different address) were
    refused by the rate limit rather than checked."""
    refused = 0
    for n in range(count):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded_for(n),
            REMOTE_ADDR=remote_addr,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        refused += TOO_MANY in response.content.decode()
    return refused


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(client, rate_limits):
    assert _refused_logins(client, 15, lambda n: f"198.51.100.{n}") == 5


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_appended_is_the_one_counted(client, rate_limits, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client forges a first value; the proxy appends the real address.
    assert _refused_logins(client, 15, lambda n: f"10.0.0.{n}, 198.51.100.9") == 5
    # Distinct clients behind the same proxy are counted apart.
    assert _refused_logins(client, 8, lambda n: f"198.51.100.{100 + n}") == 0


def _login(client, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
def test_someone_typing_a_persons_address_cannot_lock_them_out(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    user = factories.UserFactory(email="target@example.org")
    _login(client, user.email, PASSWORD)  # the person's own browser, known from now on
    client.post(reverse("account_logout"))  # the browser keeps its other cookies

    attacker = Client(REMOTE_ADDR="198.51.100.66")
    responses = [_login(attacker, user.email, "guess") for _ in range(6)]
    assert TOO_MANY in responses[-1].content.decode()
    assert TOO_MANY in _login(attacker, user.email, PASSWORD).content.decode()

    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.django_db
def test_login_page_works_while_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "diaspora.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 200  # the form's error, not a server error


# --- Two-factor login ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["agreements:dashboard", "admin:index"])
def test_coordinator_without_two_factor_is_sent_to_set_it_up(client, url_name):
    coordinator = factories.CoordinatorFactory(is_staff=True, two_factor=False)
    client.force_login(coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def _activation_page(client):
    """allauth asks for the password again before adding an authenticator."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client.get(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_coordinator_without_two_factor_can_set_it_up_after_logging_in(client):
    coordinator = factories.CoordinatorFactory(two_factor=False)
    _login(client, coordinator.email, PASSWORD)
    response = client.get(reverse("agreements:dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp")
    assert b'name="code"' in _activation_page(client).content


@pytest.mark.django_db
def test_coordinator_with_two_factor_reaches_the_dashboard(client):
    client.force_login(factories.CoordinatorFactory())
    assert client.get(reverse("agreements:dashboard")).status_code == 200


@pytest.mark.django_db
def test_scientists_may_work_without_two_factor(client, roles):
    client.force_login(roles.scientist)
    assert client.get(reverse("profiles:my_profile")).status_code == 200


@pytest.mark.django_db
def test_login_with_two_factor_asks_for_the_code_before_letting_in(client):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    user = factories.UserFactory(email="two@example.org", two_factor=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(factories.TOTP_SECRET, counter))
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.django_db
def test_everyone_can_set_up_two_factor_with_recovery_codes(client, roles):
    _login(client, roles.scientist.email, PASSWORD)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert b'name="code"' in _activation_page(client).content


# --- Admin ------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_without_permissions_cannot_add_follow_up_settings(client):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(reverse("admin:agreements_followupsettings_add")).status_code == 403
