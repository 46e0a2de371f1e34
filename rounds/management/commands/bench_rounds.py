"""Time the round solver on a synthetic round of the issue's size (no database).

Each project gets its top `--candidates` scientists. Popularity is skewed, as in
the real network: a few strong scientists top many lists, so seats compete for
them and a greedy pass loses score. Prints a JSON object as its last line.
"""

import json
import resource
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from rounds import solver

SEAT_CHOICES = [1, 1, 2, 2, 3, 4]  # as in the demo data


def synthetic_round(
    *, projects: int, scientists: int, candidates: int, capacity_mix: bool, seed: int
) -> solver.Instance:
    rng = np.random.default_rng(seed)
    strength = rng.beta(2, 5, scientists)  # most scientists middling, a few strong
    popularity = strength**3 + 1e-4
    popularity /= popularity.sum()
    edge_project = np.repeat(np.arange(projects), candidates)
    edge_scientist = rng.choice(scientists, size=projects * candidates, p=popularity)
    # Distinct pairs only (a project's list names a scientist once).
    key = edge_project.astype(np.int64) * scientists + edge_scientist
    _, first = np.unique(key, return_index=True)
    edge_project, edge_scientist = edge_project[first], edge_scientist[first]
    fit = rng.random(len(edge_project))
    score = np.clip(0.25 + 0.45 * strength[edge_scientist] + 0.3 * fit, 0, 1)
    capacity = rng.choice([1, 1, 1, 2, 3], scientists) if capacity_mix else np.ones(scientists)
    return solver.Instance(
        seats=rng.choice(SEAT_CHOICES, projects),
        capacity=capacity,
        edge_project=edge_project,
        edge_scientist=edge_scientist,
        edge_score=np.round(score, 4),
    )


class Command(BaseCommand):
    help = "Benchmark the round solver on a synthetic round; the last line is JSON."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--scientists", type=int, default=100_000)
        parser.add_argument("--candidates", type=int, default=50, help="per project")
        parser.add_argument(
            "--capacity-mix", action="store_true", help="capacities 1-3 instead of all 1"
        )
        parser.add_argument(
            "--institution-cap",
            type=int,
            help="also apply 'at most N per institution abroad' (solved by the integer program)",
        )
        parser.add_argument("--seed", type=int, default=2027)

    def handle(self, *args, **opts):
        for name in ("projects", "scientists", "candidates"):
            if not 1 <= opts[name] <= 10_000_000:
                raise CommandError(f"--{name} must be between 1 and 10000000")
        started = time.perf_counter()
        inst = synthetic_round(
            projects=opts["projects"],
            scientists=opts["scientists"],
            candidates=min(opts["candidates"], opts["scientists"]),
            capacity_mix=opts["capacity_mix"],
            seed=opts["seed"],
        )
        if opts["institution_cap"]:
            rng = np.random.default_rng(opts["seed"] + 1)
            # About one institution abroad per 100 scientists.
            institutions = max(opts["scientists"] // 100, 1)
            inst.scientist_group = rng.integers(0, institutions, opts["scientists"])
            inst.group_cap = opts["institution_cap"]
        build_s = time.perf_counter() - started
        best = solver.solve(inst)
        baseline = solver.greedy(inst)
        seats = int(inst.seats.sum())
        figures = {
            "projects": opts["projects"],
            "scientists": opts["scientists"],
            "candidate_pairs": len(inst.edge_project),
            "seats": seats,
            "solver": best.method,
            "build_seconds": round(build_s, 2),
            "solve_seconds": round(best.seconds, 2),
            "greedy_seconds": round(baseline.seconds, 2),
            "assigned": int(best.chosen.sum()),
            "greedy_assigned": int(baseline.chosen.sum()),
            "total_score": round(best.total_score, 4),
            "greedy_total_score": round(baseline.total_score, 4),
            "gain_vs_greedy_percent": round(
                100 * (best.total_score - baseline.total_score) / max(baseline.total_score, 1e-9),
                2,
            ),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        self.stdout.write(json.dumps(figures))
