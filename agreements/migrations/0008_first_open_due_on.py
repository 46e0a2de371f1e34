from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Milestone = apps.get_model("agreements", "Milestone")
    earliest = (
        Milestone.objects.filter(agreement=OuterRef("pk"), done=False, due_on__isnull=False)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    Agreement.objects.update(first_open_due_on=Subquery(earliest))


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_followuprun"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="first_open_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
