"""The optimal assignment of a round: scientists to project seats. numpy and scipy only.

A round is a bipartite b-matching: each project has free seats, each scientist a
free capacity, and each candidate pair (a stored suggestion with a score above 0)
may be used once. The assignment maximises the total score.

- Without rules it is solved exactly as a minimum-weight full bipartite matching
  (scipy.sparse.csgraph.min_weight_full_bipartite_matching, LAPJVsp) on the
  seat/capacity expansion: every seat is a row, every unit of a scientist's
  capacity a column, plus one "empty" column per seat. A pair between a project
  with several seats and a scientist with several units of capacity would be
  usable twice in that expansion, so such a pair goes through a two-node gadget
  (its own row and column) that lets it carry at most one unit; gadgets are
  added only to the pairs an optimum used twice, and the matching solved again.
- With rules (at most N scientists per institution abroad; at least one seat in
  each under-served state) it is an integer program solved exactly by HiGHS
  (scipy.optimize.milp). The state rule comes first: the solver covers as many
  under-served states as can be covered, then maximises the score.

Scores are compared as integers (score x 10,000: the four decimals the matcher's
commands print), so "optimal" is exact and ties are not blurred by rounding.
Forced pairs are in the assignment before anything else; they use up seats,
capacity and the institution quota and count for their state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SCALE = 10_000


class SolverError(Exception):
    """The solver did not reach a proven optimum."""


@dataclass
class Instance:
    """Projects 0..P-1 and scientists 0..S-1, with candidate pairs as parallel arrays.

    `edge_score` are scores in [0, 1]; pairs are unique. `scientist_group` maps a
    scientist to an institution-abroad group (-1: none) limited to `group_cap`
    scientists; `project_state` maps a project to an under-served state (-1: none).
    `forced` marks pairs the coordinator imposed.
    """

    seats: np.ndarray
    capacity: np.ndarray
    edge_project: np.ndarray
    edge_scientist: np.ndarray
    edge_score: np.ndarray
    forced: np.ndarray | None = None
    scientist_group: np.ndarray | None = None
    group_cap: int | None = None
    project_state: np.ndarray | None = None

    def __post_init__(self):
        self.seats = np.asarray(self.seats, dtype=np.int64)
        self.capacity = np.asarray(self.capacity, dtype=np.int64)
        self.edge_project = np.asarray(self.edge_project, dtype=np.int64)
        self.edge_scientist = np.asarray(self.edge_scientist, dtype=np.int64)
        self.edge_score = np.asarray(self.edge_score, dtype=np.float64)
        n = len(self.edge_project)
        self.forced = (
            np.zeros(n, dtype=bool) if self.forced is None else np.asarray(self.forced, bool)
        )
        self.weight = np.rint(self.edge_score * SCALE).astype(np.int64)

    @property
    def has_rules(self) -> bool:
        groups = self.group_cap is not None and self.scientist_group is not None
        states = self.project_state is not None and bool((self.project_state >= 0).any())
        return groups or states


@dataclass
class Solution:
    chosen: np.ndarray  # bool per edge
    total_weight: int
    method: str
    seconds: float
    uncovered_states: list[int] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        return self.total_weight / SCALE


@dataclass
class _Residual:
    """What is left once the forced pairs are in: free seats, capacity, quotas."""

    seats: np.ndarray
    capacity: np.ndarray
    group_left: np.ndarray | None
    covered_states: set[int]
    free: np.ndarray  # indices of edges the solver may still choose


def _residual(inst: Instance) -> _Residual:
    seats = inst.seats.copy()
    capacity = inst.capacity.copy()
    forced = np.flatnonzero(inst.forced)
    np.subtract.at(seats, inst.edge_project[forced], 1)
    np.subtract.at(capacity, inst.edge_scientist[forced], 1)
    group_left = None
    if inst.group_cap is not None and inst.scientist_group is not None:
        n_groups = max(int(inst.scientist_group.max(initial=-1)) + 1, 1)
        group_left = np.full(n_groups, inst.group_cap, dtype=np.int64)
        g = inst.scientist_group[inst.edge_scientist[forced]]
        np.subtract.at(group_left, g[g >= 0], 1)
        group_left = np.maximum(group_left, 0)
    covered = set()
    if inst.project_state is not None:
        states = inst.project_state[inst.edge_project[forced]]
        covered = {int(t) for t in states if t >= 0}
    seats = np.maximum(seats, 0)
    capacity = np.maximum(capacity, 0)
    ok = (
        ~inst.forced
        & (inst.weight > 0)
        & (seats[inst.edge_project] > 0)
        & (capacity[inst.edge_scientist] > 0)
    )
    if group_left is not None:
        g = inst.scientist_group[inst.edge_scientist]
        ok &= (g < 0) | (group_left[np.maximum(g, 0)] > 0)
    return _Residual(seats, capacity, group_left, covered, np.flatnonzero(ok))


def solve(inst: Instance) -> Solution:
    """The optimal assignment: a bipartite matching without rules, an integer program with."""
    if inst.has_rules:
        return solve_milp(inst)
    return solve_matching(inst)


def _uncovered(inst: Instance, chosen: np.ndarray) -> list[int]:
    if inst.project_state is None:
        return []
    wanted = {int(t) for t in inst.project_state if t >= 0}
    got = {int(t) for t in inst.project_state[inst.edge_project[chosen]] if t >= 0}
    return sorted(wanted - got)


def _solution(inst: Instance, chosen: np.ndarray, method: str, started: float) -> Solution:
    return Solution(
        chosen=chosen,
        total_weight=int(inst.weight[chosen].sum()),
        method=method,
        seconds=time.perf_counter() - started,
        uncovered_states=_uncovered(inst, chosen),
    )


def solve_matching(inst: Instance) -> Solution:
    """Exact maximum-score b-matching through LAPJVsp on the seat/capacity expansion.

    Gadgets are added lazily: solve with gadgets only on the pairs seen used twice
    so far (a relaxation of the real problem), and add gadgets for the pairs its
    optimum uses twice, until none is. The last optimum uses every pair at most
    once, so it is feasible, and being the optimum of a relaxation it is optimal.
    """
    started = time.perf_counter()
    guarded = np.zeros(len(inst.edge_project), dtype=bool)
    while True:
        chosen, doubled = _solve_matching(inst, guarded)
        if not len(doubled):
            return _solution(inst, chosen, "matching", started)
        guarded[doubled] = True


def _solve_matching(inst: Instance, guarded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(chosen edges, edges used more than once): `guarded` edges get a gadget."""
    res = _residual(inst)
    chosen = inst.forced.copy()
    free = res.free
    if len(free) == 0:
        return chosen, free
    p = inst.edge_project[free]
    s = inst.edge_scientist[free]
    w = inst.weight[free]
    seat_start = np.concatenate([[0], np.cumsum(res.seats)])
    copy_start = np.concatenate([[0], np.cumsum(res.capacity)])
    n_seats, n_copies = int(seat_start[-1]), int(copy_start[-1])
    big = SCALE + 1  # every cost stays >= 1: LAPJVsp needs no zero-weight edges
    ns, nc = res.seats[p], res.capacity[s]
    gadget = (ns > 1) & (nc > 1) & guarded[free]
    n_gadgets = int(gadget.sum())

    rows, cols, costs, ids = [], [], [], []
    # Direct pairs: one side has a single unit, so the pair cannot be used twice.
    d = np.flatnonzero(~gadget)
    k = ns[d] * nc[d]
    e = np.repeat(d, k)
    j = np.arange(len(e)) - np.repeat(np.cumsum(k) - k, k)
    rows.append(seat_start[p[e]] + j // nc[e])
    cols.append(copy_start[s[e]] + j % nc[e])
    costs.append(big - w[e])
    ids.append(e + 1)
    # Gadget pairs: row n_seats+g ("pair at the scientist's end"), column
    # n_copies+g ("pair at the project's end"). Either a seat takes the column and
    # the row takes one unit of the scientist (pair used), or the row takes its
    # own column (pair unused).
    g_edges = np.flatnonzero(gadget)
    g_index = np.arange(n_gadgets)
    k = ns[g_edges]
    e = np.repeat(g_edges, k)
    gi = np.repeat(g_index, k)
    j = np.arange(len(e)) - np.repeat(np.cumsum(k) - k, k)
    rows.append(seat_start[p[e]] + j)
    cols.append(n_copies + gi)
    costs.append(big - w[e])
    ids.append(np.zeros(len(e), dtype=np.int64))
    k = nc[g_edges]
    e = np.repeat(g_edges, k)
    gi = np.repeat(g_index, k)
    j = np.arange(len(e)) - np.repeat(np.cumsum(k) - k, k)
    rows.append(n_seats + gi)
    cols.append(copy_start[s[e]] + j)
    costs.append(np.full(len(e), big))
    ids.append(np.zeros(len(e), dtype=np.int64))
    rows.append(n_seats + g_index)
    cols.append(n_copies + g_index)
    costs.append(np.full(n_gadgets, big))
    ids.append(np.zeros(n_gadgets, dtype=np.int64))
    # An empty seat: its own dummy column.
    rows.append(np.arange(n_seats))
    cols.append(n_copies + n_gadgets + np.arange(n_seats))
    costs.append(np.full(n_seats, big))
    ids.append(np.zeros(n_seats, dtype=np.int64))

    rows, cols = np.concatenate(rows), np.concatenate(cols)
    shape = (n_seats + n_gadgets, n_copies + n_gadgets + n_seats)
    graph = sparse.csr_matrix((np.concatenate(costs).astype(np.float64), (rows, cols)), shape)
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    col_of = np.full(shape[0], -1, dtype=np.int64)
    col_of[matched_rows] = matched_cols

    seat_cols = col_of[:n_seats]
    direct = seat_cols < n_copies
    # Which direct pair a matched (seat, unit) cell is: look the cell up among the edges.
    ids = np.concatenate(ids)
    keys = rows * shape[1] + cols
    order = np.argsort(keys)
    wanted = np.flatnonzero(direct) * shape[1] + seat_cols[direct]
    at = order[np.searchsorted(keys, wanted, sorter=order)]
    direct_ids = ids[at] - 1
    direct_ids = direct_ids[direct_ids >= 0]
    used, times = np.unique(direct_ids, return_counts=True)
    chosen[free[used]] = True
    used_gadgets = seat_cols[(seat_cols >= n_copies) & (seat_cols < n_copies + n_gadgets)]
    chosen[free[g_edges[used_gadgets - n_copies]]] = True
    return chosen, free[used[times > 1]]


def solve_milp(inst: Instance) -> Solution:
    """Exact assignment under the rules through HiGHS (states covered first, then score)."""
    started = time.perf_counter()
    res = _residual(inst)
    chosen = inst.forced.copy()
    free = res.free
    if len(free) == 0:
        return _solution(inst, chosen, "milp", started)
    n = len(free)
    p = inst.edge_project[free]
    s = inst.edge_scientist[free]
    cols = np.arange(n)
    blocks = [
        sparse.csr_matrix((np.ones(n), (p, cols)), shape=(len(res.seats), n)),
        sparse.csr_matrix((np.ones(n), (s, cols)), shape=(len(res.capacity), n)),
    ]
    upper = [res.seats, res.capacity]
    if res.group_left is not None:
        g = inst.scientist_group[s]
        has = g >= 0
        blocks.append(
            sparse.csr_matrix(
                (np.ones(int(has.sum())), (g[has], cols[has])), shape=(len(res.group_left), n)
            )
        )
        upper.append(res.group_left)
    # y_t = 1 when under-served state t (not yet covered by a forced pair) gets a seat.
    states = []
    if inst.project_state is not None:
        wanted = {int(t) for t in inst.project_state[p] if t >= 0}
        states = sorted(wanted - res.covered_states)
    n_y = len(states)
    a = sparse.hstack([sparse.vstack(blocks), sparse.csr_matrix((sum(len(u) for u in upper), n_y))])
    if n_y:
        index = {t: i for i, t in enumerate(states)}
        t_of = inst.project_state[p]
        in_state = np.flatnonzero(np.isin(t_of, states))
        state_rows = np.array([index[int(t)] for t in t_of[in_state]], dtype=np.int64)
        cover = sparse.hstack(
            [
                sparse.csr_matrix(
                    (-np.ones(len(in_state)), (state_rows, in_state)), shape=(n_y, n)
                ),
                sparse.identity(n_y, format="csr"),
            ]
        )
        a = sparse.vstack([a, cover])
        upper.append(np.zeros(n_y))
    constraints = [LinearConstraint(a.tocsr(), -np.inf, np.concatenate(upper).astype(float))]
    integrality = np.ones(n + n_y)
    bounds = Bounds(0, 1)
    options = {"mip_rel_gap": 0, "disp": False}
    if n_y:
        # First the most states that can be covered, then the best score among those.
        c = np.concatenate([np.zeros(n), -np.ones(n_y)])
        first = milp(c, constraints=constraints, integrality=integrality, bounds=bounds,
                     options=options)  # fmt: skip
        if first.status != 0:
            raise SolverError(first.message)
        best = round(-first.fun)
        constraints.append(
            LinearConstraint(np.concatenate([np.zeros(n), np.ones(n_y)]), best - 0.5, np.inf)
        )
    c = np.concatenate([-inst.weight[free].astype(float), np.zeros(n_y)])
    result = milp(
        c, constraints=constraints, integrality=integrality, bounds=bounds, options=options
    )
    if result.status != 0:
        raise SolverError(result.message)
    chosen[free[result.x[:n] > 0.5]] = True
    return _solution(inst, chosen, "milp", started)


def greedy(inst: Instance) -> Solution:
    """The baseline the review page compares against: best pair first while it fits."""
    started = time.perf_counter()
    res = _residual(inst)
    chosen = inst.forced.copy()
    seats, capacity = res.seats.copy(), res.capacity.copy()
    group_left = None if res.group_left is None else res.group_left.copy()
    order = res.free[np.argsort(-inst.weight[res.free], kind="stable")]
    for e in order.tolist():
        p, s = inst.edge_project[e], inst.edge_scientist[e]
        if seats[p] <= 0 or capacity[s] <= 0:
            continue
        g = -1 if group_left is None else inst.scientist_group[s]
        if g >= 0 and group_left[g] <= 0:
            continue
        chosen[e] = True
        seats[p] -= 1
        capacity[s] -= 1
        if g >= 0:
            group_left[g] -= 1
    return _solution(inst, chosen, "greedy", started)
