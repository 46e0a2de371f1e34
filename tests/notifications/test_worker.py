"""A real Celery worker on Redis emails a notification once its change commits."""

import pytest

from notifications.models import Notification
from profiles import services
from tests import factories


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_committed_request_is_emailed_by_a_live_worker(live_worker):
    coordinator = factories.CoordinatorFactory()
    institution = factories.InstitutionFactory()
    newcomer = factories.UserFactory(role="institution_member")
    services.request_membership(user=newcomer, institution=institution)
    live_worker.wait_for(
        lambda: Notification.objects.filter(
            recipient=coordinator, emailed_at__isnull=False
        ).exists(),
        timeout=60,
    )
    assert Notification.objects.filter(recipient=coordinator).count() == 1
