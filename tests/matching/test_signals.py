"""Saving a profile or a project queues its rescoring, after the commit."""

import logging
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from matching.models import Match
from matching.signals import rescoring_is_suspended, rescoring_suspended
from profiles import vocab
from tests import factories


@pytest.fixture
def delays():
    with (
        mock.patch("matching.tasks.rescore_scientist_task.delay") as scientist,
        mock.patch("matching.tasks.rescore_project_task.delay") as project,
    ):
        yield scientist, project


def test_saving_a_profile_queues_its_rescoring_after_commit(
    db, delays, django_capture_on_commit_callbacks
):
    scientist_delay, _ = delays
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile = factories.ScientistProfileFactory()
    assert not scientist_delay.called  # nothing before the commit
    for callback in callbacks:
        callback()
    scientist_delay.assert_called_with(profile.pk)


def test_saving_a_project_queues_its_rescoring(db, delays, django_capture_on_commit_callbacks):
    scientist_delay, project_delay = delays
    project = factories.ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        project.title = "Epidemiología de enfermedades crónicas"
        project.save()
    project_delay.assert_called_once_with(project.pk)
    assert not scientist_delay.called


def test_no_rescoring_is_queued_while_suspended(db, delays, django_capture_on_commit_callbacks):
    scientist_delay, project_delay = delays
    with django_capture_on_commit_callbacks(execute=True) as callbacks, rescoring_suspended():
        factories.ProjectFactory()
        factories.ScientistProfileFactory()
    assert callbacks == []
    assert not scientist_delay.called
    assert not project_delay.called


def test_suspension_ends_with_the_block_even_on_error():
    assert not rescoring_is_suspended()
    with pytest.raises(RuntimeError), rescoring_suspended():
        with rescoring_suspended():
            assert rescoring_is_suspended()
        assert rescoring_is_suspended()  # the outer block still suspends
        raise RuntimeError
    assert not rescoring_is_suspended()


def test_a_broker_outage_does_not_lose_the_save(
    db, delays, django_capture_on_commit_callbacks, caplog
):
    scientist_delay, _ = delays
    scientist_delay.side_effect = OperationalError("connection refused")
    with (
        caplog.at_level(logging.ERROR, logger="matching.signals"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        profile = factories.ScientistProfileFactory()
    profile.refresh_from_db()
    assert "rescore_scientist_task" in caplog.text


# --- with the engine, tasks run in-process (eager) ------------------------------


def test_saving_a_profile_makes_its_suggestions_appear(
    db, eager_tasks, django_capture_on_commit_callbacks
):
    with rescoring_suspended():
        project = factories.ProjectFactory()
    assert not Match.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        profile = factories.ScientistProfileFactory()
    match = Match.objects.get(scientist=profile, project=project)
    assert 0 < match.score <= 1
    assert set(match.components) >= {"field", "goals", "timeline", "network"}


def test_closing_a_project_removes_it_from_suggestions(
    db, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = factories.ProjectFactory()
        profile = factories.ScientistProfileFactory()
    assert Match.objects.filter(scientist=profile, project=project).exists()
    with django_capture_on_commit_callbacks(execute=True):
        project.status = vocab.ProjectStatus.CLOSED
        project.save()
    assert not Match.objects.filter(project=project).exists()
