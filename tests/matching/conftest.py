import pytest

from tests.live_worker import live_services, live_worker  # noqa: F401  (fixtures)


@pytest.fixture
def english(settings):
    """Assertions read English text: pin the language of requests without a preference."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even when a broker is configured."""
    from diaspora.celery import app

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was_eager
