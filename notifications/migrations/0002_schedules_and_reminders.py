"""Store the weekly digest and the email sweep in django-celery-beat's tables (like
the daily follow-ups), and bring the reminders already sent into the notification
centre."""

from django.db import migrations

DIGEST_NAME = "Weekly notification digest"
DIGEST_TASK = "notifications.tasks.send_weekly_digests"
SWEEP_NAME = "Send notification emails left unsent"
SWEEP_TASK = "notifications.tasks.send_pending_emails"

REMINDER_KINDS = {
    "milestone_due": "milestone_due",
    "milestone_overdue": "milestone_overdue",
    "follow_up_due": "follow_up_due",
    "stalled": "agreement_stalled",
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=DIGEST_NAME).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*",
            timezone="America/Mexico_City",
        )
        PeriodicTask.objects.create(
            name=DIGEST_NAME, task=DIGEST_TASK, crontab=crontab, enabled=True,
            description="Mondays: each person's week (silent when there is nothing to say).",
        )
    if not PeriodicTask.objects.filter(name=SWEEP_NAME).exists():
        interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
        PeriodicTask.objects.create(
            name=SWEEP_NAME, task=SWEEP_TASK, interval=interval, enabled=True,
            description="Emails whose queueing was lost, for instance while the broker was down.",
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DIGEST_NAME, SWEEP_NAME]).delete()


def copy_reminders(apps, schema_editor):
    """Reminders already sent become read-or-unread notifications (not emailed again)."""
    Reminder = apps.get_model("agreements", "Reminder")
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for r in Reminder.objects.select_related(
        "agreement__project", "agreement__scientist", "milestone"
    ).iterator():
        a = r.agreement
        params = {"project": a.project.title, "scientist": a.scientist.name, "agreement_id": a.pk}
        if r.milestone_id and r.milestone.due_on:
            params.update(milestone=r.milestone.title, due=r.milestone.due_on.isoformat())
        if r.kind == "follow_up_due" and a.next_follow_up_on:
            params["due"] = a.next_follow_up_on.isoformat()
        if r.kind == "stalled":
            params.update(auto=True, since=a.last_activity_on.isoformat())
        batch.append(
            Notification(
                recipient_id=r.user_id, kind=REMINDER_KINDS.get(r.kind, r.kind),
                event_key=f"reminder:{r.key}", params=params,
                link=f"/agreements/{a.pk}/", delivery="email",
                emailed_at=r.created_at, read_at=r.read_at,
            )
        )
        if len(batch) >= 500:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("agreements", "0004_milestone_milestone_open_due"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
        migrations.RunPython(copy_reminders, migrations.RunPython.noop),
    ]
