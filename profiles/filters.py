"""Search and filters for the project and scientist browse pages (django-filter).

A JSON list field is filtered by containment on PostgreSQL and by the quoted
code in its text on SQLite (json_has).
"""

import json

import django_filters
from django import forms
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from . import vocab
from .models import Project, ScientistProfile

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def discipline_choices():
    return [
        (str(area.label), [(c, label) for c, (a, label) in vocab.DISCIPLINES.items() if a == area])
        for area in vocab.Area
    ]


def json_has(field: str, code: str, using: str = DEFAULT_DB_ALIAS) -> Q:
    """Rows whose JSON list `field` holds `code`. On PostgreSQL a containment
    (`@>`), which its statistics estimate: it took the text match for one row in
    10,000 and scanned every profile for a page of 20 that the name index gives
    at once (145 -> 0.2 ms for an area at 100,000 scientists). SQLite has no
    containment for JSON: the quoted code in the list's text."""
    if connections[using].vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": json.dumps(code)})


def json_code(name):
    """A filter method keeping rows whose JSON list `name` contains the chosen code."""

    def method(queryset, _field_name, value):
        if not value:
            return queryset
        return queryset.filter(json_has(name, str(value), using=queryset.db))

    return method


def _folds_beyond_ascii(connection) -> bool:
    """Whether the database's UPPER() folds letters such as í and ñ: PostgreSQL
    does under a UTF-8 ctype (asked once per connection), SQLite never does."""
    if connection.vendor != "postgresql":
        return False
    known = getattr(connection, "folds_beyond_ascii", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT UPPER('í') = 'Í'")
            known = connection.folds_beyond_ascii = cursor.fetchone()[0]
    return known


def _spellings(word, folds_beyond_ascii=False):
    """Where the database folds case for ASCII only (SQLite, PostgreSQL under a C
    ctype), also try the usual casings of a word with other letters. Each spelling
    is one more scan of long texts, so a word is looked up once where it can be."""
    if word.isascii() or folds_beyond_ascii:
        return [word]
    return list(dict.fromkeys([word, word.lower(), word.capitalize()]))


def search_words(queryset, _field_name, value):
    """Every word of the query must appear in the record's search_text (its texts
    upper-cased by the database), the word upper-cased by the same function so
    that case is ignored as far as the database folds it."""
    connection = connections[queryset.db]
    folds = _folds_beyond_ascii(connection)
    # Keywords are JSON text: quotes and backslashes are escaped in it, and on
    # SQLite non-ASCII characters too (PostgreSQL's jsonb writes them as they are).
    ascii_json = connection.vendor != "postgresql"
    for word in value.split()[:10]:
        condition = Q()
        for spelling in _spellings(word, folds):
            condition |= Q(search_text__contains=Upper(Value(spelling)))
            escaped = json.dumps(spelling, ensure_ascii=ascii_json)[1:-1]
            if escaped != spelling:
                condition |= Q(search_text__contains=Upper(Value(escaped)))
        queryset = queryset.filter(condition)
    return queryset


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=search_words)
    area = django_filters.ChoiceFilter(
        label=_("Field area"), choices=vocab.Area.choices, method=json_code("areas")
    )
    discipline = django_filters.ChoiceFilter(
        label=_("Discipline"), choices=discipline_choices, method=json_code("fields")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="institution__state", choices=vocab.state_choices
    )
    collaboration_type = django_filters.ChoiceFilter(
        label=_("Collaboration type"), choices=vocab.CollaborationType.choices
    )
    funding = django_filters.ChoiceFilter(label=_("Funding"), choices=vocab.Funding.choices)
    starts_from = django_filters.DateFilter(
        label=_("Starts on or after"), field_name="starts_on", lookup_expr="gte", widget=DATE_INPUT
    )
    starts_to = django_filters.DateFilter(
        label=_("Starts on or before"), field_name="starts_on", lookup_expr="lte", widget=DATE_INPUT
    )
    duration_min = django_filters.NumberFilter(
        label=_("Minimum duration (months)"), field_name="duration_months", lookup_expr="gte"
    )
    duration_max = django_filters.NumberFilter(
        label=_("Maximum duration (months)"), field_name="duration_months", lookup_expr="lte"
    )

    class Meta:
        model = Project
        fields = []


class ScientistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=search_words,
    )
    area = django_filters.ChoiceFilter(
        label=_("Field area"), choices=vocab.Area.choices, method=json_code("areas")
    )
    discipline = django_filters.ChoiceFilter(
        label=_("Discipline"), choices=discipline_choices, method=json_code("fields")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country of residence"), choices=vocab.country_choices
    )
    state = django_filters.ChoiceFilter(
        label=_("State of interest"),
        choices=vocab.state_choices,
        method=json_code("states_of_interest"),
    )
    position = django_filters.ChoiceFilter(label=_("Position"), choices=vocab.Position.choices)
    available_before = django_filters.DateFilter(
        label=_("Available on or before"), method="filter_available_before", widget=DATE_INPUT
    )

    class Meta:
        model = ScientistProfile
        fields = []

    def filter_available_before(self, queryset, _name, value):
        # No date given means available now.
        return queryset.filter(Q(available_from__lte=value) | Q(available_from__isnull=True))
