"""Benchmark the matcher on synthetic data held in memory (no database writes).

Builds N scientists and M projects, fits the model, runs the chunked full
rematch with the same engine code as the stored rematch (score blocks, top k
per scientist and per project), times incremental rescoring of one scientist
and one project, the per-pair Python loop on a sample, and rapidfuzz's cdist
on the same keyword strings. The last line is one JSON object.

With --store it instead writes the synthetic scientists and projects to the
configured database (which must hold none: point DATABASE_URL at a scratch
database), runs the real stored full rematch (matching.matcher.run_full_rematch)
and reports how fast the suggestions were stored (rows per second), then
deletes what it created.
"""

import datetime
import json
import multiprocessing as mp
import random
import resource
import statistics
import time

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rapidfuzz import fuzz, process

from demo.synthetic import attach_synthetic_vectors, synthetic_world
from matching.scoring import semantic
from matching.scoring.bulk import _sorted_top, merge_tops, score_chunk_tops
from matching.scoring.engine import (
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)
from matching.scoring.explain import components_at, reasons_for
from matching.scoring.naive import NaiveScorer

TODAY = datetime.date(2026, 11, 22)
_G: dict = {}  # shared with forked workers


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def _run_chunks(chunk_list):
    S, P, k = _G["S"], _G["P"], _G["k"]
    m = len(P)
    proj_ids = np.full((m, k), -1, np.int64)
    proj_vals = np.zeros((m, k), np.float32)
    rows, pairs = [], 0
    for rows_idx in chunk_list:
        si, sv, pi, pv, n_pairs = score_chunk_tops(S.take(rows_idx), P, k, today=TODAY)
        rows.append((rows_idx, si, sv))
        proj_ids, proj_vals = merge_tops(proj_ids, proj_vals, pi, pv, k)
        pairs += n_pairs
    return rows, proj_ids, proj_vals, pairs, _rss_mb()


class Command(BaseCommand):
    help = "Benchmark the full rematch on synthetic data in memory; last line is JSON."

    def add_arguments(self, parser):
        parser.add_argument("--scientists", type=int, default=10_000)
        parser.add_argument("--projects", type=int, default=1_000)
        parser.add_argument("--workers", type=int, default=1, help="processes sharing the chunks")
        parser.add_argument("--chunk-size", type=int, default=None)
        parser.add_argument("--top", type=int, default=None)
        parser.add_argument("--naive-seconds", type=float, default=3.0)
        parser.add_argument(
            "--embed-sample",
            type=int,
            default=100,
            help="texts embedded with the real encoders to measure their throughput",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--store",
            action="store_true",
            help="run the real stored rematch on an empty (scratch) database",
        )
        parser.add_argument(
            "--keep", action="store_true", help="with --store: keep the rows it created"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="with --store: use the synthetic network a --keep run left (same sizes)",
        )

    def say(self, text):
        self.stderr.write(text)

    def handle(self, *args, **opts):
        n, m = opts["scientists"], opts["projects"]
        if n < 1 or m < 1 or opts["workers"] < 1:
            raise CommandError("--scientists, --projects and --workers must be at least 1")
        k = opts["top"] or settings.MATCH_TOP_K
        chunk = opts["chunk_size"] or settings.MATCH_CHUNK_SIZE
        workers = opts["workers"]
        out = {"scientists": n, "projects": m, "workers": workers, "top_k": k, "chunk_size": chunk}
        if opts["store"]:
            return self.handle_store(n, m, opts, out)

        t = time.perf_counter()
        scientists, projects = synthetic_world(n, m, seed=opts["seed"], today=TODAY)
        attach_synthetic_vectors([*scientists, *projects], seed=opts["seed"])
        out["generate_seconds"] = round(time.perf_counter() - t, 2)
        self.say(f"generated {n} scientists, {m} projects in {out['generate_seconds']}s")
        out.update(self.embedding_throughput(scientists, opts["embed_sample"]))

        t = time.perf_counter()
        model, matrix = FittedModel.fit(scientists, projects, workers=workers)
        out["fit_seconds"] = round(time.perf_counter() - t, 2)
        out["keyword_vocabulary"] = len(model.kw_vocab)
        self.say(f"fitted model ({len(model.kw_vocab)} keywords) in {out['fit_seconds']}s")

        t = time.perf_counter()
        S = scientist_features(model, scientists, matrix[:n])
        P = project_features(model, projects, matrix[n:])
        out["features_seconds"] = round(time.perf_counter() - t, 2)
        self.say(f"features in {out['features_seconds']}s")

        # chunks of scientists grouped by languages, so candidate generation
        # can skip projects none of them can read
        order = sorted(range(n), key=lambda i: (tuple(sorted(scientists[i].languages)), i))
        chunks = [np.array(order[i : i + chunk]) for i in range(0, n, chunk)]
        _G.update(S=S, P=P, k=k)
        t = time.perf_counter()
        if workers == 1:
            parts = [_run_chunks(chunks)]
        else:
            ctx = mp.get_context("fork")
            share = [chunks[w::workers] for w in range(workers)]
            with ctx.Pool(workers) as pool:
                parts = pool.map(_run_chunks, share)
        proj_ids = np.full((m, k), -1, np.int64)
        proj_vals = np.zeros((m, k), np.float32)
        pairs = 0
        sci_ids = np.full((n, k), -1, np.int64)
        worker_rss = 0.0
        for rows, pi, pv, n_pairs, rss in parts:
            for rows_idx, si, _sv in rows:
                sci_ids[rows_idx] = si
            proj_ids, proj_vals = merge_tops(proj_ids, proj_vals, pi, pv, k)
            pairs += n_pairs
            worker_rss = max(worker_rss, rss)
        seconds = time.perf_counter() - t
        stored = len(
            {(int(S.ids[i]), int(p)) for i in range(n) for p in sci_ids[i] if p >= 0}
            | {(int(s), int(P.ids[j])) for j in range(m) for s in proj_ids[j] if s >= 0}
        )
        out.update(
            pairs_scored=int(pairs),
            seconds=round(seconds, 2),
            pairs_per_second=round(pairs / seconds),
            suggestions_stored=stored,
        )
        self.say(
            f"full rematch: {pairs} pairs in {seconds:.2f}s "
            f"({pairs / seconds / 1e6:.1f} M pairs/s, {workers} worker(s))"
        )

        rng = random.Random(1)
        # incremental: one scientist against every project, one project against everyone
        times = []
        for i in rng.sample(range(n), min(20, n)):
            t = time.perf_counter()
            Si = scientist_features(model, [scientists[i]])
            total = score_block(Si, P, today=TODAY, components=False)["total"]
            _sorted_top(total, P.ids, k)
            # the projects whose lists it enters: compare with their k-th best
            _ = np.flatnonzero(total[0] > proj_vals[:, -1])
            times.append((time.perf_counter() - t) * 1000)
        out["one_scientist_ms"] = round(statistics.median(times), 1)
        times = []
        for j in rng.sample(range(m), min(5, m)):
            t = time.perf_counter()
            Pj = project_features(model, [projects[j]])
            total = score_block(S, Pj, today=TODAY, components=False)["total"]
            _sorted_top(np.ascontiguousarray(total.T), S.ids, k)
            times.append((time.perf_counter() - t) * 1000)
        out["one_project_ms"] = round(statistics.median(times), 1)
        self.say(
            f"one scientist {out['one_scientist_ms']} ms, one project {out['one_project_ms']} ms"
        )

        # the straightforward per-pair loop, same scores, on a sample
        naive = NaiveScorer(model, TODAY)
        sample_s = rng.sample(range(n), min(n, 200))
        naive.warm("p", projects, P)
        naive.warm("s", [scientists[i] for i in sample_s], S.take(sample_s, signatures=False))
        done, diff, t = 0, 0.0, time.perf_counter()
        block_rows = score_block(S.take(sample_s), P, today=TODAY, components=False)["total"]
        deadline = t + opts["naive_seconds"]
        t = time.perf_counter()
        for a, i in enumerate(sample_s):
            for j in range(m):
                diff = max(
                    diff,
                    abs(naive.score(scientists[i], projects[j])["total"] - float(block_rows[a, j])),
                )
                done += 1
                if done % 256 == 0 and time.perf_counter() > deadline:
                    break
            if time.perf_counter() > deadline:
                break
        naive_pps = done / (time.perf_counter() - t)
        out["naive_pairs_per_second"] = round(naive_pps)
        out["naive_max_abs_diff"] = float(f"{diff:.2e}")
        out["speedup_vs_naive"] = round(out["pairs_per_second"] / naive_pps, 1)

        # components and reasons of stored suggestions (the rematch stores them with each row)
        rows = rng.sample(range(n), min(n, 100))
        block = score_block(S.take(rows), P, today=TODAY)
        by_id = {int(pid): j for j, pid in enumerate(P.ids)}
        sample = [
            (a, i, by_id[int(p)]) for a, i in enumerate(rows) for p in sci_ids[i][:10] if p >= 0
        ]
        t = time.perf_counter()
        for a, i, j in sample:
            components_at(block, a, j)
            reasons_for(
                model,
                scientists[i],
                projects[j],
                {name: float(v[a, j]) for name, v in block.items()},
                today=TODAY,
            )
        out["explained_pairs_per_second"] = round(len(sample) / (time.perf_counter() - t))

        # rapidfuzz cdist on the same keyword strings
        q = [" ".join(scientists[i].keywords) for i in rng.sample(range(n), min(n, 2000))]
        c = [" ".join(p.keywords) for p in projects]
        t = time.perf_counter()
        process.cdist(q, c, scorer=fuzz.token_set_ratio, workers=workers, dtype=np.uint8)
        cdist_pps = len(q) * len(c) / (time.perf_counter() - t)
        out["cdist_pairs_per_second"] = round(cdist_pps)
        out["fraction_of_cdist_limit"] = round(out["pairs_per_second"] / cdist_pps, 2)

        out["peak_rss_mb"] = round(max(_rss_mb(), worker_rss), 1)
        out["peak_rss_parent_mb"] = round(_rss_mb(), 1)
        out["peak_rss_worker_mb"] = round(worker_rss, 1)
        self.stdout.write(json.dumps(out))

    def embedding_throughput(self, scientists, sample: int) -> dict:
        """Texts a second each real encoder embeds in this process (one thread),
        on profile-length synthetic texts; the time to embed the whole network."""
        if sample < 1:
            return {}
        texts = [semantic.clean(s.document) for s in scientists[:sample]]
        out = {"embed_sample_texts": len(texts)}
        total = 0.0
        for encoder, _start, _end in semantic.SEGMENTS:
            semantic.encode(texts[:1], encoder)  # load the model first
            t = time.perf_counter()
            semantic.encode(texts, encoder)
            seconds = time.perf_counter() - t
            total += seconds
            out[f"embed_{encoder}_texts_per_second"] = round(len(texts) / seconds, 1)
        out["embed_texts_per_second"] = round(len(texts) / total, 1)
        self.say(f"embedding: {out['embed_texts_per_second']} texts/s (both encoders, one process)")
        return out

    def handle_store(self, n, m, opts, out):
        from django.db import connection, transaction

        from demo import scale
        from matching import matcher
        from matching.models import Match, MatchRun
        from profiles.models import Project, ScientistProfile

        bench = scale.PREFIX
        others = ScientistProfile.objects.exclude(ref__startswith=bench).exists()
        others = others or Project.objects.exclude(ref__startswith=bench).exists()
        sizes = (ScientistProfile.objects.count(), Project.objects.count())
        reuse = opts["reuse"] and not others and sizes == (n, m)
        if not reuse and sizes != (0, 0):
            raise CommandError(
                "--store needs an empty database (it rematches and prunes every stored "
                "suggestion), or --reuse with a network a --keep run left of the same "
                "sizes: point DATABASE_URL at a scratch database"
            )
        out["vendor"] = connection.vendor
        if not reuse:
            t = time.perf_counter()
            scale.store_synthetic_world(n, m, seed=opts["seed"], today=TODAY)
            out["generate_seconds"] = round(time.perf_counter() - t, 2)
            self.say(f"stored {n} scientists, {m} projects in {out['generate_seconds']}s")
        try:
            matcher.forget_model()
            matcher.TIMINGS.clear()
            t = time.perf_counter()
            run = matcher.run_full_rematch()
            seconds = time.perf_counter() - t
            timings = dict(matcher.TIMINGS)
            rows_written = int(timings.get("rows_written", 0))
            scoring = timings.get("score_s", 0.0)
            # what storing adds to the run: building rows, waiting for writes
            # (done in line, or on a second connection while the next chunk is
            # scored), pruning and floors
            waited = timings.get("write_wait_s", timings.get("write_s", 0.0))
            storing = timings.get("rows_s", 0.0) + waited + timings.get("prune_s", 0.0)
            out.update(
                pairs_scored=MatchRun.objects.get(pk=run.pk).pairs_scored,
                seconds=round(seconds, 2),
                fit_seconds=round(timings.get("fit_s", 0.0), 2),
                scoring_seconds=round(scoring, 2),
                rows_seconds=round(timings.get("rows_s", 0.0), 2),
                write_seconds=round(timings.get("write_s", 0.0), 2),
                write_wait_seconds=round(waited, 2),
                storing_seconds=round(storing, 2),
                prune_seconds=round(timings.get("prune_s", 0.0), 2),
                storing_to_scoring=round(storing / scoring, 2) if scoring else None,
                rows_written=rows_written,
                rows_kept=Match.objects.count(),
                rows_per_second_stored=round(rows_written / storing) if storing else None,
                peak_rss_mb=round(_rss_mb(), 1),
            )
            self.say(
                f"stored rematch: {rows_written} rows written in {seconds:.1f}s "
                f"(fit {out['fit_seconds']}s, scoring {out['scoring_seconds']}s, "
                f"storing {out['storing_seconds']}s: rows {out['rows_seconds']}s, writes "
                f"{out['write_seconds']}s of which waited {out['write_wait_seconds']}s, "
                f"prune and floors {out['prune_seconds']}s)"
            )
            out.update(self.db_rescoring(opts["seed"]))
        finally:
            if not opts["keep"]:
                with transaction.atomic():
                    Match.objects.all().delete()
                    MatchRun.objects.all().delete()
                    scale.delete_synthetic_world()
                matcher.forget_model()
        self.stdout.write(json.dumps(out))

    def db_rescoring(self, seed: int) -> dict:
        """Rescoring one scientist and one project through the database, with
        every stored suggestion of the run in place, as the task after a save
        does: once for a save that changes no score and once after an edit of
        the hours a month (scores move; lists the owner drops out of are
        rebuilt). The first call warms this process's caches, as a worker's
        first task does."""
        from django.db.models import F
        from django.utils import timezone

        from matching import matcher
        from matching.models import Match
        from profiles.models import Project, ScientistProfile

        rng = random.Random(seed)
        out = {}
        for name, model, rescore, n in (
            ("scientist", ScientistProfile, matcher.rescore_scientist, 40),
            ("project", Project, matcher.rescore_project, 15),
        ):
            ids = list(model.objects.values_list("id", flat=True))
            rescore(ids[0])
            for label in ("", "_edited"):
                times = []
                for pk in rng.sample(ids, min(n, len(ids))):
                    if label:
                        model.objects.filter(pk=pk).update(
                            hours_per_month=F("hours_per_month") + 8, updated_at=timezone.now()
                        )
                    t = time.perf_counter()
                    rescore(pk)
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                out[f"db_one_{name}{label}_ms"] = round(statistics.median(times), 1)
                out[f"db_one_{name}{label}_p95_ms"] = round(times[int(0.95 * (len(times) - 1))], 1)
        out["rows_after_rescoring"] = Match.objects.count()
        self.say(
            "rescoring through the database (medians): one scientist "
            f"{out['db_one_scientist_ms']} ms ({out['db_one_scientist_edited_ms']} ms edited), "
            f"one project {out['db_one_project_ms']} ms "
            f"({out['db_one_project_edited_ms']} ms edited)"
        )
        return out
