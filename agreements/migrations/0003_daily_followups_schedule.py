"""Store the daily follow-up job in django-celery-beat's tables so coordinators
can change its schedule in the admin (Periodic tasks)."""

from django.db import migrations

TASK_NAME = "Daily agreement follow-ups"
TASK = "agreements.tasks.run_daily_followups"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="America/Mexico_City",
    )
    PeriodicTask.objects.create(
        name=TASK_NAME, task=TASK, crontab=crontab, enabled=True,
        description="Reminds parties of milestones, coordinators of follow-ups, marks stalled agreements.",
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_followupsettings_agreement_days_to_sign"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
