from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0009_milestone_open_by_agreement"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                fields=["stage", "next_follow_up_on", "first_open_due_on", "project"],
                name="agreement_attention",
            ),
        ),
    ]
