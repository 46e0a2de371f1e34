"""Overlapping follow-up runs wrote duplicate "reminder sent" events; 0006 forbids them."""

from django.db import migrations


def drop_duplicate_reminder_events(apps, schema_editor):
    """Overlapping follow-up runs wrote a reminder's event more than once: keep the first."""
    AgreementEvent = apps.get_model("agreements", "AgreementEvent")
    seen = set()
    duplicates = []
    events = AgreementEvent.objects.filter(kind="reminder").order_by("pk")
    for pk, agreement_id, data in events.values_list("pk", "agreement_id", "data").iterator():
        key = (agreement_id, (data or {}).get("key"))
        if key in seen:
            duplicates.append(pk)
        else:
            seen.add(key)
    for start in range(0, len(duplicates), 500):
        AgreementEvent.objects.filter(pk__in=duplicates[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_milestone_milestone_open_due")]

    operations = [
        migrations.RunPython(drop_duplicate_reminder_events, migrations.RunPython.noop),
    ]
