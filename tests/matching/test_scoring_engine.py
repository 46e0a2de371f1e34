"""The fast engine computes exactly what the per-pair reference computes."""

import datetime
import random

import numpy as np

from demo.synthetic import synthetic_world
from matching.scoring.engine import (
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)
from matching.scoring.naive import NaiveScorer

TODAY = datetime.date(2026, 11, 22)


def test_engine_equals_the_per_pair_reference_on_varied_synthetic_data():
    scientists, projects = synthetic_world(60, 25, seed=11, today=TODAY)
    model, matrix = FittedModel.fit(scientists, projects)
    S = scientist_features(model, scientists, matrix[: len(scientists)])
    P = project_features(model, projects, matrix[len(scientists) :])
    block = score_block(S, P, today=TODAY)
    naive = NaiveScorer(model, TODAY)
    for i, s in enumerate(scientists):
        for j, p in enumerate(projects):
            ref = naive.score(s, p)
            for name in ("field", "goals", "timeline", "network", "language"):
                assert abs(ref[name] - float(block[name][i, j])) < 1e-5, (name, i, j)
            assert abs(ref["total"] - float(block["total"][i, j])) < 1e-5, (i, j)


def test_text_rows_are_the_same_bits_as_the_vectorizers_own_transform():
    scientists, projects = synthetic_world(60, 25, seed=14, today=TODAY)
    model, _ = FittedModel.fit(scientists, projects)
    docs = [r.document for r in (*scientists, *projects)]
    docs += ["", "zzz qqq", "¿Qué? ﬁnancial genómica genómica genomics", docs[0] * 3]
    ours = model.text_matrix(docs)
    theirs = model.tfidf.transform(docs).tocsr().astype(np.float32)
    theirs.sort_indices()
    assert ours.shape == theirs.shape and ours.nnz == theirs.nnz > 0
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert ours.data.tobytes() == theirs.data.tobytes()
    assert model.text_matrix([]).shape[0] == 0  # a block of no record


def test_every_component_is_in_the_unit_interval():
    scientists, projects = synthetic_world(80, 30, seed=12, today=TODAY)
    model, matrix = FittedModel.fit(scientists, projects)
    block = score_block(
        scientist_features(model, scientists), project_features(model, projects), today=TODAY
    )
    for name in ("total", "field", "goals", "timeline", "network", "language"):
        assert np.all(block[name] >= 0) and np.all(block[name] <= 1), name
    assert block["total"].max() > 0.5  # the synthetic world has good pairs


def test_scores_are_deterministic_and_do_not_depend_on_the_chunk():
    scientists, projects = synthetic_world(40, 20, seed=13, today=TODAY)
    model, _ = FittedModel.fit(scientists, projects)
    P = project_features(model, projects)
    whole = score_block(scientist_features(model, scientists), P, today=TODAY)["total"]
    order = list(range(len(scientists)))
    random.Random(1).shuffle(order)
    part = score_block(
        scientist_features(model, [scientists[i] for i in order[:7]]), P, today=TODAY
    )["total"]
    assert np.array_equal(part, whole[order[:7]])
