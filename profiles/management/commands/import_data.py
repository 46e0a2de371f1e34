"""python manage.py import_data FILE.json ('-' reads standard input).

The format and the exit codes are the public contract in the README and
../shared/data-contract.md. Every invalid record is printed to standard error
as `<section>[<index>] ref=<ref> <field>: <message>` and nothing is imported.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.importer import (
    ImportFormatError,
    ImportResult,
    ImportValidationError,
    import_payload,
    load_payload,
)

# Up to this many changed profiles and projects are rescored one by one after the
# import; more than that queue one full rematch.
RESCORE_ONE_BY_ONE = 50


class Command(BaseCommand):
    help = (
        "Import institutions, scientists, projects and agreements from a JSON file "
        "('-' reads standard input). Upserts by ref; validates the whole file first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file to import, or '-' for standard input")
        parser.add_argument(
            "--consented",
            action="store_true",
            help=(
                "The scientists in the file agreed to be listed to institution members "
                "before claiming their profiles (otherwise only coordinators see them)."
            ),
        )
        parser.add_argument(
            "--no-rematch",
            action="store_true",
            help="Do not rescore matches after the import (run `match --all` later).",
        )

    def handle(self, *args, file, no_rematch=False, consented=False, **options):
        source = "standard input" if file == "-" else file
        try:
            payload = load_payload(self._read(file), source)
            result = import_payload(payload, listing_consented=consented)
        except ImportFormatError as exc:
            raise CommandError(str(exc), returncode=1) from None
        except ImportValidationError as exc:
            for line in exc.errors:
                self.stderr.write(line, style_func=lambda x: x)
            raise SystemExit(1) from None
        for line in result.lines():
            self.stdout.write(line)
        if not no_rematch:
            self._rescore(result)

    def _read(self, file: str) -> bytes | str:
        if file == "-":
            stream = sys.stdin
            return stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        path = Path(file)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file", returncode=1) from None
        except IsADirectoryError:
            raise CommandError(f"{file}: is a directory, not a JSON file", returncode=1) from None
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read ({exc.strerror})", returncode=1) from None

    def _rescore(self, result: ImportResult) -> None:
        """The import suspended per-row rescoring; bring the suggestions up to date."""
        scientists, projects = result.changed_scientist_ids, result.changed_project_ids
        if not scientists and not projects:
            return
        from kombu.exceptions import OperationalError

        from matching import runs, tasks

        try:
            if len(scientists) + len(projects) <= RESCORE_ONE_BY_ONE:
                for pk in scientists:
                    tasks.rescore_scientist_task.delay(pk)
                for pk in projects:
                    tasks.rescore_project_task.delay(pk)
                self.stdout.write(
                    f"matches: rescoring {len(scientists)} scientists and {len(projects)} projects"
                )
            else:
                run, created = runs.begin_run()
                if created:
                    tasks.start_full_rematch_task.delay(run.pk)
                    self.stdout.write(f"matches: full rematch started (run {run.pk})")
                else:
                    # It may have read the scientists before this import.
                    self.stderr.write(
                        f"warning: full rematch {run.pk} was already running; run "
                        "`python manage.py match --all` after it ends"
                    )
        except OperationalError as exc:
            self.stderr.write(
                f"warning: matches not rescored, the task queue is unreachable ({exc}); "
                "run `python manage.py match --all` or wait for the nightly rematch"
            )
