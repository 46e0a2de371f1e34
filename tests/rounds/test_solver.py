"""The solver's assignment is optimal, feasible, and never greedy."""

import itertools

import numpy as np
import pytest

from rounds.solver import Instance, greedy, solve, solve_matching, solve_milp


def brute_force(inst: Instance) -> tuple[int, int]:
    """(under-served states covered, total weight) of the best feasible subset, by enumeration."""
    forced = list(np.flatnonzero(inst.forced))
    rest = [e for e in range(len(inst.edge_project)) if not inst.forced[e] and inst.weight[e] > 0]
    best = (-1, -1)
    for size in range(len(rest) + 1):
        for extra in itertools.combinations(rest, size):
            chosen = forced + list(extra)
            if not feasible(inst, chosen, extra):
                continue
            best = max(best, (covered(inst, chosen), int(inst.weight[chosen].sum())))
    return best


def feasible(inst, chosen, extra) -> bool:
    """Limits hold wherever a pair beyond the forced ones was added."""
    extra = list(extra)

    def within(of_chosen, of_extra, limit) -> bool:
        counts = np.bincount(of_chosen, minlength=len(limit))
        added = np.bincount(of_extra, minlength=len(limit))
        return not ((counts > limit) & (added > 0)).any()

    if not within(inst.edge_project[chosen], inst.edge_project[extra], inst.seats):
        return False
    if not within(inst.edge_scientist[chosen], inst.edge_scientist[extra], inst.capacity):
        return False
    if inst.group_cap is not None:
        groups = inst.scientist_group
        n = max(int(groups.max()) + 1, 1)
        g_all = groups[inst.edge_scientist[chosen]]
        g_extra = groups[inst.edge_scientist[extra]]
        if not within(g_all[g_all >= 0], g_extra[g_extra >= 0], np.full(n, inst.group_cap)):
            return False
    return True


def covered(inst, chosen) -> int:
    if inst.project_state is None:
        return 0
    return len({int(t) for t in inst.project_state[inst.edge_project[chosen]] if t >= 0})


def random_instance(rng, *, rules: str, max_edges: int = 11) -> Instance:
    n_projects, n_scientists = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    pairs = [(p, s) for p in range(n_projects) for s in range(n_scientists) if rng.random() < 0.7][
        :max_edges
    ] or [(0, 0)]
    scores = np.round(rng.random(len(pairs)), 4)
    scores[rng.random(len(pairs)) < 0.1] = 0
    kwargs = {
        "seats": rng.integers(1, 4, n_projects),
        "capacity": rng.integers(1, 4, n_scientists),
        "edge_project": [p for p, _s in pairs],
        "edge_scientist": [s for _p, s in pairs],
        "edge_score": scores,
        "forced": rng.random(len(pairs)) < 0.1,
    }
    if rules in ("institutions", "both"):
        kwargs["scientist_group"] = rng.integers(-1, 2, n_scientists)
        kwargs["group_cap"] = int(rng.integers(1, 3))
    if rules in ("states", "both"):
        kwargs["project_state"] = rng.integers(-1, 2, n_projects)
    return Instance(**kwargs)


def chosen_respects_limits(inst: Instance, chosen: np.ndarray) -> bool:
    free = chosen & ~inst.forced
    projects = np.bincount(inst.edge_project[chosen], minlength=len(inst.seats))
    scientists = np.bincount(inst.edge_scientist[chosen], minlength=len(inst.capacity))
    over_seats = (projects > inst.seats) & (np.bincount(inst.edge_project[free],
                                                       minlength=len(inst.seats)) > 0)  # fmt: skip
    over_capacity = (scientists > inst.capacity) & (
        np.bincount(inst.edge_scientist[free], minlength=len(inst.capacity)) > 0
    )
    return not over_seats.any() and not over_capacity.any() and not (inst.weight[free] <= 0).any()


@pytest.mark.parametrize("rules", ["none", "institutions", "states", "both"])
def test_total_equals_the_brute_force_optimum_on_random_small_rounds(rules):
    rng = np.random.default_rng(11)
    for _trial in range(60):
        inst = random_instance(rng, rules=rules)
        solution = solve(inst)
        assert (covered(inst, solution.chosen), solution.total_weight) == brute_force(inst)
        assert chosen_respects_limits(inst, solution.chosen)
        assert inst.forced[inst.forced].all() and solution.chosen[inst.forced].all()


def test_matching_equals_the_integer_program_on_random_medium_rounds():
    rng = np.random.default_rng(5)
    for _trial in range(10):
        n_projects, n_scientists = 40, 80
        pairs = np.array(
            [(p, s) for p in range(n_projects) for s in range(n_scientists) if rng.random() < 0.1]
        )
        inst = Instance(
            seats=rng.integers(1, 4, n_projects),
            capacity=rng.integers(1, 4, n_scientists),
            edge_project=pairs[:, 0],
            edge_scientist=pairs[:, 1],
            edge_score=np.round(rng.random(len(pairs)), 4),
        )
        matching, exact = solve_matching(inst), solve_milp(inst)
        assert matching.total_weight == exact.total_weight
        assert chosen_respects_limits(inst, matching.chosen)


def test_a_pair_is_used_once_even_when_both_sides_have_room_for_more():
    # One project with 3 seats, one scientist who could take 3: one pair, once.
    inst = Instance(seats=[3], capacity=[3], edge_project=[0], edge_scientist=[0],
                    edge_score=[0.9])  # fmt: skip
    assert solve(inst).chosen.tolist() == [True]
    assert solve(inst).total_score == pytest.approx(0.9)


def test_optimum_beats_greedy_where_the_best_pair_blocks_two_good_ones():
    # Scientist 0 is everyone's favourite; greedy gives them to project 0 and leaves
    # project 1 empty; the optimum sends them to project 1 and scientist 1 to project 0.
    inst = Instance(
        seats=[1, 1],
        capacity=[1, 1],
        edge_project=[0, 0, 1],
        edge_scientist=[0, 1, 0],
        edge_score=[0.9, 0.8, 0.85],
    )
    assert greedy(inst).total_score == pytest.approx(0.9)
    assert solve(inst).total_score == pytest.approx(1.65)


def test_zero_score_pairs_are_never_assigned():
    inst = Instance(seats=[2], capacity=[1, 1], edge_project=[0, 0], edge_scientist=[0, 1],
                    edge_score=[0.0, 0.4])  # fmt: skip
    assert solve(inst).chosen.tolist() == [False, True]
