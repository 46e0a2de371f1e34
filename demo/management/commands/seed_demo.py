"""python manage.py seed_demo [--if-empty] [--scientists N] [--projects M] [--seed S]

Fills the database with realistic, varied, bilingual demo data through the
import (the public data contract), adds the demo logins, runs the matcher so
that suggestions exist, and writes interests, introductions and agreements
with a history for the coordinators' dashboard. Deterministic for a seed.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import activity as demo_activity
from demo import payload as demo
from demo import vectors
from matching.signals import rescoring_suspended
from profiles.importer import ImportValidationError, import_payload
from profiles.models import ScientistProfile


class Command(BaseCommand):
    help = "Fill the database with realistic demo data and demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when scientist profiles already exist.",
        )
        parser.add_argument("--scientists", type=int, default=300, help="default 300")
        parser.add_argument("--projects", type=int, default=100, help="default 100")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--save-vectors",
            action="store_true",
            help="write the computed semantic vectors to demo/vectors.npz (after changing the "
            "demo's texts or the encoders)",
        )

    def handle(self, *args, if_empty, scientists, projects, seed, save_vectors, **options):
        if scientists < 1 or projects < 1:
            raise CommandError("--scientists and --projects must be at least 1")
        if if_empty and ScientistProfile.objects.exists():
            self.stdout.write("Scientist profiles already exist: no demo data added.")
            return
        today = timezone.localdate()
        started = time.perf_counter()
        payload = demo.build_payload(
            scientists=scientists, projects=projects, seed=seed, today=today
        )
        try:
            with transaction.atomic(), rescoring_suspended():
                # Invented people: listed to members as if they had agreed to it.
                result = import_payload(payload, today=today, listing_consented=True)
                accounts = demo_activity.create_accounts()
        except ImportValidationError as exc:  # a bug in the generator, not in the input
            raise CommandError("demo data failed validation:\n" + "\n".join(exc.errors)) from None
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(f"semantic vectors restored from the demo: {vectors.restore()}")

        self.stdout.write(self._rematch())
        if save_vectors:
            self.stdout.write(f"semantic vectors saved: {vectors.save()} to {vectors.PATH}")
        with transaction.atomic(), rescoring_suspended():
            activity = demo_activity.create_activity(accounts, seed=seed, today=today)
        self.stdout.write(
            f"activity: {activity.interests} interests, {activity.introductions} "
            f"introductions, {activity.agreements} agreements "
            f"({', '.join(f'{n} {s}' for s, n in sorted(activity.by_stage.items()))}), "
            f"{activity.milestones} milestones, {activity.events} events"
        )
        self.stdout.write(
            f"demo logins (password {demo_activity.DEMO_PASSWORD}): "
            f"{demo_activity.COORDINATOR_EMAIL} (coordinator), "
            f"{demo_activity.SCIENTIST_EMAIL} (scientist), "
            f"{demo_activity.MEMBER_EMAIL} (member of {accounts.institution.name})"
        )
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")

    def _rematch(self) -> str:
        """Score every pair now, so the demo opens with suggestions."""
        try:
            from matching.matcher import run_full_rematch
        except ImportError:
            return "matches: the matcher is not available; none computed"
        from matching.models import Match

        run = run_full_rematch()
        return f"matches: {Match.objects.count()} suggestions stored (run {run.pk}, {run.status})"
