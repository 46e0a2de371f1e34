"""Institution members create, edit, open and close their institution's projects."""

import datetime

import pytest
from django.urls import reverse

from profiles import vocab
from profiles.models import Project
from tests.factories import InstitutionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("profiles:project_create")


def good_data(institution, **overrides):
    data = {
        "institution": institution.pk,
        "title": "Genómica de maíces nativos",
        "description": "Secuenciación de poblaciones de maíz nativo.",
        "fields": ["genetics_genomics"],
        "keywords": "genómica de poblaciones, maíz",
        "goals": ["publications"],
        "collaboration_type": "academic_project",
        "starts_on": "2027-02-01",
        "duration_months": "18",
        "first_results_months": "6",
        "hours_per_month": "8",
        "languages": ["es"],
        "funding": "partial",
        "seats": "2",
    }
    data.update(overrides)
    return data


def test_member_creates_a_draft_project_for_their_institution(client, roles):
    client.force_login(roles.member)
    response = client.post(CREATE, good_data(roles.institution))
    project = Project.objects.get(title="Genómica de maíces nativos")
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:project_detail", args=[project.pk])
    assert project.institution == roles.institution
    assert project.status == vocab.ProjectStatus.DRAFT
    assert project.created_by == roles.member
    assert project.keywords == ["genómica de poblaciones", "maíz"]
    assert project.areas == ["biology_chemistry"]
    assert project.starts_on == datetime.date(2027, 2, 1)
    assert (project.duration_months, project.first_results_months, project.seats) == (18, 6, 2)
    assert project.funding == "partial"


def test_member_cannot_create_a_project_for_another_institution(client, roles):
    client.force_login(roles.member)
    response = client.post(CREATE, good_data(roles.other_institution))
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Project.objects.filter(title="Genómica de maíces nativos").exists()


def test_pending_member_cannot_create_projects(client):
    membership = MembershipFactory(status="pending")
    client.force_login(membership.user)
    assert client.get(CREATE).status_code == 403


def test_coordinator_may_create_for_any_approved_institution(client, roles):
    client.force_login(roles.coordinator)
    response = client.post(CREATE, good_data(roles.other_institution))
    assert response.status_code == 302
    assert Project.objects.get(title="Genómica de maíces nativos").institution == (
        roles.other_institution
    )


def test_unapproved_institution_is_not_offered(client, roles):
    pending = InstitutionFactory(approved=False)
    client.force_login(roles.coordinator)
    form = client.get(CREATE).context["form"]
    assert pending not in form.fields["institution"].queryset


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"fields": []}, "fields"),
        ({"fields": ["alchemy"]}, "fields"),
        ({"goals": []}, "goals"),
        ({"collaboration_type": "party"}, "collaboration_type"),
        ({"starts_on": "2027-02-30"}, "starts_on"),
        ({"duration_months": ""}, "duration_months"),
        ({"duration_months": "0"}, "duration_months"),
        ({"duration_months": "121"}, "duration_months"),
        ({"first_results_months": "19"}, "first_results_months"),
        ({"first_results_months": "-1"}, "first_results_months"),
        ({"hours_per_month": "0"}, "hours_per_month"),
        ({"languages": []}, "languages"),
        ({"funding": "lots"}, "funding"),
        ({"seats": "0"}, "seats"),
        ({"seats": ""}, "seats"),
        ({"keywords": ", ".join(f"k{i}" for i in range(31))}, "keywords"),
    ],
)
def test_bad_project_input_is_rejected_with_an_error_next_to_the_field(
    client, roles, overrides, field
):
    client.force_login(roles.member)
    response = client.post(CREATE, good_data(roles.institution, **overrides))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Project.objects.filter(title="Genómica de maíces nativos").exists()


def test_first_results_may_equal_the_duration(client, roles):
    client.force_login(roles.member)
    data = good_data(roles.institution, first_results_months="18")
    assert client.post(CREATE, data).status_code == 302


def test_member_edits_their_project_but_cannot_move_it(client, roles):
    client.force_login(roles.member)
    url = reverse("profiles:project_edit", args=[roles.project.pk])
    data = good_data(roles.other_institution, title="Nuevo título", seats="5")
    response = client.post(url, data)
    assert response.status_code == 302
    roles.project.refresh_from_db()
    assert roles.project.title == "Nuevo título"
    assert roles.project.seats == 5
    assert roles.project.institution == roles.institution


def test_member_opens_closes_and_drafts_their_project(client, roles):
    client.force_login(roles.member)
    url = reverse("profiles:project_set_status", args=[roles.project.pk])
    for status in ("closed", "draft", "open"):
        assert client.post(url, {"status": status}).status_code == 302
        roles.project.refresh_from_db()
        assert roles.project.status == status


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("open", "El proyecto ya está abierto a colaboraciones."),
        ("closed", "El proyecto ahora está cerrado."),
        ("draft", "El proyecto volvió a ser borrador."),
    ],
)
def test_changing_the_status_says_so_in_a_whole_sentence(client, roles, status, said):
    roles.project.status = "closed" if status == "open" else "open"
    roles.project.save()
    client.force_login(roles.member)
    url = reverse("profiles:project_set_status", args=[roles.project.pk])
    response = client.post(url, {"status": status}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [said]


def test_unknown_status_is_refused(client, roles):
    client.force_login(roles.member)
    url = reverse("profiles:project_set_status", args=[roles.project.pk])
    assert client.post(url, {"status": "archived"}).status_code == 404
    roles.project.refresh_from_db()
    assert roles.project.status == "open"


def test_project_page_shows_edit_controls_only_to_those_who_may_edit(client, roles):
    url = reverse("profiles:project_detail", args=[roles.project.pk])
    edit_url = reverse("profiles:project_edit", args=[roles.project.pk])
    for user, can_edit in [
        (roles.member, True),
        (roles.coordinator, True),
        (roles.other_member, False),
        (roles.scientist, False),
    ]:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert (edit_url in html) == can_edit


def test_my_institution_lists_the_members_projects_with_drafts(client, roles):
    Project.objects.create(institution=roles.institution, title="Borrador secreto", status="draft")
    client.force_login(roles.member)
    html = client.get(reverse("profiles:my_institution")).content.decode()
    assert roles.project.title in html
    assert "Borrador secreto" in html
    assert roles.other_project.title not in html
