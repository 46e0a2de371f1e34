"""Plain records the engine scores: built from model instances or synthetic data."""

import datetime
from dataclasses import dataclass, field


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

    @property
    def document(self) -> str:
        return " ".join([self.summary, *self.keywords])

    @classmethod
    def from_profile(cls, p) -> "ScientistRecord":
        return cls(
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

    @property
    def document(self) -> str:
        return " ".join([self.title, self.description, *self.keywords])

    @classmethod
    def from_project(cls, p) -> "ProjectRecord":
        inst = p.institution
        return cls(
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
