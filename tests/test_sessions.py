"""Sessions: a logged-out session stays ended whatever the cache missed."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_a_logged_out_session_stays_ended_when_the_cache_missed_the_logout(
    client, settings, monkeypatch
):
    """While Redis blips the app's cache forgives errors, so a delete can be
    lost. Sessions live in the database alone: the cookie of a session ended
    at logout opens nothing once the cache is back."""
    from django.core.cache.backends.locmem import LocMemCache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    user = factories.ScientistProfileFactory().user
    client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert client.get(reverse("profiles:my_profile")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    monkeypatch.setattr(LocMemCache, "delete", lambda *args, **kwargs: False)  # the blip
    client.post(reverse("account_logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, replayed

    response = client.get(reverse("profiles:my_profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
