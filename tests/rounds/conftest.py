import pytest

from matching.signals import rescoring_suspended


@pytest.fixture
def quiet_matcher():
    """Stored suggestions come only from the test (the matcher does not rescore on save)."""
    with rescoring_suspended():
        yield
