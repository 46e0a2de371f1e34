"""The form renderer writes <select> itself: the same HTML as Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from diaspora.forms_renderer import SELECT, FormRenderer
from profiles.filters import ProjectFilter, ScientistFilter
from profiles.forms import ScientistProfileForm


class Sample(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("x", "X & <y>"), ("g", [("1", "one"), ("2", 't"wo')])], initial="1"
    )
    several = forms.MultipleChoiceField(choices=[("1", "a"), ("2", "b")], initial=["1", "2"])
    maybe = forms.NullBooleanField()
    empty = forms.ChoiceField(choices=[("", "---"), ("q", "Q")], required=False)


def selects(form):
    for name, field in form.fields.items():
        if field.widget.template_name == SELECT:
            bound = form[name]
            yield bound.field.widget.get_context(
                bound.html_name, bound.value(), bound.build_widget_attrs({})
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [
        Sample,
        lambda: Sample({"grouped": "x", "several": ["2"], "maybe": "true"}),
        ScientistProfileForm,
        lambda: ScientistFilter({"country": "US"}).form,
        lambda: ProjectFilter({"state": "MX-CMX", "discipline": "genetics_genomics"}).form,
    ],
)
def test_selects_are_written_as_django_templates_write_them(make):
    contexts = list(selects(make()))
    assert contexts
    for context in contexts:
        assert FormRenderer().render(SELECT, context) == DjangoTemplates().render(SELECT, context)
