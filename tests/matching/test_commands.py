"""match, export_matches, score_pairs, bench_matcher and evaluate_matcher, per the data contract."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching import matcher
from matching.models import Match, MatchRun
from profiles import vocab
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_model(settings):
    settings.MATCH_TOP_K = 2
    matcher.forget_model(stored=False)
    yield
    matcher.forget_model(stored=False)


@pytest.fixture
def world(db):
    unam = factories.InstitutionFactory(ref="inst-unam", name="Instituto de Biología, UNAM")
    other = factories.InstitutionFactory(ref="inst-x", name="Secretaría de Salud", state="MX-OAX")
    p1 = factories.ProjectFactory(ref="proj-gen", institution=unam, keywords=["genómica"])
    p2 = factories.ProjectFactory(
        ref="proj-epi",
        institution=other,
        title="Epidemiología del dengue",
        description="Vigilancia epidemiológica.",
        fields=["public_health"],
        keywords=["epidemiología"],
    )
    closed = factories.ProjectFactory(ref="proj-closed", status=vocab.ProjectStatus.CLOSED)
    s1 = factories.ScientistProfileFactory(ref="sci-ana", keywords=["genomics"])
    s2 = factories.ScientistProfileFactory(
        ref="sci-eva",
        keywords=["epidemiology"],
        fields=["public_health"],
        summary="Dengue epidemiology.",
    )
    s3 = factories.ScientistProfileFactory(ref="sci-fr", languages=["fr"])
    return {"p1": p1, "p2": p2, "closed": closed, "s1": s1, "s2": s2, "s3": s3}


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        import sys
        from unittest import mock

        with mock.patch.object(sys, "stdin", io.StringIO(stdin)):
            call_command(*args, stdout=out, stderr=err)
    else:
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_match_all_stores_suggestions_and_finishes_the_run(world):
    out, _ = run("match", "--all")
    assert "full rematch" in out
    assert MatchRun.objects.get().status == MatchRun.Status.DONE
    assert Match.objects.filter(scientist=world["s1"], project=world["p1"]).exists()
    assert not Match.objects.filter(project=world["closed"]).exists()
    assert not Match.objects.filter(scientist=world["s3"]).exists()  # speaks only French


def test_match_one_scientist_and_one_project(world):
    run("match", "--scientist", "sci-ana")
    assert Match.objects.filter(scientist=world["s1"]).count() == 2
    run("match", "--project", "proj-epi")
    assert Match.objects.filter(project=world["p2"], scientist=world["s2"]).exists()


@pytest.mark.parametrize("option", ["--scientist", "--project"])
def test_match_with_an_unknown_ref_is_an_error(world, option):
    with pytest.raises(CommandError, match="unknown"):
        run("match", option, "nope")


def test_export_json_has_the_contract_shape_best_first(world):
    run("match", "--all")
    out, _ = run("export_matches")
    data = json.loads(out)
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)
    first = data["matches"][0]
    assert set(first) == {"scientist", "project", "score", "components", "reasons"}
    assert {"field", "goals", "timeline", "network", "language"} <= set(first["components"])
    assert all(
        0 <= v <= 1 for m in data["matches"] for v in [m["score"], *m["components"].values()]
    )
    assert all(isinstance(r, str) for r in first["reasons"])
    assert len(data["matches"]) == Match.objects.count()


def test_export_for_one_scientist_with_top(world):
    run("match", "--all")
    out, _ = run("export_matches", "--scientist", "sci-ana", "--top", "1")
    data = json.loads(out)["matches"]
    assert len(data) == 1
    assert data[0]["scientist"] == "sci-ana"
    assert data[0]["project"] == "proj-gen"
    assert (
        "The scientist's keyword 'genomics' matches the project's 'genómica'." in data[0]["reasons"]
    )


def test_export_csv_columns(world):
    run("match", "--all")
    out, _ = run("export_matches", "--project", "proj-gen", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:6] == ["scientist", "project", "score", "field", "goals", "timeline"]
    assert rows[0][-1] == "reasons"
    assert "network" in rows[0] and "language" in rows[0]
    assert all(r[1] == "proj-gen" for r in rows[1:])
    assert " | " in rows[1][-1]


def test_export_top_keeps_k_per_project_without_filter(world):
    run("match", "--all")
    out, _ = run("export_matches", "--top", "1")
    projects = [m["project"] for m in json.loads(out)["matches"]]
    assert len(projects) == len(set(projects))


def test_score_pairs_explains_stored_and_unstored_pairs(world, tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("scientist,project\nsci-ana,proj-gen\nsci-fr,proj-gen\nsci-ana,proj-closed\n")
    out, _ = run("score_pairs", str(path))
    data = json.loads(out)["matches"]
    assert [(m["scientist"], m["project"]) for m in data] == [
        ("sci-ana", "proj-gen"),
        ("sci-fr", "proj-gen"),
        ("sci-ana", "proj-closed"),
    ]
    assert data[0]["score"] > 0.5
    assert data[1]["score"] == 0 and data[1]["reasons"][0].startswith("No common language")
    assert data[2]["score"] == 0 and data[2]["reasons"] == ["The project is not open (Closed)."]


def test_score_pairs_reads_standard_input(world):
    out, _ = run("score_pairs", "-", stdin="sci-eva,proj-epi\n")
    assert json.loads(out)["matches"][0]["project"] == "proj-epi"


def test_score_pairs_unknown_ref_names_the_line_and_fails(world, tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("sci-ana,proj-gen\nsci-missing,proj-gen\n")
    with pytest.raises(CommandError) as exc:
        run("score_pairs", str(path))
    assert exc.value.returncode == 1


def test_score_pairs_unknown_ref_message(world, tmp_path, capsys):
    from django.core.management import execute_from_command_line

    path = tmp_path / "pairs.csv"
    path.write_text("sci-ana,proj-gen\nsci-missing,proj-gen\n")
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "score_pairs", str(path)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "line 2: unknown scientist ref sci-missing" in err
    assert "Traceback" not in err


def test_score_pairs_missing_file_is_an_error(db):
    with pytest.raises(CommandError, match="cannot read"):
        run("score_pairs", "/nonexistent/pairs.csv")


def test_bench_matcher_prints_the_figures_as_the_last_line():
    out, _ = run(
        "bench_matcher",
        "--scientists",
        "300",
        "--projects",
        "60",
        "--naive-seconds",
        "0.2",
        "--chunk-size",
        "100",
    )
    figures = json.loads(out.strip().splitlines()[-1])
    for key in (
        "scientists",
        "projects",
        "pairs_scored",
        "seconds",
        "pairs_per_second",
        "peak_rss_mb",
        "one_scientist_ms",
        "one_project_ms",
        "speedup_vs_naive",
        "fraction_of_cdist_limit",
    ):
        assert key in figures
    assert figures["scientists"] == 300 and figures["projects"] == 60
    assert 0 < figures["pairs_scored"] <= 300 * 60
    assert figures["naive_max_abs_diff"] < 1e-4  # the fast path computes the same scores


def test_evaluate_matcher_beats_the_keyword_baseline():
    out, _ = run("evaluate_matcher")
    results = json.loads(out.strip().splitlines()[-1])
    for side in ("scientist", "project"):
        assert (
            results["matcher"][side]["ndcg@10"]
            > results["keyword_overlap_baseline"][side]["ndcg@10"]
        )
    assert "NDCG@10" in out and "P@5" in out
