"""Browsing open projects and scientist profiles with search, filters and pages."""

import datetime

import pytest
from django.urls import reverse

from profiles.models import Project
from profiles.pagination import CappedPaginator
from tests.factories import InstitutionFactory, ProjectFactory, ScientistProfileFactory

pytestmark = pytest.mark.django_db

PROJECTS = reverse("profiles:project_list")
SCIENTISTS = reverse("profiles:scientist_list")


def titles(response):
    return sorted(p.title for p in response.context["page"].object_list)


def names(response):
    return sorted(p.name for p in response.context["page"].object_list)


@pytest.fixture
def catalogue(db):
    jalisco = InstitutionFactory(state="MX-JAL")
    yucatan = InstitutionFactory(state="MX-YUC")
    ProjectFactory(
        title="Maíz nativo",
        institution=jalisco,
        fields=["genetics_genomics"],
        keywords=["genómica de poblaciones"],
        collaboration_type="academic_project",
        funding="none",
        starts_on=datetime.date(2027, 1, 1),
        duration_months=12,
    )
    ProjectFactory(
        title="Salud materna",
        description="Epidemiología de la salud materna en comunidades.",
        institution=yucatan,
        fields=["public_health"],
        keywords=["epidemiología"],
        collaboration_type="ngo_project",
        funding="full",
        starts_on=datetime.date(2027, 6, 1),
        duration_months=36,
    )
    ProjectFactory(
        title="Puentes inteligentes",
        institution=yucatan,
        fields=["engineering_technology"],
        keywords=["sensores"],
        collaboration_type="industry_project",
        funding="partial",
        starts_on=datetime.date(2028, 1, 1),
        duration_months=6,
    )
    ProjectFactory(title="Borrador oculto", institution=jalisco, status="draft")
    ProjectFactory(title="Proyecto cerrado", institution=jalisco, status="closed")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Maíz nativo", "Puentes inteligentes", "Salud materna"]),
        ({"q": "materna"}, ["Salud materna"]),
        ({"q": "GENÓMICA"}, ["Maíz nativo"]),
        ({"q": "EPIDEMIOLOGÍA"}, ["Salud materna"]),
        ({"q": "epidemiología comunidades"}, ["Salud materna"]),
        ({"q": "sensores"}, ["Puentes inteligentes"]),
        ({"area": "biology_chemistry"}, ["Maíz nativo"]),
        ({"area": "medicine_health"}, ["Salud materna"]),
        ({"discipline": "genetics_genomics"}, ["Maíz nativo"]),
        ({"state": "MX-YUC"}, ["Puentes inteligentes", "Salud materna"]),
        ({"collaboration_type": "ngo_project"}, ["Salud materna"]),
        ({"funding": "partial"}, ["Puentes inteligentes"]),
        ({"starts_from": "2027-03-01"}, ["Puentes inteligentes", "Salud materna"]),
        ({"starts_to": "2027-06-01"}, ["Maíz nativo", "Salud materna"]),
        ({"duration_max": "12"}, ["Maíz nativo", "Puentes inteligentes"]),
        ({"duration_min": "13"}, ["Salud materna"]),
        ({"state": "MX-YUC", "funding": "full", "q": "salud"}, ["Salud materna"]),
        ({"q": "oculto"}, []),
    ],
)
def test_project_search_and_filters(client, roles, catalogue, params, expected):
    Project.objects.filter(pk__in=[roles.project.pk, roles.other_project.pk]).delete()
    client.force_login(roles.scientist)
    response = client.get(PROJECTS, params)
    assert response.status_code == 200
    assert titles(response) == expected


def test_invalid_filter_values_show_errors_instead_of_failing(client, roles):
    client.force_login(roles.scientist)
    response = client.get(PROJECTS, {"starts_from": "not-a-date", "area": "alchemy"})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert "starts_from" in errors and "area" in errors


def test_project_list_is_paginated_and_keeps_the_filters(client, roles):
    for i in range(25):
        ProjectFactory(title=f"Energía solar {i}", fields=["energy"])
    client.force_login(roles.scientist)
    first = client.get(PROJECTS, {"q": "solar"})
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.count == 25
    assert "q=solar&amp;page=2" in first.content.decode()
    second = client.get(PROJECTS, {"q": "solar", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_a_search_matching_more_than_the_cap_says_so_and_still_pages(client, roles, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 25)
    for i in range(30):
        ProjectFactory(title=f"Energía solar {i}", fields=["energy"])
    client.force_login(roles.scientist)
    client.cookies["django_language"] = "en"
    first = client.get(PROJECTS, {"q": "solar"})
    html = first.content.decode()
    assert "More than 25 open projects found" in html
    assert "Page 1 of" not in html and "Page 1" in html
    second = client.get(PROJECTS, {"q": "solar", "page": 2})
    assert len(second.context["page"].object_list) == 6  # the 21st to the 26th counted
    narrower = client.get(PROJECTS, {"q": "solar 1"})  # 1, 10-19 and 21
    assert "12 open projects found." in narrower.content.decode()


def test_the_cap_on_counted_scientists_is_said_in_spanish_too(client, roles, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    ScientistProfileFactory(name="Ana Solar")
    ScientistProfileFactory(name="Beto Solar")
    client.force_login(roles.member)
    client.cookies["django_language"] = "es"
    response = client.get(SCIENTISTS, {"q": "solar"})
    assert "Se encontraron más de 1 personas científicas" in response.content.decode()


@pytest.fixture
def scientists(db):
    ScientistProfileFactory(
        name="Ana Genómica",
        fields=["genetics_genomics"],
        country="US",
        states_of_interest=["MX-JAL"],
        position="postdoc",
        available_from=datetime.date(2027, 1, 1),
    )
    ScientistProfileFactory(
        name="Beto Salud",
        fields=["public_health"],
        country="CA",
        states_of_interest=["MX-YUC", "MX-CMX"],
        position="faculty",
        available_from=None,
        keywords=["epidemiología"],
    )
    ScientistProfileFactory(
        name="Carla Ingeniera",
        fields=["engineering_technology"],
        country="DE",
        states_of_interest=[],
        position="industry",
        available_from=datetime.date(2028, 1, 1),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Ana Genómica", "Beto Salud", "Carla Ingeniera"]),
        ({"q": "beto"}, ["Beto Salud"]),
        ({"q": "epidemiología"}, ["Beto Salud"]),
        ({"area": "biology_chemistry"}, ["Ana Genómica"]),
        ({"discipline": "public_health"}, ["Beto Salud"]),
        ({"country": "DE"}, ["Carla Ingeniera"]),
        ({"state": "MX-YUC"}, ["Beto Salud"]),
        ({"position": "postdoc"}, ["Ana Genómica"]),
        ({"available_before": "2027-06-01"}, ["Ana Genómica", "Beto Salud"]),
    ],
)
def test_scientist_search_and_filters(client, roles, scientists, params, expected):
    roles.profile.delete()
    roles.other_profile.delete()
    client.force_login(roles.member)
    response = client.get(SCIENTISTS, params)
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize("word", ['"huerto"', 'huerto"', "c:\\datos", "ÑANDÚ", "50%", "a_b"])
def test_a_search_finds_keywords_with_quotes_backslashes_and_accents(
    client, roles, scientists, word
):
    ScientistProfileFactory(
        name="Diana Símbolos", keywords=['el "huerto" urbano', "c:\\datos", "ñandú", "50%", "a_b"]
    )
    ScientistProfileFactory(name="Elena Comodín", keywords=["500", "axb"])
    client.force_login(roles.member)
    assert names(client.get(SCIENTISTS, {"q": word})) == ["Diana Símbolos"]


def test_contact_details_never_appear_on_browse_pages(client, roles):
    roles.profile.email = "private.contact@example.org"
    roles.profile.save()
    for user in (roles.member, roles.coordinator):
        client.force_login(user)
        scientist_pages = [
            client.get(SCIENTISTS),
            client.get(reverse("profiles:scientist_detail", args=[roles.profile.pk])),
        ]
        project_pages = [
            client.get(PROJECTS),
            client.get(reverse("profiles:project_detail", args=[roles.project.pk])),
        ]
        for page in scientist_pages:
            assert roles.profile.name in page.content.decode()  # the profile is there...
        for page in scientist_pages + project_pages:
            html = page.content.decode()
            assert page.status_code == 200
            # ...but not how to reach the scientist.
            assert "private.contact@example.org" not in html
            assert roles.scientist.email not in html
            assert roles.other_scientist.email not in html


def test_scientists_see_only_open_projects_in_the_list(client, roles):
    ProjectFactory(title="Borrador oculto", institution=roles.institution, status="draft")
    client.force_login(roles.member)
    assert "Borrador oculto" not in titles(client.get(PROJECTS))
