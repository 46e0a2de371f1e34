"""Stored suggestions: full rematch in chunks, and incremental rescoring.

The stored Match rows are, for every scientist, its top K open projects and,
for every open project, its top K scientists (K = settings.MATCH_TOP_K),
ranked by score (ties: lower id first). Pairs with no common language, and
projects that are not open, score 0 and are never stored.

A full rematch refits the model (keyword vocabulary, TF-IDF), then scores
chunks of scientists (settings.MATCH_CHUNK_SIZE) against all open projects;
each chunk stores its scientists' top K and every pair that is in its
project's top K *within the chunk* and beats the best lower bound known for
that project's K-th score (shared through the cache; a rematch run in one
process instead holds each project's best K in memory and writes them at the
end). The finishing step
keeps only the rows in a top K on either side, drops rows the run did not
write and records every owner's floor (MatchFloor: its K-th row). Timelines
are measured from the day of the fit, so every path gives a pair the same
score until the next refit.

Rescoring one scientist or project updates the rows to exactly what a full
rematch would store: its new scores are compared with the other side's
floors (one read of them, not a ranking of every stored row); when a pair
falls out of the other side's top K, that side's list is rebuilt from a full
rescoring of its owner, and the floors of every owner touched are refreshed.

Storing: scores and components only; reasons are built when a row is read
(fill_reasons) and kept until its score or components change. On PostgreSQL
rows are COPYed into a temporary table and upserted with one
INSERT ... ON CONFLICT; prune() takes each owner's floor from the rank
indexes and deletes the rows below both floors in one statement. Other
databases use bulk_create, window functions and the ORM.
"""

from __future__ import annotations

import datetime
import json
import logging
import pickle
import threading
import time
import uuid
import zlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from threadpoolctl import ThreadpoolController

from profiles.models import Project, ScientistProfile

from .embeddings import embed_missing
from .models import (
    FEATURE_BLOCK,
    FLOOR_BLOCK,
    BlockVersion,
    FittedModelCopy,
    Match,
    MatchFloor,
    MatchRun,
)
from .scoring.bulk import _sorted_top, candidate_columns
from .scoring.engine import (
    COMPONENTS,
    Features,
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)
from .scoring.explain import Explainer, rounded
from .scoring.records import (
    ProjectRecord,
    ScientistRecord,
    record_from_row,
    record_rows,
    records_from,
    row_key,
)
from .scoring.semantic import text_digest

log = logging.getLogger(__name__)

MODEL_KEY = "matching:model:v1"
MODEL_TOKEN_KEY = "matching:model:v1:token"
_lock = threading.RLock()
_threadpools = ThreadpoolController()
_state: dict = {}
_floor_blocks: dict = {}  # side -> {block: (version, owners, scores, others)}
# seconds spent fitting, scoring, writing and pruning, and rows written
# (read by `bench_matcher --store`; per process)
TIMINGS: defaultdict = defaultdict(float)


def top_k() -> int:
    return settings.MATCH_TOP_K


def chunk_size() -> int:
    return settings.MATCH_CHUNK_SIZE


# ------------------------------------------------------------------- records
def scientist_records(ids=None) -> list[ScientistRecord]:
    qs = ScientistProfile.objects.all()
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return records_from(ScientistRecord, qs)


def open_project_records() -> list[ProjectRecord]:
    return records_from(ProjectRecord, Project.objects.open())


# --------------------------------------------------------------------- model
def fit_model() -> FittedModel:
    """Fit on every stored profile and project; share it through the cache and
    keep a copy in the database."""
    scientists = scientist_records()
    projects = records_from(ProjectRecord, Project.objects.all())
    model, matrix = FittedModel.fit(scientists, projects)
    model.token = uuid.uuid4().hex
    model.today = timezone.localdate()
    blob = zlib.compress(pickle.dumps(model, protocol=5), 1)
    FittedModelCopy.objects.update_or_create(id=1, defaults={"token": model.token, "blob": blob})
    _share(model.token, blob)
    with _lock:
        _state.clear()
        _state["model"] = model
        # The fit analysed every profile's text: chunks scored in this process
        # reuse those rows instead of analysing the texts again.
        rows = {(s.id, text_digest(s.document)): i for i, s in enumerate(scientists)}
        _state["fit_text"] = (model, rows, matrix[: len(scientists)])
    return model


def _scientist_features(model: FittedModel, srecs: list[ScientistRecord]) -> Features:
    fitted = _state.get("fit_text")
    if fitted is not None and fitted[0] is model:
        at = [fitted[1].get((s.id, text_digest(s.document))) for s in srecs]
        if None not in at:
            return scientist_features(model, srecs, fitted[2][at])
    return scientist_features(model, srecs)


def scoring_date(model: FittedModel) -> datetime.date:
    """The day timelines are measured from: the day of the fit, so that the
    rematch and every rescoring until the next refit give a pair the same
    score (with the wall clock, midnight would move every stored score and
    each rescoring would rebuild the lists it is in)."""
    return getattr(model, "today", None) or timezone.localdate()


def current_model() -> FittedModel:
    """The fitted model: this process's copy while it is the current one,
    else the one in the shared cache (refitted nightly), else its copy in the
    database, else a new fit."""
    with _lock:
        model = _state.get("model")
        token = cache.get(MODEL_TOKEN_KEY)
        if model is not None and (token is None or token == getattr(model, "token", None)):
            return model
        blob = cache.get(MODEL_KEY)
        model = _unpickled(blob)
        if model is not None:
            # a fit from before the copy was kept in the database (an upgrade)
            FittedModelCopy.objects.get_or_create(
                id=1, defaults={"token": model.token, "blob": blob}
            )
        else:
            # The cache lost it (a Redis restart): the copy in the database,
            # shared again; a refit only when there is none.
            stored = FittedModelCopy.objects.filter(id=1).first()
            model = _unpickled(stored.blob if stored else None)
            if model is None:
                return fit_model()
            _share(model.token, bytes(stored.blob))
        _state.clear()
        _state["model"] = model
        return model


def _share(token: str, blob: bytes) -> None:
    cache.set(MODEL_KEY, blob, timeout=None)
    cache.set(MODEL_TOKEN_KEY, token, timeout=None)


def _unpickled(blob) -> FittedModel | None:
    if blob is None:
        return None
    try:
        return pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own cache and database
    except Exception:  # noqa: BLE001 - a stale or foreign blob: refit
        return None


def forget_model(*, stored: bool = True) -> None:
    """Drop the model and cached features (benchmarks, tests), and its copy in
    the database unless `stored` is False (a test's rollback drops that): the
    next use fits anew."""
    with _lock:
        _state.clear()
    cache.delete_many([MODEL_KEY, MODEL_TOKEN_KEY])
    if stored:
        FittedModelCopy.objects.all().delete()


def _projects_fingerprint():
    # the versions of every block of projects (migration 0013's triggers)
    return tuple(sorted(BlockVersion.objects.of(BlockVersion.Kind.PROJECTS).items()))


def open_projects(model: FittedModel) -> tuple[list[ProjectRecord], Features]:
    """Open projects' records and features, cached while nothing changes."""
    key = (model.version, id(model), _projects_fingerprint())
    with _lock:
        hit = _state.get("projects")
        if hit and hit[0] == key:
            return hit[1], hit[2]
        recs = open_project_records()
        feats = project_features(model, recs)
        _state["projects"] = (key, recs, feats)
        return recs, feats


BLOCK = FEATURE_BLOCK  # ids per cached block of features for incremental rescoring


def _stale_blocks(kept: dict, versions: dict) -> list[int]:
    """Forget the kept blocks (block -> (version, ...)) that no longer exist;
    the blocks whose current version is not the one kept, in order."""
    for block in set(kept) - set(versions):
        del kept[block]
    return sorted(b for b, v in versions.items() if b not in kept or kept[b][0] != v)


def _feature_blocks(kind: str, model: FittedModel) -> list[Features]:
    """Features of all scientists (or open projects) in blocks of ids; a block
    is read again only when one of its rows changed, and only the rows that
    changed are analysed again."""
    if kind == "scientists":
        qs, record_class = ScientistProfile.objects.all(), ScientistRecord
        features = scientist_features
    else:
        qs, record_class = Project.objects.open(), ProjectRecord
        features = project_features
    # Triggers give a block a new version at every change of its rows, their
    # vectors or (projects) any institution, in the same transaction
    # (migration 0013).
    versions = BlockVersion.objects.of(kind)
    key = f"blocks:{kind}"
    with _lock:
        cached = _state.get(key)
        if cached is None or cached[0] is not model:
            cached = (model, {})
            _state[key] = cached
        blocks = cached[1]
        for b in _stale_blocks(blocks, versions):
            rows = list(
                record_rows(record_class, qs.filter(id__gte=b * BLOCK, id__lt=(b + 1) * BLOCK))
            )
            kept = blocks.get(b, (None, None, {}))
            blocks[b] = (versions[b], *_refreshed(model, features, record_class, kept[1:], rows))
        return [blocks[b][1] for b in sorted(blocks) if blocks[b][1] is not None]


def _refreshed(model, features, record_class, kept, rows) -> tuple[Features | None, dict]:
    """A block's features (None without rows) and each row's key, given what
    was kept of it: rows whose key is unchanged keep their features (at 2,000
    rows a block, analysing every text again took 0.3-0.4 s for one save)."""
    keys = {row["id"]: row_key(row) for row in rows}
    old, old_keys = kept
    unchanged = {i for i, key in keys.items() if old_keys.get(i) == key}
    changed = [row for row in rows if row["id"] not in unchanged]
    if old is None or not rows or len(changed) > len(rows) // 2:
        records = [record_from_row(record_class, row) for row in rows]
        return (features(model, records) if records else None), keys
    if not changed and len(old) == len(rows):
        return old, keys
    same = np.flatnonzero(np.isin(old.ids, np.fromiter(unchanged, np.int64, len(unchanged))))
    parts = [old.take(same, signatures=False)]
    if changed:
        parts.append(features(model, [record_from_row(record_class, row) for row in changed]))
    merged = Features.concat(parts)
    return merged.take(np.argsort(merged.ids, kind="stable")), keys


# ------------------------------------------------------------------ ranking
def _rank_key(score: float, other_id: int):
    return (-score, other_id)


class Rows(NamedTuple):
    """Suggestions to store, one entry per pair."""

    scientist_ids: np.ndarray  # int64
    project_ids: np.ndarray  # int64
    scores: np.ndarray  # float64 (the float32 score, exactly)
    components: np.ndarray  # float64 (pairs x COMPONENTS), rounded as components_at rounds

    @classmethod
    def concat(cls, parts: list[Rows]) -> Rows:
        if not parts:
            return cls(*(np.zeros(0, np.int64),) * 2, np.zeros(0), np.zeros((0, len(COMPONENTS))))
        return cls(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _rows_at(s_ids: np.ndarray, p_ids: np.ndarray, block, ii: np.ndarray, jj: np.ndarray) -> Rows:
    """Rows of the (ii[n], jj[n]) cells of a score block whose rows are the
    scientists `s_ids` and columns the projects `p_ids`: the values
    components_at gives. Reasons are built when a row is read (fill_reasons)."""
    return Rows(
        np.asarray(s_ids, np.int64)[ii],
        np.asarray(p_ids, np.int64)[jj],
        block["total"][ii, jj].astype(np.float64),
        np.stack([_rounded(block[name][ii, jj]) for name in COMPONENTS], axis=1).reshape(
            len(ii), len(COMPONENTS)
        ),
    )


def _rounded(values: np.ndarray) -> np.ndarray:
    """rounded() of every value (Python's round to four decimals), vectorised.

    numpy's round scales by 10**4 in floating point, so where the scaled value
    lies within a hair of a half it can round the other way: those few are
    rounded by Python."""
    x = values.astype(np.float64)
    out = np.round(x, 4)
    scaled = x * 1e4
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out[near_half] = [rounded(v) for v in x[near_half].tolist()]
    return out


def fill_reasons(matches) -> None:
    """Build the reasons of stored suggestions that have none yet and save them.

    Rematches and rescoring store scores and components only (reasons for
    millions of rows nobody opens would cost more than the scoring); a page,
    an export or an introduction asks for them here, and the row keeps them
    until its score next changes."""
    with _one_blas_thread():
        _fill_reasons(matches)


def _fill_reasons(matches) -> None:
    missing = [m for m in matches if m.reasons is None]
    if not missing:
        return
    model = current_model()
    explainer = Explainer(model, today=scoring_date(model))
    by_scientist: dict[int, list] = defaultdict(list)
    for m in missing:
        by_scientist[m.scientist_id].append(m)
    # Batches of whole scientists keep each score block small.
    batch: list = []
    for rows in by_scientist.values():
        batch.extend(rows)
        if len(batch) >= 2000:
            _explain_batch(model, explainer, batch)
            batch = []
    _explain_batch(model, explainer, batch)
    saved = [m for m in missing if m.pk is not None]
    Match.objects.bulk_update(saved, ["reasons"], batch_size=1000)


def _explain_batch(model: FittedModel, explainer: Explainer, matches: list) -> None:
    if not matches:
        return
    srecs = scientist_records({m.scientist_id for m in matches})
    projects = Project.objects.filter(id__in={m.project_id for m in matches})
    precs = records_from(ProjectRecord, projects)
    S, P = scientist_features(model, srecs), project_features(model, precs)
    block = score_block(S, P, today=scoring_date(model))
    row = {r.id: i for i, r in enumerate(srecs)}
    col = {r.id: j for j, r in enumerate(precs)}
    for m in matches:
        i, j = row.get(m.scientist_id), col.get(m.project_id)
        if i is None or j is None:
            m.reasons = []
            continue
        parts = {name: float(v[i, j]) for name, v in block.items()}
        # copied: the explainer shares its reason dicts between pairs
        m.reasons = json.loads(_JSON.encode(explainer.reasons(srecs[i], precs[j], parts)))


_STAGE = "matching_match_rows"
COPY_ABOVE = 1000  # rows upserted through a staging table (COPY) rather than as arrays
# the same JSON values as Django's json.dumps (jsonb stores the parsed value)
_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)
# PostgreSQL's binary COPY: signature, flags, header extension; trailer
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_COPY_TUPLE = np.dtype(
    [("fields", ">i2")]
    + [
        (f"{prefix}{name}", kind)
        for name, kind in [("scientist_id", ">i8"), ("project_id", ">i8"), ("score", ">f8")]
        + [(name, ">f8") for name in COMPONENTS]
        for prefix, kind in (("len_", ">i4"), ("", kind))
    ]
)


def _copy_payload(rows: Rows) -> bytes:
    """Rows in PostgreSQL's binary COPY format, built by numpy (no Python loop
    over rows, so the writer thread hardly needs the interpreter)."""
    data = np.zeros(len(rows.scores), _COPY_TUPLE)
    data["fields"] = 3 + len(COMPONENTS)
    columns = [("scientist_id", rows.scientist_ids), ("project_id", rows.project_ids)]
    columns += [("score", rows.scores)]
    columns += [(name, rows.components[:, c]) for c, name in enumerate(COMPONENTS)]
    for name, values in columns:
        data[f"len_{name}"] = 8
        data[name] = values
    return _COPY_HEADER + data.tobytes() + _COPY_TRAILER


def _upsert(rows: Rows) -> None:
    """Insert or update rows; a row whose score or components change loses its
    reasons (built on read).

    PostgreSQL: binary COPY into a temporary table, then one
    INSERT ... ON CONFLICT. Other databases: bulk_create with update_conflicts."""
    if not len(rows.scores):
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        Match.objects.bulk_create(
            [
                Match(
                    scientist_id=sid,
                    project_id=pid,
                    score=score,
                    components=dict(zip(COMPONENTS, comp, strict=True)),
                    reasons=None,
                    created_at=now,
                    updated_at=now,
                )
                for sid, pid, score, comp in zip(
                    rows.scientist_ids.tolist(),
                    rows.project_ids.tolist(),
                    rows.scores.tolist(),
                    rows.components.tolist(),
                    strict=True,
                )
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["scientist", "project"],
            update_fields=["score", "components", "reasons", "updated_at"],
        )
        return
    table = connection.ops.quote_name(Match._meta.db_table)
    columns = ", ".join(COMPONENTS)
    as_json = ", ".join(f"'{name}', {name}" for name in COMPONENTS)
    # Reasons stay while the score and components stay.
    upsert = (
        f"INSERT INTO {table} AS m "  # noqa: S608 - constant names
        "(scientist_id, project_id, score, components, reasons, created_at, updated_at) "
        f"SELECT scientist_id, project_id, score, jsonb_build_object({as_json}), NULL, %s, %s "
        "FROM {source} ORDER BY scientist_id, project_id "
        "ON CONFLICT (scientist_id, project_id) DO UPDATE SET score = EXCLUDED.score, "
        "components = EXCLUDED.components, updated_at = EXCLUDED.updated_at, "
        "reasons = CASE WHEN m.score = EXCLUDED.score AND m.components = EXCLUDED.components "
        "THEN m.reasons END"
    )
    if len(rows.scores) <= COPY_ABOVE:
        # A rescoring's few rows as arrays: one statement instead of a staging
        # table's five (create, truncate, copy, insert, truncate).
        arrays = [rows.scientist_ids, rows.project_ids, rows.scores, *rows.components.T]
        types = ["bigint", "bigint", *["double precision"] * (1 + len(COMPONENTS))]
        source = (
            "unnest("
            + ", ".join(f"%s::{t}[]" for t in types)
            + f") AS r(scientist_id, project_id, score, {columns})"
        )
        with connection.cursor() as cur:
            cur.execute(upsert.format(source=source), [now, now, *(a.tolist() for a in arrays)])
        return
    with transaction.atomic(), connection.cursor() as cur:
        components = ", ".join(f"{name} double precision" for name in COMPONENTS)
        cur.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ("  # noqa: S608 - constant names
            f"scientist_id bigint, project_id bigint, score double precision, {components})"
        )
        cur.execute(f"TRUNCATE {_STAGE}")
        with cur.copy(f"COPY {_STAGE} FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_copy_payload(rows))
        cur.execute(upsert.format(source=_STAGE), [now, now])
        cur.execute(f"TRUNCATE {_STAGE}")


# -------------------------------------------------------------- full rematch
def _kth_key(run_id: int) -> str:
    return f"matching:run:{run_id}:kth"


def _no_tops(k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, np.int64), np.zeros((0, k), np.float32)


def _shared_tops(run_id: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The run's best k scores known so far per project: (sorted project ids,
    scores best first, 0 where fewer than k are known)."""
    state = cache.get(_kth_key(run_id))
    if not isinstance(state, tuple) or state[1].shape[1] != k:
        return _no_tops(k)
    return state


def _find(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `ids` stands in `sorted_ids`, and whether it is there."""
    if not len(sorted_ids):
        return np.zeros(len(ids), np.intp), np.zeros(len(ids), bool)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return at, sorted_ids[at] == ids


def _tops_at(state, ids: np.ndarray, k: int) -> np.ndarray:
    """Rows of a tops state for these project ids (zeros for unknown ones)."""
    known_ids, known = state
    out = np.zeros((len(ids), k), np.float32)
    at, found = _find(known_ids, ids)
    out[found] = known[at[found]]
    return out


def _merge_tops(state, ids: np.ndarray, tops: np.ndarray, k: int):
    """Per project keep the list with the higher k-th score (never a union of
    two lists, which could count one scientist twice and overstate the bound)."""
    known_ids, known = state
    all_ids = np.union1d(known_ids, ids)
    out = np.zeros((len(all_ids), k), np.float32)
    out[np.searchsorted(all_ids, known_ids)] = known
    at = np.searchsorted(all_ids, ids)
    better = tops[:, k - 1] >= out[at, k - 1]
    out[at[better]] = tops[better]
    return all_ids, out


class ProjectCandidates:
    """The best K rows found so far for each open project, held by the process
    that runs a whole rematch and written once at its end.

    Written chunk by chunk, every row that beat the bound known so far was
    stored and most were pruned after the run (at 20,000 x 2,000, 111,000 of
    523,000 rows written); held here, only the final top K of each project is
    written, less the rows its scientists' own top K already stored."""

    compact_above = 4096  # rows held before the first compaction

    def __init__(self, k: int):
        self.k = k
        self.tops = _no_tops(k)  # (sorted project ids, their best k scores)
        self._parts: list[tuple[Rows, np.ndarray]] = []
        self._held = 0
        self._limit = self.compact_above

    def add(self, rows: Rows, stored: np.ndarray) -> None:
        """Candidate rows; `stored[n]`: row n is already stored (it is in its
        scientist's top K)."""
        self._parts.append((rows, stored))
        self._held += len(rows.scores)
        if self._held > self._limit:
            self._compact()
            self._limit = max(self._limit, 2 * self._held)

    def _compact(self) -> None:
        rows = Rows.concat([r for r, _ in self._parts])
        stored = np.concatenate([f for _, f in self._parts]) if self._parts else np.zeros(0, bool)
        order = np.lexsort((rows.scientist_ids, -rows.scores, rows.project_ids))
        projects = rows.project_ids[order]
        starts = np.flatnonzero(np.r_[True, projects[1:] != projects[:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        best = order[rank < self.k]
        self._parts = [(Rows(*(column[best] for column in rows)), stored[best])]
        self._held = len(best)

    def unstored(self) -> Rows:
        """Each project's top K rows that are not stored yet."""
        self._compact()
        rows, stored = self._parts[0]
        return Rows(*(column[~stored] for column in rows))


def score_chunk(
    run_id: int | None,
    scientist_ids: list[int],
    *,
    store=None,
    candidates: ProjectCandidates | None = None,
) -> int:
    """Score a chunk of scientists against every open project and store the
    rows that can belong to a top K (with `store`, else here and now).

    With `candidates` (a whole rematch in one process) the rows that can
    belong to a project's top K are handed to it instead of stored.
    Returns the number of pairs scored."""
    t0 = time.perf_counter()
    model = current_model()
    k = top_k()
    precs, P = open_projects(model)
    srecs = scientist_records(scientist_ids)
    pairs = 0
    if srecs and precs:
        S = _scientist_features(model, srecs)
        cols = candidate_columns(S, P)
        Pc = P if len(cols) == len(P) else P.take(cols)
        block = score_block(S, Pc, today=scoring_date(model)) if len(cols) else None
        if block is not None:
            total = block["total"]
            pairs = total.size
            best_of_scientist, _ = _sorted_top(total, Pc.ids, k)
            ii, rr = np.nonzero(best_of_scientist >= 0)
            cells = set(zip(ii.tolist(), best_of_scientist[ii, rr].tolist(), strict=True))
            best_of_project, values = _sorted_top(np.ascontiguousarray(total.T), S.ids, k)
            # per project: the chunk's top k that beat the k-th best score seen so
            # far for that project (any k real scores bound the final k-th best)
            if candidates is not None:
                tops = candidates.tops
            else:
                tops = _shared_tops(run_id, k) if run_id else _no_tops(k)
            known = _tops_at(tops, Pc.ids, k)
            found = np.where(best_of_project >= 0, values, np.float32(0.0))
            jj, rr = np.nonzero((best_of_project >= 0) & (found >= known[:, k - 1 :]))
            mine = -np.sort(-np.concatenate([known, found], axis=1), axis=1)[:, :k]
            t1 = time.perf_counter()
            if candidates is not None:
                at = best_of_project[jj, rr]  # the scientists' rows in the block
                stored = (best_of_scientist[at] == jj[:, None]).any(axis=1)
                candidates.add(_rows_at(S.ids, Pc.ids, block, at, jj), stored)
                candidates.tops = _merge_tops(candidates.tops, Pc.ids.astype(np.int64), mine, k)
            else:
                cells.update(zip(best_of_project[jj, rr].tolist(), jj.tolist(), strict=True))
                if run_id:
                    # Other workers may have written meanwhile: merge with the latest.
                    latest = _merge_tops(_shared_tops(run_id, k), Pc.ids.astype(np.int64), mine, k)
                    cache.set(_kth_key(run_id), latest, timeout=24 * 3600)
            TIMINGS["score_s"] += t1 - t0
            cells = np.array(sorted(cells), np.intp).reshape(-1, 2)
            rows = _rows_at(S.ids, Pc.ids, block, cells[:, 0], cells[:, 1])
            TIMINGS["rows_s"] += time.perf_counter() - t1
            TIMINGS["rows_written"] += len(rows.scores)
            (store or _store)(rows)
    if run_id:
        MatchRun.objects.filter(pk=run_id).update(
            chunks_done=F("chunks_done") + 1, pairs_scored=F("pairs_scored") + pairs
        )
    return pairs


def _store(rows: Rows) -> None:
    t = time.perf_counter()
    _upsert(rows)
    TIMINGS["write_s"] += time.perf_counter() - t


class _BackgroundWriter:
    """Stores each chunk's rows from a second thread (its own connection)
    while the next chunk is scored, so that PostgreSQL's share of the writing
    runs on another core. One chunk in flight at a time bounds the memory."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-writer")
        self._pending = None

    def __call__(self, rows: Rows) -> None:
        self.wait()
        self._pending = self._pool.submit(_store, rows)

    def wait(self) -> None:
        if self._pending is not None:
            t = time.perf_counter()
            pending, self._pending = self._pending, None
            pending.result()
            TIMINGS["write_wait_s"] += time.perf_counter() - t

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.submit(connections.close_all).result()
            self._pool.shutdown()


def prune(started_at=None) -> int:
    """Keep only rows in a top K on either side (and, after a run, rows it
    wrote); records every owner's floor (its K-th row) on the way."""
    k = top_k()
    deleted = 0
    if started_at is not None:
        deleted += Match.objects.filter(updated_at__lt=started_at).delete()[0]
    deleted += Match.objects.exclude(project__status="open").delete()[0]
    # An owner's top K is never pruned, so its K-th row (floor) is the same
    # before and after: the floors taken now say which rows to drop.
    refresh_floors("scientist")
    refresh_floors("project")
    if connection.vendor == "postgresql":
        # Below both floors: one join with the floors instead of ranking every
        # row twice (at 20,000 x 2,000 the windows took seconds).
        table = connection.ops.quote_name(Match._meta.db_table)
        floors = connection.ops.quote_name(MatchFloor._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(
                f"DELETE FROM {table} m USING {floors} fs, {floors} fp "  # noqa: S608 - constant names
                "WHERE fs.side = 'scientist' AND fs.owner_id = m.scientist_id "
                "AND fp.side = 'project' AND fp.owner_id = m.project_id "
                "AND (m.score < fs.score OR (m.score = fs.score AND m.project_id > fs.other_id)) "
                "AND (m.score < fp.score OR (m.score = fp.score AND m.scientist_id > fp.other_id))"
            )
            return deleted + cur.rowcount
    ranked = Match.objects.annotate(
        rs=Window(
            RowNumber(),
            partition_by=[F("scientist_id")],
            order_by=[F("score").desc(), F("project_id").asc()],
        ),
        rp=Window(
            RowNumber(),
            partition_by=[F("project_id")],
            order_by=[F("score").desc(), F("scientist_id").asc()],
        ),
    ).filter(rs__gt=k, rp__gt=k)
    doomed = list(ranked.values_list("pk", flat=True))
    for start in range(0, len(doomed), 5000):
        deleted += Match.objects.filter(pk__in=doomed[start : start + 5000]).delete()[0]
    return deleted


def chunk_rows(open_projects: int) -> int:
    """Scientists a chunk holds with this many open projects.

    A chunk's score block (every component of every pair of its scientists
    with every open project) takes about 85 bytes a pair: 500 scientists are
    0.4 GB with 10,000 open projects but 2 GB with 50,000. Bounding the pairs
    (settings.MATCH_CHUNK_PAIRS) keeps each worker process's memory the same
    whatever the network's size; the stored rows do not depend on the split."""
    return max(1, min(chunk_size(), settings.MATCH_CHUNK_PAIRS // max(1, open_projects)))


def chunks_of_scientists() -> list[list[int]]:
    ids = list(ScientistProfile.objects.order_by("id").values_list("id", flat=True))
    size = chunk_rows(Project.objects.open().count())
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def prepare_run(run: MatchRun) -> list[list[int]]:
    """Refit the model and split the scientists in chunks."""
    t0 = time.perf_counter()
    fit_model()
    TIMINGS["fit_s"] += time.perf_counter() - t0
    chunks = chunks_of_scientists()
    MatchRun.objects.filter(pk=run.pk).update(
        chunks_total=len(chunks), chunks_done=0, pairs_scored=0, status=MatchRun.Status.RUNNING
    )
    return chunks


def finish_run(run_id: int) -> MatchRun:
    run = MatchRun.objects.get(pk=run_id)
    t0 = time.perf_counter()
    prune(started_at=run.started_at)
    if connection.vendor == "postgresql":
        # The run rewrote most rows: fresh statistics keep the planner on the
        # indexes for the small lookups of rescoring (not parallel scans).
        with connection.cursor() as cur:
            for model in (Match, MatchFloor):
                cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    TIMINGS["prune_s"] += time.perf_counter() - t0
    cache.delete(_kth_key(run_id))
    run.status = MatchRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def run_full_rematch(run: MatchRun | None = None) -> MatchRun:
    """Full rematch in this process (the tasks split the same work across workers)."""
    if run is None:
        run = MatchRun.objects.create()
    try:
        embed_missing()
        chunks = prepare_run(run)
        # A second connection sees only committed rows: inside a transaction
        # (tests) or on SQLite the rows are written in line.
        writer = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            writer = _BackgroundWriter()
        candidates = ProjectCandidates(top_k())
        try:
            for chunk in chunks:
                score_chunk(run.pk, chunk, store=writer, candidates=candidates)
            rows = candidates.unstored()
            TIMINGS["rows_written"] += len(rows.scores)
            (writer or _store)(rows)
        finally:
            if writer is not None:
                writer.close()
        return finish_run(run.pk)
    except Exception:
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, finished_at=timezone.now()
        )
        raise


# --------------------------------------------------------------- incremental
_OWNER = {"scientist": ("scientist_id", "project_id"), "project": ("project_id", "scientist_id")}


def refresh_floors(side: str, owners=None) -> None:
    """Recompute the floors of these owners (every owner of the side when None)
    from the stored rows."""
    k = top_k()
    if owners is not None:
        owners = sorted(set(owners))
        if not owners:
            return
    if connection.vendor == "postgresql":
        _refresh_floors_pg(side, owners, k)
        return
    owner, other = _OWNER[side]
    floors, rows = MatchFloor.objects.filter(side=side), Match.objects.all()
    if owners is not None:
        floors = floors.filter(owner_id__in=owners)
        rows = rows.filter(**{f"{owner}__in": owners})
    ranked = rows.annotate(
        rank=Window(
            RowNumber(), partition_by=[F(owner)], order_by=[F("score").desc(), F(other).asc()]
        )
    ).filter(rank=k)
    with transaction.atomic(savepoint=False):
        fresh = {o: (score, x) for o, score, x in ranked.values_list(owner, "score", other)}
        kept = {
            o: (score, x) for o, score, x in floors.values_list("owner_id", "score", "other_id")
        }
        # only the floors that changed are written (see _refresh_floors_pg)
        stale = [o for o, floor in kept.items() if fresh.get(o) != floor]
        for start in range(0, len(stale), 5000):
            floors.filter(owner_id__in=stale[start : start + 5000]).delete()
        MatchFloor.objects.bulk_create(
            (
                MatchFloor(side=side, owner_id=o, score=score, other_id=x)
                for o, (score, x) in fresh.items()
                if kept.get(o) != (score, x)
            ),
            batch_size=5000,
        )


def _refresh_floors_pg(side: str, owners: list[int] | None, k: int) -> None:
    """Each owner's k-th row straight from its (owner, -score, other) index.

    For some owners, in one statement that writes only the floors that
    changed: an unchanged floor keeps its block's version, so workers do not
    read the block again (every rescoring used to rewrite the floors of the 20
    to 40 owners it touched)."""
    owner, other = _OWNER[side]
    match = connection.ops.quote_name(Match._meta.db_table)
    table = connection.ops.quote_name(MatchFloor._meta.db_table)
    kth = (
        f"CROSS JOIN LATERAL (SELECT score, {other} AS other FROM {match} "
        f"WHERE {owner} = o.id ORDER BY score DESC, {other} ASC OFFSET %s LIMIT 1) m"
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        if owners is None:
            MatchFloor.objects.filter(side=side).delete()
            cur.execute(
                f"INSERT INTO {table} (side, owner_id, score, other_id) "  # noqa: S608
                f"SELECT %s, o.id, m.score, m.other FROM (SELECT DISTINCT {owner} AS id "
                f"FROM {match}) AS o(id) {kth}",
                [side, k - 1],
            )
            return
        cur.execute(
            f"WITH fresh AS (SELECT o.id, m.score, m.other "  # noqa: S608
            f"FROM unnest(%s::bigint[]) AS o(id) {kth}), "
            f"gone AS (DELETE FROM {table} f WHERE f.side = %s "
            "AND f.owner_id = ANY(%s::bigint[]) "
            "AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.id = f.owner_id)) "
            f"INSERT INTO {table} AS f (side, owner_id, score, other_id) "
            "SELECT %s, id, score, other FROM fresh "
            "ON CONFLICT (side, owner_id) DO UPDATE SET score = EXCLUDED.score, "
            "other_id = EXCLUDED.other_id WHERE f.score <> EXCLUDED.score "
            "OR f.other_id <> EXCLUDED.other_id",
            [owners, k - 1, side, owners, side],
        )


_FLOOR_ROW = np.dtype([("owner", ">i8"), ("score", ">f8"), ("other", ">i8")])
_FLOOR_TYPES = (np.int64, np.float64, np.int64)


def _floors(side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Owner ids (sorted), k-th scores and k-th other ids of one side's floors.

    Kept in this process by blocks of owners: a rescoring reads the blocks'
    versions and then only the blocks whose version changed (at 100,000
    scientists, reading every floor took 115 ms of each project's
    rescoring)."""
    versions = BlockVersion.objects.of(f"{side} floors")
    with _lock:
        kept = _floor_blocks.setdefault(side, {})
        stale = _stale_blocks(kept, versions)
        if stale:
            owners, scores, others = _read_floors(side, stale)
            bounds = np.searchsorted(owners // FLOOR_BLOCK, [*stale, stale[-1] + 1])
            for n, block in enumerate(stale):
                rows = slice(bounds[n], bounds[n + 1])
                kept[block] = (versions[block], owners[rows], scores[rows], others[rows])
        blocks = [kept[b] for b in sorted(kept)]
    if not blocks:
        return tuple(np.zeros(0, dtype) for dtype in _FLOOR_TYPES)
    return tuple(np.concatenate([b[n + 1] for b in blocks]) for n in range(3))


def _read_floors(side: str, blocks: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The floors of these blocks of owners, sorted by owner."""
    table = connection.ops.quote_name(MatchFloor._meta.db_table)
    # Runs of blocks as ranges of the (side, owner) index: a join with the list
    # of blocks was planned as a filter of every floor of the side for each
    # block (13 ms for 10,000 projects' floors, each time a save changed them).
    ranges = _runs(blocks)
    where = " OR ".join(["owner_id >= %s AND owner_id < %s"] * len(ranges))
    params = [side, *(bound * FLOOR_BLOCK for run in ranges for bound in run)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Every row as 24 bytes of one binary string: 100,000 floors arrive
            # in half the time rows of Python objects take.
            cur.execute(
                "SELECT string_agg(int8send(owner_id) || float8send(score) "  # noqa: S608
                f"|| int8send(other_id), ''::bytea) FROM {table} WHERE side = %s AND ({where})",
                params,
            )
            (blob,) = cur.fetchone()
            rows = np.frombuffer(b"" if blob is None else bytes(blob), _FLOOR_ROW)
            # in native byte order: argsort is slower on big-endian numbers
            owners, scores, others = (
                rows[name].astype(dtype)
                for name, dtype in zip(_FLOOR_ROW.names, _FLOOR_TYPES, strict=True)
            )
        else:
            cur.execute(
                f"SELECT owner_id, score, other_id FROM {table} "  # noqa: S608
                f"WHERE side = %s AND ({where})",
                params,
            )
            rows = cur.fetchall()
            owners, scores, others = (
                np.array([r[i] for r in rows], dtype) for i, dtype in enumerate(_FLOOR_TYPES)
            )
    order = np.argsort(owners, kind="stable")
    return owners[order], scores[order], others[order]


def _runs(blocks: list[int]) -> list[tuple[int, int]]:
    """Sorted block numbers as runs [first, last + 1) of consecutive ones."""
    runs: list[list[int]] = []
    for block in blocks:
        if runs and runs[-1][1] == block:
            runs[-1][1] = block + 1
        else:
            runs.append([block, block + 1])
    return [(first, end) for first, end in runs]


def _best(new: np.ndarray, others: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best of `new` (ties: the lower other id first)."""
    if len(new) > k:
        # only values up to the k-th largest can be among the k best
        kth = np.partition(new, len(new) - k)[len(new) - k]
        candidates = np.flatnonzero(new >= kth)
    else:
        candidates = np.arange(len(new))
    return candidates[np.lexsort((others[candidates], -new[candidates]))][:k]


def _top_set(entries: list[tuple[float, int]], k: int) -> set[int]:
    return {oid for _s, oid in sorted((_rank_key(s, o) for s, o in entries))[:k]}


def _reconcile(side: str, owner_id: int, others: np.ndarray, new: np.ndarray):
    """Compare an owner's new scores (`new[i]` against `others[i]`) with the
    stored rows and the other side's floors.

    Returns (others to store with the owner, other owners whose own top K
    lost this owner and must be rebuilt, (owner of the other side, this side's
    id) rows pushed out of the other side's top K that may need deleting)."""
    k = top_k()
    owner, other = _OWNER[side]
    old = dict(Match.objects.filter(**{owner: owner_id}).values_list(other, "score"))
    f_ids, f_scores, f_others = _floors("project" if side == "scientist" else "scientist")
    at, has = _find(f_ids, others)
    floor = np.where(has, f_scores[at] if len(f_ids) else 0.0, 0.0)
    floor_other = np.where(has, f_others[at] if len(f_ids) else 0, 0)
    positive = new > 0
    # enters the other's top K: above its floor, or it has fewer than K rows
    beats = positive & (~has | (new > floor) | ((new == floor) & (owner_id < floor_other)))
    best = _best(new, others, k)
    keep = {int(o) for o in others[best][positive[best]]}
    rebuild, pushed = set(), set()
    stored = np.isin(others, np.fromiter(old, np.int64, len(old)))
    for c in np.flatnonzero(beats | stored).tolist():
        o, score = int(others[c]), float(new[c])
        floor_key = (-float(floor[c]), int(floor_other[c]))
        was_in = o in old and (not has[c] or _rank_key(old[o], owner_id) <= floor_key)
        if not was_in:
            if beats[c]:
                keep.add(o)
                if has[c]:
                    pushed.add((int(floor_other[c]), o))
        elif not has[c]:
            if score > 0:
                keep.add(o)  # fewer than K rows: every candidate of the other is stored
        elif score > 0 and _rank_key(score, owner_id) <= _rank_key(old[o], owner_id):
            keep.add(o)  # the owner only moved up in the other's list
        elif score > 0 and floor_key[1] != owner_id and _rank_key(score, owner_id) < floor_key:
            # moved down but still above the other's K-th row: only this pair's
            # score changed, so the other's top K is the same set
            keep.add(o)
        else:
            rebuild.add(o)  # it may fall out: rebuild the other's list
    return keep, rebuild, pushed, set(old)


def _drop_if_outside(side_of_owner: str, pairs: set) -> None:
    """Delete pushed-out rows unless the pair is in its own owner's top K."""
    k = top_k()
    owner, other = _OWNER[side_of_owner]
    for owner_id, other_id in pairs:
        entries = list(Match.objects.filter(**{owner: owner_id}).values_list("score", other))
        if other_id not in _top_set(entries, k):
            Match.objects.filter(**{owner: owner_id, other: other_id}).delete()


def _scores_against(kind: str, these: Features, model: FittedModel):
    """Scores of scientists (kind "projects": against every open project, one
    row per scientist) or of one project (kind "scientists": against every
    scientist), block by block: (ids of the others, totals as float64 with one
    row per scientist, or one vector for the project, [(ids, block)])."""
    ids, totals, blocks = [], [], []
    today = scoring_date(model)
    for F_ in _feature_blocks(kind, model):
        if kind == "projects":
            block = score_block(these, F_, today=today)
        else:
            block = {k: v[:, 0] for k, v in score_block(F_, these, today=today).items()}
        ids.append(F_.ids)
        totals.append(block["total"].astype(np.float64))
        blocks.append((F_.ids, {k: block[k] for k in ("total", *COMPONENTS)}))
    if not ids:
        shape = (len(these), 0) if kind == "projects" else (0,)
        return np.zeros(0, np.int64), np.zeros(shape), blocks
    return np.concatenate(ids).astype(np.int64), np.concatenate(totals, axis=-1), blocks


def _rows_with(kind: str, owner_id: int, blocks, keep: set) -> Rows:
    """Stored rows of one scientist (kind "projects") or project (kind
    "scientists") against the kept others."""
    parts = []
    kept = np.fromiter(keep, np.int64, len(keep))
    owner = np.array([owner_id], np.int64)
    for ids, block in blocks:
        cols = np.flatnonzero(np.isin(ids, kept))
        if not len(cols):
            continue
        grid = {k: v[None, :] for k, v in block.items()}  # one row: the owner
        rows = _rows_at(owner, ids, grid, np.zeros(len(cols), np.intp), cols)
        if kind == "scientists":
            rows = rows._replace(scientist_ids=rows.project_ids, project_ids=rows.scientist_ids)
        parts.append(rows)
    return Rows.concat(parts)


def _one_blas_thread():
    """One row against blocks: BLAS threads cost far more to start than such
    small products take (80x on a busy 2-core machine)."""
    return _threadpools.limit(limits=1, user_api="blas")


def rescore_scientist(scientist_id: int) -> None:
    """Bring the stored rows of one scientist to what a full rematch stores."""
    rescore_scientists([scientist_id])


def rescore_scientists(scientist_ids) -> None:
    """Bring the stored rows of these scientists to what a full rematch stores,
    one after another (each reads what the previous ones stored), with their
    scores against every open project computed together."""
    with _one_blas_thread():
        ids = sorted(set(scientist_ids))
        for start in range(0, len(ids), RESCORE_BATCH):
            _rescore_scientists(ids[start : start + RESCORE_BATCH])


def rescore_project(project_id: int) -> None:
    """Bring the stored rows of one project to what a full rematch stores."""
    with _one_blas_thread():
        _rescore_project(project_id)


RESCORE_BATCH = 100  # scientists scored together: 100 x 10,000 pairs is about 25 MB


def _rescore_scientists(scientist_ids: list[int]) -> None:
    records = scientist_records(scientist_ids)
    if not records:
        return
    model = current_model()
    S = scientist_features(model, records)
    others, totals, blocks = _scores_against("projects", S, model)
    rebuild_projects: set[int] = set()
    for row, record in enumerate(records):
        mine = [(ids, {k: v[row] for k, v in block.items()}) for ids, block in blocks]
        with transaction.atomic():
            keep, rebuild, pushed, old = _reconcile("scientist", record.id, others, totals[row])
            Match.objects.filter(scientist_id=record.id).exclude(project_id__in=keep).delete()
            _upsert(_rows_with("projects", record.id, mine, keep))
            # pushed rows: (scientist, project) pairs whose project list we displaced them from
            _drop_if_outside("scientist", pushed)
            refresh_floors("scientist", [record.id])
            refresh_floors("project", keep | old | {p for _s, p in pushed})
        rebuild_projects |= rebuild
    for pid in sorted(rebuild_projects):
        rescore_project(pid)


def _rescore_project(project_id: int) -> None:
    project = (
        Project.objects.select_related("institution", "embedding").filter(pk=project_id).first()
    )
    if project is None:
        return
    if not project.is_open:
        k = top_k()
        affected = []
        for sid in Match.objects.filter(project_id=project_id).values_list(
            "scientist_id", flat=True
        ):
            entries = list(
                Match.objects.filter(scientist_id=sid).values_list("score", "project_id")
            )
            if project_id in _top_set(entries, k):
                affected.append(sid)
        with transaction.atomic():
            Match.objects.filter(project_id=project_id).delete()
            MatchFloor.objects.filter(side=MatchFloor.Side.PROJECT, owner_id=project_id).delete()
        rescore_scientists(affected)
        return
    model = current_model()
    p = ProjectRecord.from_project(project)
    P = project_features(model, [p])
    others, new, blocks = _scores_against("scientists", P, model)
    with transaction.atomic():
        keep, rebuild, pushed, old = _reconcile("project", project_id, others, new)
        Match.objects.filter(project_id=project_id).exclude(scientist_id__in=keep).delete()
        _upsert(_rows_with("scientists", project_id, blocks, keep))
        # pushed rows: (project, scientist) pairs displaced from the scientist's list
        _drop_if_outside("project", pushed)
        refresh_floors("project", [project_id])
        refresh_floors("scientist", keep | old | {s for _p, s in pushed})
    rescore_scientists(rebuild)
