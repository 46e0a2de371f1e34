"""Storing suggestions: the fast paths (PostgreSQL COPY + upsert, SQL prune, the
cached Explainer) store exactly what the straightforward code computes."""

import datetime
import random

import numpy as np
import pytest

from demo.synthetic import synthetic_world
from matching import matcher
from matching.models import Match, MatchFloor
from matching.scoring.engine import (
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)
from matching.scoring.explain import Explainer, components_at, reasons_for
from matching.scoring.records import ProjectRecord, ScientistRecord
from tests import factories
from tests.matching.test_matcher import _expected, _random_world, _stored

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.MATCH_TOP_K = 3
    settings.MATCH_CHUNK_SIZE = 4
    matcher.forget_model(stored=False)
    yield
    matcher.forget_model(stored=False)


def test_explainer_gives_exactly_the_reasons_of_reasons_for():
    scientists, projects = synthetic_world(120, 40, seed=7, today=TODAY)
    scientists[0].collaboration_types = ["academic_project", "academic_project"]
    projects[1].status = "closed"
    model, matrix = FittedModel.fit(scientists, projects)
    S = scientist_features(model, scientists, matrix[:120])
    P = project_features(model, projects, matrix[120:])
    block = score_block(S, P, today=TODAY)
    explainer = Explainer(model, today=TODAY)
    codes = set()
    for i, s in enumerate(scientists):
        for j, p in enumerate(projects):
            parts = {name: float(v[i, j]) for name, v in block.items()}
            expected = reasons_for(model, s, p, parts, today=TODAY)
            assert explainer.reasons(s, p, parts) == expected, (s.id, p.id)
            codes.update(r["code"] for r in expected)
    # the comparison covered the reasons that the cache shortcuts
    assert {"keyword_match", "shared_terms", "alma_mater", "no_common_language"} <= codes
    assert {"project_not_open", "shared_goals", "late_start", "timeline_fit"} <= codes
    assert {"short_horizon", "hours_ok", "hours_short", "timeline_assumed"} <= codes
    assert {"collaboration_type", "collaboration_related", "same_field"} <= codes


def test_stored_rows_hold_the_components_and_on_read_the_reasons_of_the_plain_code(db):
    _random_world(random.Random(11))
    matcher.run_full_rematch()
    assert not Match.objects.filter(reasons__isnull=False).exists()  # built when read
    matcher.fill_reasons(list(Match.objects.all()))
    model = matcher.current_model()
    srecs = matcher.scientist_records()
    precs = matcher.open_project_records()
    block = score_block(scientist_features(model, srecs), project_features(model, precs))
    at_s = {s.id: i for i, s in enumerate(srecs)}
    at_p = {p.id: j for j, p in enumerate(precs)}
    rows = list(Match.objects.all())
    assert rows
    for row in rows:
        i, j = at_s[row.scientist_id], at_p[row.project_id]
        parts = {name: float(v[i, j]) for name, v in block.items()}
        assert row.score == pytest.approx(float(block["total"][i, j]), abs=1e-6)
        assert row.components == components_at(block, i, j)
        assert row.reasons == reasons_for(model, srecs[i], precs[j], parts)


def test_a_second_rematch_updates_rows_in_place(db):
    _random_world(random.Random(12))
    matcher.run_full_rematch()
    matcher.fill_reasons(list(Match.objects.all()))
    before = {(m.scientist_id, m.project_id): m for m in Match.objects.all()}
    matcher.run_full_rematch()
    after = {(m.scientist_id, m.project_id): m for m in Match.objects.all()}
    matcher.fill_reasons(list(after.values()))
    assert after.keys() == before.keys()
    for pair, row in after.items():
        assert row.pk == before[pair].pk
        assert row.created_at == before[pair].created_at
        assert row.updated_at > before[pair].updated_at
        assert row.reasons == before[pair].reasons
    assert _stored() == _expected()


@pytest.mark.parametrize("copy_above", [0, 1000])  # staged by COPY, or sent as arrays
def test_upsert_overwrites_a_stored_pair_and_inserts_new_ones(db, monkeypatch, copy_above):
    monkeypatch.setattr(matcher, "COPY_ABOVE", copy_above)
    old = factories.MatchFactory(score=0.1, reasons=[{"code": "old", "params": {}}])
    other = factories.ProjectFactory()
    comps = {"field": 0.5, "goals": 0.25, "timeline": 1.0, "network": 0.0, "language": 1.0}

    def rows(project_id, score):
        values = [[comps[name] for name in matcher.COMPONENTS]]
        ids = np.array([old.scientist_id]), np.array([project_id])
        return matcher.Rows(*ids, np.array([score]), np.array(values))

    with matcher.transaction.atomic():  # as in incremental rescoring: twice in one transaction
        matcher._upsert(rows(old.project_id, 0.75))
        matcher._upsert(rows(other.id, 0.5))
    old.refresh_from_db()
    # a new score: the old reasons no longer explain it, they are built again on read
    assert (old.score, old.components, old.reasons) == (0.75, comps, None)
    new = Match.objects.get(scientist_id=old.scientist_id, project_id=other.id)
    assert (new.score, new.reasons) == (0.5, None)
    assert Match.objects.count() == 2


def test_prune_keeps_exactly_the_rows_in_a_top_k_of_either_side(db):
    rng = random.Random(5)
    scientists = [factories.ScientistProfileFactory() for _ in range(5)]
    projects = [factories.ProjectFactory(status="open") for _ in range(5)]
    closed = factories.ProjectFactory(status="closed")
    scores = {}
    for s in scientists:
        for p in projects:
            if rng.random() < 0.8:
                scores[(s.id, p.id)] = rng.choice([0.2, 0.4, 0.5, 0.6, 0.9])
                factories.MatchFactory(scientist=s, project=p, score=scores[(s.id, p.id)])
    factories.MatchFactory(scientist=scientists[0], project=closed, score=1.0)
    keep = set()
    for owner in (0, 1):
        groups = {}
        for pair, score in scores.items():
            groups.setdefault(pair[owner], []).append((-score, pair[1 - owner], pair))
        for entries in groups.values():
            keep.update(pair for _neg, _other, pair in sorted(entries)[:3])
    total = Match.objects.count()
    deleted = matcher.prune()
    assert {(m.scientist_id, m.project_id) for m in Match.objects.all()} == keep
    assert deleted == total - len(keep)
    assert len(keep) < len(scores)  # the case pruned something
    # every owner with K rows has its K-th (ties: lower id first) as its floor
    kept = {pair: scores[pair] for pair in keep}
    for side, owner in (("scientist", 0), ("project", 1)):
        ranked = {}
        for pair, score in kept.items():
            ranked.setdefault(pair[owner], []).append((-score, pair[1 - owner]))
        expected = {
            o: (-sorted(entries)[2][0], sorted(entries)[2][1])
            for o, entries in ranked.items()
            if len(entries) >= 3
        }
        floors = MatchFloor.objects.filter(side=side)
        assert {f.owner_id: (f.score, f.other_id) for f in floors} == expected


def test_explainer_follows_a_record_that_changed():
    scientists, projects = synthetic_world(3, 2, seed=1, today=TODAY)
    model, _matrix = FittedModel.fit(scientists, projects)
    explainer = Explainer(model, today=TODAY)
    s, p = scientists[0], projects[0]
    parts = {"language": 1.0, "start": 1.0, "coverage": 1.0}
    explainer.reasons(s, p, parts)
    changed = ScientistRecord(id=s.id, keywords=list(p.keywords), languages=["es"])
    other = ProjectRecord(id=p.id, keywords=list(p.keywords), languages=["es"])
    assert explainer.reasons(changed, other, parts) == reasons_for(
        model, changed, other, parts, today=TODAY
    )


def test_bench_store_runs_the_stored_rematch_and_cleans_up(db):
    import json
    from io import StringIO

    from django.core.management import call_command

    from profiles.models import Project, ScientistProfile

    out = StringIO()
    call_command(
        "bench_matcher",
        "--store",
        "--scientists",
        "30",
        "--projects",
        "8",
        stdout=out,
        stderr=StringIO(),
    )
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["pairs_scored"] > 0
    assert figures["rows_written"] >= figures["rows_kept"] > 0
    assert figures["rows_per_second_stored"] > 0
    assert not Match.objects.exists()
    assert not ScientistProfile.objects.exists() and not Project.objects.exists()


def test_bench_store_refuses_a_database_that_holds_data(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    factories.ScientistProfileFactory()
    with pytest.raises(CommandError, match="empty database"):
        call_command("bench_matcher", "--store", "--scientists", "5", "--projects", "2")
    assert factories.ScientistProfileFactory._meta.model.objects.count() == 1


def test_a_rematch_outside_a_transaction_stores_the_same_rows(transactional_db):
    """On PostgreSQL, outside a transaction, rows are written from a second
    connection while the next chunk is scored: the result is the same."""
    _random_world(random.Random(14))
    matcher.run_full_rematch()
    assert _stored() == _expected()
    assert matcher.MatchRun.objects.get().status == matcher.MatchRun.Status.DONE
