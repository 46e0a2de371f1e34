import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from profiles import vocab

from . import kinds
from .kinds import Kind

# Params holding ISO dates, shown in the reader's date format.
DATE_PARAMS = ("due", "since")


class Delivery(models.TextChoices):
    EMAIL = "email", _("Email right away")
    DIGEST = "digest", _("In the weekly digest")
    APP = "app", _("Only in the app")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def emails_to_send(self):
        return self.filter(delivery=Delivery.EMAIL, emailed_at__isnull=True)

    def for_digest(self):
        return self.filter(delivery=Delivery.DIGEST, digested_at__isnull=True)


class Notification(models.Model):
    """Something that happened, for one reader; created once per event and reader."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # Names the event (e.g. "agreement-event:42"): one notification per event and reader.
    event_key = models.CharField(max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    # The path of the one page that lets the reader act.
    link = models.CharField(max_length=300)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event_recipient"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(delivery="email", emailed_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.event_key}"

    def display_params(self) -> dict:
        params = dict(self.params)
        for key in DATE_PARAMS:
            if params.get(key):
                try:
                    day = datetime.date.fromisoformat(params[key])
                except (TypeError, ValueError):
                    continue
                params[key] = formats.date_format(day, "DATE_FORMAT")
        return params

    @property
    def title(self) -> str:
        """What happened, in the active language."""
        return kinds.title(self.kind, self.display_params())

    @property
    def action_label(self) -> str:
        return str(kinds.SPECS[self.kind].action)

    @property
    def detail(self) -> str:
        """A reason or note the actor wrote, if any."""
        return self.params.get("reason", "")

    def mark_read(self):
        if self.read_at is None:
            self.read_at = timezone.now()
            Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(
                read_at=self.read_at
            )


class NotificationPreference(models.Model):
    """How one person wants one kind of notification; no row means right away by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class NotificationSettings(models.Model):
    """One person's weekly digest, calendar feed and, for coordinators, what they follow."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    weekly_digest = models.BooleanField(_("send me the weekly digest"), default=True)
    # When the weekly digest last looked at this person (sent or silent).
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # The secret part of the private calendar URL; a reset replaces it.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    followed_institutions = models.ManyToManyField(
        "profiles.Institution", blank=True, related_name="+", verbose_name=_("institutions")
    )
    followed_areas = models.JSONField(_("areas"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user_id)

    @classmethod
    def of(cls, user) -> "NotificationSettings":
        found, _created = cls.objects.get_or_create(user=user)
        return found

    def reset_calendar(self) -> None:
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])

    def followed_area_labels(self) -> list[str]:
        return [vocab.Area(a).label for a in self.followed_areas if a in vocab.Area.values]
