"""The synthetic network stored in the database, for benchmarks and load tests.

Scientists, projects and institutions carry refs starting with "bench-", so
they can be told apart from real data and deleted afterwards; their semantic
vectors are the deterministic stand-ins of demo.synthetic (the real encoders
would take hours at this size).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from demo.synthetic import attach_synthetic_vectors, synthetic_world
from matching.models import ProjectEmbedding, ScientistEmbedding
from matching.scoring import semantic
from matching.signals import rescoring_suspended
from profiles import vocab
from profiles.models import Institution, Project, ScientistProfile

PREFIX = "bench-"


def _store_vectors(scientists, projects) -> None:
    for records, model, embedding, fk in (
        (scientists, ScientistProfile, ScientistEmbedding, "scientist_id"),
        (projects, Project, ProjectEmbedding, "project_id"),
    ):
        ids = dict(model.objects.filter(ref__startswith=PREFIX).values_list("ref", "id"))
        embedding.objects.bulk_create(
            [
                embedding(
                    **{fk: ids[f"{PREFIX}{r.ref}"]},
                    encoder=semantic.ENCODER_NAME,
                    text_digest=semantic.text_digest(r.document),
                    language=r.language,
                    vector=semantic.to_bytes(r.vector),
                )
                for r in records
            ],
            batch_size=2000,
        )


@transaction.atomic
def store_synthetic_world(n: int, m: int, *, seed: int = 0, today: datetime.date):
    """Store n synthetic scientists and m open projects with their vectors;
    returns the (scientists, projects) records they were made from."""
    scientists, projects = synthetic_world(n, m, seed=seed, today=today)
    attach_synthetic_vectors([*scientists, *projects], seed=seed)
    insts = {}
    for name, state in sorted({(p.institution_name, p.institution_state) for p in projects}):
        insts[name] = Institution(
            ref=f"{PREFIX}inst-{len(insts) + 1}", name=name, state=state, approved=True
        )
    Institution.objects.bulk_create(insts.values())
    ScientistProfile.objects.bulk_create(
        [
            ScientistProfile(
                ref=f"{PREFIX}{s.ref}",
                name=f"Bench scientist {s.id}",
                fields=s.fields,
                areas=vocab.areas_of(s.fields),
                keywords=s.keywords,
                summary=s.summary,
                goals=s.goals,
                collaboration_types=s.collaboration_types,
                available_from=s.available_from,
                horizon_months=s.horizon_months,
                hours_per_month=s.hours_per_month,
                languages=s.languages,
                alma_maters=s.alma_maters,
                states_of_interest=s.states_of_interest,
            )
            for s in scientists
        ],
        batch_size=2000,
    )
    Project.objects.bulk_create(
        [
            Project(
                ref=f"{PREFIX}{p.ref}",
                institution=insts[p.institution_name],
                title=p.title,
                description=p.description,
                fields=p.fields,
                areas=vocab.areas_of(p.fields),
                keywords=p.keywords,
                goals=p.goals,
                collaboration_type=p.collaboration_type,
                starts_on=p.starts_on,
                duration_months=p.duration_months,
                first_results_months=p.first_results_months,
                hours_per_month=p.hours_per_month,
                languages=p.languages,
                status="open",
            )
            for p in projects
        ],
        batch_size=2000,
    )
    _store_vectors(scientists, projects)
    return scientists, projects


@transaction.atomic
def delete_synthetic_world() -> None:
    with rescoring_suspended():
        Project.objects.filter(ref__startswith=PREFIX).delete()
        ScientistProfile.objects.filter(ref__startswith=PREFIX).delete()
        Institution.objects.filter(ref__startswith=f"{PREFIX}inst-").delete()
