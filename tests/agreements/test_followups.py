import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from agreements.followups import run_followups
from agreements.models import AgreementEvent, FollowUpSettings, Reminder, Stage
from tests import factories

TODAY = datetime.date(2026, 11, 20)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def world(roles):
    """One agreement per situation, all between the roles' scientist and institution."""

    def agreement(stage=Stage.ACTIVE, last_activity=-10, **kw):
        project = factories.ProjectFactory(institution=roles.institution)
        return factories.AgreementFactory(
            scientist=roles.profile,
            project=project,
            stage=stage,
            last_activity_on=days(last_activity),
            **kw,
        )

    w = {}
    w["milestones"] = a = agreement()
    w["soon"] = factories.MilestoneFactory(agreement=a, title="Pronto", due_on=days(3))
    w["overdue"] = factories.MilestoneFactory(agreement=a, title="Atrasado", due_on=days(-2))
    factories.MilestoneFactory(agreement=a, title="Lejano", due_on=days(30))
    factories.MilestoneFactory(agreement=a, title="Hecho", due_on=days(-5), done=True)
    w["proposal"] = p = agreement(stage=Stage.PROPOSED)
    factories.MilestoneFactory(agreement=p, title="No firmado", due_on=days(-1))
    w["follow_up_all"] = agreement(next_follow_up_on=TODAY)
    w["assigned_to"] = factories.CoordinatorFactory()
    w["follow_up_assigned"] = agreement(next_follow_up_on=days(-3), coordinator=w["assigned_to"])
    agreement(next_follow_up_on=days(1))  # not yet
    w["sleepy"] = agreement(last_activity=-45, coordinator=w["assigned_to"])
    w["awake"] = agreement(last_activity=-44)
    w["done"] = agreement(stage=Stage.COMPLETED, last_activity=-400)
    w["second_coordinator"] = factories.CoordinatorFactory()
    return w


def keys_for(user):
    return set(Reminder.objects.filter(user=user).values_list("key", flat=True))


def test_reminders_due_overdue_follow_up_and_stalled(
    roles, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_followups(TODAY)
    soon, overdue = world["soon"], world["overdue"]
    for party in (roles.scientist, roles.member):
        assert keys_for(party) == {
            f"milestone_due:{soon.pk}:{soon.due_on}",
            f"milestone_overdue:{overdue.pk}:{overdue.due_on}",
            f"stalled:{world['sleepy'].pk}:{world['sleepy'].last_activity_on}",
        }
    unassigned = f"follow_up:{world['follow_up_all'].pk}:{TODAY}"
    assigned = f"follow_up:{world['follow_up_assigned'].pk}:{days(-3)}"
    stalled = f"stalled:{world['sleepy'].pk}:{world['sleepy'].last_activity_on}"
    assert keys_for(roles.coordinator) == {unassigned}
    assert keys_for(world["second_coordinator"]) == {unassigned}
    assert keys_for(world["assigned_to"]) == {unassigned, assigned, stalled}
    assert not Reminder.objects.filter(
        user__in=[roles.other_scientist, roles.other_member]
    ).exists()

    world["sleepy"].refresh_from_db()
    world["awake"].refresh_from_db()
    world["done"].refresh_from_db()
    assert world["sleepy"].stage == Stage.STALLED
    assert world["sleepy"].last_activity_on == days(-45)  # the job is not activity
    assert world["awake"].stage == Stage.ACTIVE
    assert world["done"].stage == Stage.COMPLETED
    assert world["sleepy"].events.filter(kind=AgreementEvent.Kind.STAGE, data__auto=True).exists()

    assert summary["newly_stalled"] == 1
    assert summary["reminders_sent"] == 2 * 3 + 3 + 2 == Reminder.objects.count()
    assert summary["milestone_due_reminders"] == 2
    assert summary["milestone_overdue_reminders"] == 2
    assert summary["follow_up_reminders"] == 4
    assert summary["stalled_notices"] == 3
    assert len(mail.outbox) == summary["reminders_sent"]
    to_scientist = [m for m in mail.outbox if m.to == [roles.scientist.email]]
    assert any("Pronto" in m.subject or "Pronto" in m.body for m in to_scientist)


def test_second_run_the_same_day_sends_and_changes_nothing(
    roles, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_followups(TODAY)
    sent, reminders, events = (
        len(mail.outbox),
        Reminder.objects.count(),
        AgreementEvent.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_followups(TODAY)
    assert sent > 0
    assert summary["reminders_sent"] == 0
    assert summary["newly_stalled"] == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == reminders
    assert AgreementEvent.objects.count() == events


def test_a_milestone_due_soon_is_reminded_again_once_overdue(roles, world):
    run_followups(TODAY)
    summary = run_followups(days(4))
    soon = world["soon"]
    assert f"milestone_overdue:{soon.pk}:{soon.due_on}" in keys_for(roles.scientist)
    assert summary["milestone_overdue_reminders"] == 2


def test_a_new_follow_up_date_is_reminded_again(roles, world):
    run_followups(TODAY)
    a = world["follow_up_all"]
    a.next_follow_up_on = days(7)
    a.save()
    assert run_followups(days(7))["follow_up_reminders"] >= 2


def test_stall_days_come_from_the_database_when_set(roles, world):
    FollowUpSettings.objects.create(stall_days=10)
    summary = run_followups(TODAY)
    world["milestones"].refresh_from_db()
    assert world["milestones"].stage == Stage.STALLED  # 10 days without activity
    assert summary["stall_days"] == 10


def test_stall_days_default_from_settings(roles, world, settings):
    settings.AGREEMENT_STALL_DAYS = 100
    assert run_followups(TODAY)["newly_stalled"] == 0


def test_reminders_use_the_users_language(roles, world):
    roles.scientist.preferred_language = "en"
    roles.scientist.save()
    run_followups(TODAY)
    reminder = Reminder.objects.filter(user=roles.scientist, kind="milestone_due").get()
    assert "is due on" in reminder.message


def test_command_prints_json_summary_as_last_line(roles, world):
    out = StringIO()
    call_command("run_followups", "--today", TODAY.isoformat(), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["newly_stalled"] == 1
    assert summary["reminders_sent"] == 11
    out = StringIO()
    call_command("run_followups", "--today", TODAY.isoformat(), stdout=out)
    again = json.loads(out.getvalue().strip().splitlines()[-1])
    assert again["reminders_sent"] == 0 and again["newly_stalled"] == 0


def test_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("run_followups", "--today", "20-11-2026")


def test_daily_task_is_scheduled_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="agreements.tasks.run_daily_followups")
    assert task.enabled and task.crontab is not None


def test_celery_task_runs_the_job(roles, world):
    from agreements.tasks import run_daily_followups

    summary = run_daily_followups.delay(TODAY.isoformat()).get()
    assert summary["newly_stalled"] == 1


# --- Once, and only once sent ------------------------------------------------------


def test_a_line_break_in_a_milestone_title_gives_a_one_line_subject(
    roles, world, django_capture_on_commit_callbacks
):
    world["overdue"].title = "Primer\r\nborrador\nfinal"
    world["overdue"].save()
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_followups(TODAY)
    subjects = [m.subject for m in mail.outbox]
    assert summary["reminders_sent"] == len(mail.outbox)
    assert any("Primer borrador final" in s for s in subjects)
    assert all("\n" not in s and "\r" not in s for s in subjects)


def test_a_reminder_that_could_not_be_delivered_is_not_counted_and_goes_out_next_run(
    roles, world, monkeypatch, django_capture_on_commit_callbacks
):
    from agreements import followups

    real_reminder = followups.notification_events.reminder

    def failing_for_the_scientist(*, user, **kwargs):
        if user == roles.scientist:
            raise OSError("could not reach the scientist")
        return real_reminder(user=user, **kwargs)

    monkeypatch.setattr(followups.notification_events, "reminder", failing_for_the_scientist)
    run_followups(TODAY)
    assert keys_for(roles.scientist) == set()
    assert keys_for(roles.member)  # the others were reached

    monkeypatch.setattr(followups.notification_events, "reminder", real_reminder)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_followups(TODAY)
    assert len(keys_for(roles.scientist)) == 3
    assert summary["reminders_sent"] == 3
    assert {m.to[0] for m in mail.outbox} == {roles.scientist.email}


def test_overlapping_runs_record_one_timeline_entry_per_reminder(roles, world):
    run_followups(TODAY)
    # A second run that started before the first one's rows were visible sends
    # the reminders the first one had not yet sent to the scientist.
    Reminder.objects.filter(user=roles.scientist).delete()
    run_followups(TODAY)
    events = AgreementEvent.objects.filter(kind=AgreementEvent.Kind.REMINDER)
    keys = [(e.agreement_id, e.data["key"]) for e in events]
    assert len(keys) == len(set(keys)) > 0


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("agreement", "stage", "archived"),
        ("event", "kind", "gossip"),
        ("reminder", "kind", "nag"),
    ],
)
def test_the_database_refuses_a_choice_the_code_does_not_know(roles, world, model, field, value):
    from django.db import IntegrityError, transaction

    run_followups(TODAY)
    rows = {
        "agreement": factories.AgreementFactory._meta.model.objects.all(),
        "event": AgreementEvent.objects.all(),
        "reminder": Reminder.objects.all(),
    }[model]
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.filter(pk=rows.first().pk).update(**{field: value})


def test_reminders_write_the_month_out_in_the_readers_language(
    roles, world, django_capture_on_commit_callbacks
):
    roles.member.preferred_language = "en"
    roles.member.save()
    with django_capture_on_commit_callbacks(execute=True):  # emails go after commit
        run_followups(TODAY)
    soon = [m for m in mail.outbox if "Pronto" in m.subject]
    to_scientist = next(m for m in soon if m.to == [roles.scientist.email])
    to_member = next(m for m in soon if m.to == [roles.member.email])
    assert "23 de noviembre de 2026" in to_scientist.body
    assert "Nov. 23, 2026" in to_member.body
    assert "2026-11-23" not in to_scientist.body + to_member.body
