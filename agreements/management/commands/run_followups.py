import json

from django.core.management.base import BaseCommand

from agreements.followups import run_followups
from agreements.management.options import today_option


class Command(BaseCommand):
    help = (
        "Run the daily follow-up job once: milestone and follow-up reminders, stalled "
        "agreements. Prints a JSON summary as the last line; a second run the same day "
        "sends and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        day = today_option(today)
        summary = run_followups(day)
        self.stdout.write(json.dumps(summary, sort_keys=True))
