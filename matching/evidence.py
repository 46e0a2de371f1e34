"""The evidence behind "close in meaning": the sentence of the profile and the
sentence of the project closest in meaning, found when a page shows the
reason (not for the millions of stored rows nobody opens) and cached."""

from __future__ import annotations

import logging

from django.core.cache import cache

from .scoring import semantic

log = logging.getLogger(__name__)

CACHE_SECONDS = 30 * 24 * 3600


def _key(scientist_text: str, project_text: str) -> str:
    pair = "\n\x00\n".join((scientist_text, project_text))
    return f"matching:evidence:{semantic.text_digest(pair)}"


def closest_sentences(scientist, project) -> dict | None:
    """{"scientist_sentence", "project_sentence"} for a profile and a project, or None."""
    scientist_text = scientist.summary or ""
    project_text = ". ".join(t for t in (project.title, project.description or "") if t)
    key = _key(scientist_text, project_text)
    found = cache.get(key)
    if found is None:
        try:
            evidence = semantic.closest_sentences(scientist_text, project_text)
        except Exception:  # noqa: BLE001 - the reason stands without its evidence
            log.exception("Could not find the closest sentences")
            return None
        found = (
            {
                "scientist_sentence": evidence.scientist_sentence,
                "project_sentence": evidence.project_sentence,
            }
            if evidence
            else {}
        )
        cache.set(key, found, CACHE_SECONDS)
    return found or None


def with_evidence(reasons: list[dict], scientist, project) -> list[dict]:
    """The reasons, with the closest sentences added to a close_in_meaning reason."""
    out = []
    for reason in reasons or []:
        if reason.get("code") == "close_in_meaning":
            found = closest_sentences(scientist, project)
            if found:
                reason = {**reason, "params": {**(reason.get("params") or {}), **found}}
        out.append(reason)
    return out
