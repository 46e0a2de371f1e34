from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_first_open_due_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("done", False)),
                fields=["agreement", "due_on"],
                name="milestone_open_by_agreement",
            ),
        ),
    ]
