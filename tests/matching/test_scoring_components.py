"""Each component of the score, on small hand-built pairs."""

import datetime

import pytest
from django.utils import translation

from matching.reasons import render_reasons
from matching.scoring.engine import FittedModel
from matching.scoring.explain import score_records
from matching.scoring.institutions import institution_codes
from matching.scoring.records import ProjectRecord, ScientistRecord
from matching.scoring.text import fold, normalize_keyword, stems

TODAY = datetime.date(2026, 11, 22)


def scientist(**kw):
    base = dict(
        id=1,
        ref="s",
        fields=["genetics_genomics"],
        keywords=["genomics", "bioinformatics"],
        summary="Population genomics of maize and bioinformatics pipelines.",
        goals=["publications"],
        collaboration_types=["academic_project"],
        available_from=datetime.date(2027, 1, 15),
        horizon_months=24,
        hours_per_month=10,
        languages=["es", "en"],
        alma_maters=["UNAM"],
        states_of_interest=["MX-CMX"],
    )
    base.update(kw)
    return ScientistRecord(**base)


def project(**kw):
    base = dict(
        id=1,
        ref="p",
        status="open",
        title="Genómica de maíces nativos",
        description="Secuenciación y análisis bioinformático de poblaciones de maíz nativo.",
        fields=["genetics_genomics"],
        keywords=["genómica", "bioinformática"],
        goals=["publications"],
        collaboration_type="academic_project",
        starts_on=datetime.date(2027, 2, 1),
        duration_months=18,
        first_results_months=6,
        hours_per_month=8,
        languages=["es"],
        institution_name="Instituto de Biología, UNAM",
        institution_state="MX-CMX",
    )
    base.update(kw)
    return ProjectRecord(**base)


def score(s, p, others=()):
    model, _ = FittedModel.fit(
        [s, *[o for o in others if isinstance(o, ScientistRecord)]],
        [p, *[o for o in others if isinstance(o, ProjectRecord)]],
    )
    return score_records(model, s, p, today=TODAY)


def codes(result):
    return [r["code"] for r in result.reasons]


# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("spanish", "english"),
    [
        ("genómica", "genomics"),
        ("Epidemiología", "epidemiology"),
        ("Bioquímica", "biochemistry"),
        ("bioquimica", "Bioquímica"),
        ("aprendizaje automático", "machine learning"),
        ("salud pública", "public health"),
        ("conservación", "conservation"),
        ("genómica de poblaciones", "population genomics"),
    ],
)
def test_spanish_and_english_keywords_share_a_normal_form(spanish, english):
    assert normalize_keyword(spanish) == normalize_keyword(english)


def test_stop_words_and_punctuation_are_ignored():
    assert stems("The genomics, of the MAIZE!") == stems("genómica del maíz")


def test_folding_drops_accents_and_keeps_words_apart_at_any_other_character():
    assert fold("¿Qué datos?—Modelos «climáticos» ﬁnales") == "que datos modelos climaticos finales"
    assert fold("STRAẞE straße") == "strasse strasse"
    assert fold("a\x00b \ud800c 東京 x\u0301y") == "a b c xy"
    assert stems("Aprendizaje  Automático") == stems("machine learning")


def test_typos_in_keywords_are_tolerated():
    s = scientist(keywords=["bioinformatcs"], summary="")
    p = project(keywords=["bioinformática"], description="", title="Proyecto")
    result = score(s, p)
    assert "keyword_match" in codes(result)


# ---------------------------------------------------------------- field


def test_same_discipline_beats_same_area_beats_unrelated():
    s = scientist()
    same = score(s, project(fields=["genetics_genomics"]))
    area = score(s, project(fields=["microbiology"]))
    unrelated = score(s, project(fields=["history"]))
    assert same.components["field"] > area.components["field"] > unrelated.components["field"]
    assert same.reasons[0] == {"code": "same_field", "params": {"field": "genetics_genomics"}}


def test_a_spanish_project_finds_an_english_profile():
    english = scientist(
        keywords=["epidemiology", "dengue"],
        fields=["public_health"],
        summary="Infectious disease epidemiology, dengue surveillance and spatial statistics.",
    )
    spanish = project(
        title="Vigilancia epidemiológica del dengue",
        fields=["public_health"],
        description="Epidemiología espacial del dengue y estadística para la vigilancia.",
        keywords=["epidemiología", "dengue"],
    )
    unrelated = project(
        id=2,
        ref="p2",
        title="Historia del arte virreinal",
        fields=["history"],
        description="Archivos y pintura del siglo XVII.",
        keywords=["historia del arte"],
    )
    model, _ = FittedModel.fit([english], [spanish, unrelated])
    good = score_records(model, english, spanish, today=TODAY)
    bad = score_records(model, english, unrelated, today=TODAY)
    assert good.components["field"] > 0.6
    assert good.score > bad.score + 0.3
    assert {
        "code": "keyword_match",
        "params": {"scientist_keyword": "epidemiology", "project_keyword": "epidemiología"},
    } in good.reasons


# ---------------------------------------------------------------- goals


def test_shared_goals_and_collaboration_type_raise_goals():
    s = scientist(goals=["policy", "social_impact"], collaboration_types=["government_project"])
    fit = score(s, project(goals=["policy"], collaboration_type="government_project"))
    misfit = score(s, project(goals=["student_training"], collaboration_type="teaching"))
    assert fit.components["goals"] == 1.0 or fit.components["goals"] > 0.8
    assert misfit.components["goals"] < 0.3
    assert "collaboration_mismatch" in codes(misfit)


def test_missing_goals_are_neutral():
    result = score(scientist(goals=[], collaboration_types=[]), project())
    assert result.components["goals"] == 0.5


# ---------------------------------------------------------------- timeline


def test_results_in_three_months_at_20_hours_do_not_fit_someone_free_in_a_year_for_5_hours():
    p = project(
        starts_on=datetime.date(2026, 12, 1),
        first_results_months=3,
        duration_months=12,
        hours_per_month=20,
    )
    late = scientist(
        available_from=datetime.date(2027, 12, 1), horizon_months=12, hours_per_month=5
    )
    ready = scientist(
        available_from=datetime.date(2026, 11, 1), horizon_months=24, hours_per_month=20
    )
    bad, good = score(late, p), score(ready, p)
    assert bad.components["timeline"] < 0.15
    assert good.components["timeline"] == 1.0
    assert good.score > bad.score * 2  # however good the field fit, a poor timeline sinks it
    assert {"late_start", "hours_short"} <= set(codes(bad))


def test_arriving_halfway_to_the_first_results_halves_the_start_part():
    p = project(
        starts_on=datetime.date(2027, 1, 1),
        first_results_months=6,
        duration_months=None,
        hours_per_month=None,
    )
    s = scientist(
        available_from=datetime.date(2027, 4, 2), horizon_months=None, hours_per_month=None
    )
    result = score(s, p)
    # start = 1 - 3/6 = 0.5; coverage and hours unknown = 0.6
    assert result.components["timeline"] == pytest.approx(
        0.4 * 0.5 + 0.3 * 0.6 + 0.3 * 0.6, abs=0.01
    )
    assert "timeline_assumed" in codes(result)


def test_a_short_horizon_covers_only_part_of_a_long_project():
    p = project(starts_on=datetime.date(2027, 2, 1), duration_months=24, first_results_months=6)
    short = score(scientist(available_from=datetime.date(2027, 1, 1), horizon_months=6), p)
    long = score(scientist(available_from=datetime.date(2027, 1, 1), horizon_months=36), p)
    assert short.components["timeline"] < long.components["timeline"]
    assert "short_horizon" in codes(short)


def test_missing_timeline_data_is_neutral_not_zero():
    result = score(
        scientist(available_from=None, horizon_months=None, hours_per_month=None),
        project(
            starts_on=None, duration_months=None, first_results_months=None, hours_per_month=None
        ),
    )
    assert 0.5 < result.components["timeline"] < 1.0


# ---------------------------------------------------------------- network, language, status


@pytest.mark.parametrize(
    ("alma", "institution"),
    [
        ("UNAM", "Instituto de Biología, UNAM"),
        ("UNAM", "Facultad de Ciencias, Universidad Nacional Autónoma de México"),
        ("Universidad Nacional Autonoma de Mexico", "Instituto de Geofísica, UNAM"),
        ("Tec de Monterrey", "Instituto Tecnológico y de Estudios Superiores de Monterrey"),
        ("UdeG", "Universidad de Guadalajara"),
    ],
)
def test_alma_mater_aliases_find_the_institution(alma, institution):
    assert institution_codes(alma) & institution_codes(institution)


def test_different_universities_do_not_match():
    assert not institution_codes("UNAM") & institution_codes("Universidad de Guadalajara")
    assert not institution_codes("UAM") & institution_codes("UANL")


def test_shared_alma_mater_and_state_raise_the_network_component():
    both = score(scientist(), project())
    none = score(scientist(alma_maters=["ITAM"], states_of_interest=["MX-YUC"]), project())
    assert both.components["network"] == 1.0
    assert none.components["network"] == 0.0
    assert both.score > none.score
    assert "alma_mater" in codes(both) and "state_of_interest" in codes(both)


def test_no_common_language_excludes_the_pair_with_the_reason():
    result = score(scientist(languages=["en"]), project(languages=["es"]))
    assert result.score == 0
    assert result.components["language"] == 0
    assert codes(result) == ["no_common_language"]


def test_a_closed_project_scores_zero_with_the_reason():
    result = score(scientist(), project(status="closed"))
    assert result.score == 0
    assert result.reasons == [{"code": "project_not_open", "params": {"status": "closed"}}]


def test_every_component_is_in_the_unit_interval_and_scores_are_deterministic():
    first = score(scientist(), project())
    again = score(scientist(), project())
    assert first == again
    assert all(0 <= v <= 1 for v in first.components.values())
    assert 0 <= first.score <= 1


# ---------------------------------------------------------------- ranking


def test_ranking_on_a_hand_built_case():
    s = scientist()
    perfect = project(id=1, ref="perfect")
    late = project(
        id=2,
        ref="late",
        starts_on=datetime.date(2026, 12, 1),
        first_results_months=1,
        hours_per_month=40,
    )
    other_field = project(
        id=3,
        ref="other",
        title="Historia de la migración",
        description="Archivos históricos de la migración mexicana.",
        fields=["history"],
        keywords=["historia"],
    )
    foreign = project(id=4, ref="foreign", languages=["fr"])
    model, _ = FittedModel.fit([s], [perfect, late, other_field, foreign])
    scores = {
        p.ref: score_records(model, s, p, today=TODAY).score
        for p in (perfect, late, other_field, foreign)
    }
    assert sorted(scores, key=scores.get, reverse=True) == ["perfect", "late", "other", "foreign"]
    assert scores["foreign"] == 0


# ---------------------------------------------------------------- reasons


def test_reasons_render_in_english_and_spanish():
    result = score(scientist(), project())
    with translation.override("en"):
        english = render_reasons(result.reasons, audience="scientist")
    assert "Your keyword 'genomics' matches 'genómica'." in english
    assert "You studied at UNAM, the project's institution." in english
    assert any(
        line.startswith(
            "The project expects first results in 6 months; you are "
            "available from January 2027 for 24 months."
        )
        for line in english
    )
    with translation.override("es"):
        spanish = render_reasons(result.reasons)
    assert len(spanish) == len(english)
