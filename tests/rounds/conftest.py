import pytest

from matching.signals import rescoring_suspended
from tests.live_worker import live_services, live_worker  # noqa: F401


@pytest.fixture
def quiet_matcher():
    """Stored suggestions come only from the test (the matcher does not rescore on save)."""
    with rescoring_suspended():
        yield


@pytest.fixture
def english(settings):
    """Assertions read English text: pin the language of requests without a preference."""
    settings.LANGUAGE_CODE = "en"
