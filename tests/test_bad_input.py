"""Bad input gets a field error or is ignored, never a server error and never
saved: a NUL byte, digits that are not ASCII, a number of thousands of digits,
in every query-string filter and in the profile, project and agreement forms."""

import re

import pytest
from django.urls import reverse

from agreements.models import Agreement, Stage
from profiles.models import Project, ScientistProfile
from tests import factories
from tests.profiles.test_my_profile import good_data as profile_data
from tests.profiles.test_projects import good_data as project_data

pytestmark = pytest.mark.django_db

BAD_VALUES = {
    "nul": "abc\x00def",
    "superscript_digit": "²",
    "arabic_indic_digits": "١٢",
    "huge_number": "9" * 5000,
}


def _get_form_fields(html: str) -> set[str]:
    """Names of the fields in the page's GET forms (filters, search, lookup)."""
    names = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S):
        names.update(re.findall(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", form))
    return names - {"csrfmiddlewaretoken"}


PAGES_WITH_FILTERS = [
    ("profiles:project_list", "coordinator"),
    ("profiles:scientist_list", "coordinator"),
    ("agreements:list", "coordinator"),
    ("agreements:reminders", "coordinator"),
    ("agreements:dashboard", "coordinator"),
    ("agreements:dashboard_csv", "coordinator"),
    ("matching:introduction_list", "coordinator"),
    ("matching:coordinator", "coordinator"),
    ("matching:my_recommendations", "scientist"),
]


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
@pytest.mark.parametrize(("url_name", "who"), PAGES_WITH_FILTERS)
def test_query_strings_never_break_a_page(client, roles, url_name, who, bad):
    client.force_login(getattr(roles, who))
    url = reverse(url_name)
    html_page = reverse("agreements:dashboard") if url_name.endswith("_csv") else url
    fields = _get_form_fields(client.get(html_page).content.decode())
    fields |= {"page", "q", "stage", "scientist_id", "project_id"}
    for field in sorted(fields):
        response = client.get(url, {field: bad})
        assert response.status_code in (200, 302, 404), (field, response.status_code)


NUMBERS = {"abroad_since", "hours_per_month", "duration_months", "seats", "institution"}


def _form_errors(response) -> dict:
    form = response.context["form"]
    return form.errors


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
@pytest.mark.parametrize(
    "field",
    ["name", "city", "keywords", "summary", "alma_maters", "abroad_since", "hours_per_month"],
)
def test_profile_form_answers_bad_input_with_a_field_error(client, roles, field, bad):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("profiles:my_profile"), profile_data(**{field: bad}))
    if response.status_code == 302:  # accepted: a sane value, stored as such
        assert "\x00" not in bad
        assert not (field in NUMBERS and bad == BAD_VALUES["huge_number"])
        return
    assert response.status_code == 200
    assert field in _form_errors(response)
    assert not ScientistProfile.objects.filter(user=user).exists()


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
@pytest.mark.parametrize(
    "field", ["title", "description", "keywords", "duration_months", "seats", "institution"]
)
def test_project_form_answers_bad_input_with_a_field_error(client, roles, field, bad):
    client.force_login(roles.member)
    before = Project.objects.count()
    data = {**project_data(roles.institution), field: bad}
    response = client.post(reverse("profiles:project_create"), data)
    if response.status_code == 302:
        assert "\x00" not in bad
        assert not (field in NUMBERS and bad == BAD_VALUES["huge_number"])
        return
    assert response.status_code == 200
    assert field in _form_errors(response)
    assert Project.objects.count() == before


@pytest.fixture
def proposed(roles):
    return factories.AgreementFactory(
        scientist=roles.profile, project=roles.project, stage=Stage.PROPOSED
    )


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
@pytest.mark.parametrize(
    ("action", "data_field"),
    [
        ("transition", "reason"),
        ("note", "text"),
        ("contact", "note"),
        ("milestone_add", "title"),
        ("follow_up", "next_follow_up_on"),
    ],
)
def test_agreement_forms_never_break_on_bad_input(client, roles, proposed, action, data_field, bad):
    client.force_login(roles.coordinator)
    if action == "transition":
        url = reverse("agreements:transition", args=[proposed.pk, "cancel"])
    else:
        url = reverse(f"agreements:{action}", args=[proposed.pk])
    events_before = proposed.events.count()
    response = client.post(url, {data_field: bad, "channel": "call", "due_on": "2027-01-01"})
    assert response.status_code in (200, 302, 400, 403), response.status_code
    if bad == BAD_VALUES["nul"]:
        assert proposed.events.count() == events_before
        assert Agreement.objects.get(pk=proposed.pk).stage == Stage.PROPOSED


def test_a_project_description_has_the_same_limit_as_the_import(client, roles):
    client.force_login(roles.member)
    data = project_data(roles.institution, description="x" * 10_001)
    response = client.post(reverse("profiles:project_create"), data)
    assert "description" in _form_errors(response)
    assert not Project.objects.filter(title=data["title"]).exists()
