"""Helpers shared by the matcher's commands."""

import csv
import json

from django.utils import translation

from matching.reasons import render_reasons
from matching.scoring.engine import COMPONENTS

CSV_COLUMNS = ["scientist", "project", "score", "field", "goals", "timeline"]
EXTRA_COMPONENTS = [c for c in COMPONENTS if c not in CSV_COLUMNS]


def export_entry(scientist_ref, project_ref, score, components, reasons) -> dict:
    with translation.override("en"):
        text = render_reasons(reasons)
    return {
        "scientist": scientist_ref,
        "project": project_ref,
        "score": round(float(score), 4),
        "components": {
            k: round(float(components[k]), 4)
            for k in sorted(
                components,
                key=lambda c: (COMPONENTS.index(c) if c in COMPONENTS else len(COMPONENTS), c),
            )
        },
        "reasons": text,
    }


def write(stdout, entries: list[dict], fmt: str) -> None:
    if fmt == "json":
        stdout.write(json.dumps({"matches": entries}, ensure_ascii=False, indent=2))
        return
    extra = list(EXTRA_COMPONENTS)
    for entry in entries:
        for name in entry["components"]:
            if name not in CSV_COLUMNS and name not in extra:
                extra.append(name)
    writer = csv.writer(stdout, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *extra, "reasons"])
    for e in entries:
        c = e["components"]
        writer.writerow(
            [e["scientist"], e["project"], e["score"]]
            + [c.get(name, "") for name in CSV_COLUMNS[3:]]
            + [c.get(name, "") for name in extra]
            + [" | ".join(e["reasons"])]
        )
