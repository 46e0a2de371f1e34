"""Stored suggestions: full rematch, incremental rescoring, closed projects."""

import datetime
import random

import numpy as np
import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from matching import matcher
from matching.models import FittedModelCopy, Match, MatchRun, ScientistEmbedding
from matching.scoring.engine import Features, FittedModel
from profiles import vocab
from profiles.models import Project, ScientistProfile
from tests import factories

TODAY = datetime.date(2026, 11, 22)
KEYWORDS = [
    "genómica",
    "genomics",
    "bioinformática",
    "bioinformatics",
    "epidemiología",
    "epidemiology",
    "aprendizaje automático",
    "machine learning",
    "ecología",
    "ecology",
    "economía laboral",
    "labor economics",
    "salud pública",
    "public health",
    "maíz",
    "maize",
    "migración",
    "migration",
    "nanotecnología",
    "nanotechnology",
]
FIELDS = [
    "biology_chemistry",
    "genetics_genomics",
    "public_health",
    "economics",
    "computer_science",
    "ecology_evolution",
    "medicine_health",
    "materials_science",
]
GOALS = [g.value for g in vocab.Goal]
TYPES = [c.value for c in vocab.CollaborationType]
STATES = ["MX-CMX", "MX-JAL", "MX-NLE", "MX-YUC", "MX-OAX"]
INSTITUTIONS = [
    "Instituto de Biología, UNAM",
    "Universidad de Guadalajara",
    "CINVESTAV Mérida",
    "Secretaría de Salud de Oaxaca",
    "ONG Agua Limpia",
]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.MATCH_TOP_K = 3
    settings.MATCH_CHUNK_SIZE = 4
    matcher.forget_model(stored=False)
    yield
    matcher.forget_model(stored=False)


def _random_world(rng, n_scientists=14, n_projects=9):
    institutions = [
        factories.InstitutionFactory(name=name, state=rng.choice(STATES)) for name in INSTITUTIONS
    ]
    for i in range(n_projects):
        factories.ProjectFactory(
            institution=rng.choice(institutions),
            title=f"Proyecto {i} de {rng.choice(KEYWORDS)}",
            description=" ".join(rng.sample(KEYWORDS, 4)),
            fields=rng.sample(FIELDS, rng.randint(1, 2)),
            keywords=rng.sample(KEYWORDS, rng.randint(1, 4)),
            goals=rng.sample(GOALS, rng.randint(0, 3)),
            collaboration_type=rng.choice(TYPES),
            starts_on=TODAY + datetime.timedelta(days=rng.randint(-30, 400)),
            duration_months=rng.choice([None, 6, 12, 24]),
            first_results_months=rng.choice([None, 3, 6, 12]),
            hours_per_month=rng.choice([None, 5, 10, 20]),
            languages=rng.choice([["es"], ["es", "en"], ["en"]]),
        )
    for i in range(n_scientists):
        factories.ScientistProfileFactory(
            summary=" ".join(rng.sample(KEYWORDS, 5)),
            fields=rng.sample(FIELDS, rng.randint(0, 2)),
            keywords=rng.sample(KEYWORDS, rng.randint(0, 4)),
            goals=rng.sample(GOALS, rng.randint(0, 3)),
            collaboration_types=rng.sample(TYPES, rng.randint(0, 2)),
            available_from=rng.choice([None, TODAY + datetime.timedelta(days=rng.randint(0, 400))]),
            horizon_months=rng.choice([None, 6, 12, 36]),
            hours_per_month=rng.choice([None, 4, 10, 30]),
            languages=rng.choice([["es"], ["en"], ["es", "en"], ["fr"]]),
            alma_maters=rng.sample(["UNAM", "UdeG", "Cinvestav", "ITAM"], rng.randint(0, 2)),
            states_of_interest=rng.sample(STATES, rng.randint(0, 2)),
            name=f"Scientist {i}",
        )


def _stored():
    return {(m.scientist_id, m.project_id): round(m.score, 6) for m in Match.objects.all()}


def _expected():
    """What the stored rows must be: brute force over every pair."""
    from matching.scoring.engine import project_features, scientist_features, score_block

    model = matcher.current_model()
    srecs = matcher.scientist_records()
    precs = matcher.open_project_records()
    block = score_block(scientist_features(model, srecs), project_features(model, precs))
    total = block["total"]
    k = matcher.top_k()
    keep = {}
    for i, s in enumerate(srecs):
        ranked = sorted((-float(total[i, j]), p.id) for j, p in enumerate(precs) if total[i, j] > 0)
        for neg, pid in ranked[:k]:
            keep[(s.id, pid)] = round(-neg, 6)
    for j, p in enumerate(precs):
        ranked = sorted((-float(total[i, j]), s.id) for i, s in enumerate(srecs) if total[i, j] > 0)
        for neg, sid in ranked[:k]:
            keep[(sid, p.id)] = round(-neg, 6)
    return keep


def _floors():
    from matching.models import MatchFloor

    return {(f.side, f.owner_id): (round(f.score, 6), f.other_id) for f in MatchFloor.objects.all()}


def _expected_floors():
    """The k-th stored row of every owner that has at least k."""
    k = matcher.top_k()
    lists = {}
    for (sid, pid), score in _stored().items():
        lists.setdefault(("scientist", sid), []).append((-score, pid))
        lists.setdefault(("project", pid), []).append((-score, sid))
    return {
        owner: (-sorted(rows)[k - 1][0], sorted(rows)[k - 1][1])
        for owner, rows in lists.items()
        if len(rows) >= k
    }


def _rescore_open_projects():
    for project in Project.objects.open():
        matcher.rescore_project(project.pk)


def test_full_rematch_stores_top_k_of_each_side_and_reports_progress(db):
    _random_world(random.Random(1))
    run = matcher.run_full_rematch()
    assert run.status == MatchRun.Status.DONE
    assert run.chunks_total == run.chunks_done == 4  # 14 scientists in chunks of 4
    assert 0 < run.pairs_scored <= 14 * 9  # pairs with no common language are skipped
    assert run.finished_at is not None
    assert _stored() == _expected()
    assert Match.objects.exists()


def test_a_rematch_in_one_process_writes_only_the_rows_it_keeps(db, monkeypatch):
    """Each project's best rows are held until the run ends instead of written
    chunk by chunk and pruned (at 20,000 x 2,000 a fifth of the rows written)."""
    _random_world(random.Random(15), n_scientists=30, n_projects=12)
    monkeypatch.setattr(matcher.ProjectCandidates, "compact_above", 5)
    written = []
    upsert = matcher._upsert

    def counted_upsert(rows):
        written.extend(zip(rows.scientist_ids.tolist(), rows.project_ids.tolist(), strict=True))
        upsert(rows)

    monkeypatch.setattr(matcher, "_upsert", counted_upsert)
    matcher.run_full_rematch()
    assert _stored() == _expected()
    assert len(written) == len(set(written)) == Match.objects.count()


def test_full_rematch_replaces_stale_rows(db):
    _random_world(random.Random(2))
    stale = factories.MatchFactory(score=0.99, scientist__languages=["fr"])
    matcher.run_full_rematch()
    assert not Match.objects.filter(pk=stale.pk).exists()  # no common language any more
    assert _stored() == _expected()


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_incremental_rescoring_equals_a_full_rematch(db, seed):
    rng = random.Random(seed)
    _random_world(rng)
    matcher.run_full_rematch()
    from profiles.models import Project, ScientistProfile

    scientists = list(ScientistProfile.objects.all())
    projects = list(Project.objects.open())
    for step in range(6):
        if step % 2 == 0:
            s = rng.choice(scientists)
            s.keywords = rng.sample(KEYWORDS, rng.randint(0, 4))
            s.languages = rng.choice([["es"], ["en"], ["es", "en"]])
            s.hours_per_month = rng.choice([None, 2, 40])
            s.save()
            matcher.rescore_scientist(s.pk)
        else:
            p = rng.choice(projects)
            p.keywords = rng.sample(KEYWORDS, rng.randint(1, 3))
            p.first_results_months = rng.choice([1, 12])
            p.save()
            matcher.rescore_project(p.pk)
        assert _stored() == _expected(), f"step {step}"
        assert _floors() == _expected_floors(), f"step {step}"


def test_several_edited_scientists_rescored_together_equal_a_full_rematch(db):
    from profiles.models import ScientistProfile

    rng = random.Random(21)
    _random_world(rng)
    matcher.run_full_rematch()
    edited = rng.sample(list(ScientistProfile.objects.all()), 6)
    for s in edited:
        s.keywords = rng.sample(KEYWORDS, rng.randint(0, 4))
        s.hours_per_month = rng.choice([None, 2, 40])
        s.save()
    matcher.rescore_scientists([s.pk for s in edited])
    assert _stored() == _expected()
    assert _floors() == _expected_floors()


def test_a_deleted_scientist_leaves_lists_that_are_refilled_from_the_others(
    db, django_capture_on_commit_callbacks
):
    from profiles.models import ScientistProfile

    _random_world(random.Random(8), n_scientists=16)
    matcher.run_full_rematch()
    k = matcher.top_k()

    def in_a_project_top(s):
        return any(
            m.pk in [x.pk for x in m.project.matches.order_by("-score", "scientist_id")[:k]]
            for m in s.matches.all()
        )

    gone = next(s for s in ScientistProfile.objects.all() if in_a_project_top(s))
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert _stored() == _expected()
    assert _floors() == _expected_floors()


def test_a_new_scientist_gets_suggestions_and_enters_project_lists(db):
    _random_world(random.Random(6))
    matcher.run_full_rematch()
    newcomer = factories.ScientistProfileFactory(
        keywords=["genómica"], languages=["es", "en"], fields=["genetics_genomics"]
    )
    matcher.rescore_scientist(newcomer.pk)
    assert Match.objects.filter(scientist=newcomer).count() >= 3  # its top 3, maybe more
    assert _stored() == _expected()


def test_a_closed_project_leaves_every_suggestion_list(db):
    _random_world(random.Random(7))
    matcher.run_full_rematch()
    from profiles.models import Project

    project = Project.objects.open().filter(matches__isnull=False).first()
    assert project.matches.exists()
    project.status = vocab.ProjectStatus.CLOSED
    project.save()
    matcher.rescore_project(project.pk)
    assert not Match.objects.filter(project=project).exists()
    assert _stored() == _expected()


def test_full_rematch_through_the_tasks_gives_the_same_rows(db):
    from matching import tasks

    _random_world(random.Random(8))
    run = MatchRun.objects.create()
    tasks.start_full_rematch_task.delay(run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert _stored() == _expected()


def test_score_pair_scores_stored_models_as_the_matcher_does(db):
    from matching.scoring import score_pair

    _random_world(random.Random(9))
    matcher.run_full_rematch()
    stored = Match.objects.select_related("scientist", "project__institution").first()
    matcher.fill_reasons([stored])
    result = score_pair(stored.scientist, stored.project)
    assert result.score == pytest.approx(stored.score, abs=1e-6)
    assert result.components == stored.components
    assert result.reasons == stored.reasons
    assert set(result.components) == {"field", "goals", "timeline", "network", "language"}


def test_the_nightly_task_runs_a_full_rematch(db):
    from matching import tasks

    _random_world(random.Random(10))
    tasks.nightly_full_rematch.delay()
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DONE
    assert _stored() == _expected()


def test_the_nightly_rematch_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matching-nightly-full-rematch"]
    assert entry["task"] == "matching.tasks.nightly_full_rematch"


def test_a_refit_elsewhere_replaces_this_process_model(db):
    _random_world(random.Random(11))
    first = matcher.current_model()
    assert matcher.current_model() is first
    newer = matcher.fit_model()  # e.g. the nightly job, in another worker
    matcher._state.clear()
    matcher._state["model"] = first  # this worker still holds the old fit
    assert matcher.current_model().token == newer.token != first.token


def test_a_lost_cache_brings_back_the_same_fit_from_the_database_without_refitting(db, monkeypatch):
    _random_world(random.Random(12))
    matcher.run_full_rematch()
    before = _stored()
    fitted = matcher.current_model()
    cache.clear()  # Redis restarted: the shared model is gone
    matcher._state.clear()  # and so is this process (a new worker)

    def no_refit(*args, **kwargs):
        raise AssertionError("refitted instead of reading the stored copy")

    monkeypatch.setattr(FittedModel, "fit", no_refit)
    restored = matcher.current_model()
    assert (restored.token, restored.today, restored.version) == (
        fitted.token,
        fitted.today,
        fitted.version,
    )
    assert cache.get(matcher.MODEL_TOKEN_KEY) == fitted.token  # shared again
    for scientist_id in {s for s, _p in before}:
        matcher.rescore_scientist(scientist_id)
    assert _stored() == before  # the same scores: nothing rebuilt


def test_a_fit_only_in_the_cache_is_copied_to_the_database_when_first_read(db):
    _random_world(random.Random(14))
    fitted = matcher.fit_model()
    FittedModelCopy.objects.all().delete()  # fitted before copies were kept
    matcher._state.clear()
    assert matcher.current_model().token == fitted.token
    assert FittedModelCopy.objects.get().token == fitted.token


def test_forgetting_the_model_drops_its_stored_copy_too(db):
    _random_world(random.Random(13))
    first = matcher.current_model()
    matcher.forget_model()
    assert matcher.current_model().token != first.token


@pytest.mark.parametrize("seed", [20, 21, 22, 23])
def test_a_random_mix_of_edits_closures_and_newcomers_keeps_rows_equal_to_a_full_rematch(
    db, settings, seed
):
    from profiles.models import Project, ScientistProfile

    settings.MATCH_TOP_K = 2
    rng = random.Random(seed)
    _random_world(rng, n_scientists=12, n_projects=7)
    matcher.run_full_rematch()
    scientists = list(ScientistProfile.objects.all())
    projects = list(Project.objects.all())
    for step in range(10):
        r = rng.random()
        if r < 0.45:
            s = rng.choice(scientists)
            s.keywords = rng.sample(KEYWORDS, rng.randint(0, 4))
            s.languages = rng.choice([["es"], ["en"], ["es", "en"]])
            s.save()
            matcher.rescore_scientist(s.pk)
        elif r < 0.9:
            p = rng.choice(projects)
            p.keywords = rng.sample(KEYWORDS, rng.randint(1, 3))
            p.status = rng.choice(["open", "open", "closed"])
            p.save()
            matcher.rescore_project(p.pk)
        else:
            s = factories.ScientistProfileFactory(keywords=rng.sample(KEYWORDS, 2))
            scientists.append(s)
            matcher.rescore_scientist(s.pk)
        assert _stored() == _expected(), f"step {step}"
        assert _floors() == _expected_floors(), f"step {step}"


def test_rescoring_unchanged_profiles_and_projects_after_a_rematch_changes_and_rebuilds_nothing(
    db, monkeypatch
):
    """The rematch and rescoring compute the same bits for a pair, on the day
    of the rematch and after midnight: otherwise every rescoring would see its
    scores move and rebuild other lists."""
    from profiles.models import Project, ScientistProfile

    _random_world(random.Random(13), n_scientists=30, n_projects=12)
    matcher.run_full_rematch()
    tomorrow = matcher.timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(matcher.timezone, "localdate", lambda *a, **k: tomorrow)
    before = {(m.scientist_id, m.project_id): m.score for m in Match.objects.all()}
    rebuilt = []
    real_project, real_scientists = matcher.rescore_project, matcher.rescore_scientists
    monkeypatch.setattr(
        matcher, "rescore_project", lambda pk: rebuilt.append(pk) or real_project(pk)
    )
    monkeypatch.setattr(
        matcher, "rescore_scientists", lambda ids: rebuilt.extend(ids) or real_scientists(ids)
    )
    for profile in ScientistProfile.objects.all():
        matcher.rescore_scientist(profile.pk)
    _rescore_open_projects()
    # only the calls made here: none from one rescoring to another
    assert len(rebuilt) == ScientistProfile.objects.count() + Project.objects.open().count()
    assert {(m.scientist_id, m.project_id): m.score for m in Match.objects.all()} == before


@pytest.mark.parametrize(
    ("project", "new_score", "rebuilds"),
    [
        (1, 0.85, False),  # lower, still above the scientist's 2nd row: same top 2
        (1, 0.95, False),  # higher
        (1, 0.7, True),  # below the scientist's 2nd row: a project not stored may enter
        (2, 0.79, True),  # the 2nd row itself moved down: the one after it may overtake
    ],
)
def test_a_project_edit_rebuilds_a_scientists_list_only_when_it_may_leave_it(
    db, settings, project, new_score, rebuilds
):
    settings.MATCH_TOP_K = 2
    scientist = factories.ScientistProfileFactory()
    projects = {n: factories.ProjectFactory(status="open") for n in (1, 2, 3)}
    for n, score in ((1, 0.9), (2, 0.8), (3, 0.5)):
        factories.MatchFactory(scientist=scientist, project=projects[n], score=score)
    matcher.refresh_floors("scientist", [scientist.pk])
    edited = projects[project].pk

    keep, rebuild, _pushed, _old = matcher._reconcile(
        "project", edited, np.array([scientist.pk]), np.array([new_score])
    )

    assert (scientist.pk in rebuild) is rebuilds
    assert scientist.pk in keep  # the project's own list: its only candidate


def test_the_floors_read_for_rescoring_are_the_stored_ones(db):
    from matching.models import MatchFloor

    _random_world(random.Random(8))
    matcher.run_full_rematch()
    for side in ("scientist", "project"):
        owners, scores, others = matcher._floors(side)
        stored = sorted(
            MatchFloor.objects.filter(side=side).values_list("owner_id", "score", "other_id")
        )
        assert stored  # the world is big enough for full lists
        assert list(zip(owners.tolist(), scores.tolist(), others.tolist(), strict=True)) == stored


@pytest.mark.parametrize("saved", [ScientistProfile, ScientistEmbedding])
def test_a_save_that_commits_after_a_later_one_still_reaches_rescoring(db, saved):
    """A save takes its time when it starts, and saves commit in any order: a
    block of profiles read between two saves must still see the earlier one
    when it commits, or rescoring goes on scoring the profile as it was."""
    _random_world(random.Random(9))
    matcher.run_full_rematch()
    now = timezone.now()
    earlier, later = ScientistProfile.objects.order_by("id")[:2]
    by_profile = "pk" if saved is ScientistProfile else "scientist_id"
    assert saved.objects.filter(**{by_profile: earlier.pk}).exists()
    _rescore_open_projects()  # this process keeps the blocks
    saved.objects.filter(**{by_profile: later.pk}).update(updated_at=now)
    _rescore_open_projects()
    # the earlier save commits now, stamped before the later one
    change = {"languages": ["fr"]} if saved is ScientistProfile else {"text_digest": ""}
    stamp = now - datetime.timedelta(seconds=1)
    saved.objects.filter(**{by_profile: earlier.pk}).update(**change, updated_at=stamp)
    matcher.rescore_scientist(earlier.pk)
    _rescore_open_projects()
    assert _stored() == _expected()


def test_a_change_made_without_saving_still_reaches_rescoring(db):
    """An import, an admin action or a script may update rows in bulk, with
    no save and no new time: the blocks of features see it all the same."""
    _random_world(random.Random(10))
    matcher.run_full_rematch()
    _rescore_open_projects()  # this process keeps the blocks
    scientist = ScientistProfile.objects.order_by("id").first()
    ScientistProfile.objects.filter(pk=scientist.pk).update(languages=["fr"])
    matcher.rescore_scientist(scientist.pk)
    _rescore_open_projects()
    assert _stored() == _expected()


def _same_features(a, b):
    for name, value in a.__dict__.items():
        if name in ("sig", "reps", "cache"):
            continue
        other = getattr(b, name)
        if hasattr(value, "indptr"):
            width = max(value.shape[1], other.shape[1])
            value, other = (m.copy() for m in (value, other))
            value.resize(value.shape[0], width)
            other.resize(other.shape[0], width)
            for part in ("indptr", "indices", "data"):
                assert np.array_equal(getattr(value, part), getattr(other, part)), name
        else:
            assert np.array_equal(value, other, equal_nan=True), name
    for group in a.sig:
        # the same rows share a signature in both
        pairs = set(zip(a.sig[group].tolist(), b.sig[group].tolist(), strict=True))
        assert len(pairs) == len(set(a.sig[group].tolist())) == len(set(b.sig[group].tolist()))


def test_rescoring_analyses_again_only_the_rows_that_changed(db, monkeypatch):
    _random_world(random.Random(11))
    matcher.run_full_rematch()
    project = Project.objects.open().first()
    matcher.rescore_project(project.pk)
    built = []
    real = matcher.scientist_features
    monkeypatch.setattr(
        matcher, "scientist_features", lambda model, recs: built.append(recs) or real(model, recs)
    )
    matcher.rescore_project(project.pk)
    assert built == []
    first, edited, removed = ScientistProfile.objects.order_by("id")[:3]
    ScientistProfile.objects.filter(pk=edited.pk).update(
        hours_per_month=99, summary="ecología del maíz", alma_maters=["Universidad de Sonora"]
    )
    removed.delete()
    newcomer = factories.ScientistProfileFactory(summary="genómica", languages=["es"])
    matcher.rescore_project(project.pk)
    assert sorted(r.id for recs in built for r in recs) == sorted([edited.pk, newcomer.pk])
    # what is kept is what a block read from scratch gives
    model = matcher.current_model()
    kept = matcher._feature_blocks("scientists", model)
    every = real(model, matcher.scientist_records())
    _same_features(every, Features.concat(kept).take(np.arange(len(every))))
    assert first.pk in every.ids and removed.pk not in every.ids
    _rescore_open_projects()
    assert _stored() == _expected()


def test_blocks_read_inside_a_change_that_rolled_back_are_read_again(db):
    """A worker may read a block inside a transaction that then rolls back:
    the next change to the block must not look like the one it read."""
    _random_world(random.Random(12))
    matcher.run_full_rematch()
    project = Project.objects.open().first()
    first, second = ScientistProfile.objects.order_by("id")[:2]
    with pytest.raises(RuntimeError), transaction.atomic():
        ScientistProfile.objects.filter(pk=first.pk).update(languages=["fr"])
        matcher.rescore_project(project.pk)  # keeps the block as it was inside
        raise RuntimeError
    ScientistProfile.objects.filter(pk=second.pk).update(languages=["fr"])
    matcher.rescore_scientist(second.pk)
    _rescore_open_projects()
    assert _stored() == _expected()


def test_floors_kept_in_memory_follow_every_change_and_rollback(db, monkeypatch):
    from matching.models import FLOOR_BLOCK, MatchFloor

    def read(side):
        owners, scores, others = matcher._floors(side)
        return list(zip(owners.tolist(), scores.tolist(), others.tolist(), strict=True))

    def stored(side):
        return sorted(
            MatchFloor.objects.filter(side=side).values_list("owner_id", "score", "other_id")
        )

    _random_world(random.Random(8))
    matcher.run_full_rematch()
    for side in ("scientist", "project"):
        assert read(side) == stored(side)  # now kept in memory
    asked = []
    real = matcher._read_floors
    monkeypatch.setattr(
        matcher, "_read_floors", lambda side, blocks: asked.append(blocks) or real(side, blocks)
    )
    assert read("scientist") == stored("scientist")
    assert asked == []  # nothing changed: nothing read again
    floor = MatchFloor.objects.filter(side="scientist").order_by("owner_id").first()
    MatchFloor.objects.filter(pk=floor.pk).update(score=0.123)
    assert read("scientist") == stored("scientist")
    assert asked == [[floor.owner_id // FLOOR_BLOCK]]  # only its block
    MatchFloor.objects.filter(side="scientist").order_by("owner_id").last().delete()
    MatchFloor.objects.create(side="project", owner_id=10**6, score=0.5, other_id=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        MatchFloor.objects.filter(side="project").update(score=0.999)
        read("project")  # kept as it was inside
        raise RuntimeError
    for side in ("scientist", "project"):
        assert read(side) == stored(side)


def test_a_rescoring_that_moves_no_floor_leaves_the_floor_blocks_as_they_were(db):
    """Workers read a block of floors again when its version changes: a
    rescoring rewrites only the floors that moved."""
    from matching.models import BlockVersion

    def versions():
        return {
            kind: BlockVersion.objects.of(kind) for kind in ("scientist floors", "project floors")
        }

    _random_world(random.Random(16))
    matcher.run_full_rematch()
    before, floors = versions(), _floors()
    _rescore_open_projects()
    for scientist in ScientistProfile.objects.all():
        matcher.rescore_scientist(scientist.pk)
    assert _floors() == floors and versions() == before
    project = Project.objects.open().first()
    Project.objects.filter(pk=project.pk).update(hours_per_month=200, languages=["es", "en"])
    matcher.rescore_project(project.pk)
    assert _floors() == _expected_floors() != floors
    assert versions() != before


def test_blocks_kept_in_memory_are_read_again_after_a_table_is_emptied(db):
    """Emptying a table in one statement (TRUNCATE on PostgreSQL, as a test
    run's flush does, which deletes no row one by one): the blocks kept from
    it must not outlive it."""
    from django.db import connection

    _random_world(random.Random(14))
    matcher.run_full_rematch()
    project = Project.objects.open().first()
    matcher.rescore_project(project.pk)  # this process keeps the blocks
    last = ScientistProfile.objects.order_by("id").last().pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no check
            cursor.execute("TRUNCATE profiles_scientistprofile CASCADE")
        else:
            for table in ("matching_match", "matching_scientistembedding"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - what TRUNCATE cascades to
            cursor.execute("DELETE FROM profiles_scientistprofile")
    # in another block than the emptied ones, which no insert touches again
    scientist = factories.ScientistProfileFactory(
        id=(last // matcher.BLOCK + 3) * matcher.BLOCK, languages=["es", "en"]
    )
    matcher.rescore_project(project.pk)
    assert set(Match.objects.values_list("scientist_id", flat=True)) <= {scientist.pk}


def test_a_change_to_an_institution_reaches_the_scores_of_its_projects(db):
    from profiles.models import Institution

    _random_world(random.Random(15))
    matcher.run_full_rematch()
    for scientist in ScientistProfile.objects.all():
        matcher.rescore_scientist(scientist.pk)  # this process keeps the blocks
    # a bulk update (no save, no new time), moving every institution's state
    Institution.objects.update(state="MX-YUC")
    for scientist in ScientistProfile.objects.all():
        matcher.rescore_scientist(scientist.pk)
    assert _stored() == _expected()
