"""The dashboard's filters: one GET form, turned into Q objects for each model.

Agreements, matches, interests and introductions all have `scientist` and
`project`; scientist-side filters also apply to the network portrait.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from profiles import vocab
from profiles.filters import json_has

from .models import Stage


def _blank(choices, label=None):
    return [("", label or _("All")), *choices]


class DashboardFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("SNII area"), required=False)
    state = forms.ChoiceField(label=_("Mexican state"), required=False)
    country = forms.ChoiceField(label=_("Country of residence"), required=False)
    institution_kind = forms.ChoiceField(label=_("Institution kind"), required=False)
    collaboration_type = forms.ChoiceField(label=_("Collaboration type"), required=False)
    sector = forms.ChoiceField(label=_("Scientist's sector"), required=False)
    position = forms.ChoiceField(label=_("Scientist's position"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _blank(vocab.Area.choices)
        self.fields["state"].choices = _blank(vocab.state_choices())
        self.fields["country"].choices = _blank(vocab.country_choices())
        self.fields["institution_kind"].choices = _blank(vocab.InstitutionKind.choices)
        self.fields["collaboration_type"].choices = _blank(vocab.CollaborationType.choices)
        self.fields["sector"].choices = _blank(vocab.Sector.choices)
        self.fields["position"].choices = _blank(vocab.Position.choices)
        self.fields["stage"].choices = _blank(Stage.choices)
        self.fields["coordinator"].queryset = User.objects.coordinators().order_by("full_name")


def scientist_q(filters: dict, prefix: str = "scientist__") -> Q:
    q = Q()
    if filters.get("country"):
        q &= Q(**{f"{prefix}country": filters["country"]})
    if filters.get("sector"):
        q &= json_has(f"{prefix}sectors", filters["sector"])
    if filters.get("position"):
        q &= Q(**{f"{prefix}position": filters["position"]})
    return q


def pair_q(filters: dict) -> Q:
    """Filters on anything with `scientist` and `project` foreign keys."""
    q = scientist_q(filters)
    if filters.get("area"):
        q &= json_has("project__areas", filters["area"])
    if filters.get("state"):
        q &= Q(project__institution__state=filters["state"])
    if filters.get("institution_kind"):
        q &= Q(project__institution__kind=filters["institution_kind"])
    if filters.get("collaboration_type"):
        q &= Q(project__collaboration_type=filters["collaboration_type"])
    return q


def agreement_q(filters: dict) -> Q:
    q = pair_q(filters)
    if filters.get("stage"):
        q &= Q(stage=filters["stage"])
    if filters.get("coordinator"):
        q &= Q(coordinator=filters["coordinator"])
    return q


def portrait_q(filters: dict) -> Q:
    """The portrait of the network: scientist-side filters, the area on the scientist."""
    q = scientist_q(filters, prefix="")
    if filters.get("area"):
        q &= json_has("areas", filters["area"])
    return q
