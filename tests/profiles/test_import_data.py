"""import_data: the public import contract (README, ../shared/data-contract.md)."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agreements import dashboard as dash
from agreements.models import Agreement, AgreementEvent, Milestone
from profiles.models import Institution, Project, ScientistProfile
from tests import factories

DATA = Path(__file__).resolve().parent.parent / "data"
VALID = DATA / "import_valid.json"
INVALID = DATA / "import_invalid.json"
ROOT = DATA.parent.parent


def run(*args, stdin=None, monkeypatch=None):
    """Run import_data; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", stdin)
    try:
        call_command("import_data", *map(str, args), "--no-rematch", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    except CommandError as exc:
        code = exc.returncode
        err.write(f"CommandError: {exc}\n")
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, payload, name="data.json"):
    path = tmp_path / name
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def counts(stdout):
    """{'scientists': (created, updated, unchanged), ...} from the summary lines."""
    found = {}
    for line in stdout.splitlines():
        if ": " in line and "created" in line:
            section, rest = line.split(": ", 1)
            numbers = [int(part.split()[0]) for part in rest.split(", ")]
            found[section] = tuple(numbers)
    return found


def test_valid_file_stores_every_value(db):
    code, out, err = run(VALID)

    assert (code, err) == (0, "")
    assert counts(out) == {
        "institutions": (2, 0, 0),
        "scientists": (2, 0, 0),
        "projects": (2, 0, 0),
        "agreements": (1, 0, 0),
    }
    institution = Institution.objects.get(ref="inst-unam-ib")
    assert institution.name == "Instituto de Biología, UNAM"
    assert (institution.kind, institution.state, institution.city) == (
        "university",
        "MX-CMX",
        "Ciudad de México",
    )
    assert institution.website == "https://www.ib.unam.mx"
    assert institution.approved

    ana = ScientistProfile.objects.get(ref="sci-001")
    assert ana.user is None
    assert (ana.name, ana.email, ana.country, ana.city) == (
        "Ana López",
        "ana@example.org",
        "US",
        "Houston",
    )
    assert ana.institution_abroad == "Rice University"
    assert ana.position == "postdoc"
    assert ana.fields == ["biology_chemistry", "genetics_genomics"]
    assert ana.areas == ["biology_chemistry"]
    assert ana.keywords == ["genómica", "bioinformática", "RNA-seq"]
    assert ana.goals == ["publications", "student_training"]
    assert ana.collaboration_types == ["academic_project", "mentoring"]
    assert ana.available_from == datetime.date(2027, 1, 15)
    assert (ana.horizon_months, ana.hours_per_month) == (24, 10)
    assert ana.languages == ["es", "en"]
    assert ana.alma_maters == ["UNAM"]
    assert ana.states_of_interest == ["MX-CMX", "MX-JAL"]
    assert ana.sectors == ["academia"]
    assert (ana.abroad_since, ana.collaborated_before) == (2019, True)

    # Everything but ref and name is optional, with sensible defaults.
    luis = ScientistProfile.objects.get(ref="sci-002")
    assert luis.languages == ["es"]
    assert luis.position == "other"
    assert luis.fields == [] and luis.collaborated_before is None

    project = Project.objects.get(ref="proj-001")
    assert project.institution == institution
    assert project.title == "Genómica de maíces nativos"
    assert project.areas == ["biology_chemistry"]
    assert project.starts_on == datetime.date(2027, 2, 1)
    assert (project.duration_months, project.first_results_months) == (18, 6)
    assert (project.hours_per_month, project.seats, project.funding) == (8, 2, "none")
    assert project.status == "open"
    minimal = Project.objects.get(ref="proj-002")
    assert (minimal.status, minimal.seats, minimal.languages) == ("open", 1, ["es"])
    assert minimal.collaboration_type == "academic_project"
    assert minimal.institution.ref == "inst-ong-agua"


def test_agreements_section_brings_in_milestones_and_an_event(db):
    run(VALID)

    agreement = Agreement.objects.get(ref="agr-001")
    assert agreement.scientist.ref == "sci-001"
    assert agreement.project.ref == "proj-001"
    assert agreement.stage == "active"
    assert agreement.started_on == datetime.date(2026, 9, 1)
    assert agreement.last_activity_on == datetime.date(2026, 11, 10)
    assert agreement.next_follow_up_on == datetime.date(2026, 12, 15)
    assert agreement.goals == ["publications"]
    assert agreement.notes == "Free text."
    milestones = {m.title: m for m in agreement.milestones.all()}
    assert set(milestones) == {"First draft", "Kick-off meeting"}
    assert milestones["First draft"].due_on == datetime.date(2027, 3, 1)
    assert not milestones["First draft"].done
    assert milestones["Kick-off meeting"].done
    assert milestones["Kick-off meeting"].done_on is not None
    event = agreement.events.get()
    assert (event.kind, event.message) == ("created", "Imported")


def test_an_imported_overdue_milestone_keeps_its_agreement_on_the_attention_list_until_done(
    db, tmp_path
):
    payload = json.loads(VALID.read_text(encoding="utf-8"))
    payload["agreements"][0]["next_follow_up_on"] = "2027-06-01"
    run(write(tmp_path, payload))
    before_due, after_due = datetime.date(2027, 2, 28), datetime.date(2027, 3, 2)
    assert dash.attention(Agreement.objects.all(), before_due) == ([], 0)
    rows, total = dash.attention(Agreement.objects.all(), after_due)
    assert ([a.ref for a in rows], total) == (["agr-001"], 1)
    assert rows[0].has_overdue and not rows[0].follow_up_overdue

    payload["agreements"][0]["milestones"][0]["done"] = True  # "First draft", due 1 March
    run(write(tmp_path, payload))
    assert dash.attention(Agreement.objects.all(), after_due) == ([], 0)


def test_same_file_twice_changes_nothing(db):
    run(VALID)
    before = {
        model: dict(model.objects.values_list("ref", "updated_at"))
        for model in (Institution, ScientistProfile, Project, Agreement)
    }

    code, out, err = run(VALID)

    assert (code, err) == (0, "")
    assert counts(out) == {
        "institutions": (0, 0, 2),
        "scientists": (0, 0, 2),
        "projects": (0, 0, 2),
        "agreements": (0, 0, 1),
    }
    for model, stamps in before.items():
        assert dict(model.objects.values_list("ref", "updated_at")) == stamps
    assert Milestone.objects.count() == 2
    assert AgreementEvent.objects.count() == 1


def test_changed_record_updates_in_place(db, tmp_path):
    run(VALID)
    payload = json.loads(VALID.read_text(encoding="utf-8"))
    ana_before = ScientistProfile.objects.get(ref="sci-001")
    luis_stamp = ScientistProfile.objects.get(ref="sci-002").updated_at
    payload["scientists"][0]["city"] = "Austin"
    payload["scientists"][0]["fields"] = ["medicine_health"]
    payload["projects"][1]["status"] = "closed"
    payload["agreements"][0]["stage"] = "completed"
    payload["agreements"][0]["milestones"][0]["done"] = True

    code, out, _ = run(write(tmp_path, payload))

    assert code == 0
    assert counts(out) == {
        "institutions": (0, 0, 2),
        "scientists": (0, 1, 1),
        "projects": (0, 1, 1),
        "agreements": (0, 1, 0),
    }
    ana = ScientistProfile.objects.get(ref="sci-001")
    assert ana.pk == ana_before.pk
    assert (ana.city, ana.fields, ana.areas) == ("Austin", ["medicine_health"], ["medicine_health"])
    assert ana.updated_at > ana_before.updated_at
    assert ScientistProfile.objects.get(ref="sci-002").updated_at == luis_stamp
    assert ScientistProfile.objects.count() == 2
    assert Project.objects.get(ref="proj-002").status == "closed"
    agreement = Agreement.objects.get(ref="agr-001")
    assert agreement.stage == "completed"
    assert agreement.milestones.count() == 2
    assert agreement.milestones.get(title="First draft").done
    assert list(agreement.events.values_list("kind", "message").order_by("pk")) == [
        ("created", "Imported"),
        ("edited", "Imported"),
    ]


def test_update_keeps_what_the_file_leaves_out_and_the_claiming_user(db, tmp_path):
    """A claimed profile keeps its owner and the values the file does not mention."""
    user = factories.UserFactory(email="ana@example.org")
    profile = factories.ScientistProfileFactory(ref="sci-001", user=user, city="Boston")

    code, out, _ = run(write(tmp_path, {"scientists": [{"ref": "sci-001", "name": "Ana L."}]}))

    assert code == 0
    assert counts(out)["scientists"] == (0, 1, 0)
    profile.refresh_from_db()
    assert (profile.name, profile.city, profile.user) == ("Ana L.", "Boston", user)


def test_invalid_records_import_nothing_and_every_error_is_printed(db):
    code, out, err = run(INVALID)

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "institutions[1] ref=inst-bad kind: unknown kind 'castle'; expected one of "
        "university, research_center, ngo, government, company, other",
        "institutions[1] ref=inst-bad state: unknown ISO 3166-2:MX state code 'MX-XYZ'",
        "scientists[1] ref=sci-bad email: is not a valid email address: 'luis@'",
        "scientists[1] ref=sci-bad country: unknown ISO 3166-1 alpha-2 country code 'USA'",
        'scientists[1] ref=sci-bad fields: unknown field code(s) "biology"',
        "scientists[1] ref=sci-bad hours_per_month: must not be negative, got -5",
        "scientists[1] ref=sci-bad available_from: must be an ISO 8601 date (YYYY-MM-DD), "
        "got '15/01/2027'",
        "scientists[2] ref=? colour: unknown key",
        "scientists[2] ref=? ref: is required",
        "scientists[3] ref=sci-ok ref: duplicate ref (also scientists[0])",
        "projects[0] ref=proj-bad seats: must be at least 1, got 0",
        "projects[0] ref=proj-bad status: unknown status 'archived'; expected one of "
        "draft, open, closed",
        "projects[0] ref=proj-bad institution: unknown institution ref 'inst-missing' "
        "(not in this file nor stored)",
        "agreements[0] ref=agr-bad stage: unknown stage 'finished'; expected one of "
        "proposed, negotiating, signed, active, completed, stalled, cancelled",
        "agreements[0] ref=agr-bad milestones[0].due: unknown key",
        "agreements[0] ref=agr-bad project: unknown project ref 'proj-nowhere' "
        "(not in this file nor stored)",
    ]
    # The valid records in the same file were not imported either.
    assert not Institution.objects.exists()
    assert not ScientistProfile.objects.exists()
    assert not Agreement.objects.exists()


def test_an_invalid_file_leaves_stored_records_untouched(db, tmp_path):
    run(VALID)
    payload = json.loads(VALID.read_text(encoding="utf-8"))
    payload["scientists"][0]["city"] = "Austin"
    payload["projects"][0]["seats"] = 0

    code, _, err = run(write(tmp_path, payload))

    assert code == 1
    assert err.splitlines() == ["projects[0] ref=proj-001 seats: must be at least 1, got 0"]
    assert ScientistProfile.objects.get(ref="sci-001").city == "Houston"


@pytest.mark.parametrize(
    ("record", "error"),
    [
        ({"ref": "s", "name": "A", "colour": "red"}, "scientists[0] ref=s colour: unknown key"),
        ({"ref": "s"}, "scientists[0] ref=s name: is required"),
        (
            {"ref": "s", "name": "A", "abroad_since": "2019"},
            "scientists[0] ref=s abroad_since: must be a whole number, got a string",
        ),
        (
            {"ref": "s", "name": "A", "horizon_months": 2.5},
            "scientists[0] ref=s horizon_months: must be a whole number, got 2.5",
        ),
        (
            {"ref": "s", "name": "A", "collaborated_before": "yes"},
            "scientists[0] ref=s collaborated_before: must be true, false or null, got a string",
        ),
        (
            {"ref": "s", "name": "A", "languages": ["es", "xx"]},
            'scientists[0] ref=s languages: unknown ISO 639-1 language code(s) "xx"',
        ),
        (
            {"ref": "s", "name": "A", "goals": ["fame"]},
            'scientists[0] ref=s goals: unknown goal code(s) "fame"',
        ),
        (
            {"ref": "s", "name": "A", "sectors": ["military"]},
            'scientists[0] ref=s sectors: unknown sector code(s) "military"',
        ),
        (
            {"ref": "s", "name": "A", "position": "king"},
            "scientists[0] ref=s position: unknown position 'king'; expected one of "
            "grad_student, postdoc, faculty, researcher, industry, government, other",
        ),
        (
            {"ref": "s", "name": "A", "states_of_interest": ["MX-ZZZ"]},
            'scientists[0] ref=s states_of_interest: unknown ISO 3166-2:MX state code(s) "MX-ZZZ"',
        ),
        ("not an object", "scientists[0] ref=? record: must be an object, got a string"),
        (
            {"ref": "s", "name": "A", "max_collaborations": 0},
            "scientists[0] ref=s max_collaborations: must be at least 1, got 0",
        ),
        (
            {"ref": "s", "name": "A", "max_collaborations": 10**30},
            "scientists[0] ref=s max_collaborations: must be at most 50, got " + str(10**30),
        ),
    ],
)
def test_each_kind_of_invalid_value_is_reported(db, tmp_path, record, error):
    code, _, err = run(write(tmp_path, {"scientists": [record]}))

    assert code == 1
    assert err.splitlines() == [error]
    assert not ScientistProfile.objects.exists()


def test_max_collaborations_is_imported_and_defaults_to_one(db, tmp_path):
    payload = {
        "scientists": [
            {"ref": "s-busy", "name": "A", "max_collaborations": 3},
            {"ref": "s-default", "name": "B"},
        ]
    }
    code, _, err = run(write(tmp_path, payload))

    assert (code, err) == (0, "")
    stored = dict(ScientistProfile.objects.values_list("ref", "max_collaborations"))
    assert stored == {"s-busy": 3, "s-default": 1}


def test_first_results_after_the_end_of_the_project_is_an_error(db, tmp_path):
    institution = {"ref": "i", "name": "Instituto"}
    late = {"ref": "p", "institution": "i", "title": "T", "duration_months": 6}
    late["first_results_months"] = 7
    code, _, err = run(write(tmp_path, {"institutions": [institution], "projects": [late]}))

    assert code == 1
    assert err.splitlines() == [
        "projects[0] ref=p first_results_months: must be at most duration_months (6), got 7"
    ]
    assert not Project.objects.exists()


def test_first_results_checked_against_the_stored_duration_on_update(db, tmp_path):
    project = factories.ProjectFactory(ref="p", duration_months=6, first_results_months=2)
    record = {"ref": "p", "institution": project.institution.ref, "title": "T"}
    record["first_results_months"] = 9
    code, _, err = run(write(tmp_path, {"projects": [record]}))

    assert code == 1
    assert "projects[0] ref=p first_results_months: must be at most duration_months (6)" in err
    project.refresh_from_db()
    assert project.first_results_months == 2


def test_unknown_key_is_an_error_even_on_a_valid_record(db, tmp_path):
    payload = {"institutions": [{"ref": "i", "name": "X", "webiste": "https://x.mx"}]}

    code, _, err = run(write(tmp_path, payload))

    assert code == 1
    assert err.splitlines() == ["institutions[0] ref=i webiste: unknown key"]


def test_refs_may_point_to_stored_records(db, tmp_path):
    institution = factories.InstitutionFactory(ref="inst-stored")
    scientist = factories.ScientistProfileFactory(ref="sci-stored")
    payload = {
        "projects": [{"ref": "p-new", "institution": "inst-stored", "title": "Agua"}],
        "agreements": [
            {"ref": "a-new", "scientist": "sci-stored", "project": "p-new", "stage": "proposed"}
        ],
    }

    code, _, err = run(write(tmp_path, payload))

    assert (code, err) == (0, "")
    assert Project.objects.get(ref="p-new").institution == institution
    assert Agreement.objects.get(ref="a-new").scientist == scientist


def test_unknown_refs_are_errors(db, tmp_path):
    payload = {
        "projects": [{"ref": "p", "institution": "inst-nowhere", "title": "Agua"}],
        "agreements": [{"ref": "a", "scientist": "sci-nowhere", "project": "p"}],
    }

    code, _, err = run(write(tmp_path, payload))

    assert code == 1
    assert err.splitlines() == [
        "projects[0] ref=p institution: unknown institution ref 'inst-nowhere' "
        "(not in this file nor stored)",
        "agreements[0] ref=a scientist: unknown scientist ref 'sci-nowhere' "
        "(not in this file nor stored)",
    ]


def test_a_second_open_agreement_for_the_same_pair_is_refused(db, tmp_path):
    stored = factories.AgreementFactory(ref="agr-stored")
    payload = {
        "agreements": [
            {"ref": "agr-new", "scientist": stored.scientist.ref, "project": stored.project.ref}
        ]
    }

    code, _, err = run(write(tmp_path, payload))

    assert code == 1
    assert err.splitlines() == [
        "agreements[0] ref=agr-new project: the stored agreement 'agr-stored' is already "
        "open for this scientist and project"
    ]


def test_milestones_are_matched_by_title(db, tmp_path):
    agreement = factories.AgreementFactory(ref="agr-1")
    factories.MilestoneFactory(agreement=agreement, title="Informe", done=False)
    payload = {
        "agreements": [
            {
                "ref": "agr-1",
                "scientist": agreement.scientist.ref,
                "project": agreement.project.ref,
                "stage": "active",
                "started_on": "2026-09-01",
                "last_activity_on": "2026-11-10",
                "goals": ["publications"],
                "milestones": [
                    {"title": "Informe", "done": True, "due_on": "2027-03-01"},
                    {"title": "Taller", "due_on": "2027-05-01"},
                ],
            }
        ]
    }

    code, out, _ = run(write(tmp_path, payload))

    assert code == 0
    assert counts(out)["agreements"] == (0, 1, 0)
    assert sorted(agreement.milestones.values_list("title", "done")) == [
        ("Informe", True),
        ("Taller", False),
    ]


def test_standard_input_is_read_with_a_dash(db, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(VALID.read_bytes()), encoding="utf-8")

    code, out, _ = run("-", stdin=stdin, monkeypatch=monkeypatch)

    assert code == 0
    assert counts(out)["scientists"] == (2, 0, 0)
    assert ScientistProfile.objects.filter(ref="sci-001").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "standard input is not valid JSON: "),
        ("", "standard input is empty"),
        ("[]", "standard input has the wrong shape: expected a JSON object"),
        ('{"scientist": []}', "standard input has the wrong shape: unknown section(s) 'scientist'"),
        (
            '{"scientists": {"ref": "x"}}',
            "standard input has the wrong shape: section 'scientists'",
        ),
    ],
)
def test_not_json_or_wrong_shape_is_one_clear_error(db, monkeypatch, text, message):
    code, out, err = run("-", stdin=io.StringIO(text), monkeypatch=monkeypatch)

    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"CommandError: {message}")
    assert not ScientistProfile.objects.exists()


def test_missing_file_is_one_clear_error(db, tmp_path):
    code, _, err = run(tmp_path / "nowhere.json")

    assert code == 1
    assert err.strip() == f"CommandError: {tmp_path / 'nowhere.json'}: no such file"


def test_from_the_command_line_not_json_exits_1_without_a_traceback(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    done = subprocess.run(
        [sys.executable, "manage.py", "import_data", str(path), "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {path} is not valid JSON: Expecting value at line 1 column 1"
    ]


def test_small_import_queues_rescoring_of_what_changed(db, monkeypatch):
    """Per-row rescoring is suspended during the import and done once afterwards."""
    from matching import tasks

    queued = []
    monkeypatch.setattr(tasks.rescore_scientist_task, "delay", lambda pk: queued.append(("s", pk)))
    monkeypatch.setattr(tasks.rescore_project_task, "delay", lambda pk: queued.append(("p", pk)))
    out = io.StringIO()

    call_command("import_data", str(VALID), stdout=out, stderr=io.StringIO())

    expected = {("s", pk) for pk in ScientistProfile.objects.values_list("pk", flat=True)}
    expected |= {("p", pk) for pk in Project.objects.values_list("pk", flat=True)}
    assert sorted(queued) == sorted(expected)
    queued.clear()
    call_command("import_data", str(VALID), stdout=io.StringIO(), stderr=io.StringIO())
    assert queued == []


def test_large_import_queues_one_full_rematch(db, tmp_path, monkeypatch):
    from matching import tasks
    from matching.models import MatchRun

    started = []
    monkeypatch.setattr(tasks.start_full_rematch_task, "delay", started.append)
    monkeypatch.setattr(tasks.rescore_scientist_task, "delay", lambda pk: pytest.fail("per row"))
    scientists = [{"ref": f"sci-{i}", "name": f"Persona {i}"} for i in range(60)]
    out = io.StringIO()

    call_command("import_data", str(write(tmp_path, {"scientists": scientists})), stdout=out)

    run = MatchRun.objects.get()
    assert started == [run.pk]
    assert f"full rematch started (run {run.pk})" in out.getvalue()


def test_exported_agreements_import_back_unchanged(db, tmp_path):
    coordinator = factories.CoordinatorFactory(email="coord@example.org")
    run(VALID)
    Agreement.objects.filter(ref="agr-001").update(coordinator=coordinator)
    out = io.StringIO()
    call_command("export_agreements", "--format", "json", stdout=out)

    code, summary, err = run(write(tmp_path, json.loads(out.getvalue())))

    assert (code, err) == (0, "")
    assert counts(summary)["agreements"] == (0, 0, 1)
    assert Agreement.objects.get(ref="agr-001").coordinator == coordinator


def test_agreement_coordinator_must_be_a_coordinator(db, tmp_path):
    factories.UserFactory(email="not-a-coordinator@example.org")
    run(VALID)
    payload = json.loads(VALID.read_text(encoding="utf-8"))
    payload["agreements"][0]["coordinator"] = "not-a-coordinator@example.org"

    code, _, err = run(write(tmp_path, payload))

    assert code == 1
    assert err.splitlines() == [
        "agreements[0] ref=agr-001 coordinator: no coordinator with the email "
        "'not-a-coordinator@example.org'"
    ]


# --- Input that once broke the import -------------------------------------------------


def _write_text(tmp_path, text):
    path = tmp_path / "data.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lone_surrogate_is_one_clear_error_line_and_nothing_is_imported(tmp_path):
    """From the command line: no traceback, exit 1, the record's place named."""
    path = _write_text(
        tmp_path,
        '{"institutions": [{"ref": "i", "name": "Instituto"}], '
        '"scientists": [{"ref": "s", "name": "A", "summary": "bad \\ud800 text"}]}',
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "import_data", str(path), "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {path} is not valid Unicode text: scientists[0].summary contains "
        "a lone surrogate (an unpaired \\ud800-\\udfff escape)"
    ]


def test_a_surrogate_pair_is_a_character_like_any_other(db, tmp_path):
    path = _write_text(tmp_path, '{"scientists": [{"ref": "s", "name": "Ana \\ud83d\\ude00"}]}')
    code, _, err = run(path)
    assert code == 0, err
    assert ScientistProfile.objects.get().name == "Ana 😀"


def test_a_number_of_thousands_of_digits_is_one_error_line(db, tmp_path):
    path = _write_text(
        tmp_path,
        '{"scientists": [{"ref": "s", "name": "A", "hours_per_month": %s}]}' % ("9" * 5000),
    )
    code, _, err = run(path)
    assert code == 1
    assert err.splitlines() == [
        "scientists[0] ref=s hours_per_month: must be at most 744, got a number of 5000 digits"
    ]
    assert not ScientistProfile.objects.exists()


@pytest.mark.parametrize(
    ("record", "error"),
    [
        (
            {"ref": "s", "name": "A", "keywords": [f"k{n}" for n in range(100_000)]},
            "scientists[0] ref=s keywords: must have at most 100 items (got 100000)",
        ),
        (
            {"ref": "s", "name": "A", "fields": ["genetics_genomics"] * 101},
            "scientists[0] ref=s fields: must have at most 100 items (got 101)",
        ),
        (
            {"ref": "s", "name": "A", "summary": "x" * 5001},
            "scientists[0] ref=s summary: must be at most 5000 characters (got 5001)",
        ),
        (
            {"ref": "s", "name": "A", "keywords": ["x" * 201]},
            "scientists[0] ref=s keywords: item 0 must be at most 200 characters",
        ),
    ],
)
def test_lists_and_texts_beyond_the_contract_limits_are_refused(db, tmp_path, record, error):
    code, _, err = run(write(tmp_path, {"scientists": [record]}))
    assert code == 1
    assert err.splitlines() == [error]
    assert not ScientistProfile.objects.exists()


def test_a_project_description_beyond_the_limit_is_refused(db, tmp_path):
    payload = {
        "institutions": [{"ref": "i", "name": "Instituto"}],
        "projects": [{"ref": "p", "institution": "i", "title": "T", "description": "x" * 10_001}],
    }
    code, _, err = run(write(tmp_path, payload))
    assert code == 1
    assert err.splitlines() == [
        "projects[0] ref=p description: must be at most 10000 characters (got 10001)"
    ]
