import csv
import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Stage
from tests import factories

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def agreements(db):
    coordinator = factories.CoordinatorFactory(
        email="coord@example.org", full_name="Rosa Coordinadora"
    )
    a = factories.AgreementFactory(
        ref="agr-001",
        scientist__ref="sci-001",
        scientist__name="Ana López",
        project__ref="proj-001",
        project__title="Genómica de maíces nativos",
        project__institution__name="Instituto de Biología, UNAM",
        stage=Stage.ACTIVE,
        started_on=datetime.date(2026, 9, 1),
        last_activity_on=datetime.date(2026, 11, 10),
        next_follow_up_on=datetime.date(2026, 12, 15),
        goals=["publications", "policy"],
        notes="Texto libre.",
        coordinator=coordinator,
    )
    factories.MilestoneFactory(agreement=a, title="First draft", due_on=datetime.date(2027, 3, 1))
    factories.MilestoneFactory(
        agreement=a, title="Data", due_on=datetime.date(2026, 10, 1), done=True
    )
    factories.AgreementFactory(
        ref="agr-000",
        stage=Stage.PROPOSED,
        started_on=None,
        last_activity_on=datetime.date(2026, 11, 19),
        goals=[],
    )
    return a


def run(*args):
    out = StringIO()
    call_command("export_agreements", *args, stdout=out)
    return out.getvalue()


def test_export_json_follows_the_contract(agreements):
    data = json.loads(run("--today", TODAY.isoformat()))
    assert [a["ref"] for a in data["agreements"]] == ["agr-000", "agr-001"]
    row = data["agreements"][1]
    assert row["scientist"] == "sci-001"
    assert row["project"] == "proj-001"
    assert row["stage"] == "active"
    assert row["started_on"] == "2026-09-01"
    assert row["last_activity_on"] == "2026-11-10"
    assert row["days_since_activity"] == 10
    assert row["next_follow_up_on"] == "2026-12-15"
    assert row["goals"] == ["publications", "policy"]
    assert row["milestones"] == [
        {"title": "Data", "due_on": "2026-10-01", "done": True},
        {"title": "First draft", "due_on": "2027-03-01", "done": False},
    ]
    assert row["notes"] == "Texto libre."
    assert row["coordinator"] == "coord@example.org"
    assert data["agreements"][0]["started_on"] is None


def test_export_csv_has_the_same_columns(agreements):
    text = run("--format", "csv", "--today", TODAY.isoformat())
    rows = list(csv.DictReader(io.StringIO(text)))
    json_row = json.loads(run("--today", TODAY.isoformat()))["agreements"][1]
    assert list(rows[1].keys()) == list(json_row.keys())
    assert rows[1]["ref"] == "agr-001"
    assert rows[1]["days_since_activity"] == "10"
    assert rows[1]["goals"] == "publications | policy"
    assert json.loads(rows[1]["milestones"]) == json_row["milestones"]
    assert rows[0]["started_on"] == ""


CONTRACT_COLUMNS = [
    "ref",
    "scientist",
    "project",
    "stage",
    "started_on",
    "last_activity_on",
    "days_since_activity",
    "next_follow_up_on",
    "goals",
    "milestones",
    "signed_on",
    "completed_on",
    "hours_per_month",
    "coordinator",
    "notes",
]


def test_export_csv_names_people_and_projects_after_the_contract_columns(agreements):
    text = run("--format", "csv", "--today", TODAY.isoformat())
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert header[len(CONTRACT_COLUMNS) :] == [
        "scientist_name",
        "project_title",
        "institution",
        "coordinator_name",
    ]
    row = list(csv.DictReader(io.StringIO(text)))[1]
    assert row["scientist"] == "sci-001"
    assert row["scientist_name"] == "Ana López"
    assert row["project_title"] == "Genómica de maíces nativos"
    assert row["institution"] == "Instituto de Biología, UNAM"
    assert row["coordinator_name"] == "Rosa Coordinadora"
    assert row["coordinator"] == "coord@example.org"
    unassigned = list(csv.DictReader(io.StringIO(text)))[0]
    assert unassigned["coordinator_name"] == ""


def test_export_of_nothing_is_an_empty_list(db):
    assert json.loads(run()) == {"agreements": []}


def test_export_rejects_an_unknown_format(db):
    with pytest.raises(CommandError):
        call_command("export_agreements", "--format", "xml")
