import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.followups import run_followups


class Command(BaseCommand):
    help = (
        "Run the daily follow-up job once: milestone and follow-up reminders, stalled "
        "agreements. Prints a JSON summary as the last line; a second run the same day "
        "sends and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today {today!r}: not a date YYYY-MM-DD") from exc
        else:
            day = timezone.localdate()
        summary = run_followups(day)
        self.stdout.write(json.dumps(summary, sort_keys=True))
