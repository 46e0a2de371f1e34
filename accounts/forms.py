from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: who you are, and the privacy notice.

    allauth 65 uses this class (ACCOUNT_SIGNUP_FORM_CLASS) as the base of its
    sign-up form and calls `signup()` once the user row exists.
    """

    field_order = ["email", "full_name", "password1", "password2", "role", "accept_privacy"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.SCIENTIST, _("a scientist abroad")),
            (User.Role.INSTITUTION_MEMBER, _("a member of an institution in Mexico")),
        ],
        widget=forms.RadioSelect,
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"),
        required=True,
        help_text=format_lazy(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse_lazy("privacy"),
            _("Read the privacy notice"),
        ),
        error_messages={"required": _("You must accept the privacy notice to sign up.")},
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your full name."))
        return name

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.role = self.cleaned_data["role"]
        user.privacy_accepted_at = timezone.now()
        language = (get_language() or "es")[:2]
        if language in dict(User._meta.get_field("preferred_language").choices):
            user.preferred_language = language
        user.save(update_fields=["full_name", "role", "privacy_accepted_at", "preferred_language"])


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password

    def clean(self):
        cleaned = super().clean()
        if self.user.is_superuser:
            raise forms.ValidationError(
                _("An administrator's account is deleted by another administrator."),
                code="superuser",
            )
        return cleaned
