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
from .text import GENERIC_STEMS, fold, normalize_keyword, stem

KEYWORD_REASON_MIN = 0.5
MAX_KEYWORD_REASONS = 3
MAX_TERMS = 4
# The semantic part "carries" a pair when the texts are at least this close
# in meaning (in [0, 1]) and the part weighs at least this share of the field.
SEMANTIC_REASON_MIN = 0.5
SEMANTIC_REASON_SHARE = 0.25
# Words, and hyphenated or slashed compounds (never split: "RNA-seq" is not
# "rna" and "seq"); compounds are left to the keywords.
_WORD = re.compile(r"\w+(?:[-/]\w+)*", re.UNICODE)
MIN_TERM_LENGTH = 4


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
    reasons += _semantic_reasons(parts)
    if parts.get("text_weight", 1.0) > 0:
        reasons += _text_reasons(model, s, p)
    reasons += _goal_reasons(s, p)
    reasons += _timeline_reasons(s, p, parts, today)
    reasons += _network_reasons(s, p)
    return reasons


class Explainer:
    """reasons_for() for many pairs, with the same output, for storing suggestions.

    What depends on one side only (normalised keywords, the words of its
    text with their TF-IDF rank, institution codes, dates) is computed once
    per record, and what depends on small codes only (fields, collaboration
    types) once per distinct combination. Records are cached by id and
    identity (a new record object for the same id is prepared again); the
    returned lists share their reason dicts with the cache: serialise them,
    do not modify them. The equivalence is tested in
    tests/matching/test_storage.py.
    """

    def __init__(self, model: FittedModel, *, today: datetime.date | None = None):
        if today is None:
            from django.utils import timezone

            today = timezone.localdate()
        self.model = model
        self.today = today
        self._sci: dict[int, tuple] = {}
        self._proj: dict[int, tuple] = {}
        self._fields: dict[tuple, list] = {}
        self._goals: dict[tuple, list] = {}
        tfidf = model.tfidf
        self._vocab = tfidf.vocabulary_ if tfidf is not None else None
        self._idf = tfidf.idf_ if tfidf is not None else None

    def forget_scientists(self) -> None:
        self._sci.clear()

    def _ranked_terms(self, document: str) -> tuple[dict[str, str], dict[str, tuple]]:
        """The words of a text by stem, and the rank key of the stems reasons may cite."""
        if self._vocab is None:
            return {}, {}
        surface = _surface(document)
        vocab, idf = self._vocab, self._idf
        keys = {t: (-idf[vocab[t]], t) for t in surface if t in vocab}
        return surface, keys

    def _scientist(self, s: ScientistRecord) -> tuple:
        hit = self._sci.get(s.id)
        if hit is None or hit[0] is not s:
            if len(self._sci) >= 5000:
                self._sci.clear()  # bounded memory in long-lived workers
            kws = [(k, n) for k in s.keywords if (n := normalize_keyword(k))]
            _surface_words, keys = self._ranked_terms(s.document)
            almas = [(a, institution_codes(a)) for a in s.alma_maters]
            types = tuple(sorted(s.collaboration_types))
            available = max(s.available_from or self.today, self.today)
            timeline = (
                available,
                available.isoformat(),
                available.isoformat() if s.available_from else None,
                s.horizon_months,
                s.hours_per_month,
            )
            hit = self._sci[s.id] = (s, kws, keys, almas, types, timeline)
        return hit

    def _project(self, p: ProjectRecord) -> tuple:
        hit = self._proj.get(p.id)
        if hit is None or hit[0] is not p:
            kws = [(k, n) for k in p.keywords if (n := normalize_keyword(k))]
            surface, keys = self._ranked_terms(p.document)
            start = max(p.starts_on or self.today, self.today)
            timeline = (p.first_results_months, start, p.duration_months, p.hours_per_month)
            hit = self._proj[p.id] = (
                p,
                kws,
                surface,
                keys,
                institution_codes(p.institution_name),
                timeline,
            )
        return hit

    def reasons(self, s: ScientistRecord, p: ProjectRecord, parts: dict) -> list[dict]:
        """Exactly reasons_for(model, s, p, parts, today=self.today)."""
        if p.status != "open" or parts["language"] <= 0:
            return reasons_for(self.model, s, p, parts, today=self.today)
        _s, s_kws, s_keys, almas, s_types, s_time = self._scientist(s)
        _p, p_kws, p_surface, p_keys, inst, p_time = self._project(p)
        key = (tuple(s.fields), tuple(p.fields))
        fields = self._fields.get(key)
        if fields is None:
            fields = self._fields[key] = _field_reasons(s, p)
        reasons = list(fields)
        reasons += self._keywords(s_kws, p_kws)
        reasons += _semantic_reasons(parts)
        if s_keys and p_keys and parts.get("text_weight", 1.0) > 0:
            shared = s_keys.keys() & p_keys.keys()
            if shared:
                ranked = sorted(p_keys[t] for t in shared)[:MAX_TERMS]
                reasons.append(
                    {
                        "code": "shared_terms",
                        "params": {"terms": [p_surface[t] for _i, t in ranked]},
                    }
                )
        if p.goals and s.goals:
            shared_goals = [g for g in p.goals if g in s.goals]
            if shared_goals:
                reasons.append({"code": "shared_goals", "params": {"goals": shared_goals}})
        key = (p.collaboration_type, s_types)
        kind = self._goals.get(key)
        if kind is None:
            kind = self._goals[key] = _goal_reasons(
                ScientistRecord(id=0, collaboration_types=list(s.collaboration_types)),
                ProjectRecord(id=0, collaboration_type=p.collaboration_type),
            )
        reasons += kind
        reasons += self._timeline(s_time, p_time, parts)
        for alma, codes in almas:
            shared_codes = codes & inst
            if shared_codes:
                reasons.append(
                    {
                        "code": "alma_mater",
                        "params": {
                            "alma_mater": alma,
                            "institution": display_name(min(shared_codes)),
                        },
                    }
                )
                break
        if p.institution_state and p.institution_state in s.states_of_interest:
            reasons.append({"code": "state_of_interest", "params": {"state": p.institution_state}})
        return reasons

    @staticmethod
    def _timeline(s_time, p_time, parts) -> list[dict]:
        """_timeline_reasons from each side's prepared dates and numbers."""
        available, available_iso, available_from, horizon, s_hours = s_time
        first, start, duration, p_hours = p_time
        if parts["start"] >= 0.999:
            out = [
                {
                    "code": "timeline_fit",
                    "params": {
                        "first_results_months": first,
                        "available_from": available_from,
                        "horizon_months": horizon,
                    },
                }
            ]
        else:
            out = [
                {
                    "code": "late_start",
                    "params": {
                        "months": max(_months_between(start, available), 1),
                        "first_results_months": first or int(DEFAULT_FIRST_RESULTS),
                        "available_from": available_iso,
                    },
                }
            ]
        if duration and horizon is not None and parts["coverage"] < 0.999:
            out.append(
                {
                    "code": "short_horizon",
                    "params": {"horizon_months": horizon, "duration_months": duration},
                }
            )
        if s_hours is not None and p_hours:
            code = "hours_ok" if s_hours >= p_hours else "hours_short"
            out.append({"code": code, "params": {"offered": s_hours, "needed": p_hours}})
        missing = []
        if first is None:
            missing.append("first_results")
        if horizon is None or duration is None:
            missing.append("duration")
        if s_hours is None or p_hours is None:
            missing.append("hours")
        if missing:
            out.append({"code": "timeline_assumed", "params": {"missing": missing}})
        return out

    def _keywords(self, s_kws, p_kws) -> list[dict]:
        found = []
        similarity = self.model.keyword_similarity
        memo = self.model.__dict__.get("_similarity") or {}
        for ks, ns in s_kws:
            for kp, np_ in p_kws:
                if ns == np_:
                    sim = 1.0
                else:
                    sim = memo.get((ns, np_))
                    if sim is None:
                        sim = similarity(ns, np_)
                        memo = self.model.__dict__["_similarity"]
                if sim >= KEYWORD_REASON_MIN:
                    found.append((-sim, ks, kp))
        if not found:
            return []
        found.sort()
        out, used = [], set()
        for _neg, ks, kp in found:
            if ks in used or kp in used:
                continue
            used.update((ks, kp))
            out.append(
                {
                    "code": "keyword_match",
                    "params": {"scientist_keyword": ks, "project_keyword": kp},
                }
            )
            if len(out) == MAX_KEYWORD_REASONS:
                break
        return out


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
    """The words of a text a reason may cite, by stem: no compounds, digits,
    short words or generic words."""
    out: dict[str, str] = {}
    for word in _WORD.findall(text):
        if len(word) < MIN_TERM_LENGTH or "-" in word or "/" in word or word.isdigit():
            continue
        st = stem(fold(word).replace(" ", ""))
        if st and st not in out and st not in GENERIC_STEMS:
            out[st] = word.lower()
    return out


def _semantic_reasons(parts: dict) -> list[dict]:
    closeness = parts.get("semantic", 0.0)
    if parts.get("semantic_weight", 0.0) >= SEMANTIC_REASON_SHARE and (
        closeness >= SEMANTIC_REASON_MIN
    ):
        return [{"code": "close_in_meaning", "params": {"closeness": round(float(closeness), 2)}}]
    return []


def _text_reasons(model, s, p):
    if model.tfidf is None:
        return []
    mine, theirs = _surface(s.document), _surface(p.document)
    shared = set(mine) & set(theirs)
    if not shared:
        return []
    vocab, idf = model.tfidf.vocabulary_, model.tfidf.idf_
    ranked = sorted(shared, key=lambda t: (-(idf[vocab[t]] if t in vocab else 0.0), t))
    ranked = [t for t in ranked if t in vocab][:MAX_TERMS]
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
