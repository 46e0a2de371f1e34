"""Sessions: read from Redis when it is the cache (written through to the
database), and still served from the database while Redis is down."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def session_engine_with(**environ) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(DJANGO_SETTINGS_MODULE="diaspora.settings", **environ)
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_sessions_are_kept_in_redis_when_it_is_the_cache_and_in_the_database_otherwise():
    assert session_engine_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/0") == CACHED_DB
    assert session_engine_with() == "django.contrib.sessions.backends.db"


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = CACHED_DB
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.django_db
def test_a_signed_in_page_reads_no_session_row(client, cached_sessions):
    client.post(
        reverse("account_login"),
        {"login": factories.ScientistProfileFactory().user.email, "password": factories.PASSWORD},
    )
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("profiles:my_profile")).status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_signing_in_and_out_works_while_redis_is_down(client, settings):
    settings.SESSION_ENGINE = CACHED_DB
    settings.CACHES = {
        "default": {
            "BACKEND": "diaspora.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    user = factories.ScientistProfileFactory().user
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("profiles:my_profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("profiles:my_profile")).status_code == 302  # to the login page
