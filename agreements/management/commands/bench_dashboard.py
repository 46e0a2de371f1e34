"""Time the coordinators' dashboard at 1,000 and at 50,000 agreements.

Runs in a throwaway database created next to the configured one (a SQLite file
in the temporary directory, or `bench_<name>` on PostgreSQL) and destroyed at
the end, so user data is never touched. Prints the median response time and
the number of queries for each size as a JSON last line.
"""

import datetime
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, Milestone, Stage
from matching.models import Interest, Introduction, Match
from profiles import vocab
from profiles.models import Institution, Membership, Project, ScientistProfile

BATCH = 5000
PREFIX = "bench"


class Builder:
    """Adds bench rows up to the wanted totals (bulk_create, no per-row save)."""

    def __init__(self, seed=42):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.institutions, self.projects, self.scientists = [], [], []
        self.n_agreements = 0
        self.n_matches = 0
        disciplines = list(vocab.DISCIPLINES)
        self.fields = [*vocab.Area.values, *disciplines]
        self.states = list(vocab.mexican_states())
        self.countries = ["US"] * 6 + ["CA"] * 2 + ["GB", "DE", "ES", "FR", "AU", "JP"]

    def _fields(self):
        fields = self.rng.sample(self.fields, self.rng.choice([1, 1, 2]))
        return fields, sorted({vocab.area_of(f) for f in fields})

    def grow(self, *, institutions, projects, scientists, agreements):
        rng = self.rng
        start = len(self.institutions)
        new = [
            Institution(
                ref=f"{PREFIX}-inst-{i}",
                name=f"Bench institution {i}",
                kind=rng.choice(vocab.InstitutionKind.values),
                state=rng.choice(self.states),
                approved=True,
            )
            for i in range(start, institutions)
        ]
        self.institutions += Institution.objects.bulk_create(new, batch_size=BATCH)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{PREFIX}-member-{inst.pk}@example.org",
                    full_name=f"Member {inst.pk}",
                    role=User.Role.INSTITUTION_MEMBER,
                )
                for inst in self.institutions[start:]
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, institution=inst, status=Membership.Status.APPROVED)
                for u, inst in zip(users, self.institutions[start:], strict=True)
            ],
            batch_size=BATCH,
        )
        new = []
        for i in range(len(self.projects), projects):
            fields, areas = self._fields()
            new.append(
                Project(
                    ref=f"{PREFIX}-proj-{i}",
                    institution=rng.choice(self.institutions),
                    title=f"Bench project {i}",
                    fields=fields,
                    areas=areas,
                    goals=rng.sample(vocab.Goal.values, 2),
                    collaboration_type=rng.choice(vocab.CollaborationType.values),
                    status=vocab.ProjectStatus.OPEN,
                )
            )
        self.projects += Project.objects.bulk_create(new, batch_size=BATCH)
        new = []
        for i in range(len(self.scientists), scientists):
            fields, areas = self._fields()
            new.append(
                ScientistProfile(
                    ref=f"{PREFIX}-sci-{i}",
                    name=f"Scientist {i}",
                    email=f"sci{i}@example.org",
                    country=rng.choice(self.countries),
                    position=rng.choice(vocab.Position.values),
                    fields=fields,
                    areas=areas,
                    sectors=rng.sample(vocab.Sector.values, rng.choice([0, 1, 1, 2])),
                    abroad_since=rng.choice([None, *range(1985, self.today.year + 1)]),
                    collaborated_before=rng.choice([True, True, True, False, None]),
                    languages=["es", "en"],
                )
            )
        self.scientists += ScientistProfile.objects.bulk_create(new, batch_size=BATCH)
        self._pairs(agreements)

    def _pairs(self, agreements):
        """Matches for every new scientist, interest, introductions and agreements."""
        rng = self.rng
        n_p = len(self.projects)
        matches = [
            Match(scientist=s, project=self.projects[(i * 7) % n_p], score=0.5)
            for i, s in enumerate(self.scientists[self.n_matches :], start=self.n_matches)
        ]
        self.n_matches = len(self.scientists)
        Match.objects.bulk_create(matches, batch_size=BATCH)
        new_agreements, introductions, interests = [], [], []
        start = self.n_agreements
        # Agreement i pairs scientist i with project (i*7) % n_p: its match.
        for i in range(start, agreements):
            s, p = self.scientists[i], self.projects[(i * 7) % n_p]
            introductions.append(Introduction(scientist=s, project=p, score=0.5))
            interests += [
                Interest(scientist=s, project=p, side=side, decision=Interest.Decision.INTERESTED)
                for side in (Interest.Side.SCIENTIST, Interest.Side.INSTITUTION)
            ]
        introductions = Introduction.objects.bulk_create(introductions, batch_size=BATCH)
        Interest.objects.bulk_create(interests, batch_size=BATCH)
        stages = [
            Stage.PROPOSED,
            Stage.NEGOTIATING,
            Stage.SIGNED,
            Stage.ACTIVE,
            Stage.ACTIVE,
            Stage.ACTIVE,
            Stage.COMPLETED,
            Stage.STALLED,
            Stage.CANCELLED,
        ]
        for n, intro in enumerate(introductions):
            stage = rng.choice(stages)
            last = self.today - datetime.timedelta(days=rng.randint(0, 400))
            signed = stage in (Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED)
            new_agreements.append(
                Agreement(
                    ref=f"{PREFIX}-agr-{start + n}",
                    scientist_id=intro.scientist_id,
                    project_id=intro.project_id,
                    introduction=intro,
                    stage=stage,
                    goals=["publications"],
                    last_activity_on=last,
                    signed_on=last - datetime.timedelta(days=30) if signed else None,
                    days_to_sign=rng.randint(3, 120) if signed else None,
                    completed_on=last if stage == Stage.COMPLETED else None,
                    next_follow_up_on=last + datetime.timedelta(days=rng.randint(7, 90)),
                )
            )
        new_agreements = Agreement.objects.bulk_create(new_agreements, batch_size=BATCH)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    agreement=a,
                    title="Bench milestone",
                    due_on=a.last_activity_on + datetime.timedelta(days=rng.randint(-60, 60)),
                )
                for a in new_agreements
            ],
            batch_size=BATCH,
        )
        self.n_agreements = agreements


class Command(BaseCommand):
    help = (
        "Benchmark the coordinators' dashboard at 1,000 and 50,000 agreements (100,000 "
        "scientists, 10,000 projects) in a throwaway database; prints a JSON last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5, help="requests per size (default 5)")
        parser.add_argument("--agreements", type=int, default=50_000)
        parser.add_argument("--scientists", type=int, default=100_000)
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--small", type=int, default=1_000, help="agreements in the small run")

    def handle(self, *args, repeat, agreements, scientists, projects, small, **options):
        old_name = connection.settings_dict["NAME"]
        test_settings = connection.settings_dict.setdefault("TEST", {})
        saved_test_name = test_settings.get("NAME")
        if connection.vendor == "sqlite":
            path = Path(tempfile.gettempdir()) / f"bench_dashboard_{int(time.time())}.sqlite3"
            test_settings["NAME"] = str(path)
        else:
            test_settings["NAME"] = f"bench_{old_name}"
        self.stderr.write(f"Creating a throwaway database {test_settings['NAME']} ...")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            results = self._run(repeat, agreements, scientists, projects, small)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            test_settings["NAME"] = saved_test_name
        summary = {"database": connection.vendor, "repeat": repeat, "sizes": results}
        self.stdout.write(json.dumps(summary))

    def _run(self, repeat, agreements, scientists, projects, small):
        coordinator = User.objects.create_superuser(
            email=f"{PREFIX}-coordinator@example.org", password=None, full_name="Bench"
        )
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(coordinator)
        builder = Builder()
        results = []
        scale = small / agreements
        for n_agr, n_sci, n_proj in (
            (small, max(int(scientists * scale), small), max(int(projects * scale), 10)),
            (agreements, scientists, projects),
        ):
            began = time.perf_counter()
            builder.grow(
                institutions=max(n_proj // 20, 5),
                projects=n_proj,
                scientists=n_sci,
                agreements=n_agr,
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            built = time.perf_counter() - began
            self.stderr.write(f"{n_agr} agreements built in {built:.1f}s; requesting ...")
            results.append(
                self._measure(client, repeat)
                | {
                    "agreements": n_agr,
                    "scientists": n_sci,
                    "projects": n_proj,
                    "build_seconds": round(built, 1),
                }
            )
        return results

    def _measure(self, client, repeat):
        url = reverse("agreements:dashboard")
        times, queries = [], []
        with override_settings(ALLOWED_HOSTS=["testserver", "localhost"]):
            client.get(url)  # warm-up
            for _i in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    began = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.status_code
                queries.append(len(ctx.captured_queries))
            slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
            for q in slowest:
                self.stderr.write(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
            began = time.perf_counter()
            filtered = client.get(url + "?area=biology_chemistry&country=US")
            filtered_ms = (time.perf_counter() - began) * 1000
            assert filtered.status_code == 200
        return {
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "queries": max(queries),
            "filtered_ms": round(filtered_ms, 1),
        }
