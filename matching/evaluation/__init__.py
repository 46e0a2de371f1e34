"""Evaluation set of the matcher: 40 scientists and 30 projects (bilingual,
in the import format of the data contract) with graded judgments (0-3, each
with a short why) in judgments.json. Pairs not judged count as 0.

Grades: 3 = the pair should meet (field, goals and timeline fit);
2 = a good partial fit; 1 = related but a poor fit (often the timeline);
0 = unrelated or impossible (no common language).
"""

import datetime
import json
import math
from pathlib import Path

import numpy as np

from matching.scoring import semantic
from matching.scoring.records import ProjectRecord, ScientistRecord
from matching.scoring.text import fold

HERE = Path(__file__).resolve().parent
RELEVANT = 2  # grade from which a suggestion counts as relevant for precision


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def records(data: dict) -> tuple[list[ScientistRecord], list[ProjectRecord]]:
    """Scorable records of a file in the import format (ids in file order)."""
    institutions = {i["ref"]: i for i in data.get("institutions", [])}
    scientists = [
        ScientistRecord(
            id=n + 1,
            ref=s["ref"],
            fields=s.get("fields", []),
            keywords=s.get("keywords", []),
            summary=s.get("summary", ""),
            goals=s.get("goals", []),
            collaboration_types=s.get("collaboration_types", []),
            available_from=_date(s.get("available_from")),
            horizon_months=s.get("horizon_months"),
            hours_per_month=s.get("hours_per_month"),
            languages=s.get("languages", []),
            alma_maters=s.get("alma_maters", []),
            states_of_interest=s.get("states_of_interest", []),
        )
        for n, s in enumerate(data["scientists"])
    ]
    projects = []
    for n, p in enumerate(data["projects"]):
        inst = institutions.get(p["institution"], {})
        projects.append(
            ProjectRecord(
                id=n + 1,
                ref=p["ref"],
                status=p.get("status", "open"),
                title=p["title"],
                description=p.get("description", ""),
                fields=p.get("fields", []),
                keywords=p.get("keywords", []),
                goals=p.get("goals", []),
                collaboration_type=p.get("collaboration_type", ""),
                starts_on=_date(p.get("starts_on")),
                duration_months=p.get("duration_months"),
                first_results_months=p.get("first_results_months"),
                hours_per_month=p.get("hours_per_month"),
                languages=p.get("languages", []),
                institution_name=inst.get("name", ""),
                institution_state=inst.get("state", ""),
            )
        )
    return scientists, projects


def load(directory: Path = HERE):
    data = json.loads((directory / "dataset.json").read_text(encoding="utf-8"))
    judged = json.loads((directory / "judgments.json").read_text(encoding="utf-8"))
    scientists, projects = records(data)
    grades = {(j["scientist"], j["project"]): int(j["grade"]) for j in judged["judgments"]}
    return scientists, projects, grades, _date(judged.get("today"))


def embed(recs) -> None:
    """Attach semantic vectors and languages to records, as stored ones would be."""
    vectors = semantic.embed_documents([r.document for r in recs])
    for rec, vector in zip(recs, vectors, strict=True):
        rec.vector = semantic.quantize(vector)
        rec.language = semantic.detect_language(rec.document)


CROSS_LANGUAGE_SETS = ("es_projects_en_profiles.json", "en_projects_es_profiles.json")


def load_cross_language(name: str, directory: Path = HERE):
    """A set of project posts, profiles in the other language, and for each
    project the one right profile: (scientists, projects, truth, today)."""
    data = json.loads((directory / name).read_text(encoding="utf-8"))
    scientists, projects = records(data)
    truth = {t["project"]: t["scientist"] for t in data["truth"]}
    return scientists, projects, truth, _date(data.get("today"))


def rank_metrics(scores: np.ndarray, scientists, projects, truth: dict[str, str]) -> dict:
    """For each project, where its right profile ranks among all profiles:
    mean reciprocal rank and recall@1 (ties count against the right one)."""
    index = {s.ref: i for i, s in enumerate(scientists)}
    reciprocal, first = [], []
    for j, p in enumerate(projects):
        right = index.get(truth.get(p.ref, ""))
        if right is None:
            continue
        column = scores[:, j]
        rank = 1 + int(np.sum(column >= column[right])) - 1
        reciprocal.append(1.0 / rank)
        first.append(rank == 1)
    return {
        "mrr": round(float(np.mean(reciprocal)), 3) if reciprocal else None,
        "recall@1": round(float(np.mean(first)), 3) if first else None,
        "projects": len(first),
    }


def ndcg_at(ranked_grades: list[int], all_grades: list[int], k: int) -> float:
    def dcg(gs):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal > 0 else float("nan")


def precision_at(ranked_grades: list[int], k: int) -> float:
    return sum(1 for g in ranked_grades[:k] if g >= RELEVANT) / k


def evaluate(scores: np.ndarray, scientists, projects, grades, k_ndcg=10, k_prec=5) -> dict:
    """Mean NDCG@k and precision@k for each side, over owners with a relevant pair."""
    out = {}
    sides = {
        "scientist": (scientists, projects, scores),
        "project": (projects, scientists, scores.T),
    }
    for side, (owners, others, matrix) in sides.items():
        ndcgs, precs = [], []
        for i, owner in enumerate(owners):

            def grade(other, owner=owner, side=side):
                pair = (owner.ref, other.ref) if side == "scientist" else (other.ref, owner.ref)
                return grades.get(pair, 0)

            all_grades = [grade(o) for o in others]
            if max(all_grades) < RELEVANT:
                continue
            order = sorted(range(len(others)), key=lambda j, row=matrix[i]: (-row[j], j))
            ranked = [all_grades[j] for j in order]
            ndcgs.append(ndcg_at(ranked, all_grades, k_ndcg))
            precs.append(precision_at(ranked, k_prec))
        out[side] = {
            f"ndcg@{k_ndcg}": round(float(np.mean(ndcgs)), 3) if ndcgs else None,
            f"precision@{k_prec}": round(float(np.mean(precs)), 3) if precs else None,
            "owners": len(ndcgs),
        }
    return out


def keyword_overlap_scores(scientists, projects) -> np.ndarray:
    """Baseline: how many keywords the two sides share (case- and accent-folded)."""
    sk = [{fold(k) for k in s.keywords} for s in scientists]
    pk = [{fold(k) for k in p.keywords} for p in projects]
    return np.array([[len(a & b) for b in pk] for a in sk], dtype=np.float64)
