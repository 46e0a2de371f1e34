from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from profiles import vocab

from .models import AgreementEvent


class DateInput(forms.DateInput):
    input_type = "date"


# Free texts on an agreement (documented in README, data contract).
GOALS_TEXT_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000


class ProposalForm(forms.Form):
    goals = forms.MultipleChoiceField(
        label=_("Goals both sides commit to"),
        choices=vocab.Goal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals_text = forms.CharField(
        label=_("Goals in your words"),
        required=False,
        max_length=GOALS_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What each side promises, in a few sentences."),
    )
    hours_per_month = forms.IntegerField(
        label=_("Expected hours per month"), min_value=0, max_value=744, required=False
    )
    started_on = forms.DateField(label=_("Start date"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if not data.get("goals") and not (data.get("goals_text") or "").strip():
            raise forms.ValidationError(_("Choose at least one goal or write one down."))
        return data


class RevisionForm(ProposalForm):
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("due_on") and not (data.get("title") or "").strip():
            self.add_error("title", _("A milestone needs a title."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=20, validate_max=True)


class NewMilestoneForm(MilestoneForm):
    title = forms.CharField(
        label=_("Milestone"),
        max_length=300,
        error_messages={"required": _("A milestone needs a title.")},
    )

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (all coordinators)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = User.objects.coordinators().order_by("full_name")


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("How"), choices=AgreementEvent.Channel.choices)
    note = forms.CharField(
        label=_("What was said"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput)
