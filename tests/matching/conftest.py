import pytest

from tests.live_worker import (  # noqa: F401
    live_prefork_worker,
    live_services,
    live_worker,
    set_always_eager,
)


@pytest.fixture
def english(settings):
    """Assertions read English text: pin the language of requests without a preference."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even when a broker is configured."""
    was_eager = set_always_eager(True)
    yield
    set_always_eager(was_eager)
