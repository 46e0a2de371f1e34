"""GET /health/ for the load balancer and for coordinators."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.followups import run_followups
from matching import runs
from matching.models import MatchRun

pytestmark = pytest.mark.django_db


def test_the_load_balancer_gets_the_database_state_without_details(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "pending_rescoring" not in body
    assert "no-store" in response["Cache-Control"]


def test_the_probe_is_answered_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("home")).status_code == 301


def test_coordinators_see_rematch_follow_up_and_pending_rescoring(client, roles, settings):
    settings.CELERY_BROKER_URL = ""  # the embedded default: tasks run in-process
    finished = timezone.now() - datetime.timedelta(hours=3)
    MatchRun.objects.create(status=MatchRun.Status.DONE, finished_at=finished)
    run_followups(timezone.localdate())
    runs.record_rescore("scientist", roles.profile.pk)
    client.force_login(roles.coordinator)
    body = client.get(reverse("health")).json()
    assert 3 * 3600 - 60 <= body["last_full_rematch_age_s"] <= 3 * 3600 + 60
    assert body["last_followup_run_age_s"] < 60
    assert body["pending_rescoring"] >= 1
    assert body["workers"] == ["in-process"]
    assert body["full_rematch_running"] is None


@pytest.mark.parametrize("who", ["scientist", "member"])
def test_others_get_only_what_the_load_balancer_gets(client, roles, who):
    client.force_login(getattr(roles, who))
    assert "pending_rescoring" not in client.get(reverse("health")).json()


def test_an_unreachable_broker_is_reported_and_pages_still_answer(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
