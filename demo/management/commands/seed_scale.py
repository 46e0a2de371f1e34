"""python manage.py seed_scale [--scientists N] [--projects M] [--agreements A] [--seed S]

Fills a scratch database with the network at scale for the pages' load test
(bin/loadtest): the synthetic scientists, projects and institutions of
demo.scale with their semantic vectors, an account for every scientist,
institution members, coordinators with an authenticator app, the stored
suggestions computed by the real matcher (a full rematch), and interests,
introductions and agreements with their milestones and timelines. Bulk
inserts throughout; deterministic for a seed. Refuses to run where synthetic
("bench-") records exist already, unless --reset deletes them first.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo import scale, scale_pages
from matching import matcher
from profiles.models import Project, ScientistProfile


class Command(BaseCommand):
    help = "Fill a scratch database with the network at scale, for the pages' load test."

    def add_arguments(self, parser):
        parser.add_argument("--scientists", type=int, default=100_000)
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--agreements", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--members-per-institution", type=int, default=2)
        parser.add_argument("--coordinators", type=int, default=10)
        parser.add_argument(
            "--no-rematch",
            action="store_true",
            help="skip the full rematch (no stored suggestions; agreements pair at random)",
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete earlier synthetic records and accounts"
        )
        parser.add_argument(
            "--keep-world",
            action="store_true",
            help="keep the stored synthetic network and its accounts; replace the suggestions "
            "(full rematch) and the interests, introductions and agreements",
        )

    def handle(self, *args, **o):
        if min(o["scientists"], o["projects"]) < 1 or o["agreements"] < 0:
            raise CommandError("--scientists and --projects must be at least 1")
        if o["agreements"] * 2 > o["scientists"] * 3:
            raise CommandError("at most 1.5 agreements per scientist")
        exists = ScientistProfile.objects.filter(ref__startswith=scale.PREFIX).exists()
        if o["keep_world"] and not exists:
            raise CommandError("--keep-world: no synthetic network stored here")
        if exists and not (o["reset"] or o["keep_world"]):
            raise CommandError(
                "synthetic records exist already: use --reset to replace them "
                "(or --keep-world to replace only their suggestions and history)"
            )
        timings = {}
        began = time.perf_counter()

        def lap(name):
            nonlocal began
            now = time.perf_counter()
            timings[name] = round(now - began, 1)
            self.stderr.write(f"{name}: {timings[name]} s")
            began = now

        today = timezone.localdate()
        if o["keep_world"]:
            scale_pages.delete_activity()
            accounts = scale_pages.PagesSummary(
                scientist_accounts=User.objects.filter(
                    email__startswith=scale.PREFIX, role=User.Role.SCIENTIST
                ).count()
            )
            o["scientists"] = ScientistProfile.objects.filter(ref__startswith=scale.PREFIX).count()
            o["projects"] = Project.objects.filter(ref__startswith=scale.PREFIX).count()
            lap("kept")
        else:
            if exists:
                with transaction.atomic():
                    User.objects.filter(email__startswith=scale.PREFIX).delete()
                    scale.delete_synthetic_world()
                lap("reset")
            scale.store_synthetic_world(o["scientists"], o["projects"], seed=o["seed"], today=today)
            lap("world")
            accounts = scale_pages.create_accounts(
                members_per_institution=o["members_per_institution"],
                coordinators=o["coordinators"],
            )
            lap("accounts")
        scale_pages.analyze()
        rematch = None
        if not o["no_rematch"]:
            run = matcher.run_full_rematch()
            rematch = run.status
            lap("rematch")
        activity = scale_pages.create_activity(
            agreements=o["agreements"], seed=o["seed"], today=today
        )
        lap("activity")
        scale_pages.analyze()
        lap("analyze")
        from matching.models import Match

        summary = {
            "scientists": o["scientists"],
            "projects": o["projects"],
            "stored_suggestions": Match.objects.count(),
            "rematch": rematch,
            "scientist_accounts": accounts.scientist_accounts,
            "members": accounts.members,
            "coordinators": accounts.coordinators,
            "interests": activity.interests,
            "introductions": activity.introductions,
            "agreements": activity.agreements,
            "by_stage": activity.by_stage,
            "milestones": activity.milestones,
            "events": activity.events,
            "seconds": timings,
            "password": scale_pages.PASSWORD,
            "coordinator_totp_secret": scale_pages.COORDINATOR_TOTP_SECRET,
        }
        self.stdout.write(json.dumps(summary))
