"""seed_demo: realistic demo data, demo logins and a history for the dashboard."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, AgreementEvent, Stage
from demo import payload as demo
from demo.activity import (
    COORDINATOR_EMAIL,
    DEMO_PASSWORD,
    MEMBER_EMAIL,
    SCIENTIST_EMAIL,
)
from matching.models import Interest, Introduction
from profiles import vocab
from profiles.importer import validate
from profiles.models import Institution, Membership, Project, ScientistProfile
from tests import factories

TODAY = datetime.date(2026, 11, 21)


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def payload():
    return demo.build_payload(today=TODAY)


@pytest.mark.django_db(transaction=False)
def test_seed_creates_the_advertised_volumes_and_a_history():
    out = seed()

    assert ScientistProfile.objects.count() == 300
    assert Project.objects.count() == 100
    assert 40 <= Institution.objects.count() <= 50
    assert "scientists: 300 created" in out
    assert "projects: 100 created" in out
    agreements = Agreement.objects.filter(ref__startswith="demo-agr-")
    assert agreements.count() == 30
    assert set(agreements.values_list("stage", flat=True)) == set(Stage.values)
    assert Introduction.objects.count() >= 30
    assert Interest.objects.filter(decision="declined").exists()
    # Spread over the last eight months, some stalled, some follow-ups overdue.
    today = timezone.localdate()
    oldest = min(e.created_at.date() for e in AgreementEvent.objects.all())
    assert (today - oldest).days > 120
    assert (today - oldest).days <= 8 * 31 + 40
    assert agreements.filter(stage="stalled").count() >= 3
    assert agreements.filter(stage="active", next_follow_up_on__lt=today).exists()
    assert all(a.milestones.exists() for a in agreements)
    # The demo logins have something to look at.
    assert agreements.filter(scientist__user__email=SCIENTIST_EMAIL).exists()
    assert agreements.filter(project__institution__memberships__user__email=MEMBER_EMAIL).exists()
    for email in (COORDINATOR_EMAIL, SCIENTIST_EMAIL, MEMBER_EMAIL):
        assert email in out
    assert DEMO_PASSWORD in out


@pytest.mark.django_db
def test_demo_logins_work_with_verified_emails(client):
    seed("--scientists", "40", "--projects", "15", "--seed", "7")

    for email in (COORDINATOR_EMAIL, SCIENTIST_EMAIL, MEMBER_EMAIL):
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert "confirm-email" not in response.url and "verif" not in response.url
        client.logout()

    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    assert coordinator.is_coordinator and coordinator.is_staff
    scientist = User.objects.get(email=SCIENTIST_EMAIL)
    assert scientist.scientist_profile.ref == demo.DEMO_SCIENTIST_REF
    member = User.objects.get(email=MEMBER_EMAIL)
    assert Membership.objects.approved().filter(user=member).count() == 1


@pytest.mark.django_db
def test_if_empty_does_nothing_when_scientists_exist():
    factories.ScientistProfileFactory()

    out = seed("--if-empty", "--scientists", "20", "--projects", "5")

    assert "no demo data added" in out
    assert ScientistProfile.objects.count() == 1
    assert not Project.objects.exists()
    assert not User.objects.filter(email=COORDINATOR_EMAIL).exists()


def test_demo_data_is_deterministic_for_a_seed(payload):
    assert demo.build_payload(today=TODAY) == payload
    assert demo.build_payload(today=TODAY, seed=1) != payload
    assert len(payload["scientists"]) == 300 and len(payload["projects"]) == 100


@pytest.mark.django_db
def test_demo_data_follows_the_import_contract(payload):
    validate(payload)  # raises with every error otherwise


def test_scientists_look_like_the_diaspora_in_the_study(payload):
    scientists = payload["scientists"]
    countries = Counter(s["country"] for s in scientists)
    assert (countries["US"] + countries["CA"]) / len(scientists) > 0.7
    assert {"ES", "DE", "GB", "FR"} <= set(countries)
    areas = Counter(vocab.area_of(f) for s in scientists for f in s["fields"])
    top_two = {area for area, _ in areas.most_common(2)}
    assert top_two == {"medicine_health", "biology_chemistry"}
    share = sum(s["collaborated_before"] for s in scientists) / len(scientists)
    assert 0.7 <= share <= 0.85
    positions = Counter(s["position"] for s in scientists)
    assert positions.most_common(1)[0][0] == "postdoc"
    assert set(positions) == set(vocab.Position.values)


def test_text_is_bilingual_with_accents_variants_and_cognates(payload):
    keywords = [k for s in payload["scientists"] for k in s["keywords"]]
    summaries = [s["summary"] for s in payload["scientists"]]
    assert any(re.search("[áéíóúñ]", k) for k in keywords)
    assert "genómica" in keywords and "genomics" in keywords
    assert "genomica" in keywords or "bioinformatica" in keywords  # typed without accents
    assert any(s.startswith(("Soy ", "Mi investigación")) for s in summaries)
    assert any(s.startswith("I am ") for s in summaries)
    alma_maters = {a for s in payload["scientists"] for a in s["alma_maters"]}
    assert {"UNAM", "Universidad Nacional Autónoma de México"} <= alma_maters
    assert {"ITESM", "Tec de Monterrey"} & alma_maters


def test_projects_cover_every_kind_and_timeline(payload):
    projects = payload["projects"]
    kinds = {i["ref"]: i["kind"] for i in payload["institutions"]}
    assert set(kinds.values()) == set(vocab.InstitutionKind.values)
    assert len({i["state"] for i in payload["institutions"]}) >= 15
    assert {p["collaboration_type"] for p in projects} == set(vocab.CollaborationType.values)
    statuses = Counter(p["status"] for p in projects)
    assert statuses["open"] > statuses["draft"] + statuses["closed"] > 0
    short = [p for p in projects if kinds[p["institution"]] in ("ngo", "government")]
    assert short and all(p["first_results_months"] <= 4 for p in short)
    long = [p for p in projects if p["collaboration_type"] == "academic_project"]
    assert max(p["duration_months"] for p in long) >= 24
    assert {p["funding"] for p in projects} == set(vocab.Funding.values)
