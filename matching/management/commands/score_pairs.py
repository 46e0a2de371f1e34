import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from matching import embeddings
from matching.matcher import current_model, scoring_date
from matching.scoring.explain import score_records
from matching.scoring.records import ProjectRecord, ScientistRecord
from profiles.models import Project, ScientistProfile

from ._common import export_entry, write


class Command(BaseCommand):
    help = "Explain any pairs 'scientist_ref,project_ref' (stored or not); '-' reads stdin."

    def add_arguments(self, parser):
        parser.add_argument("pairs", metavar="PAIRS.csv")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        path = opts["pairs"]
        try:
            if path == "-":
                lines = sys.stdin.read().splitlines()
            else:
                with open(path, encoding="utf-8-sig") as fh:
                    lines = fh.read().splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        pairs = []
        errors = []
        for number, row in enumerate(csv.reader(lines), start=1):
            cells = [c.strip() for c in row]
            if not cells or not any(cells):
                continue
            if number == 1 and [c.lower() for c in cells] == ["scientist", "project"]:
                continue
            if len(cells) != 2 or not all(cells):
                errors.append(
                    f"line {number}: expected 'scientist_ref,project_ref': {','.join(row)}"
                )
                continue
            pairs.append((number, cells[0], cells[1]))
        scientists, projects = _load({p[1] for p in pairs}, {p[2] for p in pairs})
        for number, sref, pref in pairs:
            if sref not in scientists:
                errors.append(f"line {number}: unknown scientist ref {sref}")
            if pref not in projects:
                errors.append(f"line {number}: unknown project ref {pref}")
        if errors:
            for e in errors:
                self.stderr.write(e)
            raise CommandError(f"{len(errors)} error(s) in {path}")
        # Score as a rematch would store: with the vectors of the current texts.
        embedded = embeddings.embed("scientist", [s.pk for s in scientists.values()])
        embedded += embeddings.embed("project", [p.pk for p in projects.values()])
        if embedded:
            scientists, projects = _load(set(scientists), set(projects))
        model = current_model()
        entries = []
        for _number, sref, pref in pairs:
            result = score_records(
                model,
                ScientistRecord.from_profile(scientists[sref]),
                ProjectRecord.from_project(projects[pref]),
                today=scoring_date(model),
            )
            entries.append(
                export_entry(sref, pref, result.score, result.components, result.reasons)
            )
        write(self.stdout, entries, opts["format"])


def _load(scientist_refs: set[str], project_refs: set[str]) -> tuple[dict, dict]:
    """Profiles and projects by ref, with their stored vectors."""
    scientists = ScientistProfile.objects.select_related("embedding").filter(ref__in=scientist_refs)
    projects = Project.objects.select_related("institution", "embedding").filter(
        ref__in=project_refs
    )
    return {s.ref: s for s in scientists}, {p.ref: p for p in projects}
