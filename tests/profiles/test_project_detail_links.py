import pytest
from django.urls import reverse

from matching.models import Interest

pytestmark = pytest.mark.django_db


def test_members_find_the_recommended_scientists_from_their_project_page(client, roles):
    client.force_login(roles.member)
    response = client.get(reverse("profiles:project_detail", args=[roles.project.pk]))
    assert reverse("matching:project_recommendations", args=[roles.project.pk]) in response.text


def test_a_scientist_can_say_they_are_interested_from_a_project_page(client, roles):
    client.force_login(roles.scientist)
    url = reverse("profiles:project_detail", args=[roles.project.pk])
    response = client.get(url)
    action = reverse("matching:scientist_decide", args=[roles.project.pk])
    assert action in response.text
    assert reverse("matching:project_recommendations", args=[roles.project.pk]) not in response.text

    response = client.post(action, {"decision": "interested", "next": url})
    assert response.status_code == 302 and response.url == url
    interest = Interest.objects.get(scientist=roles.profile, project=roles.project)
    assert interest.side == Interest.Side.SCIENTIST
    assert interest.decision == Interest.Decision.INTERESTED
