"""A real Celery worker on Redis turns a saved profile into stored suggestions."""

import pytest

from matching.models import Match
from matching.signals import rescoring_suspended
from tests import factories


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_saving_a_profile_produces_its_suggestions_through_a_live_worker(live_worker):
    with rescoring_suspended():
        project = factories.ProjectFactory()
    profile = factories.ScientistProfileFactory()  # committed: the signal sends the task
    live_worker.wait_for(
        lambda: Match.objects.filter(scientist=profile, project=project).exists(), timeout=60
    )
    match = Match.objects.get(scientist=profile, project=project)
    assert 0 < match.score <= 1
