import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.models import Project, ScientistProfile, new_ref

# A round still "computing" after this long lost its worker: it may be started again.
STALE_COMPUTE_MINUTES = 30


class Round(models.Model):
    """A coordinator's call: fill the seats of a set of projects with the best set of pairs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPUTING = "computing", _("Computing")
        COMPUTED = "computed", _("Computed")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    ref = models.CharField(_("reference"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    projects = models.ManyToManyField(Project, related_name="rounds", verbose_name=_("projects"))
    max_per_institution_abroad = models.PositiveIntegerField(
        _("at most this many scientists per institution abroad"), null=True, blank=True
    )
    underserved_states = models.JSONField(
        _("under-served states (at least one seat each)"), default=list, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)
    # Figures of the last computation, for the review page.
    total_score = models.FloatField(null=True, blank=True)
    greedy_total_score = models.FloatField(null=True, blank=True)
    greedy_assigned = models.PositiveIntegerField(null=True, blank=True)
    seats_total = models.PositiveIntegerField(null=True, blank=True)
    solver = models.CharField(max_length=20, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    empty_seats = models.JSONField(default=list, blank=True)
    uncovered_states = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    compute_started_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="round_progress_percent"),
            models.CheckConstraint(
                condition=Q(max_per_institution_abroad__isnull=True)
                | Q(max_per_institution_abroad__gte=1),
                name="round_institution_quota_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = new_ref("round")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("rounds:detail", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        """Being computed (a computation older than STALE_COMPUTE_MINUTES was lost)."""
        if self.status != self.Status.COMPUTING:
            return False
        since = timezone.now() - datetime.timedelta(minutes=STALE_COMPUTE_MINUTES)
        return self.compute_started_at is None or self.compute_started_at > since


class PairRule(models.Model):
    """A coordinator's hand: this pair must be in the assignment, or must not."""

    class Kind(models.TextChoices):
        FORCE = "force", _("Force")
        FORBID = "forbid", _("Forbid")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rules")
    scientist = models.ForeignKey(ScientistProfile, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "scientist", "project"], name="pairrule_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.scientist} ~ {self.project}"


class Assignment(models.Model):
    """One pair of a round's assignment; published ones are suggestions for both sides."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    scientist = models.ForeignKey(
        ScientistProfile, on_delete=models.CASCADE, related_name="round_assignments"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="round_assignments")
    score = models.FloatField()
    forced = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPUTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "scientist", "project"], name="assignment_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="assignment_score_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["scientist", "project"], name="assignment_pair"),
        ]

    def __str__(self):
        return f"{self.round}: {self.scientist} ~ {self.project} ({self.score:.2f})"
