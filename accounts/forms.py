from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: who you are, and the privacy notice."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.SCIENTIST, _("a scientist abroad")),
            (User.Role.INSTITUTION_MEMBER, _("a member of an institution in Mexico")),
        ],
        widget=forms.RadioSelect,
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"), required=True
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.role = self.cleaned_data["role"]
        user.privacy_accepted_at = timezone.now()
        user.save()
