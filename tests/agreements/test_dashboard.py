"""The dashboard's figures on a known data set, checked against a hand count."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import dashboard as dash
from agreements.models import Agreement, Stage
from matching.models import Interest, Introduction, Match
from tests import factories

MAX_DASHBOARD_QUERIES = 40


class Tables(HTMLParser):
    """{table id: {row data-key: [cell texts]}} for every table with an id."""

    def __init__(self, html):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], {})
        elif tag == "tr" and self._table is not None:
            key = attrs.get("data-key", attrs.get("data-ref"))
            self._row = [] if key is not None else None
            self._key = key
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table[self._key] = self._row
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def data(db, today):
    """4 scientists, 3 projects in 2 institutions, 5 matches, 6 agreements (see each test)."""
    year = today.year
    cmx = factories.InstitutionFactory(kind="university", state="MX-CMX")
    jal = factories.InstitutionFactory(kind="ngo", state="MX-JAL")
    member = factories.MembershipFactory(institution=cmx, user__full_name="Marta Miembro").user
    p1 = factories.ProjectFactory(
        institution=cmx, fields=["genetics_genomics"], collaboration_type="academic_project"
    )
    p2 = factories.ProjectFactory(
        institution=jal, fields=["public_health", "sociology"], collaboration_type="ngo_project"
    )
    p3 = factories.ProjectFactory(
        institution=cmx, fields=["engineering_technology"], collaboration_type="industry_project"
    )
    s1 = factories.ScientistProfileFactory(
        name="Sara Uno",
        country="US",
        sectors=["academia"],
        position="postdoc",
        abroad_since=year - 7,
        collaborated_before=True,
        fields=["biology_chemistry"],
    )
    s2 = factories.ScientistProfileFactory(
        name="Samuel Dos",
        country="CA",
        sectors=["academia", "industry"],
        position="faculty",
        abroad_since=year - 21,
        collaborated_before=False,
        fields=["medicine_health"],
    )
    s3 = factories.ScientistProfileFactory(
        name="Sofía Tres",
        country="US",
        sectors=["government"],
        position="grad_student",
        abroad_since=year - 1,
        collaborated_before=None,
        fields=["computer_science"],
    )
    s4 = factories.ScientistProfileFactory(
        name="Saúl Cuatro",
        country="DE",
        sectors=[],
        position="researcher",
        abroad_since=None,
        collaborated_before=True,
        fields=[],
    )
    # Whatever other apps derived on save is replaced by a hand-made funnel.
    Match.objects.all().delete()
    Interest.objects.all().delete()
    Introduction.objects.all().delete()
    for s, p in [(s1, p1), (s1, p2), (s2, p2), (s3, p3), (s4, p1)]:
        factories.MatchFactory(scientist=s, project=p)
    interested, declined = Interest.Decision.INTERESTED, Interest.Decision.DECLINED
    factories.InterestFactory(scientist=s1, project=p1, side="scientist", decision=interested)
    factories.InterestFactory(scientist=s1, project=p1, side="institution", decision=interested)
    factories.InterestFactory(scientist=s2, project=p2, side="scientist", decision=interested)
    factories.InterestFactory(scientist=s3, project=p3, side="scientist", decision=declined)
    factories.InterestFactory(scientist=s4, project=p1, side="institution", decision=interested)
    i1 = factories.IntroductionFactory(scientist=s1, project=p1)
    i2 = factories.IntroductionFactory(scientist=s2, project=p2)

    def ago(n):
        return today - datetime.timedelta(days=n)

    month = today.replace(day=1)
    last_month = (month - datetime.timedelta(days=1)).replace(day=1)
    a = {}
    a["a1"] = factories.AgreementFactory(
        ref="a1",
        scientist=s1,
        project=p1,
        introduction=i1,
        stage=Stage.ACTIVE,
        signed_on=month,
        days_to_sign=10,
        last_activity_on=ago(5),
    )
    a["a2"] = factories.AgreementFactory(
        ref="a2",
        scientist=s2,
        project=p2,
        introduction=i2,
        stage=Stage.STALLED,
        signed_on=last_month,
        days_to_sign=20,
        last_activity_on=ago(60),
    )
    a["a3"] = factories.AgreementFactory(
        ref="a3",
        scientist=s3,
        project=p3,
        stage=Stage.COMPLETED,
        signed_on=last_month,
        days_to_sign=40,
        completed_on=month,
        last_activity_on=ago(2),
    )
    a["a4"] = factories.AgreementFactory(
        ref="a4",
        scientist=s4,
        project=p1,
        stage=Stage.PROPOSED,
        last_activity_on=ago(1),
        next_follow_up_on=ago(2),
    )
    a["a5"] = factories.AgreementFactory(
        ref="a5", scientist=s1, project=p3, stage=Stage.CANCELLED, last_activity_on=ago(3)
    )
    a["a6"] = factories.AgreementFactory(
        ref="a6",
        scientist=s2,
        project=p1,
        stage=Stage.ACTIVE,
        signed_on=month,
        last_activity_on=ago(30),
    )
    factories.MilestoneFactory(agreement=a["a6"], title="Atrasado", due_on=ago(1))
    factories.MilestoneFactory(agreement=a["a1"], title="A tiempo", due_on=ago(-10))
    factories.MilestoneFactory(agreement=a["a1"], title="Hecho", due_on=ago(10), done=True)
    coordinator = factories.CoordinatorFactory()
    return {
        "coordinator": coordinator,
        "member": member,
        "month": month,
        "last_month": last_month,
        **a,
    }


def get(client, data, query=""):
    client.force_login(data["coordinator"])
    response = client.get(reverse("agreements:dashboard") + query)
    assert response.status_code == 200
    return response, Tables(response.text).tables


def test_funnel_with_conversion_rates(client, data):
    _, tables = get(client, data)
    assert tables["funnel-table"] == {
        "matches": ["Matches", "5", "—"],
        "interest": ["Interest shown", "3", "60.0 %"],
        "introductions": ["Introductions", "2", "66.7 %"],
        "agreements": ["Agreements proposed", "6", "300.0 %"],
        "signed": ["Signed", "4", "66.7 %"],
        "completed": ["Completed", "1", "25.0 %"],
    }


def test_median_days_from_introduction_to_signature(client, data):
    response, _ = get(client, data)
    assert 'id="median-days">20<' in response.text


def test_agreements_by_stage(client, data):
    _, tables = get(client, data)
    counts = {k: v[1] for k, v in tables["stages-table"].items()}
    assert counts == {
        "proposed": "1",
        "negotiating": "0",
        "signed": "0",
        "active": "2",
        "completed": "1",
        "stalled": "1",
        "cancelled": "1",
        "total": "6",
    }
    assert tables["stages-table"]["active"][2] == "33.3 %"


def test_stalled_and_overdue_oldest_first_with_who_to_call(client, data, today):
    response, tables = get(client, data)
    rows = tables["attention-table"]
    assert list(rows) == ["a2", "a6", "a4"]
    assert [r[2] for r in rows.values()] == ["60", "30", "1"]
    assert rows["a2"][3] == "stalled"
    assert rows["a6"][3] == "milestone overdue"
    assert rows["a4"][3] == "follow-up overdue"
    assert "Samuel Dos" in rows["a6"][4]
    assert "Marta Miembro" in rows["a6"][4]
    assert data["member"].email in rows["a6"][4]
    assert "3 agreements need attention." in response.text


def test_breakdowns(client, data):
    _, t = get(client, data)
    # columns: label, total, active, stalled, completed
    assert t["breakdown-state"]["MX-CMX"][1:] == ["5", "2", "0", "1"]
    assert t["breakdown-state"]["MX-JAL"][1:] == ["1", "0", "1", "0"]
    assert t["breakdown-country"]["US"][1:] == ["3", "1", "0", "1"]
    assert t["breakdown-country"]["CA"][1:] == ["2", "1", "1", "0"]
    assert t["breakdown-country"]["DE"][1:] == ["1", "0", "0", "0"]
    assert {k: v[1] for k, v in t["breakdown-institution_kind"].items()} == {
        "university": "5",
        "ngo": "1",
    }
    assert {k: v[1] for k, v in t["breakdown-collaboration_type"].items()} == {
        "academic_project": "3",
        "industry_project": "2",
        "ngo_project": "1",
    }
    areas = t["breakdown-area"]
    assert areas["biology_chemistry"][1:] == ["3", "2", "0", "0"]
    assert areas["medicine_health"][1:] == ["1", "0", "1", "0"]
    assert areas["social_sciences"][1:] == ["1", "0", "1", "0"]
    assert areas["engineering_technology"][1:] == ["2", "0", "0", "1"]
    assert areas["humanities"][1:] == ["0", "0", "0", "0"]


def test_trends_month_by_month(client, data):
    _, t = get(client, data)
    trends = t["trends-table"]
    assert len(trends) == 12
    this = data["month"].strftime("%Y-%m")
    last = data["last_month"].strftime("%Y-%m")
    # introductions, proposed, signed, completed
    assert trends[this][1:] == ["2", "6", "2", "1"]
    assert trends[last][1:] == ["0", "0", "2", "0"]
    assert sum(int(r[3]) for r in trends.values()) == 4


def test_network_portrait(client, data):
    response, t = get(client, data)
    assert "4 registered scientists." in response.text
    assert 'id="tried-share">66.7 %<' in response.text
    sectors = {k: v[1:] for k, v in t["portrait-sectors"].items()}
    assert sectors == {
        "academia": ["2", "50.0 %"],
        "industry": ["1", "25.0 %"],
        "government": ["1", "25.0 %"],
        "ngo": ["0", "0.0 %"],
        "consulting": ["0", "0.0 %"],
    }
    areas = {k: v[1] for k, v in t["portrait-areas"].items() if v[1] != "0"}
    assert areas == {
        "biology_chemistry": "1",
        "medicine_health": "1",
        "engineering_technology": "1",
    }
    positions = {k: v[1] for k, v in t["portrait-positions"].items() if v[1] != "0"}
    assert positions == {"postdoc": "1", "faculty": "1", "grad_student": "1", "researcher": "1"}
    assert {k: v[1] for k, v in t["portrait-countries"].items()} == {
        "US": "2",
        "CA": "1",
        "DE": "1",
    }
    assert {k: v[1] for k, v in t["portrait-years_abroad"].items()} == {
        "0-2": "1",
        "3-5": "0",
        "6-10": "1",
        "11-20": "0",
        "21+": "1",
        "unknown": "1",
    }


def test_filters_narrow_every_figure(client, data):
    _, t = get(client, data, "?state=MX-JAL")
    assert t["stages-table"]["total"][1] == "1"
    assert t["funnel-table"]["matches"][1] == "2"  # s1-p2 and s2-p2
    assert t["funnel-table"]["interest"][1] == "1"
    assert t["funnel-table"]["introductions"][1] == "1"
    assert list(t["attention-table"]) == ["a2"]
    _, t = get(client, data, "?area=biology_chemistry&stage=active")
    assert t["stages-table"]["total"][1] == "2"
    _, t = get(client, data, "?country=US")
    assert t["stages-table"]["total"][1] == "3"
    assert {k: v[1] for k, v in t["portrait-countries"].items()} == {"US": "2"}
    _, t = get(client, data, "?sector=industry")
    assert t["stages-table"]["total"][1] == "2"  # s2: a2 and a6
    _, t = get(client, data, "?institution_kind=ngo")
    assert t["stages-table"]["total"][1] == "1"
    _, t = get(client, data, "?collaboration_type=industry_project")
    assert t["stages-table"]["total"][1] == "2"
    _, t = get(client, data, "?position=faculty")
    assert t["stages-table"]["total"][1] == "2"


def test_coordinator_filter(client, data):
    Agreement.objects.filter(ref="a1").update(coordinator=data["coordinator"])
    _, t = get(client, data, f"?coordinator={data['coordinator'].pk}")
    assert t["stages-table"]["total"][1] == "1"


def test_csv_export_of_a_filtered_view(client, data):
    client.force_login(data["coordinator"])
    response = client.get(reverse("agreements:dashboard_csv") + "?country=CA")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["ref"] for r in rows] == ["a2", "a6"]
    assert rows[1]["stage"] == "active"
    assert rows[1]["days_since_activity"] == "30"
    assert rows[1]["scientist"] == data["a6"].scientist.ref
    assert '"Atrasado"' in rows[1]["milestones"]
    # Readable in a spreadsheet: names beside the refs.
    assert rows[1]["scientist_name"] == data["a6"].scientist.name
    assert rows[1]["project_title"] == data["a6"].project.title
    assert rows[1]["institution"] == data["a6"].project.institution.name


def test_dashboard_page_links_the_filtered_csv(client, data):
    response, _ = get(client, data, "?country=CA")
    assert reverse("agreements:dashboard_csv") + "?country=CA" in response.text


def _add_rows(n):
    """n more scientists, projects, matches, introductions and agreements."""
    inst = factories.InstitutionFactory(state="MX-NLE", kind="research_center")
    factories.MembershipFactory(institution=inst)
    for i in range(n):
        s = factories.ScientistProfileFactory(country="FR", sectors=["ngo"])
        p = factories.ProjectFactory(institution=inst)
        factories.MatchFactory(scientist=s, project=p)
        intro = factories.IntroductionFactory(scientist=s, project=p)
        a = factories.AgreementFactory(
            scientist=s,
            project=p,
            introduction=intro,
            days_to_sign=i,
            stage=[Stage.STALLED, Stage.ACTIVE, Stage.PROPOSED][i % 3],
            last_activity_on=timezone.localdate() - datetime.timedelta(days=i),
            next_follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        factories.MilestoneFactory(
            agreement=a, due_on=timezone.localdate() - datetime.timedelta(days=3)
        )


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("agreements:dashboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_number_of_queries_does_not_grow_with_rows(
    client, data, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # every figure computed on each request
    client.force_login(data["coordinator"])
    small = _count_queries(client)
    _add_rows(30)
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES):
        response = client.get(reverse("agreements:dashboard") + "?stage=")
    assert response.status_code == 200
    assert _count_queries(client) == small
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES):
        client.get(reverse("agreements:dashboard") + "?country=FR&sector=ngo")


def test_spanish_stages_are_singular_and_counts_plural(client, data):
    client.cookies["django_language"] = "es"
    _, tables = get(client, data)
    assert tables["stages-table"]["signed"][0] == "Firmado"
    assert tables["stages-table"]["completed"][0] == "Concluido"
    assert tables["stages-table"]["active"][0] == "Activo"
    assert tables["funnel-table"]["signed"][0] == "Firmados"
    assert tables["funnel-table"]["completed"][0] == "Concluidos"


def test_months_are_written_out_in_the_monthly_table(client, data):
    client.cookies["django_language"] = "es"
    _, tables = get(client, data)
    month = data["month"]
    assert (
        tables["trends-table"][f"{month:%Y-%m}"][0]
        == f"{MONTHS_ES[month.month - 1]} de {month.year}"
    )


MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


@pytest.mark.parametrize(
    "days, median",
    [([1, 4, 4, 9], 4), ([1, 4, 6, 9], 5), ([2, 2, 7], 2), ([30], 30), ([], None)],
)
def test_median_days_to_sign_of_an_even_or_odd_number_of_agreements(data, days, median):
    agreements = list(Agreement.objects.order_by("pk"))
    Agreement.objects.update(days_to_sign=None)
    for agreement, n in zip(agreements, days, strict=False):
        Agreement.objects.filter(pk=agreement.pk).update(days_to_sign=n)
    assert dash.median_days_to_sign(Agreement.objects.all()) == median


def test_figures_read_the_profiles_once_and_the_agreements_in_few_queries(data, today):
    with CaptureQueriesContext(connection) as ctx:
        dash._figures({"area": "biology_chemistry"}, today)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([s for s in sql if 'FROM "profiles_scientistprofile"' in s]) == 1
    assert len([s for s in sql if 'FROM "agreements_agreement"' in s]) == 4
    assert len(sql) <= 9


def test_kept_figures_hold_their_labels_as_text_in_the_language_asked(data, today, settings):
    from django.utils import translation
    from django.utils.functional import Promise

    settings.DASHBOARD_CACHE_SECONDS = 60

    def lazy_values(value):
        if isinstance(value, Promise):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from lazy_values(v)
        elif isinstance(value, list | tuple):
            for v in value:
                yield from lazy_values(v)

    with translation.override("es"):
        dash.figures({}, today=today)  # computed and kept
        kept = dash.figures({}, today=today)
    assert not list(lazy_values(kept))
    assert [r["label"] for r in kept["stage_rows"]][2] == "Firmado"


def test_more_agreements_needing_attention_than_listed_are_all_counted(
    client, data, settings, monkeypatch
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    monkeypatch.setattr(dash, "ATTENTION_LIMIT", 5)
    for _ in range(4):
        factories.AgreementFactory(stage=Stage.STALLED)
    response, tables = get(client, data)
    assert "7 agreements need attention." in response.text
    assert "The 5 with the oldest activity are listed." in response.text
    assert len(tables["attention-table"]) == 5
    _, tables = get(client, data, "?state=MX-JAL")
    assert list(tables["attention-table"]) == ["a2"]


@pytest.fixture
def refreshing(settings, monkeypatch):
    """A worker behind a broker: refreshes are queued, here recorded."""
    from django.core.cache import cache

    from agreements import tasks

    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.DASHBOARD_REFRESH_SECONDS = 5
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(dash.REFRESH_QUEUED_KEY)
    queued = []
    monkeypatch.setattr(
        tasks.refresh_dashboard_figures, "apply_async", lambda **kw: queued.append(kw)
    )
    return queued


def test_a_burst_of_saves_queues_one_refresh_that_keeps_the_figures_for_the_next_visit(
    data, refreshing, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from agreements import tasks

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            factories.AgreementFactory(stage=Stage.PROPOSED)
        factories.InterestFactory()
    assert refreshing == [{"countdown": 5, "retry": False}]

    tasks.refresh_dashboard_figures()  # as the worker runs it, 5 s later
    computed = []
    monkeypatch.setattr(dash, "_figures", lambda *args: computed.append(args) or {})
    for language in ("es", "en"):
        with translation.override(language):
            dash.figures({}, today=timezone.localdate())
    assert computed == []  # both languages were kept


def test_a_save_stands_when_the_refresh_cannot_be_queued(
    db, refreshing, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from agreements import tasks

    def broker_down(**_kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.refresh_dashboard_figures, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = factories.AgreementFactory()
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert "Could not queue the dashboard's refresh" in caplog.text


def test_the_dashboard_figures_are_computed_by_a_worker_at_the_start_of_each_day(settings):
    from diaspora.celery import app

    app.loader.import_default_modules()  # the tasks of every app, as a worker loads them
    entry = settings.CELERY_BEAT_SCHEDULE["agreements-dashboard-new-day"]
    assert entry["task"] == "agreements.tasks.refresh_dashboard_figures"
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {1})


def test_figures_computed_before_a_save_commits_are_not_kept_after_it(
    data, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A page or the refresh may compute the figures between a save and its
    commit, without it: the commit drops them again."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        factories.AgreementFactory(stage=Stage.PROPOSED)
        before_commit = dash.figures({}, today=today)["stages"]["total"]
    computed = []
    real = dash._figures
    monkeypatch.setattr(dash, "_figures", lambda *a: computed.append(a) or real(*a))
    assert dash.figures({}, today=today)["stages"]["total"] == before_commit
    assert len(computed) == 1  # computed again after the commit, not read from before it


def test_an_empty_filter_reads_the_same_kept_figures_as_none(data, settings, monkeypatch):
    settings.DASHBOARD_CACHE_SECONDS = 60
    today = timezone.localdate()
    dash.figures({}, today=today)
    monkeypatch.setattr(dash, "_figures", lambda *a: pytest.fail("computed again"))
    dash.figures({"stage": "", "area": None}, today=today)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_pairs_with_interest_are_counted_from_their_own_index():
    """The funnel's "Interest shown" reads the pairs in order from a partial
    index instead of hashing every interest (a third of the time at 135,000)."""
    for _ in range(3):
        Interest.objects.create(
            scientist=factories.ScientistProfileFactory(),
            project=factories.ProjectFactory(),
            side=Interest.Side.SCIENTIST,
            decision=Interest.Decision.INTERESTED,
        )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 100,000 rows
        cursor.execute("SET LOCAL enable_hashagg = off")
        plan = (
            Interest.objects.filter(decision=Interest.Decision.INTERESTED)
            .values("scientist_id", "project_id")
            .distinct()
            .explain()
        )
    assert "interest_interested_pair" in plan
