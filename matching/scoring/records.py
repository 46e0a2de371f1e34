"""Plain records the engine scores: built from model instances or synthetic data."""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ObjectDoesNotExist

from . import semantic


@dataclass(slots=True)
class ScientistRecord:
    id: int
    ref: str = ""
    fields: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    summary: str = ""
    goals: list[str] = field(default_factory=list)
    collaboration_types: list[str] = field(default_factory=list)
    available_from: datetime.date | None = None
    horizon_months: int | None = None
    hours_per_month: int | None = None
    languages: list[str] = field(default_factory=list)
    alma_maters: list[str] = field(default_factory=list)
    states_of_interest: list[str] = field(default_factory=list)
    vector: np.ndarray | None = None  # semantic vector of `document`, None if not (yet) known
    language: str = ""

    @property
    def document(self) -> str:
        return " ".join([self.summary, *self.keywords])

    @classmethod
    def from_profile(cls, p, *, with_vector: bool = True) -> "ScientistRecord":
        record = cls(
            id=p.pk,
            ref=p.ref,
            fields=list(p.fields or []),
            keywords=list(p.keywords or []),
            summary=p.summary or "",
            goals=list(p.goals or []),
            collaboration_types=list(p.collaboration_types or []),
            available_from=p.available_from,
            horizon_months=p.horizon_months,
            hours_per_month=p.hours_per_month,
            languages=list(p.languages or []),
            alma_maters=list(p.alma_maters or []),
            states_of_interest=list(p.states_of_interest or []),
        )
        return attach_embedding(record, p) if with_vector else record


@dataclass(slots=True)
class ProjectRecord:
    id: int
    ref: str = ""
    status: str = "open"
    title: str = ""
    description: str = ""
    fields: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    collaboration_type: str = ""
    starts_on: datetime.date | None = None
    duration_months: int | None = None
    first_results_months: int | None = None
    hours_per_month: int | None = None
    languages: list[str] = field(default_factory=list)
    institution_name: str = ""
    institution_state: str = ""
    vector: np.ndarray | None = None
    language: str = ""

    @property
    def document(self) -> str:
        return " ".join([self.title, self.description, *self.keywords])

    @classmethod
    def from_project(cls, p, *, with_vector: bool = True) -> "ProjectRecord":
        inst = p.institution
        record = cls(
            id=p.pk,
            ref=p.ref,
            status=p.status,
            title=p.title,
            description=p.description or "",
            fields=list(p.fields or []),
            keywords=list(p.keywords or []),
            goals=list(p.goals or []),
            collaboration_type=p.collaboration_type or "",
            starts_on=p.starts_on,
            duration_months=p.duration_months,
            first_results_months=p.first_results_months,
            hours_per_month=p.hours_per_month,
            languages=list(p.languages or []),
            institution_name=inst.name if inst else "",
            institution_state=(inst.state or "") if inst else "",
        )
        return attach_embedding(record, p) if with_vector else record


def attach_embedding(record, instance):
    """Attach the stored vector of the instance's text if it was computed from
    this very text: a vector of an older text is never used."""
    try:
        stored = instance.embedding
    except ObjectDoesNotExist:  # not embedded yet
        return record
    if stored.text_digest == semantic.text_digest(record.document):
        record.vector = semantic.from_bytes(stored.vector)
        record.language = stored.language
    return record
