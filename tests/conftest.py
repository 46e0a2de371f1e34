"""Shared fixtures: a user for every role, so every view test checks access."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret")
os.environ.setdefault("DJANGO_DISABLE_RATE_LIMITS", "1")

import pytest  # noqa: E402

from tests import factories  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_hashing_and_local_mail(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # pytest-django imports settings before this module sets the environment, so
    # allauth's rate limits (kept in the cache across tests) are switched off here.
    settings.ACCOUNT_RATE_LIMITS = False
    # Each test gets an empty local cache, whatever broker/cache is configured.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process (as on the embedded default) even when CI sets a
    broker; only tests marked `worker` send them to a live worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from tests.live_worker import set_always_eager

    was_eager = set_always_eager(True)
    yield
    set_always_eager(was_eager)


@pytest.fixture
def roles(db):
    """owner scientist, another scientist, a member of the owning institution,
    a member of another institution, and a coordinator."""
    return factories.RoleSet.build()
