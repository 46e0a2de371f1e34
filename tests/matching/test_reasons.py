"""Reasons read as whole sentences in both languages, never glued from labels."""

import re

import pytest
from django.utils import translation

from matching.reasons import render_reason
from profiles import vocab

KINDS = vocab.CollaborationType.values


def _render(code, params, language, audience=None):
    with translation.override(language):
        return render_reason({"code": code, "params": params}, audience)


def test_an_industry_project_related_to_the_academic_project_sought_reads_right():
    reason = {"type": "industry_project", "wanted": "academic_project"}
    assert _render("collaboration_related", reason, "en", "scientist") == (
        "This is an industry project. It is close to a kind you are looking for: Academic project."
    )
    assert _render("collaboration_related", reason, "es") == (
        "Es un proyecto con la industria. Es afín a un tipo de colaboración que busca la "
        "persona científica: Proyecto académico."
    )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "code", ["collaboration_type", "collaboration_related", "collaboration_mismatch"]
)
@pytest.mark.parametrize("audience", ["scientist", None])
def test_every_kind_of_collaboration_has_its_own_sentence(language, code, audience):
    sentences = {
        kind: _render(code, {"type": kind, "wanted": "mentoring"}, language, audience)
        for kind in KINDS
    }
    assert len(set(sentences.values())) == len(KINDS), sentences
    for sentence in sentences.values():
        before_any_label = sentence.split(":")[0]
        # Articles agree with the words after them: no "a Industry project", no
        # "un Proyecto académico" (a capitalised label glued after an article).
        if language == "en":
            assert not re.search(r"\ba [AEIOUaeiou]", before_any_label), sentence
        else:
            assert not re.search(r"\b(un|una|el|la|de) [A-ZÁÉÍÓÚ][a-záéíóú]", before_any_label)
        assert sentence.endswith("."), sentence


def test_the_sentences_speak_to_the_scientist_or_about_them():
    params = {"type": "teaching"}
    assert _render("collaboration_mismatch", params, "en", "scientist") == (
        "This is a teaching collaboration. It is not a kind of collaboration you are looking for."
    )
    assert _render("collaboration_mismatch", params, "en") == (
        "This is a teaching collaboration. "
        "It is not a kind of collaboration the scientist is looking for."
    )
    assert _render("collaboration_type", params, "es", "scientist") == (
        "Es una colaboración de docencia. Es un tipo de colaboración que buscas."
    )


@pytest.mark.parametrize(
    ("params", "english", "spanish"),
    [
        (
            {"first_results_months": 6, "available_from": "2027-01-15", "horizon_months": 24},
            "The project expects first results in 6 months; you are available from "
            "January 2027 for 24 months.",
            "El proyecto espera primeros resultados en 6 meses; tú estás disponible desde "
            "enero de 2027 durante 24 meses.",
        ),
        (
            {"first_results_months": 1},
            "The project expects first results in 1 month.",
            "El proyecto espera primeros resultados en 1 mes.",
        ),
        (
            {"available_from": "2027-01-15"},
            "You are available from January 2027.",
            "Estás disponible desde enero de 2027.",
        ),
        ({}, "The start dates fit.", "Las fechas de inicio coinciden."),
    ],
)
def test_timeline_fit_is_one_whole_sentence_for_each_case(params, english, spanish):
    assert _render("timeline_fit", params, "en", "scientist") == english
    assert _render("timeline_fit", params, "es", "scientist") == spanish


def test_no_common_language_names_the_languages():
    params = {"scientist_languages": ["en", "fr"], "project_languages": ["es"]}
    assert "Inglés, Francés" in _render("no_common_language", params, "es")
    assert "English, French" in _render("no_common_language", params, "en")
