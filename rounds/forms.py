import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from profiles import vocab
from profiles.forms import SectionsMixin, _multiple
from profiles.models import Project, ScientistProfile

from . import services
from .models import PairRule, Round

MAX_REFS = 10_000
MAX_PER_INSTITUTION = 1_000


class RoundForm(SectionsMixin, forms.Form):
    """A round: its name, its projects (by filters, by reference, or both) and its rules."""

    sections = [
        (_("The round"), ["name"]),
        (
            _("Projects chosen by filters (open projects matching every filter you set)"),
            ["areas", "states", "kinds", "collaboration_types"],
        ),
        (_("Projects chosen by hand"), ["project_refs"]),
        (_("Rules"), ["max_per_institution_abroad", "underserved_states"]),
    ]

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("E.g. Summer 2027."))
    areas = _multiple(_("SNII areas"), vocab.Area.choices)
    states = _multiple(_("States of the institution"), vocab.state_choices, scroll=True)
    kinds = _multiple(_("Kinds of institution"), vocab.InstitutionKind.choices)
    collaboration_types = _multiple(_("Collaboration types"), vocab.CollaborationType.choices)
    project_refs = forms.CharField(
        label=_("Project references"),
        required=False,
        max_length=MAX_REFS * 110,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by commas, spaces or line breaks, e.g. proj-001, proj-002."),
    )
    max_per_institution_abroad = forms.IntegerField(
        label=_("At most this many scientists from one institution abroad"),
        required=False,
        min_value=1,
        max_value=MAX_PER_INSTITUTION,
        help_text=_("Leave empty for no limit."),
    )
    underserved_states = _multiple(
        _("Under-served states: at least one seat each, when a candidate exists"),
        vocab.state_choices,
        scroll=True,
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        return name

    def clean_project_refs(self):
        refs = [r for r in re.split(r"[\s,]+", self.cleaned_data["project_refs"]) if r]
        refs = list(dict.fromkeys(refs))
        if len(refs) > MAX_REFS:
            raise forms.ValidationError(_("Enter at most %(max)d references.") % {"max": MAX_REFS})
        known = set(Project.objects.open().filter(ref__in=refs).values_list("ref", flat=True))
        unknown = [r for r in refs if r not in known]
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "No open project has the reference %(refs)s.",
                    "No open project has the references %(refs)s.",
                    len(unknown),
                )
                % {"refs": ", ".join(r[:100] for r in unknown[:10])}
            )
        return refs

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.projects = services.projects_matching(
            areas=data.get("areas") or (),
            states=data.get("states") or (),
            kinds=data.get("kinds") or (),
            collaboration_types=data.get("collaboration_types") or (),
            refs=data.get("project_refs") or (),
        )
        if not self.projects.exists():
            raise forms.ValidationError(
                _("No open project matches these filters or references: choose some projects.")
            )
        return data


class PairRuleForm(forms.Form):
    """Force or forbid a pair, named by the scientist's and the project's references."""

    scientist = forms.CharField(label=_("Scientist reference"), max_length=100)
    project = forms.CharField(label=_("Project reference"), max_length=100)
    kind = forms.ChoiceField(label=_("Rule"), choices=PairRule.Kind.choices)

    def __init__(self, *args, round: Round, **kwargs):
        self.round = round
        super().__init__(*args, **kwargs)

    def clean_scientist(self):
        ref = self.cleaned_data["scientist"].strip()
        found = ScientistProfile.objects.filter(ref=ref).first()
        if found is None:
            raise forms.ValidationError(_("No scientist has this reference."))
        return found

    def clean_project(self):
        ref = self.cleaned_data["project"].strip()
        found = self.round.projects.filter(ref=ref).first()
        if found is None:
            raise forms.ValidationError(_("No project of this round has this reference."))
        return found
