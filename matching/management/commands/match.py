from django.core.management.base import BaseCommand, CommandError

from matching import runs, tasks
from matching.models import MatchRun
from profiles.models import Project, ScientistProfile


class Command(BaseCommand):
    help = "Rescore every pair (--all), one scientist or one project; waits for the jobs."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true", help="full rematch")
        group.add_argument("--scientist", metavar="REF")
        group.add_argument("--project", metavar="REF")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait")

    def handle(self, *args, **opts):
        timeout = opts["timeout"]
        if opts["scientist"]:
            profile = ScientistProfile.objects.filter(ref=opts["scientist"]).first()
            if profile is None:
                raise CommandError(f"unknown scientist ref: {opts['scientist']}")
            tasks.rescore_scientist_task.delay(profile.pk).get(timeout=timeout)
            self.stdout.write(
                f"rescored scientist {profile.ref}: {profile.matches.count()} matches"
            )
            return
        if opts["project"]:
            project = Project.objects.filter(ref=opts["project"]).first()
            if project is None:
                raise CommandError(f"unknown project ref: {opts['project']}")
            tasks.rescore_project_task.delay(project.pk).get(timeout=timeout)
            self.stdout.write(f"rescored project {project.ref}: {project.matches.count()} matches")
            return
        run, created = runs.begin_run()
        if created:
            tasks.start_full_rematch_task.delay(run.pk).get(timeout=timeout)
        else:
            self.stdout.write(f"full rematch {run.pk} is already running: waiting for it")
        run = self._wait(run, timeout)
        if run.status != MatchRun.Status.DONE:
            raise CommandError(f"full rematch {run.pk} ended as {run.status}")
        self.stdout.write(
            f"full rematch {run.pk}: {run.chunks_done}/{run.chunks_total} chunks, "
            f"{run.pairs_scored} pairs scored"
        )

    def _wait(self, run, timeout):
        import time

        deadline = time.monotonic() + timeout
        while True:
            run.refresh_from_db()
            if run.status != MatchRun.Status.RUNNING:
                return run
            if time.monotonic() > deadline:
                raise CommandError(f"full rematch {run.pk} still running after {timeout}s")
            time.sleep(0.5)
