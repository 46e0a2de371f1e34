import datetime

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import vocab
from .models import MAX_COLLABORATIONS, Institution, Membership, Project, ScientistProfile

MAX_MONTHS = 120
MAX_HOURS_PER_MONTH = 200
MAX_LIST_ITEMS = 30
MAX_ITEM_LENGTH = 100
MAX_SUMMARY_LENGTH = 5000
MAX_DESCRIPTION_LENGTH = 10000
FIRST_YEAR_ABROAD = 1950


class CommaSeparatedField(forms.CharField):
    """A list of short texts typed as 'one, two, three'; stored as a JSON list."""

    def __init__(self, *, max_items=MAX_LIST_ITEMS, max_item_length=MAX_ITEM_LENGTH, **kwargs):
        self.max_items = max_items
        self.max_item_length = max_item_length
        kwargs.setdefault("max_length", 3000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        # The list is validated, not the text: check here what CharField would.
        ProhibitNullCharactersValidator()(text)
        items, seen = [], set()
        for raw in text.split(","):
            item = " ".join(raw.split())
            if item and item.lower() not in seen:
                seen.add(item.lower())
                items.append(item)
        return items

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_items:
            raise forms.ValidationError(
                ngettext(
                    "Enter at most %(max)d item.", "Enter at most %(max)d items.", self.max_items
                ),
                code="max_items",
                params={"max": self.max_items},
            )
        too_long = [v for v in value if len(v) > self.max_item_length]
        if too_long:
            raise forms.ValidationError(
                _("Each item must have at most %(max)d characters: “%(item)s” is too long."),
                code="item_too_long",
                params={"max": self.max_item_length, "item": too_long[0][:40]},
            )


def _checkboxes(scroll=False):
    return forms.CheckboxSelectMultiple(
        attrs={"class": "choice-list scroll" if scroll else "choice-list"}
    )


def _multiple(label, choices, *, required=False, scroll=False, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=_checkboxes(scroll),
        help_text=help_text,
    )


def _months(label, *, required=False, minimum=1, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=MAX_MONTHS,
        help_text=help_text,
    )


def _interpolated(message, values):
    """`message % values` translated when shown, in the reader's language: formatting
    a lazy string right away would freeze it in the language active at start-up."""
    return lazy(lambda: str(message) % values, str)()


def _hours(label, *, required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=MAX_HOURS_PER_MONTH,
        help_text=_interpolated(_("Between 1 and %(max)d."), {"max": MAX_HOURS_PER_MONTH}),
    )


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS_HELP = _("Choose a whole SNII area, or the specific disciplines within it.")


class SectionsMixin:
    """Groups fields into titled sections for the template (each one a <fieldset>)."""

    sections: list = []

    def get_sections(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.sections
        ]


class ScientistProfileForm(SectionsMixin, forms.ModelForm):
    """Everything a scientist abroad tells about themselves (../shared/data-contract.md)."""

    sections = [
        (
            _("About you"),
            ["name", "email", "country", "city", "institution_abroad", "position", "sectors"],
        ),
        (_("Your research"), ["fields", "keywords", "summary"]),
        (_("What you are looking for"), ["goals", "collaboration_types"]),
        (
            _("Your time"),
            [
                "available_from",
                "horizon_months",
                "hours_per_month",
                "max_collaborations",
                "languages",
            ],
        ),
        (
            _("Your ties with Mexico"),
            ["alma_maters", "states_of_interest", "abroad_since", "collaborated_before"],
        ),
    ]

    fields = _multiple(
        _("Fields"), vocab.field_choices, required=True, scroll=True, help_text=FIELDS_HELP
    )
    keywords = CommaSeparatedField(
        label=_("Keywords"),
        required=False,
        help_text=_("Research topics, separated by commas, e.g. genomics, RNA-seq."),
    )
    goals = _multiple(_("What you want out of a collaboration"), vocab.Goal.choices, required=True)
    collaboration_types = _multiple(
        _("Kinds of collaboration you are open to"), vocab.CollaborationType.choices, required=True
    )
    available_from = forms.DateField(
        label=_("Available from"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty if you are available now."),
    )
    horizon_months = _months(
        _("For how many months"), required=True, help_text=_("Between 1 and 120 months.")
    )
    hours_per_month = _hours(_("Hours per month you can give"), required=True)
    max_collaborations = forms.IntegerField(
        label=_("Collaborations you can take at once"),
        min_value=1,
        max_value=MAX_COLLABORATIONS,
        initial=1,
        required=False,
        help_text=_("Signed and active agreements count against it. Empty means 1."),
    )
    languages = _multiple(
        _("Languages you work in"), vocab.language_choices, required=True, scroll=True
    )
    alma_maters = CommaSeparatedField(
        label=_("Mexican institutions where you studied"),
        required=False,
        help_text=_("Separated by commas, e.g. UNAM, IPN, Cinvestav."),
    )
    states_of_interest = _multiple(
        _("Mexican states you would like to work with"), vocab.state_choices, scroll=True
    )
    sectors = _multiple(_("Sectors where you work"), vocab.Sector.choices)
    abroad_since = forms.IntegerField(
        label=_("Year you left Mexico"),
        required=False,
        help_text=_("A year between 1950 and this year."),
    )
    collaborated_before = forms.TypedChoiceField(
        label=_("Have you already tried to collaborate with a Mexican initiative?"),
        choices=[("", _("I prefer not to say")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ScientistProfile
        fields = [
            "name",
            "email",
            "country",
            "city",
            "institution_abroad",
            "position",
            "sectors",
            "abroad_since",
            "fields",
            "keywords",
            "summary",
            "goals",
            "collaboration_types",
            "available_from",
            "horizon_months",
            "hours_per_month",
            "max_collaborations",
            "languages",
            "alma_maters",
            "states_of_interest",
            "collaborated_before",
        ]
        labels = {
            "name": _("Full name"),
            "summary": _("Summary"),
            "email": _("Contact email"),
        }
        help_texts = {
            "email": _(
                "Never shown on the platform: shared only with an institution after you "
                "both express interest."
            ),
            "summary": _("Research interests, past work, and what you can offer."),
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "email", "country", "position", "summary"):
            self.fields[name].required = True
        self.fields["country"].choices = [("", "---------"), *vocab.country_choices()]
        if self.instance.pk and self.instance.collaborated_before is not None:
            self.initial["collaborated_before"] = (
                "yes" if self.instance.collaborated_before else "no"
            )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if len(summary) > MAX_SUMMARY_LENGTH:
            raise forms.ValidationError(_("Keep the summary under 5,000 characters."))
        return summary

    def clean_max_collaborations(self):
        return self.cleaned_data.get("max_collaborations") or 1

    def clean_abroad_since(self):
        year = self.cleaned_data.get("abroad_since")
        this_year = timezone.localdate().year
        if year is not None and not FIRST_YEAR_ABROAD <= year <= this_year:
            raise forms.ValidationError(
                _("Enter a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR_ABROAD, "last": this_year}
            )
        return year

    def clean_available_from(self):
        day = self.cleaned_data.get("available_from")
        if day is not None and day > timezone.localdate() + datetime.timedelta(days=5 * 366):
            raise forms.ValidationError(_("Enter a date within the next five years."))
        return day


class InstitutionForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = ["name", "kind", "state", "city", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].required = True
        self.fields["state"].choices = [("", "---------"), *vocab.state_choices()]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Institution.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This institution is already registered: ask to join it instead.")
            )
        return name


class JoinInstitutionForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.approved().exclude(
            pk__in=Membership.objects.filter(user=user).values("institution")
        )


class ProjectForm(SectionsMixin, forms.ModelForm):
    sections = [
        (_("The project"), ["institution", "title", "description", "fields", "keywords"]),
        (_("What it aims for"), ["goals", "collaboration_type", "funding", "seats"]),
        (
            _("Timeline and commitment"),
            [
                "starts_on",
                "duration_months",
                "first_results_months",
                "hours_per_month",
                "languages",
            ],
        ),
    ]
    fields = _multiple(
        _("Fields"), vocab.field_choices, required=True, scroll=True, help_text=FIELDS_HELP
    )
    keywords = CommaSeparatedField(
        label=_("Keywords"), required=False, help_text=_("Separated by commas.")
    )
    goals = _multiple(_("Goals"), vocab.Goal.choices, required=True)
    languages = _multiple(
        _("Working languages"), vocab.language_choices, required=True, scroll=True
    )
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=DATE_WIDGET)
    duration_months = _months(
        _("Duration (months)"), required=True, help_text=_("Between 1 and 120 months.")
    )
    first_results_months = _months(
        _("First results expected after (months)"),
        minimum=0,
        help_text=_("Months after the start; at most the duration."),
    )
    hours_per_month = _hours(_("Hours per month expected from a collaborator"), required=True)
    seats = forms.IntegerField(
        label=_("Collaborators sought"), min_value=1, max_value=100, initial=1
    )

    class Meta:
        model = Project
        fields = [
            "institution",
            "title",
            "description",
            "fields",
            "keywords",
            "goals",
            "collaboration_type",
            "starts_on",
            "duration_months",
            "first_results_months",
            "hours_per_month",
            "languages",
            "funding",
            "seats",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        labels = {"institution": _("Institution")}

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["institution"].empty_label = None
        self.fields["description"].required = True
        if self.instance.pk:
            # A project stays with its institution.
            del self.fields["institution"]

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise forms.ValidationError(_("Keep the description under 10,000 characters."))
        return description

    def clean(self):
        cleaned = super().clean()
        duration = cleaned.get("duration_months")
        first = cleaned.get("first_results_months")
        if duration is not None and first is not None and first > duration:
            self.add_error(
                "first_results_months",
                _("First results cannot come after the end of the project (%(months)d months).")
                % {"months": duration},
            )
        return cleaned
