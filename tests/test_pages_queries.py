"""Every page of the load test's mix answers with a bounded number of queries:
the same number with three times the rows (no query per row), under a cap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import AgreementEvent, Stage
from matching.models import Interest
from tests import factories

pytestmark = pytest.mark.django_db

# A generous cap for any page of the mix; the point is that it does not grow.
MAX_QUERIES = 40


def queries(client, url, *, method="get", data=None, status=200) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return len(ctx.captured_queries)


class World:
    """Rows behind every page of the mix, grown on demand around the roles."""

    def __init__(self, roles):
        self.roles = roles
        self.n = 0

    def grow(self, k: int) -> None:
        r = self.roles
        for _ in range(k):
            self.n += 1
            i = self.n
            # Browse: open projects and listed (claimed) scientists.
            project = factories.ProjectFactory(
                institution=r.institution, title=f"Genómica de poblaciones {i}"
            )
            other = factories.ProjectFactory(title=f"Genómica costera {i}")
            scientist = factories.ScientistProfileFactory(summary=f"genomics {i}")
            # Recommendations for the scientist and for the member's project,
            # with interest on some of them (a decline too).
            factories.MatchFactory(scientist=r.profile, project=project, score=0.5 + i / 1000)
            factories.MatchFactory(scientist=r.profile, project=other, score=0.4 + i / 1000)
            factories.MatchFactory(scientist=scientist, project=r.project, score=0.5 + i / 1000)
            factories.InterestFactory(scientist=scientist, project=r.project, side="institution")
            factories.InterestFactory(
                scientist=r.profile,
                project=other,
                decision=Interest.Decision.DECLINED,
                reason="No",
            )
            # Agreements of both sides, with milestones and a timeline.
            intro = factories.IntroductionFactory(scientist=r.profile, project=project)
            agreement = factories.AgreementFactory(
                scientist=r.profile,
                project=project,
                introduction=intro,
                coordinator=r.coordinator,
                stage=[Stage.ACTIVE, Stage.STALLED, Stage.PROPOSED][i % 3],
                next_follow_up_on=datetime.date(2026, 1, 1),
            )
            factories.MilestoneFactory(agreement=agreement, due_on=datetime.date(2026, 1, 1))
            # Proposed: the project keeps free seats and its recommendations.
            factories.AgreementFactory(scientist=scientist, project=r.project, stage=Stage.PROPOSED)
            for kind in (AgreementEvent.Kind.NOTE, AgreementEvent.Kind.CONTACT):
                AgreementEvent.objects.create(
                    agreement=self.first_agreement(), actor=r.coordinator, kind=kind, message="x"
                )
            factories.MilestoneFactory(agreement=self.first_agreement())

    def first_agreement(self):
        return self.roles.profile.agreements.order_by("pk").first()


@pytest.fixture
def world(roles):
    world = World(roles)
    world.grow(2)
    return world


def same_with_three_times_the_rows(client, world, url, **kwargs) -> None:
    queries(client, url, **kwargs)  # once first: what a process loads once is not per row
    before = queries(client, url, **kwargs)
    world.grow(4)
    after = queries(client, url, **kwargs)
    assert after == before, f"{url}: {before} queries with 2 rows, {after} with 6"
    assert after <= MAX_QUERIES


def test_browsing_projects_with_filters_and_search_takes_as_many_queries_for_more_projects(
    client, roles, world
):
    client.force_login(roles.scientist)
    url = reverse("profiles:project_list") + "?q=genómica&area=biology_chemistry&state=MX-CMX"
    same_with_three_times_the_rows(client, world, url)


def test_a_project_page_seen_by_a_scientist_takes_as_many_queries_however_many_pairs(
    client, roles, world
):
    client.force_login(roles.scientist)
    url = reverse("profiles:project_detail", args=[roles.project.pk])
    same_with_three_times_the_rows(client, world, url)


def test_recommended_projects_take_as_many_queries_for_more_suggestions(client, roles, world):
    client.force_login(roles.scientist)
    same_with_three_times_the_rows(client, world, reverse("matching:my_recommendations"))
    page = client.get(reverse("matching:my_recommendations")).context["page"]
    assert page.paginator.count == 6  # the declined ones are listed apart


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_recommended_scientists_take_as_many_queries_for_more_suggestions(
    client, roles, world, who
):
    client.force_login(getattr(roles, who))
    url = reverse("matching:project_recommendations", args=[roles.project.pk])
    same_with_three_times_the_rows(client, world, url)
    assert client.get(url).context["page"].paginator.count == 6  # every one shown


@pytest.mark.parametrize("who", ["scientist", "member", "coordinator"])
def test_the_agreements_list_takes_as_many_queries_for_more_agreements(client, roles, world, who):
    client.force_login(getattr(roles, who))
    same_with_three_times_the_rows(client, world, reverse("agreements:list"))


@pytest.mark.parametrize("who", ["scientist", "coordinator"])
def test_an_agreement_page_takes_as_many_queries_for_a_longer_timeline(client, roles, world, who):
    client.force_login(getattr(roles, who))
    url = reverse("agreements:detail", args=[world.first_agreement().pk])
    same_with_three_times_the_rows(client, world, url)


def test_the_dashboard_takes_as_many_queries_for_more_agreements(client, roles, world, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # every figure computed on each request
    client.force_login(roles.coordinator)
    same_with_three_times_the_rows(client, world, reverse("agreements:dashboard"))
    url = reverse("agreements:dashboard") + "?area=biology_chemistry&stage=active"
    same_with_three_times_the_rows(client, world, url)


def test_browsing_scientists_with_filters_and_search_takes_as_many_queries_for_more_people(
    client, roles, world
):
    client.force_login(roles.member)
    url = reverse("profiles:scientist_list") + "?q=genomics&area=biology_chemistry&country=US"
    same_with_three_times_the_rows(client, world, url)


def test_a_scientist_page_takes_as_many_queries_however_many_rows(client, roles, world):
    client.force_login(roles.member)
    url = reverse("profiles:scientist_detail", args=[roles.profile.pk])
    same_with_three_times_the_rows(client, world, url)


def test_opening_and_saving_the_profile_take_as_many_queries_for_more_rows(client, roles, world):
    client.force_login(roles.scientist)
    url = reverse("profiles:my_profile")
    same_with_three_times_the_rows(client, world, url)
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data["hours_per_month"] = 12
    for name in ("collaborated_before",):
        data[name] = "yes" if data.get(name) else "no"
    same_with_three_times_the_rows(client, world, url, method="post", data=data, status=302)


def test_the_dashboard_reuses_its_figures_until_an_agreement_changes(client, roles, world):
    client.force_login(roles.coordinator)
    url = reverse("agreements:dashboard")
    computed = queries(client, url)
    reused = queries(client, url)
    assert reused <= computed - 9  # the figures' nine queries are not run again
    agreement = world.first_agreement()
    agreement.stage = Stage.COMPLETED
    agreement.save()
    response = client.get(url)
    assert response.context["stages"][Stage.COMPLETED] == 1
    assert queries(client, url) == reused
