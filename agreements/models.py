import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from profiles import vocab
from profiles.models import Project, ScientistProfile, new_ref


class Stage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STALLED = "stalled", _("Stalled")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STAGES = (Stage.PROPOSED, Stage.NEGOTIATING, Stage.SIGNED, Stage.ACTIVE, Stage.STALLED)


class AgreementQuerySet(models.QuerySet):
    def open(self):
        """Agreements still being worked on (not completed, not cancelled)."""
        return self.filter(stage__in=OPEN_STAGES)

    def refresh_first_open_due_on(self) -> int:
        """Set first_open_due_on from the milestones, in one UPDATE."""
        earliest = (
            Milestone.objects.filter(agreement=OuterRef("pk"), done=False, due_on__isnull=False)
            .order_by("due_on")
            .values("due_on")[:1]
        )
        return self.update(first_open_due_on=Subquery(earliest))


class Agreement(models.Model):
    ref = models.CharField(_("reference"), max_length=100, unique=True)
    scientist = models.ForeignKey(
        ScientistProfile, on_delete=models.CASCADE, related_name="agreements"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreements")
    introduction = models.ForeignKey(
        "matching.Introduction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which side must answer a proposal or a request for changes.
    awaiting_side = models.CharField(max_length=12, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    goals_text = models.TextField(_("goals in your words"), blank=True)
    hours_per_month = models.PositiveIntegerField(_("hours per month"), null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # Days from the introduction to the signature, kept for the dashboard's median.
    days_to_sign = models.PositiveIntegerField(null=True, blank=True, editable=False)
    last_activity_on = models.DateField(_("last activity"), db_index=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # The earliest due date of a milestone not done, kept by Milestone's writes
    # (save, delete, bulk_create, bulk_update; the importer refreshes its own) so
    # that the dashboard finds overdue agreements by a column of their own
    # instead of matching every overdue milestone on each visit.
    first_open_due_on = models.DateField(null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    close_reason = models.TextField(_("reason"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_agreements",
        verbose_name=_("coordinator"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["scientist", "project"],
                condition=~Q(stage__in=["cancelled", "completed"]),
                name="agreement_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="agreement_stage_known"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "last_activity_on"], name="agreement_stage_activity"),
            # The dashboard's agreements that need attention, counted from the
            # index alone rather than from the wide rows, also when filtered by
            # the project (34 -> 13 ms at 50,000; by area 52 -> 20 ms).
            models.Index(
                fields=["stage", "next_follow_up_on", "first_open_due_on", "project"],
                name="agreement_attention",
            ),
        ]

    def __str__(self):
        return f"{self.ref}: {self.scientist} ~ {self.project}"

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = new_ref("agr")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def goal_labels(self):
        return [vocab.Goal(g).label for g in self.goals if g in vocab.Goal.values]


class FollowUpSettings(models.Model):
    """Follow-up settings coordinators can change in the admin (one row; empty = settings.py)."""

    stall_days = models.PositiveIntegerField(
        _("days without activity before an agreement is stalled"),
        null=True,
        blank=True,
        help_text=_("Empty: use the AGREEMENT_STALL_DAYS setting (45 by default)."),
    )
    due_soon_days = models.PositiveIntegerField(
        _("days ahead to remind of milestones coming due"),
        null=True,
        blank=True,
        help_text=_("Empty: use the MILESTONE_DUE_SOON_DAYS setting (7 by default)."),
    )

    class Meta:
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> tuple[int, int]:
        """(stall_days, due_soon_days) in force now."""
        row = cls.objects.order_by("pk").first()
        stall = row.stall_days if row and row.stall_days is not None else None
        soon = row.due_soon_days if row and row.due_soon_days is not None else None
        return (
            stall if stall is not None else settings.AGREEMENT_STALL_DAYS,
            soon if soon is not None else settings.MILESTONE_DUE_SOON_DAYS,
        )


class MilestoneQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_first_open_due_on(m.agreement_id for m in created)
        return created

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, *args, **kwargs)
        refresh_first_open_due_on(m.agreement_id for m in objs)
        return updated

    def update(self, **kwargs):
        rows = list(self.values_list("pk", "agreement_id"))
        updated = super().update(**kwargs)
        agreement_ids = {agreement_id for _pk, agreement_id in rows}
        if {"agreement", "agreement_id"} & kwargs.keys():  # moved: their new agreements too
            pks = [pk for pk, _agreement_id in rows]
            for start in range(0, len(pks), 1000):
                moved = Milestone.objects.filter(pk__in=pks[start : start + 1000])
                agreement_ids.update(moved.values_list("agreement_id", flat=True))
        refresh_first_open_due_on(agreement_ids)
        return updated

    def delete(self):
        agreement_ids = set(self.values_list("agreement_id", flat=True))
        deleted = super().delete()
        refresh_first_open_due_on(agreement_ids)
        return deleted


def refresh_first_open_due_on(agreement_ids) -> None:
    """Agreement.first_open_due_on of these agreements, from their milestones, a
    thousand at a time (SQLite takes a bounded number of parameters)."""
    ids = sorted(set(agreement_ids))
    for start in range(0, len(ids), 1000):
        Agreement.objects.filter(pk__in=ids[start : start + 1000]).refresh_first_open_due_on()


class Milestone(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # Milestones not done, by due date: the follow-up job and the dashboard.
            models.Index(fields=["due_on"], condition=Q(done=False), name="milestone_open_due"),
            # An agreement's earliest open milestone (first_open_due_on): without
            # it PostgreSQL walks the index above, every open milestone, for each
            # agreement (33 ms for one at 150,000 milestones).
            models.Index(
                fields=["agreement", "due_on"],
                condition=Q(done=False),
                name="milestone_open_by_agreement",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_first_open_due_on([self.agreement_id])

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        refresh_first_open_due_on([self.agreement_id])
        return deleted


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STAGE = "stage", _("Stage changed")
    EDITED = "edited", _("Edited")
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_DONE = "milestone_done", _("Milestone done")
    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contact logged")
    FOLLOW_UP = "follow_up", _("Follow-up date set")
    ASSIGNED = "assigned", _("Coordinator assigned")
    REMINDER = "reminder", _("Reminder sent")


class EventChannel(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")


class AgreementEvent(models.Model):
    """The agreement's timeline: who changed what, when."""

    Kind = EventKind
    Channel = EventChannel

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="agreementevent_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["", *EventChannel.values]),
                name="agreementevent_channel_known",
            ),
            # One "reminder sent" entry per reminder on the timeline, however many
            # follow-up runs overlap.
            models.UniqueConstraint(
                "agreement",
                KeyTextTransform("key", "data"),
                condition=Q(kind="reminder"),
                name="agreementevent_one_per_reminder",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id} {self.kind}"

    @property
    def follow_up_on(self) -> datetime.date | None:
        """The follow-up date a "follow_up" event set (stored as ISO text in `data`)."""
        try:
            return datetime.date.fromisoformat(self.data.get("on") or "")
        except ValueError:
            return None


class ReminderKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("Milestone coming due")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    STALLED = "stalled", _("Agreement stalled")


class Reminder(models.Model):
    """A reminder for one user; `key` makes each one be sent once, not once per run."""

    Kind = ReminderKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200)
    message = models.TextField()
    sent_on = models.DateField()
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user_key"),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.key}"


class FollowUpRun(models.Model):
    """One finished run of the daily follow-up job (the health page shows its age)."""

    ran_for = models.DateField()
    finished_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"follow-up {self.ran_for} at {self.finished_at:%Y-%m-%d %H:%M}"
