"""The semantic part of the matcher: meaning across Spanish and English,
vectors stored once per text change and never used for another text, its
reasons with evidence, and stable stored scores."""

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from matching import embeddings, matcher, tasks
from matching.models import Match, ProjectEmbedding, ScientistEmbedding
from matching.scoring import score_pair, semantic
from matching.scoring.records import ProjectRecord, ScientistRecord
from profiles.models import ScientistProfile
from tests import factories

GROUNDWATER_PROJECT = (
    "Recarga de acuíferos sobreexplotados en el Bajío",
    "Buscamos modelar la recarga de los acuíferos sobreexplotados del Bajío y proponer "
    "medidas para que los pozos de las comunidades no se sequen en los próximos años.",
)
GROUNDWATER_PROFILE = (
    "I model how depleted groundwater reserves in semi-arid basins are replenished, so that "
    "wells in farming towns do not run dry, combining well records with satellite gravity data."
)
COGNATE_NEAR_MISS = (
    "I build models of ocean circulation in the Gulf of California; my analysis of "
    "communities of plankton uses satellite data and numerical simulation."
)


@pytest.fixture(autouse=True)
def _fresh_model():
    matcher.forget_model(stored=False)
    yield
    matcher.forget_model(stored=False)


def _scientist(summary, **extra):
    return factories.ScientistProfileFactory(
        summary=summary,
        keywords=extra.pop("keywords", []),
        fields=["earth_sciences"],
        languages=["en", "es"],
        **extra,
    )


def _groundwater_project():
    title, description = GROUNDWATER_PROJECT
    return factories.ProjectFactory(
        title=title, description=description, keywords=[], fields=["earth_sciences"]
    )


def test_spanish_project_meets_its_english_paraphrase_before_a_near_miss_sharing_cognates(db):
    project = _groundwater_project()
    right = _scientist(GROUNDWATER_PROFILE)
    near_miss = _scientist(COGNATE_NEAR_MISS)
    matcher.run_full_rematch()  # computes the missing vectors first

    assert score_pair(right, project).score > score_pair(near_miss, project).score
    ranked = list(Match.objects.filter(project=project).order_by("-score"))
    assert ranked[0].scientist_id == right.pk


def test_saving_a_profile_stores_its_vector_once_per_text_change(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the rescoring task, after commit
        profile = _scientist(GROUNDWATER_PROFILE)
    stored = ScientistEmbedding.objects.get(scientist=profile)
    assert stored.language == "en"
    assert stored.text_digest == semantic.text_digest(
        ScientistRecord.from_profile(profile).document
    )

    profile.hours_per_month = 12  # not the text: the vector stays
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    assert ScientistEmbedding.objects.get(scientist=profile).updated_at == stored.updated_at

    profile.summary = "Estudio la recarga de acuíferos en cuencas semiáridas."
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    renewed = ScientistEmbedding.objects.get(scientist=profile)
    assert renewed.text_digest != stored.text_digest
    assert renewed.language == "es"


def test_a_profile_saved_before_its_new_vector_exists_is_scored_without_meaning(db):
    project = _groundwater_project()
    profile = _scientist(GROUNDWATER_PROFILE)
    embeddings.embed_missing()
    with_meaning = score_pair(profile, project)
    assert any(r["code"] == "close_in_meaning" for r in with_meaning.reasons)

    profile.summary = COGNATE_NEAR_MISS  # saved; its rescoring (and new vector) not run yet
    profile.save()
    record = ScientistRecord.from_profile(profile)
    assert record.vector is None  # the old text's vector is not used for the new text
    stale = score_pair(profile, project)
    assert not any(r["code"] == "close_in_meaning" for r in stale.reasons)

    embeddings.embed("scientist", [profile.pk])
    profile = ScientistProfile.objects.get(pk=profile.pk)
    assert ScientistRecord.from_profile(profile).vector is not None


def test_backfill_embeds_only_what_is_missing_or_stale(db):
    first = _scientist(GROUNDWATER_PROFILE)
    second = _scientist(COGNATE_NEAR_MISS)
    project = _groundwater_project()
    assert embeddings.missing_ids("scientist") == [first.pk, second.pk]
    assert embeddings.missing_ids("project") == [project.pk]

    assert embeddings.embed_missing() == 3
    assert embeddings.missing_ids("scientist") == []
    assert embeddings.embed_missing() == 0  # safe to run twice
    assert ProjectEmbedding.objects.filter(project=project).exists()

    first.summary = COGNATE_NEAR_MISS  # a new text: its vector is stale
    first.save()
    ScientistEmbedding.objects.filter(scientist=second).update(vector=b"\x01\x02")  # malformed
    assert embeddings.missing_ids("scientist") == [first.pk, second.pk]
    assert embeddings.embed_missing() == 2
    assert embeddings.missing_ids("scientist") == []


def test_close_meaning_is_explained_with_the_closest_sentences(db, client, english):
    _groundwater_project()
    profile = _scientist(
        "I was trained in Guadalajara. " + GROUNDWATER_PROFILE + " I enjoy teaching."
    )
    matcher.run_full_rematch()
    client.force_login(profile.user)
    page = client.get(reverse("matching:my_recommendations")).content.decode()
    assert "describe closely related work" in page
    assert "depleted groundwater reserves" in page  # the profile's closest sentence
    assert "acuíferos sobreexplotados" in page  # the project's closest sentence
    assert "I enjoy teaching" not in page


def test_reasons_do_not_cite_generic_words_or_split_compounds(db):
    project = factories.ProjectFactory(
        title="Apoyo a estudiantes con resultados de RNA-seq",
        description="Buscamos apoyar a estudiantes y obtener resultados de RNA-seq.",
        keywords=[],
    )
    profile = factories.ScientistProfileFactory(
        summary="Apoyar a estudiantes para obtener resultados con RNA-seq.", keywords=[]
    )
    terms = [
        term
        for reason in score_pair(profile, project).reasons
        if reason["code"] == "shared_terms"
        for term in reason["params"]["terms"]
    ]
    for generic in ("estudiantes", "apoyar", "resultados", "rna", "seq"):
        assert generic not in terms


def test_a_full_rematch_with_no_data_change_leaves_every_stored_score_as_it_was(db):
    for summary in (GROUNDWATER_PROFILE, COGNATE_NEAR_MISS, "Hydrology of karst aquifers."):
        _scientist(summary)
    _groundwater_project()
    factories.ProjectFactory(title="Circulación oceánica del Golfo de California")
    matcher.run_full_rematch()
    before = dict(Match.objects.values_list("pk", "score"))
    matcher.forget_model()
    matcher.run_full_rematch()
    assert dict(Match.objects.values_list("pk", "score")) == before


def test_quantized_products_are_exact_whatever_the_block_shape():
    rng = np.random.default_rng(3)
    vectors = np.stack([semantic.quantize(v) for v in rng.standard_normal((300, semantic.DIM))])
    start, end = semantic.SEGMENTS[0][1:]
    whole = vectors[:, start:end] @ vectors[:5, start:end].T
    one_by_one = np.stack([vectors[i, start:end] @ vectors[:5, start:end].T for i in range(300)])
    assert np.array_equal(whole, one_by_one)


def test_introduction_page_says_when_the_score_changed_since(db, client, english):
    intro = factories.IntroductionFactory(score=0.9)
    Match.objects.filter(scientist=intro.scientist, project=intro.project).delete()
    factories.MatchFactory(scientist=intro.scientist, project=intro.project, score=0.61)
    client.force_login(intro.scientist.user)
    page = client.get(reverse("matching:introduction_detail", args=[intro.pk])).content.decode()
    assert "the score was 90%" in page
    assert "it is 61%" in page


def test_a_failing_encoder_leaves_the_pair_scored_without_meaning(db, monkeypatch):
    project = _groundwater_project()
    profile = _scientist(GROUNDWATER_PROFILE)

    def broken(texts):
        raise RuntimeError("encoder unavailable")

    monkeypatch.setattr(semantic, "embed_documents", broken)
    tasks.rescore_scientist_task(profile.pk)  # runs to the end: rows stored, no vector
    assert Match.objects.filter(scientist=profile, project=project).exists()
    assert not ScientistEmbedding.objects.filter(scientist=profile).exists()


def test_embed_missing_command_reports_progress_and_then_has_nothing_to_do(db):
    _scientist(GROUNDWATER_PROFILE)
    _groundwater_project()
    out = io.StringIO()
    call_command("embed_missing", "--chunk", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "missing or stale: 1 profiles, 1 projects"
    assert any(line.startswith("2/2 (100%)") for line in lines)
    out = io.StringIO()
    call_command("embed_missing", stdout=out)
    assert out.getvalue().strip() == "missing or stale: 0 profiles, 0 projects"


def test_embed_missing_refuses_an_empty_chunk(db):
    with pytest.raises(CommandError, match="--chunk"):
        call_command("embed_missing", "--chunk", "0")


def _same_record(a, b) -> bool:
    vectors_match = (a.vector is None and b.vector is None) or (
        a.vector is not None and b.vector is not None and np.array_equal(a.vector, b.vector)
    )
    a.vector = b.vector = None
    return vectors_match and a == b


def test_records_read_in_bulk_are_the_records_of_the_saved_profiles_and_projects(db):
    embedded = _scientist(GROUNDWATER_PROFILE, keywords=["recarga de acuíferos"])
    stale = _scientist(COGNATE_NEAR_MISS)
    malformed = _scientist(GROUNDWATER_PROFILE + " Also karst.")
    never = _scientist("")
    project = _groundwater_project()
    embeddings.embed_missing()
    stale.summary = GROUNDWATER_PROFILE + " New text."
    stale.save()
    ScientistEmbedding.objects.filter(scientist=malformed).update(vector=b"\x01\x02")

    bulk = matcher.scientist_records()
    one_by_one = [
        ScientistRecord.from_profile(ScientistProfile.objects.get(pk=p.pk))
        for p in (embedded, stale, malformed, never)
    ]
    assert [r.id for r in bulk] == [r.id for r in one_by_one]
    assert bulk[0].vector is not None and bulk[0].language == "en"
    assert [r.vector is None for r in bulk] == [False, True, True, True]
    assert all(_same_record(a, b) for a, b in zip(bulk, one_by_one, strict=True))

    (project_record,) = matcher.open_project_records()
    project.refresh_from_db()
    assert project_record.vector is not None
    assert project_record.institution_name == project.institution.name
    assert _same_record(project_record, ProjectRecord.from_project(project))
