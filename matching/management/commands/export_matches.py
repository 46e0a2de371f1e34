from django.core.management.base import BaseCommand, CommandError

from matching.matcher import fill_reasons
from matching.models import Match
from profiles.models import Project, ScientistProfile

from ._common import export_entry, write


class Command(BaseCommand):
    help = "Print stored matches, best first, as JSON or CSV (reasons in English)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--scientist", metavar="REF")
        group.add_argument("--project", metavar="REF")
        parser.add_argument("--top", type=int, metavar="K", help="best K per scientist/project")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        top = opts["top"]
        if top is not None and top < 1:
            raise CommandError("--top must be at least 1")
        qs = Match.objects.select_related("scientist", "project")
        if opts["scientist"]:
            scientist = ScientistProfile.objects.filter(ref=opts["scientist"]).first()
            if scientist is None:
                raise CommandError(f"unknown scientist ref: {opts['scientist']}")
            qs = qs.filter(scientist=scientist)
            group_key = "scientist_id"
        elif opts["project"]:
            project = Project.objects.filter(ref=opts["project"]).first()
            if project is None:
                raise CommandError(f"unknown project ref: {opts['project']}")
            qs = qs.filter(project=project)
            group_key = "project_id"
        else:
            group_key = "project_id"
        rows = sorted(qs, key=lambda m: (-m.score, m.scientist.ref, m.project.ref))
        if top is not None:
            seen: dict[int, int] = {}
            kept = []
            for m in rows:
                owner = getattr(m, group_key)
                if seen.get(owner, 0) < top:
                    seen[owner] = seen.get(owner, 0) + 1
                    kept.append(m)
            rows = kept
        fill_reasons(rows)
        entries = [
            export_entry(m.scientist.ref, m.project.ref, m.score, m.components, m.reasons)
            for m in rows
        ]
        write(self.stdout, entries, opts["format"])
