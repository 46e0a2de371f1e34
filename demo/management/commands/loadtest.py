"""python manage.py loadtest [--users 4] [--seconds 60] [--workers 3] [--threads 1]

The pages' load test (also `bin/loadtest`). Against the configured database
filled by seed_scale: starts gunicorn on loopback with the production settings
(DEBUG off; only HTTPS redirect, HSTS and Secure cookies are off, since
loopback speaks plain HTTP, and the per-address login limits, since every
simulated person comes from 127.0.0.1), runs locust headless for a bounded time with
logged-in scientists, institution members and coordinators in a weighted mix
(demo/loadtest/locustfile.py), stops gunicorn and prints per-page p50/p95,
requests a second and errors, then one JSON line. Nothing leaves this host.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from agreements.models import Agreement
from demo import scale
from demo.loadtest.plan import build_plan
from matching.models import Match
from profiles.models import Project, ScientistProfile

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"


def _number(text: str) -> float:
    """Locust writes N/A for a page with no request."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Load-test the pages with locust against gunicorn on loopback; prints a JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=4, help="concurrent users (default 4)")
        parser.add_argument("--seconds", type=int, default=60, help="measured time (default 60)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
        parser.add_argument(
            "--threads", type=int, default=1, help="threads per gunicorn worker (default 1)"
        )
        parser.add_argument("--think-max", type=float, default=0.2, help="seconds (default 0.2)")
        parser.add_argument(
            "--warmup",
            type=int,
            default=15,
            help="seconds of the same mix first, not counted: each worker's first requests "
            "load what it keeps (default 15)",
        )
        parser.add_argument(
            "--only",
            choices=["Scientist", "Member", "Coordinator"],
            action="append",
            help="only these people (repeatable), e.g. --only Coordinator for the dashboard",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--label", default="", help="a name for this run in the JSON line")

    def handle(
        self,
        *args,
        users,
        seconds,
        workers,
        threads,
        think_max,
        warmup,
        only,
        seed,
        label,
        **options,
    ):
        self.only = only or []
        if not 1 <= seconds <= 1800 or users < 1:
            raise CommandError("--seconds must be 1-1800 and --users at least 1")
        if not ScientistProfile.objects.filter(ref__startswith=scale.PREFIX).exists():
            raise CommandError("no synthetic network here: run `manage.py seed_scale` first")
        size = {
            "database": connection.vendor,
            "scientists": ScientistProfile.objects.count(),
            "projects": Project.objects.count(),
            "agreements": Agreement.objects.count(),
            "stored_suggestions": Match.objects.count(),
        }
        workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(build_plan(seed=seed, think_max=think_max)))
        connection.close()  # gunicorn's workers open their own

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = dict(os.environ)
        env.pop("DJANGO_DEBUG", None)
        env.update(
            {
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
                "DJANGO_SECURE_COOKIES": "0",
                # Every simulated person comes from 127.0.0.1: the per-address login
                # limits (30 a minute) would turn the warm-up's and the run's logins away.
                "DJANGO_DISABLE_RATE_LIMITS": "1",
                # Static files are not part of the test (no collectstatic needed).
                "PYTHONWARNINGS": "ignore:No directory at",
                "DJANGO_SETTINGS_MODULE": os.environ.get(
                    "DJANGO_SETTINGS_MODULE", "diaspora.settings"
                ),
            }
        )
        gunicorn_cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "diaspora.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--chdir",
            str(settings.BASE_DIR),
        ]
        server = subprocess.Popen(gunicorn_cmd, env=env)
        load_before = os.getloadavg()
        try:
            self._wait_for(url, server)
            if warmup:
                self._locust(url, plan_path, workdir / "warmup", users, warmup, env)
            measured = env | {"LOADTEST_OFFSET": str(users)}
            result = self._locust(url, plan_path, workdir, users, seconds, measured)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        summary = {
            "label": label,
            "users": users,
            "seconds": seconds,
            "gunicorn_workers": workers,
            "gunicorn_threads": threads,
            "think_seconds": [0.0, think_max],
            "only": self.only,
            "dashboard_cache_seconds": getattr(settings, "DASHBOARD_CACHE_SECONDS", None),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "warmup_seconds": warmup,
            **size,
            **result,
        }
        self._print(summary)

    def _wait_for(self, url, server):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn exited at start")
            try:
                with urllib.request.urlopen(url + "/accounts/login/", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer within 60 s")

    def _locust(self, url, plan_path, workdir, users, seconds, env) -> dict:
        workdir.mkdir(exist_ok=True)
        prefix = workdir / "run"
        cmd = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *self.only,
        ]
        env = env | {"LOADTEST_PLAN": str(plan_path), "PYTHONPATH": str(settings.BASE_DIR)}
        done = subprocess.run(
            cmd,
            env=env,
            cwd=settings.BASE_DIR,
            timeout=seconds + 300,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            self.stderr.write(done.stderr[-3000:])
            raise CommandError(f"locust exited with {done.returncode}")
        with open(f"{prefix}_stats.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        pages = {}
        total = None
        for row in rows:
            entry = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "rps": round(float(row["Requests/s"]), 2),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages[row["Name"]] = entry
        failures = Path(f"{prefix}_failures.csv")
        if failures.exists():
            for row in list(csv.DictReader(failures.open()))[:10]:
                self.stderr.write(f"  failure: {row}")
        return {
            "requests": total["requests"],
            "errors": total["errors"],
            "requests_per_second": total["rps"],
            "p50_ms": total["p50_ms"],
            "p95_ms": total["p95_ms"],
            "pages": dict(sorted(pages.items())),
        }

    def _print(self, summary):
        self.stdout.write(
            f"{summary['users']} users, {summary['seconds']} s, gunicorn "
            f"{summary['gunicorn_workers']} workers x {summary['gunicorn_threads']} threads, "
            f"{summary['scientists']:,} scientists, {summary['projects']:,} projects, "
            f"{summary['agreements']:,} agreements, {summary['stored_suggestions']:,} suggestions, "
            f"load average {summary['load_average_before'][0]} before"
        )
        self.stdout.write(f"{'page':<26}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
        for name, p in summary["pages"].items():
            self.stdout.write(
                f"{name:<26}{p['requests']:>9}{p['errors']:>8}{p['p50_ms']:>9.0f}{p['p95_ms']:>9.0f}"
            )
        self.stdout.write(
            f"{'all':<26}{summary['requests']:>9}{summary['errors']:>8}"
            f"{summary['p50_ms']:>9.0f}{summary['p95_ms']:>9.0f}"
            f"   {summary['requests_per_second']:.1f} requests/s"
        )
        self.stdout.write(json.dumps(summary))
