"""The coordinator's matcher page: explain any pair, start and watch a full rematch."""

from unittest import mock

import pytest
from django.urls import reverse

from matching.models import MatchRun
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

PAGE = reverse("matching:coordinator")
START = reverse("matching:start_rematch")


def progress(run):
    return reverse("matching:run_progress", args=[run.pk])


@pytest.fixture
def run(roles):
    return MatchRun.objects.create(chunks_total=8, chunks_done=3, pairs_scored=123456)


def test_anonymous_is_sent_to_login(client, run):
    for response in (client.get(PAGE), client.post(START), client.get(progress(run))):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["scientist", "other_scientist", "member", "other_member"])
def test_matcher_pages_are_for_coordinators_only(client, roles, run, who):
    client.force_login(getattr(roles, who))
    assert client.get(PAGE).status_code == 404
    assert client.get(progress(run)).status_code == 404
    assert client.post(START).status_code == 404
    assert MatchRun.objects.count() == 1


def test_coordinator_explains_a_pair_that_is_not_stored(client, roles):
    client.force_login(roles.coordinator)
    response = client.get(PAGE, {"scientist": roles.profile.ref, "project": roles.project.ref})
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert 'id="pair-explanation"' in html
    assert "Score now:" in html
    assert "Not stored as a suggestion." in html
    for label in ("Field", "Goals", "Timeline", "Network"):
        assert label in html


def test_coordinator_sees_a_stored_pair_in_both_top_lists(client, roles):
    factories.MatchFactory(scientist=roles.profile, project=roles.project, score=0.66, reasons=[])
    client.force_login(roles.coordinator)
    response = client.get(PAGE, {"scientist_id": roles.profile.pk, "project_id": roles.project.pk})
    html = " ".join(response.content.decode().split())
    assert "Stored as a suggestion with score 66%" in html
    assert "In the scientist's top list (rank 1)" in html
    assert "In the project's top list (rank 1)" in html


def test_coordinator_lookup_by_name_offers_a_choice_when_several_match(client, roles):
    a = factories.ScientistProfileFactory(name="Mariana Robles")
    b = factories.ScientistProfileFactory(name="Mariana Ruiz")
    client.force_login(roles.coordinator)
    html = client.get(PAGE, {"scientist": "mariana"}).content.decode()
    assert "Several scientists match" in html
    assert f"scientist_id={a.pk}" in html
    assert f"scientist_id={b.pk}" in html
    assert 'id="pair-explanation"' not in html


def test_coordinator_lookup_by_unique_name_selects_it(client, roles):
    client.force_login(roles.coordinator)
    html = client.get(
        PAGE, {"scientist": roles.profile.name.upper(), "project": roles.project.title}
    ).content.decode()
    assert 'id="pair-explanation"' in html


def test_coordinator_lookup_that_finds_nothing_says_so(client, roles):
    client.force_login(roles.coordinator)
    html = client.get(PAGE, {"scientist": "nobody-at-all"}).content.decode()
    assert "No scientist matches" in html


def test_coordinator_starts_a_full_rematch_after_commit(
    client, roles, django_capture_on_commit_callbacks
):
    client.force_login(roles.coordinator)
    with (
        mock.patch("matching.tasks.start_full_rematch_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(START)
    assert response.status_code == 302
    run = MatchRun.objects.get()
    assert run.started_by == roles.coordinator
    assert run.status == MatchRun.Status.RUNNING
    assert len(callbacks) == 1
    delay.assert_called_once_with(run.pk)


def test_a_second_rematch_is_not_started_while_one_runs(client, roles, run):
    client.force_login(roles.coordinator)
    with mock.patch("matching.tasks.start_full_rematch_task.delay") as delay:
        response = client.post(START, follow=True)
    assert MatchRun.objects.count() == 1
    assert not delay.called
    assert "A full rematch is already running." in response.content.decode()


def test_progress_polls_while_running_and_stops_when_done(client, roles, run):
    client.force_login(roles.coordinator)
    html = client.get(progress(run)).content.decode()
    assert "3 of 8 chunks done, 123,456 pairs scored" in html
    assert 'hx-trigger="every 2s"' in html
    assert f'<progress id="run-bar-{run.pk}" value="3" max="8"' in html
    run.status = MatchRun.Status.DONE
    run.chunks_done = 8
    run.save()
    html = client.get(progress(run)).content.decode()
    assert "8 of 8 chunks done" in html
    assert "hx-trigger" not in html


def test_coordinator_page_lists_recent_runs(client, roles, run):
    client.force_login(roles.coordinator)
    html = client.get(PAGE).content.decode()
    assert f'id="run-{run.pk}"' in html
