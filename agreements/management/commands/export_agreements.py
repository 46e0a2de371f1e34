import json

from django.core.management.base import BaseCommand

from agreements import exports
from agreements.management.options import today_option
from agreements.models import Agreement


class Command(BaseCommand):
    help = (
        "Print every agreement with its stage, days since last activity and next follow-up, "
        'as JSON ({"agreements": [...]}) or CSV (same columns).'
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--today", help="count days since activity up to this day, YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, format="json", today=None, **options):
        day = today_option(today)
        rows = exports.rows(Agreement.objects.all(), today=day)
        if format == "csv":
            for line in exports.csv_lines(rows):
                self.stdout.write(line, ending="")
            return
        self.stdout.write('{"agreements": [', ending="")
        for i, row in enumerate(rows):
            self.stdout.write(
                ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False), ending=""
            )
        self.stdout.write("\n]}")
