"""Benchmark the distributed full rematch: real Celery workers on Redis sharing
the chunks of a stored synthetic network on PostgreSQL.

On an empty scratch database (DATABASE_URL) and a Redis db of its own
(CELERY_BROKER_URL, which is also the cache the model is shared through), it
stores the synthetic network of demo.scale, then for each worker count starts
one ``celery -A diaspora worker --pool prefork --concurrency N`` process,
starts the full rematch the way a coordinator does (runs.begin_run and
start_full_rematch_task: refit, chunks in MatchRunChunk rows, each scored by
score_chunk_task, the last one finishes the run), waits for the run to be
done and stops the worker. It measures the wall time, each pool process's
peak memory (VmHWM in /proc: forked processes share pages with their parent,
so ru_maxrss summed would overstate it) and, from the one line per chunk the
workers log, the scoring and storing time of every chunk. Then it projects
the cost of a larger network from those measurements, and deletes what it
created. The last line printed is one JSON object.

    python manage.py bench_rematch_workers --scientists 20000 --projects 2000 --workers 1 4
    python manage.py bench_rematch_workers --model-only --scientists 100000 --projects 10000
"""

from __future__ import annotations

import datetime
import json
import math
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching.matcher import chunk_rows

TODAY = datetime.date(2026, 11, 22)
CHUNK_LINE = re.compile(r"Full rematch (\d+) chunk (\d+): (\{.*\})")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _mb(kb: float) -> float:
    return round(kb / 1024.0, 1)


class Worker:
    """One `celery worker` process with a prefork pool of `concurrency` processes."""

    def __init__(self, concurrency: int, env: dict):
        from diaspora.celery import app

        self.concurrency = concurrency
        self.queue = app.conf.task_default_queue or "celery"
        self.nodename = f"bench-{uuid.uuid4().hex[:8]}@%h"
        self.log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop)
            prefix="bench-worker-", suffix=".log", delete=False
        )
        self.peak_kb: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "diaspora",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-Q",
                self.queue,
                "-n",
                self.nodename,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return Path(self.log_file.name).read_text(errors="replace")

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"the worker exited:\n{self.log()[-4000:]}")
            if " ready." in self.log() and len(_children(self.process.pid)) >= self.concurrency:
                return
            time.sleep(0.2)
        raise CommandError(f"the worker did not start:\n{self.log()[-4000:]}")

    def sample(self) -> None:
        """Peak resident memory and CPU time of the main process and of each
        pool process seen so far (a replaced pool process keeps its entry)."""
        for pid in [self.process.pid, *_children(self.process.pid)]:
            kb = _status_kb(pid, "VmHWM")
            if kb:
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), kb)
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))

    def pool_cpu(self) -> float:
        return sum(cpu for pid, cpu in self.cpu.items() if pid != self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log_file.close()

    def chunk_lines(self, run_id: int) -> list[dict]:
        lines = []
        for match in CHUNK_LINE.finditer(self.log()):
            if int(match.group(1)) == run_id:
                lines.append({"index": int(match.group(2)), **json.loads(match.group(3))})
        return lines


class Command(BaseCommand):
    help = (
        "Benchmark the full rematch with real Celery workers on Redis and PostgreSQL "
        "(an empty scratch database); last line is JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scientists", type=int, default=20_000)
        parser.add_argument("--projects", type=int, default=2_000)
        parser.add_argument(
            "--workers",
            type=int,
            nargs="+",
            default=[1, 4],
            help="worker processes (prefork concurrency) of each run, in order",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
        parser.add_argument(
            "--project-to",
            type=int,
            nargs=2,
            default=[500_000, 50_000],
            metavar=("SCIENTISTS", "PROJECTS"),
            help="the network size to project the measured costs to",
        )
        parser.add_argument(
            "--cores-per-machine", type=int, default=2, help="worker processes per machine"
        )
        parser.add_argument(
            "--machines", type=int, nargs="+", default=[1, 2, 4, 8, 16], help="N of the projection"
        )
        parser.add_argument(
            "--model-only",
            action="store_true",
            help="only fit the model on a synthetic network in memory and report its "
            "size as the cache holds it (nothing is stored, no worker is started)",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the synthetic network and its suggestions"
        )

    def say(self, text: str) -> None:
        self.stderr.write(text)

    # ------------------------------------------------------------------ model
    def model_size(self, n: int, m: int, seed: int) -> dict:
        """Fit on n synthetic profiles and m projects in memory; the model's
        size as matcher.fit_model puts it in the cache."""
        from demo.synthetic import synthetic_world
        from matching.scoring.engine import FittedModel

        scientists, projects = synthetic_world(n, m, seed=seed, today=TODAY)
        t = time.perf_counter()
        model, _matrix = FittedModel.fit(scientists, projects)
        seconds = time.perf_counter() - t
        raw = pickle.dumps(model, protocol=5)
        blob = zlib.compress(raw, 1)
        return {
            "model_fitted_on": n + m,
            "model_fit_seconds": round(seconds, 1),
            "model_cache_bytes": len(blob),
            "model_uncompressed_bytes": len(raw),
            "model_keyword_vocabulary": len(model.kw_vocab),
            "model_tfidf_vocabulary": len(model.tfidf.vocabulary_) if model.tfidf else 0,
            # this process: the synthetic records, their texts and the fit
            "model_fit_peak_rss_mb": _mb(_status_kb(os.getpid(), "VmHWM")),
        }

    def say_model(self, out: dict) -> None:
        self.say(
            f"model fitted on {out['model_fitted_on']} profiles and projects: "
            f"{out['model_cache_bytes'] / 1e6:.1f} MB in the cache (compressed pickle), "
            f"{out['model_uncompressed_bytes'] / 1e6:.1f} MB uncompressed, "
            f"fit {out['model_fit_seconds']} s"
        )

    # ------------------------------------------------------------------ handle
    def handle(self, *args, **opts):
        n, m = opts["scientists"], opts["projects"]
        if n < 1 or m < 1 or min(opts["workers"]) < 1:
            raise CommandError("--scientists, --projects and --workers must be at least 1")
        out = {"scientists": n, "projects": m, "top_k": settings.MATCH_TOP_K}
        if opts["model_only"]:
            out.update(self.model_size(n, m, opts["seed"]))
            self.say_model(out)
            self.stdout.write(json.dumps(out))
            return
        self.check_services()
        from demo import scale
        from profiles.models import Project, ScientistProfile

        if ScientistProfile.objects.exists() or Project.objects.exists():
            raise CommandError(
                "this needs an empty database (it rematches and prunes every stored "
                "suggestion): point DATABASE_URL at a scratch database"
            )
        out.update(chunk_size=settings.MATCH_CHUNK_SIZE, cpus=os.cpu_count())
        t = time.perf_counter()
        scale.store_synthetic_world(n, m, seed=opts["seed"], today=TODAY)
        out["store_network_seconds"] = round(time.perf_counter() - t, 1)
        self.say(f"stored {n} scientists, {m} projects in {out['store_network_seconds']} s")
        runs_out = {}
        try:
            for workers in opts["workers"]:
                runs_out[workers] = self.one_run(workers, opts["timeout"])
        finally:
            if not opts["keep"]:
                self.clean_up()
        out["runs"] = {str(w): r for w, r in runs_out.items()}
        base = runs_out.get(1) or runs_out[opts["workers"][0]]
        base_w = 1 if 1 in runs_out else opts["workers"][0]
        out["seconds"] = {str(w): r["seconds"] for w, r in runs_out.items()}
        out["speedup"] = {
            str(w): round(base["seconds"] / r["seconds"], 2) for w, r in runs_out.items()
        }
        out["speedup_chunks"] = {
            str(w): round(base["chunks_seconds"] / r["chunks_seconds"], 2)
            for w, r in runs_out.items()
        }
        out["speedup_base_workers"] = base_w
        out["peak_rss_mb_per_process"] = {
            str(w): r["peak_rss_mb_pool_max"] for w, r in runs_out.items()
        }
        last = runs_out[opts["workers"][-1]]
        for key in ("pairs_scored", "rows_written", "rows_kept", "chunks"):
            out[key] = last[key]
        for key in (
            "model_cache_bytes",
            "model_uncompressed_bytes",
            "bounds_cache_bytes",
        ):
            out[key] = last.get(key)
        out["projection"] = self.projection(runs_out, base_w, n, m, opts)
        self.say_projection(out["projection"])
        self.stdout.write(json.dumps(out))

    def check_services(self) -> None:
        from django.db import connection

        from diaspora.celery import app

        if connection.vendor != "postgresql":
            raise CommandError("set DATABASE_URL to a scratch PostgreSQL database")
        if not settings.CELERY_BROKER_URL.startswith("redis"):
            raise CommandError("set CELERY_BROKER_URL to a Redis database of your own")
        if app.conf.task_always_eager:
            raise CommandError("tasks run in-process: CELERY_BROKER_URL is not in effect")
        if "Redis" not in settings.CACHES["default"]["BACKEND"]:
            raise CommandError("the cache must be the Redis of CELERY_BROKER_URL (REDIS_URL)")

    def worker_env(self) -> dict:
        from django.db import connection

        s = connection.settings_dict
        auth = s.get("USER") or ""
        if s.get("PASSWORD"):
            auth += f":{s['PASSWORD']}"
        url = (
            f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"
        )
        return {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REDIS_URL": settings.REDIS_URL,
            "MATCH_TOP_K": str(settings.MATCH_TOP_K),
            "MATCH_CHUNK_SIZE": str(settings.MATCH_CHUNK_SIZE),
            "DJANGO_SETTINGS_MODULE": "diaspora.settings",
            "DJANGO_LOG_LEVEL": "INFO",  # the per-chunk lines of matching.tasks
            "PYTHONUNBUFFERED": "1",
        }

    # ----------------------------------------------------------------- one run
    def one_run(self, workers: int, timeout: float) -> dict:
        from django.core.cache import cache
        from django.db import close_old_connections, connection

        from diaspora.celery import app
        from matching import matcher, runs, tasks
        from matching.models import Match, MatchRun

        # every run starts from the same state: no rows, no model, an empty queue
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {Match._meta.db_table}")  # noqa: S608 - a model's table
        MatchRun.objects.all().delete()
        matcher.forget_model()
        with app.connection_for_write() as conn:
            app.amqp.queues[app.conf.task_default_queue or "celery"].bind(
                conn.default_channel
            ).purge()

        worker = Worker(workers, self.worker_env())
        try:
            worker.wait_ready()
            worker.sample()
            self.say(f"{workers} worker process(es) ready; full rematch starts")
            load_before = os.getloadavg()[0]
            t0 = time.perf_counter()
            run, _created = runs.begin_run()
            tasks.start_full_rematch_task.delay(run.pk)
            bounds_bytes = 0
            fit_cpu = None
            db_cpu: dict[int, float] = {}
            deadline = time.monotonic() + timeout
            while True:
                time.sleep(0.5)
                worker.sample()
                self.sample_database(db_cpu)
                close_old_connections()
                run.refresh_from_db()
                if fit_cpu is None and run.chunks_total:
                    fit_cpu = worker.pool_cpu()  # the refit, before any chunk
                if run.status != MatchRun.Status.RUNNING:
                    break
                if worker.process.poll() is not None:
                    raise CommandError(f"the worker exited:\n{worker.log()[-4000:]}")
                if time.monotonic() > deadline:
                    raise CommandError(f"the run took over {timeout} s:\n{worker.log()[-4000:]}")
                bounds_bytes = max(
                    bounds_bytes, self.cache_value_bytes(f"matching:run:{run.pk}:kth")
                )
            seconds = time.perf_counter() - t0
            worker.sample()
            if run.status != MatchRun.Status.DONE:
                raise CommandError(f"the run ended {run.status}:\n{worker.log()[-4000:]}")
            blob = cache.get(matcher.MODEL_KEY)
            result = self.run_figures(run, worker, seconds)
            result.update(self.cpu_figures(result, worker, fit_cpu or 0.0, db_cpu))
            # other jobs on the machine: the 1-minute load average before and after
            result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            result.update(
                model_cache_bytes=len(blob) if blob else None,
                model_uncompressed_bytes=len(zlib.decompress(blob)) if blob else None,
                bounds_cache_bytes=bounds_bytes or None,
            )
        finally:
            worker.stop()
            os.unlink(worker.log_file.name)
        self.say(
            f"{workers} worker process(es): {result['seconds']} s "
            f"(fit {result['fit_seconds']} s, chunks {result['chunks_seconds']} s, "
            f"finish {result['finish_seconds']} s), {result['pairs_scored']} pairs, "
            f"{result['rows_written']} rows written, {result['rows_kept']} kept; "
            f"peak memory per pool process {result['peak_rss_mb_pool']} MB; CPU "
            f"{result['cpu_seconds_chunks']} s in the pool after the refit, "
            f"{result['cpu_seconds_database']} s in PostgreSQL; load average "
            f"{result['load_average'][0]} -> {result['load_average'][1]}"
        )
        return result

    def sample_database(self, db_cpu: dict[int, float]) -> None:
        """CPU time of the PostgreSQL backends serving this database (the
        workers' connections), but not this process's own."""
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            for (pid,) in cur.fetchall():
                db_cpu[pid] = max(db_cpu.get(pid, 0.0), _cpu_seconds(pid))

    def cpu_figures(self, result: dict, worker: Worker, fit_cpu: float, db_cpu: dict) -> dict:
        """Rates in CPU time, which other jobs on the machine do not inflate:
        the pool processes' CPU after the refit, split between scoring and
        storing as the chunks' own timings split their wall time, plus the
        database's CPU counted as storing."""
        chunk_cpu = max(0.0, worker.pool_cpu() - fit_cpu)
        busy, stored = result["chunk_busy_seconds"], result["chunk_store_seconds"]
        share = stored / busy if busy else 0.0
        database = sum(db_cpu.values())
        score_cpu = chunk_cpu * (1 - share)
        store_cpu = chunk_cpu * share + database
        rows = result["rows_written"]
        return {
            "cpu_seconds_fit": round(fit_cpu, 1),
            "cpu_seconds_chunks": round(chunk_cpu, 1),
            "cpu_seconds_database": round(database, 1),
            "pairs_per_cpu_second": round(result["pairs_scored"] / score_cpu)
            if score_cpu
            else None,
            "store_cpu_seconds_per_row": store_cpu / rows if rows else None,
        }

    def cache_value_bytes(self, key: str) -> int:
        """Bytes Redis holds for a cache key (the pickled value)."""
        try:
            from django.core.cache import caches

            backend = caches["default"]
            full = backend.make_key(key)
            return int(backend._cache.get_client(full).strlen(full))  # noqa: SLF001
        except Exception:  # noqa: BLE001 - a figure, not a failure
            return 0

    def run_figures(self, run, worker: Worker, seconds: float) -> dict:
        from django.db.models import Max, Min

        from matching.models import Match

        chunks = run.chunks.aggregate(
            queued=Min("queued_at"), started=Min("started_at"), done=Max("done_at")
        )
        lines = worker.chunk_lines(run.pk)
        busy = sum(line["seconds"] for line in lines)
        # storing: building the rows (with their reasons, before main's b1b600a) and writing
        stored = sum(
            line.get("rows_s", 0.0) + line.get("reasons_s", 0.0) + line.get("write_s", 0.0)
            for line in lines
        )
        rows_written = int(sum(line.get("rows_written", 0) for line in lines))
        pairs = sum(line["pairs"] for line in lines)
        pool = {pid: kb for pid, kb in worker.peak_kb.items() if pid != worker.process.pid}
        return {
            "workers": worker.concurrency,
            "seconds": round(seconds, 1),
            "fit_seconds": round((chunks["queued"] - run.started_at).total_seconds(), 1),
            "chunks_seconds": round((chunks["done"] - chunks["queued"]).total_seconds(), 1),
            "finish_seconds": round((run.finished_at - chunks["done"]).total_seconds(), 1),
            "chunks": run.chunks_total,
            "pairs_scored": run.pairs_scored,
            "rows_written": rows_written,
            "rows_kept": Match.objects.count(),
            "chunk_busy_seconds": round(busy, 1),
            "chunk_store_seconds": round(stored, 1),
            "pairs_per_second_per_process": round(pairs / (busy - stored))
            if busy > stored
            else None,
            "store_seconds_per_row": stored / rows_written if rows_written else None,
            "peak_rss_mb_pool": sorted((_mb(kb) for kb in pool.values()), reverse=True),
            "peak_rss_mb_pool_max": _mb(max(pool.values(), default=0)),
            "peak_rss_mb_main": _mb(worker.peak_kb.get(worker.process.pid, 0)),
        }

    # -------------------------------------------------------------- projection
    def projection(self, runs_out: dict, base_w: int, n: int, m: int, opts) -> dict:
        """Cost of a network of N scientists x M projects on machines of
        `cores` worker processes each, from the rates measured here."""
        big_n, big_m = opts["project_to"]
        cores = opts["cores_per_machine"]
        k = settings.MATCH_TOP_K
        base = runs_out[base_w]
        best = max(runs_out.values(), key=lambda r: r["workers"])
        # pairs: every scientist against every open project sharing a language
        pairs = base["pairs_scored"] * (big_n * big_m) / (n * m)
        # rows written: each scientist's top k, plus for each project the rows of
        # a chunk that beat the k-th best score known so far; chunk c of C adds
        # about k/c of them, so a project gets about k*(1 + ln C) rows; with P
        # processes the first P chunks know nothing of each other: P + ln(C - P)
        chunks_big = math.ceil(big_n / chunk_rows(big_m))
        scientist_side = min(k, m) * n
        extra = max(0, base["rows_written"] - scientist_side)
        per_project = extra / (m * (1 + math.log(base["chunks"])))

        def rows_with(processes: int) -> float:
            rest = max(1, chunks_big - processes)
            return k * big_n + per_project * big_m * (min(processes, chunks_big) + math.log(rest))

        rows = rows_with(1)
        kept = base["rows_kept"] * (big_n + big_m) / (n + m)
        pps = base["pairs_per_second_per_process"]
        per_row = base["store_seconds_per_row"] or 0.0
        score_core_s = pairs / pps
        store_core_s = rows * per_row
        # refit and the finishing prune run once, in one process: the refit
        # scaled with the profiles and projects read, the prune with rows kept
        fit_s = base["fit_seconds"] * (big_n + big_m) / (n + m)
        finish_s = base["finish_seconds"] * kept / max(base["rows_kept"], 1)
        # parallel efficiency of the chunk phase measured on this machine
        cpus = os.cpu_count() or best["workers"]
        used = min(best["workers"], cpus)
        speedup = base["chunks_seconds"] * base_w / best["chunks_seconds"]
        efficiency = round(min(1.0, speedup / used), 2)
        # the same from CPU time: each process with a core of its own, the
        # database's work counted as storing (it needs cores of its own)
        cpu_pps = base.get("pairs_per_cpu_second")
        cpu_row = base.get("store_cpu_seconds_per_row")
        cpu = bool(cpu_pps and cpu_row)
        # the refit's own CPU time (not the reads it asks of PostgreSQL)
        fit_cpu_s = base.get("cpu_seconds_fit", 0.0) * (big_n + big_m) / (n + m)
        machines, machines_cpu = {}, {}
        for count in opts["machines"]:
            processes = count * cores
            rows_p = rows_with(processes)
            chunk_s = (score_core_s + rows_p * per_row) / (processes * efficiency)
            machines[str(count)] = {
                "processes": processes,
                "rows_written": round(rows_p),
                "hours": round((fit_s + chunk_s + finish_s) / 3600, 2),
                "chunk_phase_hours": round(chunk_s / 3600, 2),
            }
            if cpu:
                chunk_s = (pairs / cpu_pps + rows_p * cpu_row) / processes
                machines_cpu[str(count)] = {
                    "processes": processes,
                    "hours": round((fit_cpu_s + chunk_s + finish_s) / 3600, 2),
                    "chunk_phase_hours": round(chunk_s / 3600, 2),
                }
        return {
            "to": {"scientists": big_n, "projects": big_m},
            "formula": (
                "wall = fit + (pairs / pairs_per_s_per_process + rows_written x "
                "store_s_per_row) / (machines x cores x efficiency) + prune; "
                "pairs ~ n x m; rows_written = k x n + c x m x (P + ln(chunks - P)) "
                "with P processes "
                "and c measured; "
                "rows_kept ~ k x (n + m); fit ~ n + m; prune ~ rows_kept"
            ),
            "assumptions": (
                f"rates of the {base_w}-process run at {n} x {m} "
                f"({base['chunks']} chunks); efficiency = chunk-phase speed-up with "
                f"{best['workers']} processes / {used} cores of this machine; one "
                "PostgreSQL takes the writes of every machine at the rate measured here; "
                "the refit and the prune stay in one process; per-chunk work that grows "
                "with the open projects (the shared k-th scores) is counted as scoring"
            ),
            "pairs": round(pairs),
            "chunks": chunks_big,
            "rows_written": round(rows),
            "rows_kept": round(kept),
            "pairs_per_second_per_process": pps,
            "store_ms_per_row": round(per_row * 1000, 4),
            "score_core_hours": round(score_core_s / 3600, 2),
            "store_core_hours": round(store_core_s / 3600, 2),
            "fit_hours": round(fit_s / 3600, 3),
            "prune_hours": round(finish_s / 3600, 3),
            "parallel_efficiency": efficiency,
            "top_k": k,
            "machines": machines,
            "pairs_per_cpu_second": cpu_pps,
            "store_cpu_ms_per_row": round(cpu_row * 1000, 4) if cpu_row else None,
            "cpu_score_core_hours": round(pairs / cpu_pps / 3600, 2) if cpu else None,
            "cpu_store_core_hours": round(rows * cpu_row / 3600, 2) if cpu else None,
            "cpu_fit_hours": round(fit_cpu_s / 3600, 3),
            "machines_cpu": machines_cpu,
        }

    def say_projection(self, p: dict) -> None:
        self.say(
            f"projection to {p['to']['scientists']} x {p['to']['projects']}: "
            f"{p['pairs'] / 1e9:.1f} G pairs ({p['score_core_hours']} core-hours scoring), "
            f"{p['rows_written'] / 1e6:.1f} M rows written ({p['store_core_hours']} core-hours "
            f"storing), fit {p['fit_hours']} h, prune {p['prune_hours']} h"
        )
        self.say(f"  {p['formula']}")
        self.say(f"  assumptions: {p['assumptions']}")
        for count, figures in p["machines"].items():
            cpu = p["machines_cpu"].get(count)
            self.say(
                f"  {count} machine(s), {figures['processes']} processes: "
                f"{figures['hours']} h ({figures['chunk_phase_hours']} h of chunks) at the "
                f"wall-time rates measured here"
                + (f"; {cpu['hours']} h at the CPU-time rates" if cpu else "")
            )

    def clean_up(self) -> None:
        from django.db import connection, transaction

        from demo import scale
        from matching import matcher
        from matching.models import Match, MatchRun

        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {Match._meta.db_table}")  # noqa: S608 - a model's table
        with transaction.atomic():
            MatchRun.objects.all().delete()
            scale.delete_synthetic_world()
        matcher.forget_model()
