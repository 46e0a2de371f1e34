"""Matching rounds: build the problem from the stored suggestions, solve, publish.

Candidates are the matcher's stored suggestions (its top K per scientist and per
project) with a score above 0 between the round's open projects and any
scientist; a pair either side declined, a pair already introduced, a pair with
no common language and a forbidden pair are never candidates. A project's free
seats are its seats minus the scientists holding one through a signed or
active agreement; a scientist's free capacity is `max_collaborations` minus
their signed and active agreements. Pairs of this round already published and
not declined stay in the assignment when it is recomputed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from matching.models import Interest, Introduction, Match
from matching.scoring import score_pair
from profiles import vocab
from profiles.models import SEAT_TAKING_STAGES, Project, ScientistProfile

from . import solver
from .models import Assignment, PairRule, Round

logger = logging.getLogger(__name__)

# Rounds with more candidate pairs than this are computed by a Celery worker.
INLINE_PAIRS_LIMIT = 20_000


class EmptySeatReason:
    NOT_OPEN = "not_open"
    NO_CANDIDATES = "no_candidates"
    TOO_FEW_CANDIDATES = "too_few_candidates"
    CANDIDATES_TAKEN = "candidates_taken"


def rounds_for_user(user) -> QuerySet[Round]:
    if not user.is_authenticated or not user.is_coordinator:
        return Round.objects.none()
    return Round.objects.all()


def _require_coordinator(user) -> None:
    if not user.is_authenticated or not user.is_coordinator:
        raise PermissionDenied


def shares_language(scientist_languages, project_languages) -> bool:
    """The matcher's language rule: no language listed counts as Spanish."""
    return bool(set(scientist_languages or ["es"]) & set(project_languages or ["es"]))


def _institution_key(name: str) -> str:
    return " ".join((name or "").casefold().split())


@dataclass
class Problem:
    """A round as arrays for the solver, with what is needed to report on it."""

    instance: solver.Instance
    projects: list[Project]
    scientist_ids: list[int]
    scientist_refs: list[str]
    free_seats: list[int]
    not_open: list[Project] = field(default_factory=list)
    published: set[tuple[int, int]] = field(default_factory=set)
    forced_by_rule: set[tuple[int, int]] = field(default_factory=set)
    states: list[str] = field(default_factory=list)

    def pairs(self, mask: np.ndarray) -> list[tuple[int, int, float]]:
        """(scientist index, project index, score) of the chosen edges."""
        inst = self.instance
        return [
            (int(inst.edge_scientist[e]), int(inst.edge_project[e]), float(inst.edge_score[e]))
            for e in np.flatnonzero(mask)
        ]


def build_problem(*, round: Round | None = None, max_per_scientist: int | None = None) -> Problem:
    """The round's assignment problem (every open project when `round` is None)."""
    if round is not None:
        in_round = round.projects.all()
        projects = list(in_round.select_related("institution").order_by("pk"))
    else:
        in_round = Project.objects.open()
        projects = list(in_round.select_related("institution").order_by("pk"))
    not_open = [p for p in projects if not p.is_open]
    projects = [p for p in projects if p.is_open]
    index_of_project = {p.pk: i for i, p in enumerate(projects)}
    open_in_round = Project.objects.filter(pk__in=in_round.values("pk")).open()

    held = defaultdict(set)  # project id -> scientists holding a seat
    for sid, pid in Agreement.objects.filter(
        project__in=open_in_round, stage__in=SEAT_TAKING_STAGES
    ).values_list("scientist_id", "project_id"):
        held[pid].add(sid)
    free_seats = [max(0, p.seats - len(held[p.pk])) for p in projects]

    declined = set(
        Interest.objects.filter(
            project__in=open_in_round, decision=Interest.Decision.DECLINED
        ).values_list("scientist_id", "project_id")
    )
    introduced = set(
        Introduction.objects.filter(project__in=open_in_round).values_list(
            "scientist_id", "project_id"
        )
    )
    rules = {}
    published = set()
    if round is not None:
        rules = {(r.scientist_id, r.project_id): r.kind for r in round.rules.all()}
        published = set(
            round.assignments.filter(status=Assignment.Status.PUBLISHED).values_list(
                "scientist_id", "project_id"
            )
        )
    forced_by_rule = {pair for pair, kind in rules.items() if kind == PairRule.Kind.FORCE}

    scores: dict[tuple[int, int], float] = {}
    for sid, pid, score in (
        Match.objects.filter(project__in=open_in_round, score__gt=0)
        .values_list("scientist_id", "project_id", "score")
        .iterator(chunk_size=20_000)
    ):
        scores[(sid, pid)] = score
    # Forced and already published pairs need not be among the stored suggestions.
    fixed = {
        pair
        for pair in forced_by_rule | published
        if pair[1] in index_of_project and pair[0] not in held[pair[1]]
    }
    missing = [pair for pair in fixed if pair not in scores]
    if missing:
        people = ScientistProfile.objects.in_bulk([s for s, _p in missing])
        by_pk = {p.pk: p for p in projects}
        for sid, pid in missing:
            if sid in people:
                scores[(sid, pid)] = score_pair(people[sid], by_pk[pid]).score

    candidate_ids = {sid for sid, _pid in scores}
    scientists = {
        row[0]: row
        for row in ScientistProfile.objects.filter(pk__in=_ids_subquery(candidate_ids))
        .values_list("pk", "ref", "max_collaborations", "institution_abroad", "languages")
        .iterator(chunk_size=20_000)
    }
    taken = dict(
        ScientistProfile.objects.filter(
            agreements__stage__in=SEAT_TAKING_STAGES, pk__in=_ids_subquery(candidate_ids)
        )
        .annotate(n=Count("agreements", filter=Q(agreements__stage__in=SEAT_TAKING_STAGES)))
        .values_list("pk", "n")
    )
    languages_of_project = {p.pk: p.languages for p in projects}

    scientist_ids = sorted(scientists)
    index_of_scientist = {sid: i for i, sid in enumerate(scientist_ids)}
    edges_s, edges_p, edges_w, edges_forced = [], [], [], []
    for (sid, pid), score in scores.items():
        if sid not in scientists or pid not in index_of_project:
            continue
        pair = (sid, pid)
        is_fixed = pair in fixed
        if pair in declined or score <= 0:
            continue
        if not shares_language(scientists[sid][4], languages_of_project[pid]):
            continue
        if not is_fixed and (
            pair in introduced or rules.get(pair) == PairRule.Kind.FORBID or sid in held[pid]
        ):
            continue
        edges_s.append(index_of_scientist[sid])
        edges_p.append(index_of_project[pid])
        edges_w.append(round_score(score))
        edges_forced.append(is_fixed)

    capacity = [
        max(
            0,
            (max_per_scientist or scientists[sid][2]) - taken.get(sid, 0),
        )
        for sid in scientist_ids
    ]
    group = None
    group_cap = None
    if round is not None and round.max_per_institution_abroad:
        keys: dict[str, int] = {}
        group = np.array(
            [
                keys.setdefault(k, len(keys)) if (k := _institution_key(scientists[sid][3])) else -1
                for sid in scientist_ids
            ],
            dtype=np.int64,
        )
        group_cap = round.max_per_institution_abroad
    states = list(round.underserved_states) if round is not None else []
    project_state = None
    if states:
        project_state = np.array(
            [states.index(p.institution.state) if p.institution.state in states else -1
             for p in projects],
            dtype=np.int64,
        )  # fmt: skip

    instance = solver.Instance(
        seats=free_seats,
        capacity=capacity,
        edge_project=np.array(edges_p, dtype=np.int64),
        edge_scientist=np.array(edges_s, dtype=np.int64),
        edge_score=np.array(edges_w, dtype=np.float64),
        forced=np.array(edges_forced, dtype=bool),
        scientist_group=group,
        group_cap=group_cap,
        project_state=project_state,
    )
    return Problem(
        instance=instance,
        projects=projects,
        scientist_ids=scientist_ids,
        scientist_refs=[scientists[sid][1] for sid in scientist_ids],
        free_seats=free_seats,
        not_open=not_open,
        published=published,
        forced_by_rule=forced_by_rule,
        states=states,
    )


def _ids_subquery(ids: set[int]):
    """Scientist ids as a list when small, else as a subquery (SQLite limits parameters)."""
    if len(ids) <= 500:
        return list(ids)
    return Match.objects.filter(score__gt=0).values("scientist_id")


def round_score(score: float) -> float:
    """A pair's score as score_pairs prints it."""
    return round(float(score), 4)


@dataclass
class Outcome:
    problem: Problem
    solution: solver.Solution
    baseline: solver.Solution
    empty_seats: list[dict]

    @property
    def assignments(self) -> list[tuple[int, int, float]]:
        return self.problem.pairs(self.solution.chosen)


def solve_problem(problem: Problem) -> Outcome:
    solution = solver.solve(problem.instance)
    baseline = solver.greedy(problem.instance)
    return Outcome(problem, solution, baseline, empty_seats(problem, solution.chosen))


def empty_seats(problem: Problem, chosen: np.ndarray) -> list[dict]:
    """Projects with seats left empty, and why."""
    inst = problem.instance
    filled = np.bincount(inst.edge_project[chosen], minlength=len(problem.projects))
    eligible = np.bincount(inst.edge_project, minlength=len(problem.projects))
    out = [
        {"project": p.ref, "project_id": p.pk, "seats": p.seats, "reason": EmptySeatReason.NOT_OPEN}
        for p in problem.not_open
    ]
    for i, project in enumerate(problem.projects):
        left = problem.free_seats[i] - int(filled[i])
        if left <= 0:
            continue
        if eligible[i] == 0:
            reason = EmptySeatReason.NO_CANDIDATES
        elif eligible[i] == filled[i]:
            reason = EmptySeatReason.TOO_FEW_CANDIDATES
        else:
            reason = EmptySeatReason.CANDIDATES_TAKEN
        out.append({"project": project.ref, "project_id": project.pk, "seats": left,
                    "reason": reason})  # fmt: skip
    return out


def assignment_report(outcome: Outcome) -> dict:
    """What `assign_round` prints."""
    problem = outcome.problem
    rows = sorted(
        (
            {
                "scientist": problem.scientist_refs[s],
                "project": problem.projects[p].ref,
                "score": score,
            }
            for s, p, score in outcome.assignments
        ),
        key=lambda r: (r["project"], -r["score"], r["scientist"]),
    )
    return {
        "assignments": rows,
        "total_score": round(sum(r["score"] for r in rows), 4),
        "empty_seats": [
            {"project": e["project"], "seats": e["seats"], "reason": e["reason"]}
            for e in outcome.empty_seats
        ],
    }


# --- Rounds in the app ---------------------------------------------------------


def create_round(
    *,
    user,
    name: str,
    projects: QuerySet[Project],
    max_per_institution_abroad: int | None = None,
    underserved_states: list[str] | None = None,
) -> Round:
    _require_coordinator(user)
    with transaction.atomic():
        round = Round.objects.create(
            name=name,
            created_by=user,
            max_per_institution_abroad=max_per_institution_abroad,
            underserved_states=list(underserved_states or []),
        )
        round.projects.set(projects)
    return round


def start_compute(*, user, round: Round) -> bool:
    """Queue the computation unless it is running; small rounds are computed at once."""
    _require_coordinator(user)
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.is_busy:
            return False
        Round.objects.filter(pk=round.pk).update(
            status=Round.Status.COMPUTING, progress=0, error="", compute_started_at=timezone.now()
        )
        round_id = round.pk
        large = (
            Match.objects.filter(project__in=round.projects.all(), score__gt=0).count()
            > INLINE_PAIRS_LIMIT
        )
    if large:
        from .tasks import compute_round_task

        transaction.on_commit(lambda: compute_round_task.delay(round_id))
        return True
    try:
        compute_round(round_id)
    except Exception:  # the round is marked failed; the page says so and offers a retry
        logger.exception("Computing round %s failed", round_id)
    return True


def _progress(round_id: int) -> Callable[[int], None]:
    def report(percent: int) -> None:
        Round.objects.filter(pk=round_id).update(progress=percent)

    return report


def compute_round(round_id: int) -> Round | None:
    """Compute and store the round's assignment (safe to run twice)."""
    round = Round.objects.filter(pk=round_id).first()
    if round is None:
        return None
    progress = _progress(round_id)
    try:
        progress(10)
        problem = build_problem(round=round)
        progress(40)
        outcome = solve_problem(problem)
        progress(80)
    except solver.SolverError as exc:
        Round.objects.filter(pk=round_id).update(status=Round.Status.FAILED, error=str(exc))
        return round
    except Exception:
        Round.objects.filter(pk=round_id).update(
            status=Round.Status.FAILED, error=_("The computation failed; try again.")
        )
        raise
    _store(round, outcome)
    round.refresh_from_db()
    return round


def _store(round: Round, outcome: Outcome) -> None:
    problem, solution, baseline = outcome.problem, outcome.solution, outcome.baseline
    sci_ids, projects = problem.scientist_ids, problem.projects
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        round.assignments.filter(status=Assignment.Status.COMPUTED).delete()
        kept = set(
            round.assignments.exclude(status=Assignment.Status.COMPUTED).values_list(
                "scientist_id", "project_id"
            )
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    round=round,
                    scientist_id=sci_ids[s],
                    project_id=projects[p].pk,
                    score=score,
                    forced=(sci_ids[s], projects[p].pk) in problem.forced_by_rule,
                )
                for s, p, score in outcome.assignments
                if (sci_ids[s], projects[p].pk) not in kept
            ],
            batch_size=2000,
        )
        has_new = round.assignments.filter(status=Assignment.Status.COMPUTED).exists()
        round.status = (
            Round.Status.COMPUTED if has_new or round.published_at is None
            else Round.Status.PUBLISHED
        )  # fmt: skip
        round.progress = 100
        round.total_score = solution.total_score
        round.greedy_total_score = baseline.total_score
        round.greedy_assigned = int(baseline.chosen.sum())
        round.seats_total = int(sum(problem.free_seats)) + sum(p.seats for p in problem.not_open)
        round.solver = solution.method
        round.solve_seconds = solution.seconds
        round.empty_seats = outcome.empty_seats
        round.uncovered_states = [problem.states[t] for t in solution.uncovered_states]
        round.computed_at = timezone.now()
        round.error = ""
        round.save()


def add_rule(*, user, round: Round, scientist: ScientistProfile, project: Project, kind: str):
    """Force or forbid a pair; a forced pair must be one the rules allow at all."""
    _require_coordinator(user)
    if kind not in PairRule.Kind.values:
        raise ValidationError(_("Unknown rule."))
    if not round.projects.filter(pk=project.pk).exists():
        raise ValidationError(_("This project is not in the round."))
    if kind == PairRule.Kind.FORCE:
        if not project.is_open:
            raise ValidationError(_("This project is not open."))
        if Interest.objects.filter(
            scientist=scientist, project=project, decision=Interest.Decision.DECLINED
        ).exists():
            raise ValidationError(_("One side said this pair is not for them."))
        if not shares_language(scientist.languages, project.languages):
            raise ValidationError(_("These two share no language."))
        if score_pair(scientist, project).score <= 0:
            raise ValidationError(_("This pair scores 0."))
        forced_here = round.rules.filter(project=project, kind=PairRule.Kind.FORCE).exclude(
            scientist=scientist
        )
        if forced_here.count() >= project.seats:
            raise ValidationError(_("Every seat of this project is already forced."))
    rule, _created = PairRule.objects.update_or_create(
        round=round, scientist=scientist, project=project, defaults={"kind": kind}
    )
    return rule


def remove_rule(*, user, rule: PairRule) -> None:
    _require_coordinator(user)
    rule.delete()


def publish_round(*, user, round: Round) -> int:
    """Each computed pair becomes a suggestion marked "proposed in round X"; returns how many."""
    _require_coordinator(user)
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.status != Round.Status.COMPUTED:
            raise ValidationError(_("Compute the round before publishing it."))
        pending = list(
            round.assignments.filter(status=Assignment.Status.COMPUTED).select_related(
                "scientist", "project", "project__institution"
            )
        )
        for assignment in pending:
            _propose(round, assignment)
        round.assignments.filter(pk__in=[a.pk for a in pending]).update(
            status=Assignment.Status.PUBLISHED
        )
        round.status = Round.Status.PUBLISHED
        round.published_at = timezone.now()
        round.save(update_fields=["status", "published_at"])
    return len(pending)


def _propose(round: Round, assignment: Assignment) -> None:
    updated = Match.objects.filter(
        scientist=assignment.scientist, project=assignment.project
    ).update(proposed_in_round=round)
    if updated:
        return
    pair = score_pair(assignment.scientist, assignment.project)
    Match.objects.create(
        scientist=assignment.scientist,
        project=assignment.project,
        score=pair.score,
        components=dict(pair.components),
        reasons=list(pair.reasons),
        proposed_in_round=round,
    )


def free_declined_seat(*, scientist_id: int, project_id: int) -> int:
    """A side said "not for me" to a published pair: its seat is free for a recompute."""
    return Assignment.objects.filter(
        scientist_id=scientist_id, project_id=project_id, status=Assignment.Status.PUBLISHED
    ).update(status=Assignment.Status.DECLINED)


def projects_matching(
    *, areas=(), states=(), kinds=(), collaboration_types=(), refs=()
) -> QuerySet[Project]:
    """Open projects chosen by filters (all given filters apply) or by reference."""
    by_filter = Project.objects.none()
    if areas or states or kinds or collaboration_types:
        by_filter = Project.objects.open()
        if states:
            by_filter = by_filter.filter(institution__state__in=states)
        if kinds:
            by_filter = by_filter.filter(institution__kind__in=kinds)
        if collaboration_types:
            by_filter = by_filter.filter(collaboration_type__in=collaboration_types)
        if areas:
            wanted = [a for a in areas if a in vocab.Area.values]
            ids = [p.pk for p in by_filter.only("pk", "areas") if set(p.areas) & set(wanted)]
            by_filter = Project.objects.filter(pk__in=ids)
    by_ref = Project.objects.open().filter(ref__in=list(refs)) if refs else Project.objects.none()
    return Project.objects.filter(Q(pk__in=by_filter.values("pk")) | Q(pk__in=by_ref.values("pk")))
