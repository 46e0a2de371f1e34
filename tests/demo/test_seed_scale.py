"""seed_scale: the network at scale for the pages' load test, with people who
can log in and a history for every page of the mix."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from agreements.models import Agreement, AgreementEvent, Milestone
from demo import scale_pages
from demo.loadtest import locustfile_helpers
from demo.loadtest.plan import build_plan
from matching.models import Interest, Introduction, Match
from profiles.models import ScientistProfile

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


SMALL = ["--scientists", "60", "--projects", "12", "--agreements", "30", "--coordinators", "2"]


def test_seeding_stores_people_suggestions_and_agreements_with_their_history():
    summary = seed(*SMALL)
    assert summary["agreements"] == Agreement.objects.count() == 30
    assert summary["stored_suggestions"] == Match.objects.count() > 0
    assert Introduction.objects.count() == 33  # every agreement's, and a tenth more
    assert Interest.objects.filter(decision=Interest.Decision.DECLINED).exists()
    assert Milestone.objects.count() >= 60
    assert AgreementEvent.objects.filter(kind=AgreementEvent.Kind.CREATED).count() == 30
    assert len(summary["by_stage"]) >= 4
    # Every scientist claimed their profile and filled in what the form asks for.
    assert not ScientistProfile.objects.filter(user__isnull=True).exists()
    assert not ScientistProfile.objects.filter(country="").exists()
    assert not ScientistProfile.objects.filter(horizon_months__isnull=True).exists()


def test_seeded_people_log_in_with_the_demo_password_and_coordinators_with_their_code(client):
    seed(*SMALL)
    scientist = ScientistProfile.objects.order_by("pk").first().user
    assert client.login(email=scientist.email, password=scale_pages.PASSWORD)
    assert client.get(reverse("profiles:my_profile")).status_code == 200

    coordinator = User.objects.get(email=scale_pages.coordinator_email(1))
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": coordinator.email, "password": scale_pages.PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    code = locustfile_helpers.totp_code(scale_pages.COORDINATOR_TOTP_SECRET)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("agreements:dashboard")).status_code == 200


def test_seeding_is_the_same_for_the_same_seed():
    def snapshot():
        return sorted(
            Agreement.objects.values_list(
                "ref", "scientist__ref", "project__ref", "stage", "last_activity_on"
            )
        )

    seed(*SMALL)
    first = snapshot()
    seed(*SMALL, "--reset")
    assert snapshot() == first


def test_seeding_twice_without_reset_is_refused():
    seed(*SMALL)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", *SMALL, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_load_test_plan_names_people_of_every_role_and_their_pages():
    seed(*SMALL)
    plan = build_plan()
    assert plan["scientists"] and plan["members"] and len(plan["coordinators"]) == 2
    assert all(m["projects"] for m in plan["members"])
    assert plan["projects"] and plan["agreements"] and plan["scientist_ids"]


def test_the_profile_form_parser_reads_back_what_the_form_shows(client):
    seed(*SMALL)
    profile = ScientistProfile.objects.order_by("pk").first()
    client.force_login(profile.user)
    fields = locustfile_helpers.form_fields(
        client.get(reverse("profiles:my_profile")).content.decode()
    )
    response = client.post(reverse("profiles:my_profile"), dict_of_lists(fields))
    assert response.status_code == 302


def dict_of_lists(fields):
    out = {}
    for name, value in fields:
        out.setdefault(name, []).append(value)
    return out


def test_keeping_the_world_replaces_only_suggestions_and_history():
    seed(*SMALL)
    people = set(ScientistProfile.objects.values_list("pk", "user_id"))
    summary = seed("--keep-world", "--agreements", "20")
    assert set(ScientistProfile.objects.values_list("pk", "user_id")) == people
    assert summary["agreements"] == Agreement.objects.count() == 20
    assert Introduction.objects.count() == 22
