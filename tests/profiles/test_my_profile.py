"""A scientist creates and edits their own profile; every field is validated."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from profiles.models import ScientistProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """These tests read English text: ask for the English interface."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


URL = reverse("profiles:my_profile")


def good_data(**overrides):
    data = {
        "name": "Ana López",
        "email": "ana.contact@example.org",
        "country": "US",
        "city": "Houston",
        "institution_abroad": "Rice University",
        "position": "postdoc",
        "sectors": ["academia"],
        "abroad_since": "2019",
        "fields": ["biology_chemistry", "genetics_genomics"],
        "keywords": "genómica, bioinformática,  RNA-seq , genómica",
        "summary": "Genómica de poblaciones de plantas.",
        "goals": ["publications", "student_training"],
        "collaboration_types": ["academic_project", "mentoring"],
        "available_from": "2027-01-15",
        "horizon_months": "24",
        "hours_per_month": "10",
        "languages": ["es", "en"],
        "alma_maters": "UNAM, IPN",
        "states_of_interest": ["MX-CMX", "MX-JAL"],
        "collaborated_before": "yes",
    }
    data.update(overrides)
    return data


@pytest.fixture
def scientist(client):
    user = UserFactory(full_name="Ana López")
    client.force_login(user)
    return user


def test_new_scientist_sees_an_empty_form_with_their_name(client, scientist):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["creating"]
    assert response.context["form"].initial["name"] == "Ana López"
    assert not ScientistProfile.objects.exists()


def test_creating_a_profile_stores_every_field(client, scientist):
    response = client.post(URL, good_data())
    assert response.status_code == 302
    profile = ScientistProfile.objects.get(user=scientist)
    assert profile.keywords == ["genómica", "bioinformática", "RNA-seq"]
    assert profile.alma_maters == ["UNAM", "IPN"]
    assert profile.fields == ["biology_chemistry", "genetics_genomics"]
    assert profile.areas == ["biology_chemistry"]
    assert profile.languages == ["es", "en"]
    assert profile.states_of_interest == ["MX-CMX", "MX-JAL"]
    assert profile.goals == ["publications", "student_training"]
    assert profile.collaboration_types == ["academic_project", "mentoring"]
    assert profile.sectors == ["academia"]
    assert profile.available_from == datetime.date(2027, 1, 15)
    assert (profile.horizon_months, profile.hours_per_month, profile.abroad_since) == (24, 10, 2019)
    assert profile.collaborated_before is True
    assert profile.country == "US" and profile.position == "postdoc"
    assert profile.email == "ana.contact@example.org"


def test_editing_updates_the_same_profile(client, scientist):
    client.post(URL, good_data())
    response = client.post(URL, good_data(city="Toronto", country="CA", collaborated_before="no"))
    assert response.status_code == 302
    profile = ScientistProfile.objects.get(user=scientist)
    assert (profile.city, profile.country, profile.collaborated_before) == ("Toronto", "CA", False)
    assert ScientistProfile.objects.count() == 1
    page = client.get(URL)
    assert not page.context["creating"]
    assert 'value="Toronto"' in page.content.decode()
    assert "genómica, bioinformática, RNA-seq" in page.content.decode()


def test_optional_fields_may_be_left_empty(client, scientist):
    data = good_data(
        city="",
        institution_abroad="",
        sectors=[],
        abroad_since="",
        keywords="",
        available_from="",
        alma_maters="",
        states_of_interest=[],
        collaborated_before="",
    )
    assert client.post(URL, data).status_code == 302
    profile = ScientistProfile.objects.get(user=scientist)
    assert profile.collaborated_before is None
    assert profile.available_from is None and profile.abroad_since is None


this_year = timezone.localdate().year


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "nope"}, "email"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"position": "astronaut"}, "position"),
        ({"fields": []}, "fields"),
        ({"fields": ["alchemy"]}, "fields"),
        ({"summary": "  "}, "summary"),
        ({"goals": []}, "goals"),
        ({"goals": ["fame"]}, "goals"),
        ({"collaboration_types": []}, "collaboration_types"),
        ({"available_from": "2027-13-40"}, "available_from"),
        ({"available_from": "2099-01-01"}, "available_from"),
        ({"horizon_months": "0"}, "horizon_months"),
        ({"horizon_months": "500"}, "horizon_months"),
        ({"horizon_months": "abc"}, "horizon_months"),
        ({"hours_per_month": "-3"}, "hours_per_month"),
        ({"hours_per_month": "1000"}, "hours_per_month"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"states_of_interest": ["MX-XXX"]}, "states_of_interest"),
        ({"sectors": ["space"]}, "sectors"),
        ({"abroad_since": "1949"}, "abroad_since"),
        ({"abroad_since": str(this_year + 1)}, "abroad_since"),
        ({"keywords": ", ".join(f"k{i}" for i in range(31))}, "keywords"),
        ({"keywords": "x" * 101}, "keywords"),
        ({"alma_maters": "y" * 101}, "alma_maters"),
        ({"collaborated_before": "maybe"}, "collaborated_before"),
        ({"max_collaborations": "0"}, "max_collaborations"),
        ({"max_collaborations": "9" * 30}, "max_collaborations"),
    ],
)
def test_bad_input_is_rejected_with_an_error_next_to_the_field(client, scientist, overrides, field):
    response = client.post(URL, good_data(**overrides))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert not ScientistProfile.objects.exists()


def test_capacity_is_how_many_collaborations_at_once_and_defaults_to_one(client, scientist):
    assert client.post(URL, good_data(max_collaborations="3")).status_code == 302
    assert ScientistProfile.objects.get(user=scientist).max_collaborations == 3
    assert client.post(URL, good_data(max_collaborations="")).status_code == 302
    assert ScientistProfile.objects.get(user=scientist).max_collaborations == 1


def test_abroad_since_accepts_this_year(client, scientist):
    assert client.post(URL, good_data(abroad_since=str(this_year))).status_code == 302


def test_the_form_only_ever_edits_the_users_own_profile(client, scientist, roles):
    client.post(URL, good_data())
    roles.profile.refresh_from_db()
    assert roles.profile.name != "Ana López"
    assert ScientistProfile.objects.get(user=scientist).name == "Ana López"


def test_every_input_has_a_label(client, scientist):
    response = client.get(URL)
    html = response.content.decode()
    for field in response.context["form"]:
        if field.use_fieldset:  # a group of checkboxes or radio buttons
            assert str(field.legend_tag()) in html
        else:
            assert str(field.label_tag()) in html
            assert f'for="id_{field.name}"' in html
