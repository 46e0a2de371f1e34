from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from profiles import vocab
from profiles.models import Institution

from .kinds import Kind
from .models import Delivery, NotificationPreference, NotificationSettings

KIND_PREFIX = "kind_"


class PreferencesForm(forms.Form):
    """How each kind reaches the person; coordinators also choose what they follow."""

    weekly_digest = forms.BooleanField(label=_("Send me the weekly digest"), required=False)

    def __init__(self, *args, user, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kinds = kinds
        self.chosen = NotificationSettings.of(user)
        current = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
        )
        for kind in kinds:
            self.fields[KIND_PREFIX + kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Delivery.choices,
                initial=current.get(kind, Delivery.EMAIL),
            )
        self.fields["weekly_digest"].initial = self.chosen.weekly_digest
        if user.is_coordinator:
            self.fields["followed_institutions"] = forms.ModelMultipleChoiceField(
                label=_("Institutions I follow"),
                queryset=Institution.objects.approved().order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=list(self.chosen.followed_institutions.values_list("pk", flat=True)),
            )
            self.fields["followed_areas"] = forms.MultipleChoiceField(
                label=_("Areas I follow"),
                choices=vocab.Area.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=self.chosen.followed_areas,
            )

    def kind_fields(self):
        return [self[KIND_PREFIX + k] for k in self.kinds]

    @transaction.atomic
    def save(self):
        data = self.cleaned_data
        for kind in self.kinds:
            NotificationPreference.objects.update_or_create(
                user=self.user, kind=kind, defaults={"delivery": data[KIND_PREFIX + kind]}
            )
        self.chosen.weekly_digest = data["weekly_digest"]
        fields = ["weekly_digest"]
        if "followed_areas" in self.fields:
            self.chosen.followed_areas = list(data["followed_areas"])
            fields.append("followed_areas")
            self.chosen.followed_institutions.set(data["followed_institutions"])
        self.chosen.save(update_fields=fields)
