"""Who is asking (coordinator, approved member) is read once per request, and
a change of role shows on the person's next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import COORDINATORS_GROUP, User
from profiles.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def sql_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("who", ["scientist", "member", "coordinator"])
def test_an_agreement_page_asks_once_whether_the_user_is_a_coordinator_or_a_member(
    client, roles, who
):
    agreement = factories.AgreementFactory(scientist=roles.profile, project=roles.project)
    client.force_login(getattr(roles, who))
    sql = sql_of(client, reverse("agreements:detail", args=[agreement.pk]))
    assert len([s for s in sql if s.startswith('SELECT 1 AS "a" FROM "auth_group"')]) <= 1
    asked_membership = [
        s for s in sql if s.startswith('SELECT "profiles_membership"."institution_id"')
    ]
    assert len(asked_membership) <= 1


def test_someone_made_coordinator_sees_the_dashboard_on_their_next_request(client, roles):
    client.force_login(roles.other_member)
    url = reverse("agreements:dashboard")
    assert client.get(url).status_code == 403
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    roles.other_member.groups.add(group)
    factories.activate_totp(roles.other_member)
    assert client.get(url).status_code == 200


def test_a_member_whose_membership_ends_no_longer_browses_scientists(client, roles):
    client.force_login(roles.member)
    url = reverse("profiles:scientist_list")
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=roles.member).update(status=Membership.Status.REJECTED)
    assert client.get(url).status_code == 403


def test_the_coordinators_offered_are_the_active_group_members_and_superusers_once_each():
    in_group = factories.CoordinatorFactory(full_name="Ana Coordinadora")
    superuser_in_group = factories.CoordinatorFactory(full_name="Beto Admin", is_superuser=True)
    superuser = factories.UserFactory(full_name="Carla Admin", is_superuser=True, is_staff=True)
    factories.CoordinatorFactory(full_name="Dora Inactiva", is_active=False)
    factories.UserFactory(full_name="Eva Científica")
    factories.UserFactory(full_name="Fer Admin inactivo", is_superuser=True, is_active=False)

    offered = list(User.objects.coordinators().order_by("full_name"))

    assert offered == [in_group, superuser_in_group, superuser]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_coordinators_are_found_without_reading_every_user():
    factories.CoordinatorFactory()
    factories.UserFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 100,000 users
        plan = User.objects.coordinators().explain()
    # the superusers through their partial index (the group's members are a
    # handful of rows), not a pass over every user for `is_superuser OR ...`
    assert "user_superusers" in plan
