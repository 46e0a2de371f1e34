"""Registering and joining institutions, and coordinators' approvals."""

import pytest
from django.urls import reverse

from profiles.models import Institution, Membership
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    user = UserFactory(role="institution_member")
    client.force_login(user)
    return user


def register(client, **overrides):
    data = {
        "name": "Fundación Ciencia Abierta",
        "kind": "ngo",
        "state": "MX-OAX",
        "city": "Oaxaca",
        "website": "https://ciencia.example.org",
    }
    data.update(overrides)
    return client.post(reverse("profiles:institution_register"), data)


def test_registering_an_institution_leaves_it_and_the_membership_pending(client, newcomer):
    response = register(client)
    assert response.status_code == 302
    institution = Institution.objects.get(name="Fundación Ciencia Abierta")
    assert not institution.approved
    assert institution.created_by == newcomer
    membership = Membership.objects.get(user=newcomer)
    assert membership.institution == institution
    assert membership.status == Membership.Status.PENDING
    page = client.get(reverse("profiles:my_institution")).content.decode()
    assert "Fundación Ciencia Abierta" in page
    assert client.get(reverse("profiles:project_create")).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "club"}, "kind"),
        ({"state": ""}, "state"),
        ({"state": "US-TX"}, "state"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_bad_institution_input_is_rejected(client, newcomer, overrides, field):
    response = register(client, **overrides)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Institution.objects.exists()


def test_an_existing_institution_cannot_be_registered_twice(client, newcomer):
    InstitutionFactory(name="Fundación Ciencia Abierta")
    response = register(client, name="fundación  ciencia abierta")
    assert "name" in response.context["form"].errors
    assert Institution.objects.count() == 1


def test_coordinator_approval_approves_institution_and_registrant(client, newcomer, roles):
    register(client)
    institution = Institution.objects.get(name="Fundación Ciencia Abierta")
    client.force_login(roles.coordinator)
    approvals = client.get(reverse("profiles:approvals")).content.decode()
    assert "Fundación Ciencia Abierta" in approvals
    url = reverse("profiles:institution_decide", args=[institution.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    institution.refresh_from_db()
    assert institution.approved
    assert Membership.objects.get(user=newcomer).status == Membership.Status.APPROVED
    assert institution not in client.get(reverse("profiles:approvals")).context["institutions"]
    client.force_login(newcomer)
    assert client.get(reverse("profiles:project_create")).status_code == 200


def test_rejecting_an_institution_rejects_the_registrant_and_clears_the_queue(
    client, newcomer, roles
):
    register(client)
    institution = Institution.objects.get(name="Fundación Ciencia Abierta")
    client.force_login(roles.coordinator)
    url = reverse("profiles:institution_decide", args=[institution.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 302
    institution.refresh_from_db()
    assert not institution.approved
    assert Membership.objects.get(user=newcomer).status == Membership.Status.REJECTED
    assert client.post(url, {"decision": "approve"}).status_code == 404


def test_unknown_decision_is_refused(client, newcomer, roles):
    register(client)
    institution = Institution.objects.get(name="Fundación Ciencia Abierta")
    client.force_login(roles.coordinator)
    url = reverse("profiles:institution_decide", args=[institution.pk])
    assert client.post(url, {"decision": "maybe"}).status_code == 404
    institution.refresh_from_db()
    assert not institution.approved


def test_joining_an_approved_institution_waits_for_approval(client, newcomer, roles):
    url = reverse("profiles:institution_join")
    form = client.get(url).context["form"]
    assert roles.institution in form.fields["institution"].queryset
    assert client.post(url, {"institution": roles.institution.pk}).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.status == Membership.Status.PENDING
    # The request shows up for coordinators, and approval makes a member.
    client.force_login(roles.coordinator)
    assert newcomer.email in client.get(reverse("profiles:approvals")).content.decode()
    decide = reverse("profiles:membership_decide", args=[membership.pk])
    client.post(decide, {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    client.force_login(newcomer)
    edit = reverse("profiles:project_edit", args=[roles.project.pk])
    assert client.get(edit).status_code == 200


def test_cannot_ask_to_join_an_unapproved_or_already_joined_institution(client, newcomer, roles):
    pending = InstitutionFactory(approved=False)
    url = reverse("profiles:institution_join")
    assert client.post(url, {"institution": pending.pk}).status_code == 200
    client.post(url, {"institution": roles.institution.pk})
    response = client.post(url, {"institution": roles.institution.pk})
    assert "institution" in response.context["form"].errors
    assert Membership.objects.filter(user=newcomer).count() == 1
