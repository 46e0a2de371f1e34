"""Scores of single pairs with their reasons (language-neutral codes and params)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import tables
from .engine import (
    COMPONENTS,
    DEFAULT_FIRST_RESULTS,
    Features,
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)
from .institutions import display_name, institution_codes
from .records import ProjectRecord, ScientistRecord
from .text import fold, normalize_keyword, stem

KEYWORD_REASON_MIN = 0.5
MAX_KEYWORD_REASONS = 3
MAX_TERMS = 4
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class PairScore:
    score: float
    components: dict[str, float]
    reasons: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"score": self.score, "components": self.components, "reasons": self.reasons}


def rounded(value) -> float:
    return round(float(value), 4)


def components_at(block: dict[str, np.ndarray], i: int, j: int) -> dict[str, float]:
    return {name: rounded(block[name][i, j]) for name in COMPONENTS}


def score_records(
    model: FittedModel,
    s: ScientistRecord,
    p: ProjectRecord,
    *,
    today: datetime.date | None = None,
    weights: dict | None = None,
) -> PairScore:
    S = scientist_features(model, [s])
    P = project_features(model, [p])
    return explain_pair(model, s, p, S, P, 0, 0, today=today, weights=weights)


def explain_pair(
    model: FittedModel,
    s: ScientistRecord,
    p: ProjectRecord,
    S: Features,
    P: Features,
    i: int,
    j: int,
    *,
    today=None,
    weights=None,
    block: dict | None = None,
) -> PairScore:
    if block is None:
        block = score_block(S.take([i]), P.take([j]), today=today, weights=weights)
        i = j = 0
    score = float(block["total"][i, j])
    return PairScore(
        score=score,
        components=components_at(block, i, j),
        reasons=reasons_for(
            model, s, p, {k: float(v[i, j]) for k, v in block.items()}, today=today
        ),
    )


def reasons_for(
    model: FittedModel,
    s: ScientistRecord,
    p: ProjectRecord,
    parts: dict,
    *,
    today: datetime.date | None = None,
) -> list[dict]:
    if p.status != "open":
        return [{"code": "project_not_open", "params": {"status": p.status}}]
    if parts["language"] <= 0:
        return [
            {
                "code": "no_common_language",
                "params": {
                    "scientist_languages": sorted(s.languages),
                    "project_languages": sorted(p.languages),
                },
            }
        ]
    reasons: list[dict] = []
    reasons += _field_reasons(s, p)
    reasons += _keyword_reasons(model, s, p)
    reasons += _text_reasons(model, s, p)
    reasons += _goal_reasons(s, p)
    reasons += _timeline_reasons(s, p, parts, today)
    reasons += _network_reasons(s, p)
    return reasons


def _field_reasons(s, p):
    best, pair = 0.0, None
    for a in s.fields:
        for b in p.fields:
            if a not in tables.vocab.FIELD_CODES or b not in tables.vocab.FIELD_CODES:
                continue
            r = tables.field_relation(a, b)
            if r > best:
                best, pair = r, (a, b)
    if pair is None:
        if s.fields and p.fields:
            return [{"code": "different_fields", "params": {}}]
        return []
    a, b = pair
    if best == tables.SAME_DISCIPLINE:
        return [{"code": "same_field", "params": {"field": a}}]
    if best >= tables.SAME_AREA:
        return [{"code": "same_area", "params": {"area": tables.vocab.area_of(a)}}]
    return [{"code": "interdisciplinary", "params": {"scientist_field": a, "project_field": b}}]


def _keyword_reasons(model, s, p):
    found = []
    for ks in s.keywords:
        ns = normalize_keyword(ks)
        if not ns:
            continue
        for kp in p.keywords:
            np_ = normalize_keyword(kp)
            if not np_:
                continue
            sim = 1.0 if ns == np_ else model.keyword_similarity(ns, np_)
            if sim >= KEYWORD_REASON_MIN:
                found.append((-sim, ks, kp))
    found.sort()
    out, used = [], set()
    for _neg, ks, kp in found:
        if ks in used or kp in used:
            continue
        used.update((ks, kp))
        out.append(
            {"code": "keyword_match", "params": {"scientist_keyword": ks, "project_keyword": kp}}
        )
        if len(out) == MAX_KEYWORD_REASONS:
            break
    return out


@lru_cache(maxsize=50_000)
def _surface(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in _WORD.findall(text):
        st = stem(fold(word).replace(" ", ""))
        if st and st not in out and not word.isdigit():
            out[st] = word.lower()
    return out


def _text_reasons(model, s, p):
    if model.tfidf is None:
        return []
    mine, theirs = _surface(s.document), _surface(p.document)
    shared = set(mine) & set(theirs)
    if not shared:
        return []
    vocab, idf = model.tfidf.vocabulary_, model.tfidf.idf_
    ranked = sorted(shared, key=lambda t: (-(idf[vocab[t]] if t in vocab else 0.0), t))
    ranked = [t for t in ranked if t in vocab and len(t) > 2][:MAX_TERMS]
    if not ranked:
        return []
    return [{"code": "shared_terms", "params": {"terms": [theirs[t] for t in ranked]}}]


def _goal_reasons(s, p):
    out = []
    shared = [g for g in p.goals if g in s.goals]
    if shared:
        out.append({"code": "shared_goals", "params": {"goals": shared}})
    if p.collaboration_type and p.collaboration_type in s.collaboration_types:
        out.append({"code": "collaboration_type", "params": {"type": p.collaboration_type}})
    elif p.collaboration_type in tables.COLLABORATION_INDEX and s.collaboration_types:
        q = tables.COLLABORATION_INDEX[p.collaboration_type]
        best = (
            max(
                (tables.COLLABORATION_COMPATIBILITY[tables.COLLABORATION_INDEX[t], q], t)
                for t in s.collaboration_types
                if t in tables.COLLABORATION_INDEX
            )
            if any(t in tables.COLLABORATION_INDEX for t in s.collaboration_types)
            else (0, "")
        )
        if best[0] > 0:
            out.append(
                {
                    "code": "collaboration_related",
                    "params": {"type": p.collaboration_type, "wanted": best[1]},
                }
            )
        else:
            out.append(
                {
                    "code": "collaboration_mismatch",
                    "params": {
                        "type": p.collaboration_type,
                        "wanted": sorted(s.collaboration_types),
                    },
                }
            )
    return out


def _months_between(a: datetime.date, b: datetime.date) -> int:
    return round((b - a).days / 30.4375)


def _timeline_reasons(s, p, parts, today):
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    out = []
    first = p.first_results_months
    start = max(p.starts_on or today, today)
    available = max(s.available_from or today, today)
    late = _months_between(start, available)
    params = {
        "first_results_months": first,
        "available_from": available.isoformat() if s.available_from else None,
        "horizon_months": s.horizon_months,
    }
    if parts["start"] >= 0.999:
        out.append({"code": "timeline_fit", "params": params})
    else:
        out.append(
            {
                "code": "late_start",
                "params": {
                    "months": max(late, 1),
                    "first_results_months": first or int(DEFAULT_FIRST_RESULTS),
                    "available_from": available.isoformat(),
                },
            }
        )
    if p.duration_months and s.horizon_months is not None and parts["coverage"] < 0.999:
        out.append(
            {
                "code": "short_horizon",
                "params": {
                    "horizon_months": s.horizon_months,
                    "duration_months": p.duration_months,
                },
            }
        )
    if s.hours_per_month is not None and p.hours_per_month:
        code = "hours_ok" if s.hours_per_month >= p.hours_per_month else "hours_short"
        out.append(
            {"code": code, "params": {"offered": s.hours_per_month, "needed": p.hours_per_month}}
        )
    missing = []
    if first is None:
        missing.append("first_results")
    if s.horizon_months is None or p.duration_months is None:
        missing.append("duration")
    if s.hours_per_month is None or p.hours_per_month is None:
        missing.append("hours")
    if missing:
        out.append({"code": "timeline_assumed", "params": {"missing": missing}})
    return out


def _network_reasons(s, p):
    out = []
    inst = institution_codes(p.institution_name)
    for alma in s.alma_maters:
        shared = sorted(institution_codes(alma) & inst)
        if shared:
            out.append(
                {
                    "code": "alma_mater",
                    "params": {"alma_mater": alma, "institution": display_name(shared[0])},
                }
            )
            break
    if p.institution_state and p.institution_state in s.states_of_interest:
        out.append({"code": "state_of_interest", "params": {"state": p.institution_state}})
    return out
