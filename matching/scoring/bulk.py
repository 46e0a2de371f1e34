"""Top-k selection over score blocks, and the chunked full rematch in memory.

Rows are scientists, columns projects. Ties are broken by the lower id, the
same rule as the stored rows, so every path selects the same pairs.
"""

from __future__ import annotations

import numpy as np

from .engine import Features, score_block

SUB_BLOCK_PAIRS = 1048576


def candidate_columns(S: Features, P: Features) -> np.ndarray:
    """Projects that can match at least one scientist of the chunk: open, and
    sharing a language with one of them. Other pairs score 0 and are skipped."""
    langs = np.asarray(S.languages.sum(axis=0)).ravel() > 0
    width = P.languages.shape[1]
    mask = np.zeros(width, bool)
    mask[: min(width, len(langs))] = langs[:width]
    shares = np.asarray(P.languages[:, np.flatnonzero(mask)].sum(axis=1)).ravel() > 0
    return np.flatnonzero(shares & P.is_open)


def _sorted_top(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: indices and scores of the k best positive entries, best first.

    `ids[j]` is the id of column j. Missing entries have index -1, score 0."""
    n, m = scores.shape
    kk = min(k, m)
    if kk == 0:
        return np.full((n, k), -1, np.int64), np.zeros((n, k), np.float32)
    if kk < m:
        part = np.argpartition(scores, m - kk, axis=1)[:, m - kk :]
    else:
        part = np.broadcast_to(np.arange(m), (n, m)).copy()
    vals = np.take_along_axis(scores, part, axis=1)
    # exact ties at the k-th value: rows with more candidates than k need the
    # lowest ids among the tied, which argpartition does not guarantee
    kth = vals.min(axis=1)
    if kk < m:
        tied = np.flatnonzero(((scores >= kth[:, None]).sum(axis=1) > kk) & (kth > 0))
        for r in tied:
            row = scores[r]
            cand = np.flatnonzero(row >= kth[r])
            order = np.lexsort((ids[cand], -row[cand].astype(np.float64)))[:kk]
            part[r] = cand[order]
            vals[r] = row[part[r]]
    order = np.lexsort((ids[part], -vals.astype(np.float64)), axis=1)
    part = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    part = np.where(vals > 0, part, -1)
    vals = np.where(vals > 0, vals, 0).astype(np.float32)
    if kk < k:
        part = np.pad(part, ((0, 0), (0, k - kk)), constant_values=-1)
        vals = np.pad(vals, ((0, 0), (0, k - kk)))
    return part, vals


def merge_tops(ids_a, vals_a, ids_b, vals_b, k):
    """Merge two per-row top lists of ids (-1 = none), best first, lower id on ties."""
    ids = np.concatenate([ids_a, ids_b], axis=1)
    vals = np.concatenate([vals_a, vals_b], axis=1)
    big = np.iinfo(np.int64).max
    order = np.lexsort((np.where(ids < 0, big, ids), -vals.astype(np.float64)), axis=1)[:, :k]
    return np.take_along_axis(ids, order, axis=1), np.take_along_axis(vals, order, axis=1)


def score_chunk_tops(S: Features, P: Features, k: int, *, today=None, weights=None):
    """Score one chunk; returns (scientist top ids, scores) and the chunk's
    per-project (top scientist ids, scores) over *all* columns of P, and the
    number of pairs scored."""
    cols = candidate_columns(S, P)
    n, m = len(S), len(P)
    if len(cols) == 0:
        return (
            np.full((n, k), -1, np.int64),
            np.zeros((n, k), np.float32),
            np.full((m, k), -1, np.int64),
            np.zeros((m, k), np.float32),
            0,
        )
    Pc = P if len(cols) == m else P.take(cols)
    total = score_block(S, Pc, today=today, weights=weights, components=False)["total"]
    ri, rv = _sorted_top(total, Pc.ids, k)
    sci_ids = np.where(ri >= 0, Pc.ids[np.maximum(ri, 0)], -1)
    ci, cv = _sorted_top(np.ascontiguousarray(total.T), S.ids, k)
    col_ids = np.where(ci >= 0, S.ids[np.maximum(ci, 0)], -1)
    proj_ids = np.full((m, k), -1, np.int64)
    proj_vals = np.zeros((m, k), np.float32)
    proj_ids[cols], proj_vals[cols] = col_ids, cv
    return sci_ids, rv, proj_ids, proj_vals, n * len(cols)
