from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Interest
from .services import REASON_MAX_LENGTH


class DecisionForm(forms.Form):
    """One side's decision on a suggestion: interested, or not for me (why, optionally)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Interest.Decision.choices)
    reason = forms.CharField(
        label=_("Why not? (optional, helps us improve the suggestions)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IntroductionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by scientist, project, institution or reference"),
        required=False,
        max_length=200,
    )


class PairLookupForm(forms.Form):
    """The coordinator's lookup of one scientist and one project."""

    scientist = forms.CharField(
        label=_("Scientist (reference or name)"), required=False, max_length=200
    )
    project = forms.CharField(
        label=_("Project (reference or title)"), required=False, max_length=300
    )
