"""The demo's semantic vectors, shipped with it: computing them takes minutes
on one core (the e5 encoder reads a few texts a second), so that a newcomer's
`bin/run` starts in seconds. Only vectors whose text digest matches the
demo's current text are restored; anything else is computed as usual."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matching.embeddings import KINDS
from matching.scoring import semantic
from profiles.models import Project

PATH = Path(__file__).resolve().parent / "vectors.npz"


def _digests(model, to_record) -> dict[str, int]:
    qs = model.objects.order_by("id")
    if model is Project:
        qs = qs.select_related("institution")
    return {semantic.text_digest(to_record(x).document): x.pk for x in qs.iterator()}


def restore(path: Path = PATH) -> int:
    """Store the shipped vectors of the texts that have not changed; returns how many."""
    if not path.exists():
        return 0
    shipped = np.load(path)
    restored = 0
    for kind, (model, embedding, _fk, to_record) in KINDS.items():
        ids = _digests(model, to_record)
        digests, vectors, languages = (
            shipped[f"{kind}_digests"],
            shipped[f"{kind}_vectors"],
            shipped[f"{kind}_languages"],
        )
        rows = [
            embedding(
                **{f"{kind}_id": ids[str(digest)]},
                encoder=semantic.ENCODER_NAME,
                text_digest=str(digest),
                language=str(language),
                vector=vector.astype(np.int8).tobytes(),
            )
            for digest, vector, language in zip(digests, vectors, languages, strict=True)
            if str(digest) in ids
        ]
        embedding.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        restored += len(rows)
    return restored


def save(path: Path = PATH) -> int:
    """Write the stored vectors of the current texts (after a demo was seeded)."""
    arrays = {}
    total = 0
    for kind, (model, embedding, _fk, to_record) in KINDS.items():
        current = _digests(model, to_record)
        rows = [
            e
            for e in embedding.objects.order_by(f"{kind}_id")
            if e.text_digest in current and e.encoder == semantic.ENCODER_NAME
        ]
        arrays[f"{kind}_digests"] = np.array([e.text_digest for e in rows])
        arrays[f"{kind}_languages"] = np.array([e.language for e in rows])
        arrays[f"{kind}_vectors"] = (
            np.stack([np.frombuffer(bytes(e.vector), dtype=np.int8) for e in rows])
            if rows
            else np.zeros((0, semantic.DIM), np.int8)
        )
        total += len(rows)
    np.savez_compressed(path, **arrays)
    return total
