"""Semantic vectors of profiles and projects: computed once per text change,
stored, and read by the matcher.

A vector is stored with a digest of the text it was computed from; the
matcher uses it only while the digest matches the current text, so a profile
saved before its new vector exists is scored without the semantic part,
never with a stale one (see scoring.records.attach_embedding).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Length

from profiles.models import Project, ScientistProfile

from .models import ProjectEmbedding, ScientistEmbedding
from .scoring import semantic
from .scoring.records import ProjectRecord, ScientistRecord

log = logging.getLogger(__name__)

CHUNK = 200  # texts per task: about a minute of work on one core

KINDS = {
    "scientist": (ScientistProfile, ScientistEmbedding, "scientist", ScientistRecord),
    "project": (Project, ProjectEmbedding, "project", ProjectRecord),
}


def _rows(kind: str, ids=None):
    """Profiles' or projects' columns (plain rows) with each stored vector's
    digest and size, not the vector (what _stale needs)."""
    model, _embedding, _fk, record_class = KINDS[kind]
    qs = model.objects.order_by("id")
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.values(
        "id",
        *record_class.COLUMNS,
        stored_digest=F("embedding__text_digest"),
        vector_size=Length("embedding__vector"),
    )


def _stale(kind: str, rows) -> list[tuple[int, str]]:
    """(id, text) of the rows whose stored vector is missing, malformed or
    of another text: the vectors attach_vector would not use."""
    record_class = KINDS[kind][3]
    out = []
    for row in rows:
        document = record_class.from_values(row).document
        if not document.strip():
            continue
        if (
            row["stored_digest"] != semantic.text_digest(document)
            or row["vector_size"] != semantic.DIM
        ):
            out.append((row["id"], document))
    return out


def missing_ids(kind: str) -> list[int]:
    """Ids of profiles (kind 'scientist') or projects whose vector is missing or stale."""
    return [pk for pk, _text in _stale(kind, _rows(kind).iterator(chunk_size=2000))]


def embed(kind: str, ids) -> int:
    """Compute and store the vectors of these profiles or projects where they
    are missing or stale; returns how many were computed. Safe to run twice."""
    model, embedding_model, fk, _record = KINDS[kind]
    todo = _stale(kind, _rows(kind, ids))
    if not todo:
        return 0
    texts = [text for _pk, text in todo]
    vectors = semantic.embed_documents(texts)
    rows = [
        embedding_model(
            **{f"{fk}_id": pk},
            encoder=semantic.ENCODER_NAME,
            text_digest=semantic.text_digest(text),
            language=semantic.detect_language(text),
            vector=semantic.to_bytes(semantic.quantize(vector)),
        )
        for (pk, text), vector in zip(todo, vectors, strict=True)
    ]
    with transaction.atomic():
        # A row deleted meanwhile is skipped: its vector is not needed.
        alive = set(
            model.objects.filter(id__in=[pk for pk, _t in todo]).values_list("id", flat=True)
        )
        embedding_model.objects.bulk_create(
            [row for row in rows if getattr(row, f"{fk}_id") in alive],
            update_conflicts=True,
            unique_fields=[fk],
            update_fields=["encoder", "text_digest", "language", "vector", "updated_at"],
        )
    return len(rows)


def chunks(ids: list[int], size: int) -> list[list[int]]:
    size = max(1, size)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def embed_missing(progress=None, *, missing: dict | None = None, size: int = CHUNK) -> int:
    """Compute every missing or stale vector in this process, chunk by chunk
    (`missing`: the ids by kind, if already known); progress(kind, done, total)
    after each chunk. Returns how many."""
    done_all = 0
    for kind in KINDS:
        ids = missing[kind] if missing is not None else missing_ids(kind)
        done = 0
        for chunk in chunks(ids, size):
            done_all += embed(kind, chunk)
            done += len(chunk)
            if progress:
                progress(kind, done, len(ids))
    return done_all
