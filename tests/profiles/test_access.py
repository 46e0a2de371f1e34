"""Every URL of profiles/ tried as anonymous, owner, same-role outsider, member of another
institution and coordinator.

Owners: `scientist` owns `profile`; `member` belongs to `institution`, which owns `project`.
Role lookups answer 403 (wrong kind of user), object lookups 404 (not yours to see).
"""

import pytest
from django.urls import reverse

from profiles import vocab
from profiles.models import Institution, Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "scientist", "other_scientist", "member", "other_member", "coordinator"]

LOGIN = "login"  # a redirect to the login page


def check_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not response["Location"].startswith(reverse("account_login"))


# url name, object (attribute of the roles fixture, or None), expected status per WHO.
GET_CASES = [
    ("profiles:my_profile", None, [LOGIN, 200, 200, 403, 403, 403]),
    ("profiles:scientist_list", None, [LOGIN, 403, 403, 200, 200, 200]),
    ("profiles:scientist_detail", "profile", [LOGIN, 200, 404, 200, 200, 200]),
    ("profiles:my_institution", None, [LOGIN, 403, 403, 200, 200, 200]),
    ("profiles:institution_register", None, [LOGIN, 403, 403, 200, 200, 200]),
    ("profiles:institution_join", None, [LOGIN, 403, 403, 200, 200, 200]),
    ("profiles:approvals", None, [LOGIN, 403, 403, 403, 403, 200]),
    ("profiles:project_list", None, [LOGIN, 200, 200, 200, 200, 200]),
    ("profiles:project_create", None, [LOGIN, 403, 403, 200, 200, 200]),
    ("profiles:project_detail", "project", [LOGIN, 200, 200, 200, 200, 200]),
    ("profiles:project_detail", "draft_project", [LOGIN, 404, 404, 200, 404, 200]),
    ("profiles:project_detail", "closed_project", [LOGIN, 404, 404, 200, 404, 200]),
    ("profiles:project_edit", "project", [LOGIN, 404, 404, 200, 404, 200]),
    ("profiles:project_edit", "draft_project", [LOGIN, 404, 404, 200, 404, 200]),
]


def login_as(client, roles, who):
    if who != "anonymous":
        client.force_login(getattr(roles, who))


def url_for(roles, name, attr):
    return reverse(name, args=[getattr(roles, attr).pk]) if attr else reverse(name)


@pytest.fixture
def access_roles(roles):
    roles.draft_project = roles.project.__class__.objects.create(
        institution=roles.institution, title="Borrador", status=vocab.ProjectStatus.DRAFT
    )
    roles.closed_project = roles.project.__class__.objects.create(
        institution=roles.institution, title="Cerrado", status=vocab.ProjectStatus.CLOSED
    )
    return roles


@pytest.mark.parametrize(
    ("name", "attr", "who", "expected"),
    [(n, a, w, e) for n, a, statuses in GET_CASES for w, e in zip(WHO, statuses, strict=True)],
)
def test_get_access(client, access_roles, name, attr, who, expected):
    login_as(client, access_roles, who)
    check_status(client.get(url_for(access_roles, name, attr)), expected)


@pytest.mark.parametrize(
    ("who", "expected", "new_status"),
    [
        ("anonymous", LOGIN, "open"),
        ("scientist", 404, "open"),
        ("other_scientist", 404, "open"),
        ("member", 302, "closed"),
        ("other_member", 404, "open"),
        ("coordinator", 302, "closed"),
    ],
)
def test_project_status_change_access(client, roles, who, expected, new_status):
    login_as(client, roles, who)
    url = reverse("profiles:project_set_status", args=[roles.project.pk])
    check_status(client.post(url, {"status": "closed"}), expected)
    roles.project.refresh_from_db()
    assert roles.project.status == new_status


@pytest.mark.parametrize(
    ("who", "expected", "title"),
    [
        ("anonymous", LOGIN, "original"),
        ("scientist", 404, "original"),
        ("other_scientist", 404, "original"),
        ("member", 200, "original"),  # invalid POST: the form comes back with errors
        ("other_member", 404, "original"),
        ("coordinator", 200, "original"),
    ],
)
def test_project_edit_post_access(client, roles, who, expected, title):
    roles.project.title = "original"
    roles.project.save()
    login_as(client, roles, who)
    url = reverse("profiles:project_edit", args=[roles.project.pk])
    check_status(client.post(url, {"title": "changed"}), expected)
    roles.project.refresh_from_db()
    assert roles.project.title == title


@pytest.fixture
def pending(roles):
    registrant = UserFactory(role="institution_member")
    institution = InstitutionFactory(approved=False, name="Nueva Fundación")
    registrant_membership = MembershipFactory(
        user=registrant, institution=institution, status=Membership.Status.PENDING
    )
    joiner = MembershipFactory(institution=roles.institution, status=Membership.Status.PENDING)
    return institution, registrant_membership, joiner


DECIDE_CASES = [
    ("anonymous", LOGIN),
    ("scientist", 403),
    ("other_scientist", 403),
    ("member", 403),
    ("other_member", 403),
    ("coordinator", 302),
]


@pytest.mark.parametrize(("who", "expected"), DECIDE_CASES)
def test_institution_decision_access(client, roles, pending, who, expected):
    institution, registrant_membership, _ = pending
    login_as(client, roles, who)
    url = reverse("profiles:institution_decide", args=[institution.pk])
    check_status(client.post(url, {"decision": "approve"}), expected)
    institution.refresh_from_db()
    registrant_membership.refresh_from_db()
    assert institution.approved == (expected == 302)
    approved = registrant_membership.status == Membership.Status.APPROVED
    assert approved == (expected == 302)


@pytest.mark.parametrize(("who", "expected"), DECIDE_CASES)
def test_membership_decision_access(client, roles, pending, who, expected):
    _, _, joiner = pending
    login_as(client, roles, who)
    url = reverse("profiles:membership_decide", args=[joiner.pk])
    check_status(client.post(url, {"decision": "reject"}), expected)
    joiner.refresh_from_db()
    rejected = joiner.status == Membership.Status.REJECTED
    assert rejected == (expected == 302)


@pytest.mark.parametrize(
    "name",
    ["profiles:project_set_status", "profiles:institution_decide", "profiles:membership_decide"],
)
def test_changes_refuse_get(client, roles, name):
    client.force_login(roles.coordinator)
    obj_pk = {
        "profiles:project_set_status": roles.project.pk,
        "profiles:institution_decide": Institution.objects.first().pk,
        "profiles:membership_decide": Membership.objects.first().pk,
    }[name]
    assert client.get(reverse(name, args=[obj_pk])).status_code == 405


def test_decision_on_an_already_decided_membership_is_not_found(client, roles):
    client.force_login(roles.coordinator)
    approved = Membership.objects.get(user=roles.member)
    url = reverse("profiles:membership_decide", args=[approved.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 404
    approved.refresh_from_db()
    assert approved.status == Membership.Status.APPROVED
