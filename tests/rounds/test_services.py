"""Rounds over stored suggestions: seats, capacity, rules, publishing and declining."""

import pytest

from agreements.models import Stage
from matching.models import Interest, Match
from matching.services import express_interest, recommended_projects, recommended_scientists
from rounds import services
from rounds.models import Assignment, PairRule, Round
from tests.factories import (
    AgreementFactory,
    CoordinatorFactory,
    InstitutionFactory,
    InterestFactory,
    IntroductionFactory,
    MatchFactory,
    ProjectFactory,
    ScientistProfileFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_matcher")]


def make_round(*projects, **rules) -> Round:
    return services.create_round(
        user=CoordinatorFactory(), name="Verano 2027", projects=projects, **rules
    )


def pairs_of(round: Round) -> set[tuple[str, str]]:
    return set(round.assignments.values_list("scientist__ref", "project__ref"))


def compute(round: Round) -> Round:
    return services.compute_round(round.pk)


def test_seats_and_capacities_are_never_exceeded():
    projects = [ProjectFactory(seats=2) for _ in range(3)]
    scientists = [ScientistProfileFactory(max_collaborations=1 + i % 2) for i in range(5)]
    for p in projects:
        for i, s in enumerate(scientists):
            MatchFactory(scientist=s, project=p, score=0.3 + 0.1 * i)
    round = compute(make_round(*projects))
    per_project = {p.pk: round.assignments.filter(project=p).count() for p in projects}
    per_scientist = {s.pk: round.assignments.filter(scientist=s).count() for s in scientists}
    assert all(n <= 2 for n in per_project.values())
    assert all(per_scientist[s.pk] <= s.max_collaborations for s in scientists)
    assert sum(per_project.values()) == 6  # 8 units of capacity, 6 seats: all filled


def test_signed_and_active_agreements_use_up_seats_and_capacity():
    project = ProjectFactory(seats=2)
    other_project = ProjectFactory(seats=1)
    busy = ScientistProfileFactory(max_collaborations=1)
    free = ScientistProfileFactory()
    AgreementFactory(scientist=ScientistProfileFactory(), project=project, stage=Stage.SIGNED)
    AgreementFactory(scientist=busy, project=other_project, stage=Stage.ACTIVE)
    MatchFactory(scientist=busy, project=project, score=0.9)
    MatchFactory(scientist=free, project=project, score=0.5)
    MatchFactory(scientist=ScientistProfileFactory(), project=project, score=0.4)
    round = compute(make_round(project))
    assert pairs_of(round) == {(free.ref, project.ref)}  # one free seat; busy has no capacity


def test_declined_pairs_no_common_language_and_zero_scores_are_never_assigned():
    project = ProjectFactory(seats=4, languages=["es"])
    declined_by_scientist = ScientistProfileFactory()
    declined_by_institution = ScientistProfileFactory()
    english_only = ScientistProfileFactory(languages=["en"])
    zero = ScientistProfileFactory()
    for s in (declined_by_scientist, declined_by_institution, english_only):
        MatchFactory(scientist=s, project=project, score=0.9)
    MatchFactory(scientist=zero, project=project, score=0.0)
    declined = Interest.Decision.DECLINED
    InterestFactory(scientist=declined_by_scientist, project=project, decision=declined)
    InterestFactory(
        scientist=declined_by_institution,
        project=project,
        side=Interest.Side.INSTITUTION,
        decision=declined,
    )
    round = compute(make_round(project))
    assert pairs_of(round) == set()
    assert round.empty_seats == [
        {"project": project.ref, "project_id": project.pk, "seats": 4, "reason": "no_candidates"}
    ]


def test_the_round_beats_greedy_where_the_favourite_is_better_used_elsewhere():
    a, b = ProjectFactory(seats=1), ProjectFactory(seats=1)
    star, other = ScientistProfileFactory(), ScientistProfileFactory()
    MatchFactory(scientist=star, project=a, score=0.9)
    MatchFactory(scientist=other, project=a, score=0.8)
    MatchFactory(scientist=star, project=b, score=0.85)
    round = compute(make_round(a, b))
    assert pairs_of(round) == {(star.ref, b.ref), (other.ref, a.ref)}
    assert round.total_score == pytest.approx(1.65)
    assert round.greedy_total_score == pytest.approx(0.9)


def test_at_most_n_scientists_per_institution_abroad():
    projects = [ProjectFactory(seats=1) for _ in range(3)]
    rice = [ScientistProfileFactory(institution_abroad="Rice University") for _ in range(3)]
    ut = ScientistProfileFactory(institution_abroad="UT Austin")
    for p in projects:
        for s in rice:
            MatchFactory(scientist=s, project=p, score=0.9)
        MatchFactory(scientist=ut, project=p, score=0.2)
    round = compute(make_round(*projects, max_per_institution_abroad=1))
    chosen = round.assignments.values_list("scientist__institution_abroad", flat=True)
    assert sorted(chosen) == ["Rice University", "UT Austin"]
    assert round.solver == "milp"


def test_each_underserved_state_gets_a_seat_when_it_can():
    cdmx = ProjectFactory(seats=1, institution=InstitutionFactory(state="MX-CMX"))
    oaxaca = ProjectFactory(seats=1, institution=InstitutionFactory(state="MX-OAX"))
    only = ScientistProfileFactory()
    MatchFactory(scientist=only, project=cdmx, score=0.9)
    MatchFactory(scientist=only, project=oaxaca, score=0.3)
    round = compute(make_round(cdmx, oaxaca, underserved_states=["MX-OAX"]))
    assert pairs_of(round) == {(only.ref, oaxaca.ref)}
    assert round.uncovered_states == []


def test_forcing_and_forbidding_a_pair_then_recomputing():
    project = ProjectFactory(seats=1)
    best, second = ScientistProfileFactory(), ScientistProfileFactory()
    MatchFactory(scientist=best, project=project, score=0.9)
    MatchFactory(scientist=second, project=project, score=0.5)
    round = make_round(project)
    user = round.created_by
    assert pairs_of(compute(round)) == {(best.ref, project.ref)}
    services.add_rule(user=user, round=round, scientist=best, project=project, kind="forbid")
    assert pairs_of(compute(round)) == {(second.ref, project.ref)}
    PairRule.objects.all().delete()
    services.add_rule(user=user, round=round, scientist=second, project=project, kind="force")
    round = compute(round)
    assert pairs_of(round) == {(second.ref, project.ref)}
    assert round.assignments.get().forced


def test_a_pair_that_said_not_for_me_cannot_be_forced():
    project = ProjectFactory()
    scientist = ScientistProfileFactory()
    InterestFactory(scientist=scientist, project=project, decision=Interest.Decision.DECLINED)
    round = make_round(project)
    with pytest.raises(services.ValidationError):
        services.add_rule(user=round.created_by, round=round, scientist=scientist,
                          project=project, kind="force")  # fmt: skip


def test_publishing_marks_suggestions_proposed_in_the_round_for_both_sides():
    project = ProjectFactory(seats=1)
    scientist = ScientistProfileFactory()
    MatchFactory(scientist=scientist, project=project, score=0.7)
    round = compute(make_round(project))
    assert services.publish_round(user=round.created_by, round=round) == 1
    assert Match.objects.get(scientist=scientist, project=project).proposed_in_round == round
    assert recommended_projects(scientist).get().proposed_in_round == round
    assert recommended_scientists(project).get().proposed_in_round == round
    assert round.assignments.get().status == Assignment.Status.PUBLISHED


def test_a_declined_published_pair_frees_its_seat_for_a_recompute(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory(seats=1)
    first = ScientistProfileFactory()
    second = ScientistProfileFactory()
    MatchFactory(scientist=first, project=project, score=0.9)
    MatchFactory(scientist=second, project=project, score=0.6)
    round = compute(make_round(project))
    services.publish_round(user=round.created_by, round=round)
    with django_capture_on_commit_callbacks(execute=True):
        express_interest(user=first.user, scientist=first, project=project, side="scientist",
                         decision="declined")  # fmt: skip
    assert round.assignments.get(scientist=first).status == Assignment.Status.DECLINED
    round = compute(round)
    assert round.status == Round.Status.COMPUTED
    new = round.assignments.get(status=Assignment.Status.COMPUTED)
    assert (new.scientist, new.project) == (second, project)


def test_published_pairs_keep_their_seat_when_the_round_is_recomputed():
    project = ProjectFactory(seats=1)
    first = ScientistProfileFactory()
    MatchFactory(scientist=first, project=project, score=0.5)
    round = compute(make_round(project))
    services.publish_round(user=round.created_by, round=round)
    MatchFactory(scientist=ScientistProfileFactory(), project=project, score=0.99)
    round = compute(round)
    assert pairs_of(round) == {(first.ref, project.ref)}
    assert round.status == Round.Status.PUBLISHED


def test_introduced_pairs_are_not_proposed_again():
    project = ProjectFactory(seats=1)
    scientist = ScientistProfileFactory()
    MatchFactory(scientist=scientist, project=project, score=0.9)
    IntroductionFactory(scientist=scientist, project=project)
    assert pairs_of(compute(make_round(project))) == set()


def test_filled_projects_collect_no_new_suggestions_and_no_interest():
    project = ProjectFactory(seats=1)
    scientist = ScientistProfileFactory()
    MatchFactory(scientist=scientist, project=project, score=0.9)
    AgreementFactory(scientist=ScientistProfileFactory(), project=project, stage=Stage.ACTIVE)
    assert project.is_filled
    assert not recommended_scientists(project).exists()
    assert not recommended_projects(scientist).exists()
    with pytest.raises(services.ValidationError):
        express_interest(user=scientist.user, scientist=scientist, project=project,
                         side="scientist", decision="interested")  # fmt: skip


def test_a_completed_agreement_frees_the_seat_again():
    project = ProjectFactory(seats=1)
    AgreementFactory(project=project, stage=Stage.COMPLETED)
    assert not project.is_filled
