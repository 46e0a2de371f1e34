"""Labels of vocabulary codes for the matcher's templates."""

from django import template

from profiles import vocab

register = template.Library()


@register.filter
def field_labels(codes) -> list[str]:
    labels = []
    for code in codes or []:
        try:
            labels.append(vocab.field_label(code))
        except ValueError:
            labels.append(code)
    return labels


@register.filter
def state_name(code: str) -> str:
    return vocab.mexican_states().get(code, code or "")


@register.filter
def country_name(code: str) -> str:
    return vocab.countries().get(code, code or "")


@register.filter
def language_names(codes) -> str:
    table = vocab.languages()
    return ", ".join(table.get(c, c) for c in codes or [])
