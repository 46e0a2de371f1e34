"""Agreements as rows for `export_agreements` and the dashboard's CSV (same columns).

The first columns are the data contract's (refs, for other tools); the readable
ones after them (names, title, institution) make the file useful in a spreadsheet.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from .models import Milestone

COLUMNS = [
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
    # For people reading the file: added after the contract's columns, never between them.
    "scientist_name",
    "project_title",
    "institution",
    "coordinator_name",
]


def _iso(day):
    return day.isoformat() if day else None


def rows(qs: QuerySet, *, today: datetime.date) -> Iterator[dict]:
    """One dict per agreement, ordered by ref; milestones are prefetched in batches."""
    qs = (
        qs.select_related("scientist", "project__institution", "coordinator")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk"))
        )
        .order_by("ref")
    )
    for a in qs.iterator(chunk_size=2000):
        yield {
            "ref": a.ref,
            "scientist": a.scientist.ref,
            "project": a.project.ref,
            "stage": a.stage,
            "started_on": _iso(a.started_on),
            "last_activity_on": _iso(a.last_activity_on),
            "days_since_activity": (today - a.last_activity_on).days,
            "next_follow_up_on": _iso(a.next_follow_up_on),
            "goals": list(a.goals),
            "milestones": [
                {"title": m.title, "due_on": _iso(m.due_on), "done": m.done}
                for m in a.milestones.all()
            ],
            "signed_on": _iso(a.signed_on),
            "completed_on": _iso(a.completed_on),
            "hours_per_month": a.hours_per_month,
            "coordinator": a.coordinator.email if a.coordinator else None,
            "notes": a.notes,
            "scientist_name": a.scientist.name,
            "project_title": a.project.title,
            "institution": a.project.institution.name,
            "coordinator_name": str(a.coordinator) if a.coordinator else None,
        }


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " | ".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_lines(items: Iterable[dict]) -> Iterator[str]:
    """CSV text, one line at a time (for streaming): goals joined by ' | ', milestones as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flush()
    for item in items:
        writer.writerow(
            [
                json.dumps(item[c], ensure_ascii=False) if c == "milestones" else csv_cell(item[c])
                for c in COLUMNS
            ]
        )
        yield flush()
