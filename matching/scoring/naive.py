"""The straightforward per-pair Python scorer: the same formulas as
engine.score_block, one pair at a time. It is the reference the fast engine
is tested against, and the baseline of ``bench_matcher``'s speedup."""

from __future__ import annotations

import datetime
import math

import numpy as np

from . import engine, semantic, tables
from .records import ProjectRecord, ScientistRecord


class NaiveScorer:
    def __init__(self, model: engine.FittedModel, today: datetime.date, weights=None):
        self.model = model
        self.now = engine.months(today)
        self.w = engine._weights(weights)
        self._kw: dict[tuple[str, int], dict] = {}
        self._text: dict[tuple[str, int], dict] = {}

    def warm(self, side: str, recs, features) -> None:
        """Take per-entity vectors from already built features (preprocessing, not pairs)."""
        kw, text = features.kw, features.text
        for i, rec in enumerate(recs):
            a, b = kw.indptr[i], kw.indptr[i + 1]
            self._kw[(side, rec.id)] = dict(
                zip(kw.indices[a:b].tolist(), kw.data[a:b].tolist(), strict=True)
            )
            a, b = text.indptr[i], text.indptr[i + 1]
            self._text[(side, rec.id)] = dict(
                zip(text.indices[a:b].tolist(), text.data[a:b].tolist(), strict=True)
            )

    @staticmethod
    def _language(rec) -> str:
        language = (
            rec.language if rec.vector is not None else semantic.detect_language(rec.document)
        )
        return language if language in engine.LANGUAGE_CODES else ""

    def _vectors(self, side: str, rec) -> tuple[dict, dict]:
        key = (side, rec.id)
        if key not in self._kw:
            self._kw[key] = self.model.keyword_vector(rec.keywords)
            row = self.model.text_matrix([rec.document])
            self._text[key] = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        return self._kw[key], self._text[key]

    @staticmethod
    def _dot(a: dict, b: dict) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(c, 0.0) for c, v in a.items())

    def score(self, s: ScientistRecord, p: ProjectRecord) -> dict[str, float]:
        langs_s = set(s.languages or [engine.DEFAULT_LANGUAGE])
        langs_p = set(p.languages or [engine.DEFAULT_LANGUAGE])
        language = 1.0 if (langs_s & langs_p) and p.status == "open" else 0.0

        # field
        fs = [f for f in s.fields if f in tables.vocab.FIELD_CODES]
        fp_ = [f for f in p.fields if f in tables.vocab.FIELD_CODES]
        areas = max((tables.field_relation(a, b) for a in fs for b in fp_), default=0.0)
        kw_s, tx_s = self._vectors("s", s)
        kw_p, tx_p = self._vectors("p", p)
        kw = min(1.0, self._dot(kw_s, kw_p))
        text = min(1.0, self._dot(tx_s, tx_p) / engine.TEXT_FULL)
        parts = engine.field_parts()
        has_sem = s.vector is not None and p.vector is not None
        lang_s, lang_p = self._language(s), self._language(p)
        cross = bool(lang_s and lang_p and lang_s != lang_p)
        num = den = 0.0
        if fs and fp_:
            num += parts["areas"] * areas
            den += parts["areas"]
        if kw_s and kw_p:
            num += parts["keywords"] * kw
            den += parts["keywords"]
        semantic_part = parts["semantic"] if cross else parts["semantic_same"]
        if tx_s and tx_p and not (cross and has_sem and semantic_part > 0):
            num += parts["text"] * text
            den += parts["text"]
        if has_sem:
            meaning = 0.0
            for encoder, start, end in semantic.SEGMENTS:
                floor, full = engine.SEMANTIC_SCALE[encoder]
                a, b = s.vector[start:end], p.vector[start:end]
                cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
                scaled = min(1.0, max(0.0, (cos - floor) / (full - floor)))
                meaning += engine.SEMANTIC_BLEND["cross" if cross else "same"][encoder] * scaled
            num += semantic_part * meaning
            den += semantic_part
        field = num / den if den else 0.0

        # goals
        gs = [g for g in s.goals if g in tables.GOAL_INDEX]
        gp = [g for g in p.goals if g in tables.GOAL_INDEX]
        rel, gi = tables.GOAL_RELATEDNESS, tables.GOAL_INDEX
        if gs and gp:
            gs_u, gp_u = sorted(set(gs)), sorted(set(gp))
            cover_p = sum(max(rel[gi[h], gi[g]] for h in gs_u) for g in gp_u) / len(gp_u)
            cover_s = sum(max(rel[gi[h], gi[g]] for h in gp_u) for g in gs_u) / len(gs_u)
            goal = 0.5 * (cover_p + cover_s)
        else:
            goal = engine.NEUTRAL_GOALS
        ci, compat = tables.COLLABORATION_INDEX, tables.COLLABORATION_COMPATIBILITY
        types = [t for t in s.collaboration_types if t in ci]
        if types and p.collaboration_type in ci:
            collab = max(compat[ci[t], ci[p.collaboration_type]] for t in types)
        else:
            collab = engine.NEUTRAL_GOALS
        goals = min(1.0, engine.GOALS_SHARE * goal + engine.COLLAB_SHARE * collab)

        # timeline
        now = self.now
        a = engine.months(s.available_from)
        a = now if math.isnan(a) else max(a, now)
        st = engine.months(p.starts_on)
        st = now if math.isnan(st) else max(st, now)
        first = p.first_results_months
        first = engine.DEFAULT_FIRST_RESULTS if first is None else max(first, 1.0)
        start = max(0.0, 1.0 - max(0.0, a - st) / first)
        if s.horizon_months is None or p.duration_months is None:
            coverage = engine.NEUTRAL_TIMELINE_PART
        else:
            dur = max(p.duration_months, 1.0)
            overlap = min(a + s.horizon_months, st + dur) - max(a, st)
            coverage = min(1.0, max(0.0, overlap / dur))
        if s.hours_per_month is None or p.hours_per_month is None:
            hours = engine.NEUTRAL_TIMELINE_PART
        elif p.hours_per_month <= 0:
            hours = 1.0
        else:
            hours = min(1.0, s.hours_per_month / p.hours_per_month)
        timeline = (
            engine.START_SHARE * start
            + engine.COVERAGE_SHARE * coverage
            + engine.HOURS_SHARE * hours
        )

        # network
        from .institutions import institution_codes

        mine = set()
        for alma in s.alma_maters:
            mine |= institution_codes(alma)
        network = engine.ALMA_SHARE if mine & institution_codes(p.institution_name) else 0.0
        if p.institution_state and p.institution_state in s.states_of_interest:
            network += engine.STATE_SHARE

        w = self.w
        total = (
            w["field"] * field
            + w["goals"] * goals
            + w["timeline"] * timeline
            + w["network"] * network
        )
        total *= engine.TIMELINE_GATE + (1 - engine.TIMELINE_GATE) * timeline
        total *= engine.FIELD_GATE + (1 - engine.FIELD_GATE) * field
        total = min(1.0, max(0.0, total * language))
        return {
            "total": total,
            "field": field,
            "goals": goals,
            "timeline": timeline,
            "network": network,
            "language": language,
        }
