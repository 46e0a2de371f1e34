"""The form renderer writes selects, checkboxes and radio buttons itself: the same
HTML as Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from diaspora.forms_renderer import MULTIPLE, SELECT, FormRenderer
from profiles.filters import ProjectFilter, ScientistFilter
from profiles.forms import ScientistProfileForm


class Sample(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("x", "X & <y>"), ("g", [("1", "one"), ("2", 't"wo')])], initial="1"
    )
    several = forms.MultipleChoiceField(choices=[("1", "a"), ("2", "b")], initial=["1", "2"])
    maybe = forms.NullBooleanField()
    empty = forms.ChoiceField(choices=[("", "---"), ("q", "Q")], required=False)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A <b>"), ("g", [("c", "C"), ("d", "D")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        initial=["c"],
    )
    radios = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect)
    bare = forms.MultipleChoiceField(
        choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False
    )


def widgets(form):
    """(template name, context) of every select, checkbox list and radio list."""
    for name, field in form.fields.items():
        if field.widget.template_name in (SELECT, *MULTIPLE):
            bound = form[name]
            attrs = bound.build_widget_attrs({})
            if bound.auto_id and "id" not in field.widget.attrs:
                attrs["id"] = bound.auto_id
            yield (
                field.widget.template_name,
                field.widget.get_context(bound.html_name, bound.value(), attrs),
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [
        Sample,
        lambda: Sample({"grouped": "x", "several": ["2"], "maybe": "true", "radios": "n"}),
        ScientistProfileForm,
        lambda: ScientistFilter({"country": "US"}).form,
        lambda: ProjectFilter({"state": "MX-CMX", "discipline": "genetics_genomics"}).form,
    ],
)
def test_choices_are_written_as_django_templates_write_them(make):
    found = list(widgets(make()))
    assert found
    for template, context in found:
        ours = FormRenderer().render(template, context)
        assert ours == DjangoTemplates().render(template, context)
