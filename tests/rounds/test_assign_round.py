"""`assign_round`: the data-contract command that computes a round without publishing it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from matching import matcher
from matching.models import Match
from rounds import services
from rounds.models import Assignment
from tests.factories import (
    AgreementFactory,
    CoordinatorFactory,
    MatchFactory,
    ProjectFactory,
    ScientistProfileFactory,
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("assign_round", *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("quiet_matcher")
def test_all_open_prints_the_optimal_assignment_and_the_empty_seats():
    a = ProjectFactory(ref="proj-a", seats=1)
    b = ProjectFactory(ref="proj-b", seats=2)
    ProjectFactory(ref="proj-draft", status="draft")
    star = ScientistProfileFactory(ref="sci-star")
    other = ScientistProfileFactory(ref="sci-other")
    MatchFactory(scientist=star, project=a, score=0.9)
    MatchFactory(scientist=other, project=a, score=0.8)
    MatchFactory(scientist=star, project=b, score=0.85)
    report = json.loads(run("--all-open"))
    assert report["assignments"] == [
        {"scientist": "sci-other", "project": "proj-a", "score": 0.8},
        {"scientist": "sci-star", "project": "proj-b", "score": 0.85},
    ]
    assert report["total_score"] == 1.65
    assert report["empty_seats"] == [
        {"project": "proj-b", "seats": 1, "reason": "too_few_candidates"}
    ]
    assert not Assignment.objects.exists()


@pytest.mark.usefixtures("quiet_matcher")
def test_max_per_scientist_overrides_each_capacity_and_agreements_still_count():
    projects = [ProjectFactory(seats=1) for _ in range(3)]
    scientist = ScientistProfileFactory(max_collaborations=1)
    for p in projects:
        MatchFactory(scientist=scientist, project=p, score=0.5)
    assert len(json.loads(run("--all-open"))["assignments"]) == 1
    assert len(json.loads(run("--all-open", "--max-per-scientist", "3"))["assignments"]) == 3
    AgreementFactory(scientist=scientist, project=ProjectFactory(status="closed"))
    assert len(json.loads(run("--all-open", "--max-per-scientist", "3"))["assignments"]) == 2


@pytest.mark.usefixtures("quiet_matcher")
def test_round_ref_uses_the_round_and_csv_prints_one_row_per_assignment():
    inside = ProjectFactory(ref="proj-in", seats=1)
    outside = ProjectFactory(ref="proj-out", seats=1)
    scientist = ScientistProfileFactory(ref="sci-1")
    MatchFactory(scientist=scientist, project=inside, score=0.4)
    MatchFactory(scientist=ScientistProfileFactory(), project=outside, score=0.9)
    round = services.create_round(user=CoordinatorFactory(), name="R", projects=[inside])
    assert run("--round", round.ref, "--format", "csv").splitlines() == [
        "scientist,project,score",
        "sci-1,proj-in,0.4",
    ]


def test_each_score_is_the_pair_score_as_score_pairs_prints_it(tmp_path):
    matcher.forget_model(stored=False)
    project = ProjectFactory(seats=1)
    ScientistProfileFactory(languages=["es"])
    call_command("match", "--all", stdout=io.StringIO())
    assert Match.objects.filter(project=project).exists()  # the matcher stored suggestions
    report = json.loads(run("--all-open"))
    row = report["assignments"][0]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{row['scientist']},{row['project']}\n")
    out = io.StringIO()
    call_command("score_pairs", str(pairs), stdout=out)
    assert row["score"] == json.loads(out.getvalue())["matches"][0]["score"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--round", "round-missing"], "unknown round ref round-missing"),
        (["--all-open", "--max-per-scientist", "0"], "--max-per-scientist must be between"),
        (["--all-open", "--max-per-scientist", "99999999999"], "--max-per-scientist must be"),
    ],
)
def test_bad_arguments_are_one_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_round_and_all_open_are_exclusive_and_one_is_required():
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("--all-open", "--round", "x")
