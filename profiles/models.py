import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Concat, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import vocab

# Agreement stages that hold a project's seat and a scientist's capacity
# (agreements.models.Stage values; a string here because agreements imports profiles).
SEAT_TAKING_STAGES = ("signed", "active")
# More simultaneous collaborations than this is a typo, not a plan.
MAX_COLLABORATIONS = 50


def new_ref(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class InstitutionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved=True)


class Institution(models.Model):
    ref = models.CharField(_("reference"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=vocab.InstitutionKind.choices,
        default=vocab.InstitutionKind.OTHER,
    )
    state = models.CharField(_("state"), max_length=6, choices=vocab.state_choices, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    approved = models.BooleanField(_("approved"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=vocab.InstitutionKind.values), name="institution_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = new_ref("inst")
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Membership.Status.APPROVED, institution__approved=True)


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"], name="membership_unique_user_institution"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.institution}"


def search_column(*fields: str, json_field: str):
    """The texts the browse page's search reads, in one column upper-cased by the
    database (a generated column): a word is then one LIKE on one indexed column,
    not UPPER() of every text of every row it has to look at."""
    parts = []
    for name in fields:
        parts += [name, Value(" ")]
    parts.append(Cast(json_field, models.TextField()))
    return models.GeneratedField(
        expression=Upper(Concat(*parts, output_field=models.TextField())),
        output_field=models.TextField(),
        db_persist=True,
    )


def listed_to_members_q(prefix: str = "") -> Q:
    """The condition of ScientistProfileQuerySet.listed_to_members on the profile
    reached through `prefix` ("scientist__" from a match), to filter in place
    rather than through an IN over every listed profile."""
    return Q(
        **{f"{prefix}user__isnull": False, f"{prefix}user__privacy_accepted_at__isnull": False}
    ) | Q(**{f"{prefix}listing_consented": True})


class ScientistProfileQuerySet(models.QuerySet):
    def listed_to_members(self):
        """Profiles institution members may find: claimed ones (an account whose
        owner accepted the privacy notice), and imported ones a coordinator
        recorded consent for."""
        return self.filter(listed_to_members_q())

    def with_collaborations_taken(self):
        """Annotate `collaborations_taken`: signed and active agreements."""
        return self.annotate(
            collaborations_taken=models.Count(
                "agreements", filter=Q(agreements__stage__in=SEAT_TAKING_STAGES), distinct=True
            )
        )


class ScientistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scientist_profile",
    )
    ref = models.CharField(_("reference"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Contact details: shown only after mutual interest (an introduction).
    email = models.EmailField(_("contact email"), blank=True, db_index=True)
    country = models.CharField(
        _("country of residence"), max_length=2, choices=vocab.country_choices, blank=True
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    institution_abroad = models.CharField(_("institution abroad"), max_length=300, blank=True)
    position = models.CharField(
        _("position"), max_length=20, choices=vocab.Position.choices, default=vocab.Position.OTHER
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)
    areas = models.JSONField(default=list, blank=True, editable=False)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    collaboration_types = models.JSONField(_("collaboration types"), default=list, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    horizon_months = models.PositiveIntegerField(_("horizon (months)"), null=True, blank=True)
    hours_per_month = models.PositiveIntegerField(_("hours per month"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    alma_maters = models.JSONField(_("Mexican alma maters"), default=list, blank=True)
    states_of_interest = models.JSONField(_("states of interest"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    abroad_since = models.PositiveIntegerField(_("abroad since (year)"), null=True, blank=True)
    collaborated_before = models.BooleanField(
        _("has tried to collaborate with a Mexican initiative"), null=True, blank=True
    )
    # An imported profile nobody has claimed yet is listed to institution members
    # only when a coordinator records that the person agreed to it.
    listing_consented = models.BooleanField(
        _("consented to be listed before claiming the profile"), default=False
    )
    max_collaborations = models.PositiveIntegerField(_("collaborations at once"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = search_column("name", "summary", "institution_abroad", json_field="keywords")

    objects = ScientistProfileQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scientist profile")
        verbose_name_plural = _("scientist profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(abroad_since__isnull=True) | Q(abroad_since__gte=1900),
                name="scientist_abroad_since_plausible",
            ),
            models.CheckConstraint(
                condition=Q(position__in=vocab.Position.values), name="scientist_position_known"
            ),
            models.CheckConstraint(
                condition=Q(max_collaborations__gte=1),
                name="scientist_max_collaborations_at_least_one",
            ),
        ]
        indexes = [
            # The scientists' list, by name: the first page without sorting everyone.
            models.Index(fields=["name", "id"], name="scientist_name_id"),
            # The dashboard's portrait of the network and its per-country counts
            # of agreements read only these answers: on PostgreSQL an index-only
            # scan of about 100 bytes a profile instead of the whole rows.
            models.Index(
                fields=[
                    "country",
                    "position",
                    "collaborated_before",
                    "abroad_since",
                    "sectors",
                    "areas",
                ],
                include=["id"],
                name="scientist_portrait",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = new_ref("sci")
        self.areas = vocab.areas_of(self.fields)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:scientist_detail", args=[self.pk])


class ProjectQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=vocab.ProjectStatus.OPEN)

    def with_seats_taken(self):
        """Annotate `seats_taken`: scientists in signed or active agreements."""
        return self.annotate(
            seats_taken=models.Count(
                "agreements__scientist",
                filter=Q(agreements__stage__in=SEAT_TAKING_STAGES),
                distinct=True,
            )
        )

    def seats_filled(self):
        return self.with_seats_taken().filter(seats_taken__gte=F("seats"))

    def with_free_seats(self):
        return self.with_seats_taken().filter(seats_taken__lt=F("seats"))


class Project(models.Model):
    ref = models.CharField(_("reference"), max_length=100, unique=True)
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    areas = models.JSONField(default=list, blank=True, editable=False)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    collaboration_type = models.CharField(
        _("collaboration type"),
        max_length=30,
        choices=vocab.CollaborationType.choices,
        default=vocab.CollaborationType.ACADEMIC_PROJECT,
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    duration_months = models.PositiveIntegerField(_("duration (months)"), null=True, blank=True)
    first_results_months = models.PositiveIntegerField(
        _("first results expected after (months)"), null=True, blank=True
    )
    hours_per_month = models.PositiveIntegerField(_("hours per month"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    funding = models.CharField(
        _("funding"), max_length=10, choices=vocab.Funding.choices, default=vocab.Funding.NONE
    )
    seats = models.PositiveIntegerField(_("collaborators sought"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=vocab.ProjectStatus.choices,
        default=vocab.ProjectStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = search_column("title", "description", json_field="keywords")

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="project_seats_at_least_one"),
            models.CheckConstraint(
                condition=Q(status__in=vocab.ProjectStatus.values), name="project_status_known"
            ),
            models.CheckConstraint(
                condition=Q(funding__in=vocab.Funding.values), name="project_funding_known"
            ),
            models.CheckConstraint(
                condition=Q(collaboration_type__in=vocab.CollaborationType.values),
                name="project_collaboration_type_known",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="project_status_created"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = new_ref("proj")
        self.areas = vocab.areas_of(self.fields)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:project_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == vocab.ProjectStatus.OPEN

    @property
    def seats_taken_count(self) -> int:
        """Scientists holding a seat (signed or active agreements)."""
        if hasattr(self, "seats_taken"):
            return self.seats_taken
        return (
            self.agreements.filter(stage__in=SEAT_TAKING_STAGES)
            .values("scientist")
            .distinct()
            .count()
        )

    @property
    def is_filled(self) -> bool:
        """Every seat is held by a signed or active agreement: no new suggestions."""
        return self.seats_taken_count >= self.seats
