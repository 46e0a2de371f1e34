"""Labels for vocabulary codes in templates: {{ profile.goals|labels:"goal" }}."""

from django import template

from profiles import vocab

register = template.Library()


def _label(kind: str, code: str) -> str:
    try:
        if kind == "field":
            return vocab.field_label(code)
        if kind == "goal":
            return str(vocab.Goal(code).label)
        if kind == "collaboration":
            return str(vocab.CollaborationType(code).label)
        if kind == "sector":
            return str(vocab.Sector(code).label)
        if kind == "language":
            return vocab.languages()[code]
        if kind == "state":
            return vocab.mexican_states()[code]
        if kind == "country":
            return vocab.countries()[code]
    except (KeyError, ValueError):
        pass
    return code


@register.filter
def label(code, kind):
    """The translated label of one code."""
    return _label(kind, str(code)) if code else ""


@register.filter
def labels(codes, kind):
    """The labels of a list of codes."""
    return [_label(kind, str(c)) for c in codes or []]
