"""The admin lists suggestions, decisions (with the reasons of declines), introductions, runs."""

import pytest
from django.urls import reverse

from matching.models import Interest, MatchRun
from tests import factories


@pytest.fixture
def admin_client_with_data(client, roles):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    factories.MatchFactory(scientist=roles.profile, project=roles.project, reasons=[])
    factories.InterestFactory(
        scientist=roles.profile,
        project=roles.project,
        side=Interest.Side.SCIENTIST,
        decision=Interest.Decision.DECLINED,
        reason="The project needs results too soon",
    )
    factories.IntroductionFactory(scientist=roles.other_profile, project=roles.project)
    MatchRun.objects.create(chunks_total=2, chunks_done=2, status=MatchRun.Status.DONE)
    return client


@pytest.mark.parametrize("model", ["match", "interest", "introduction", "matchrun"])
def test_admin_lists_search_and_filter(admin_client_with_data, roles, model):
    url = reverse(f"admin:matching_{model}_changelist")
    assert admin_client_with_data.get(url).status_code == 200
    assert admin_client_with_data.get(url, {"q": roles.project.ref}).status_code == 200


def test_admin_shows_the_reason_of_a_decline(admin_client_with_data):
    url = reverse("admin:matching_interest_changelist")
    response = admin_client_with_data.get(url, {"decision__exact": "declined"})
    assert "The project needs results too soon" in response.content.decode()


def test_coordinators_without_staff_status_do_not_get_the_admin(client, roles):
    client.force_login(roles.coordinator)
    response = client.get(reverse("admin:matching_interest_changelist"))
    assert response.status_code == 302
