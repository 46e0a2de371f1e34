from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from profiles.models import Project, ScientistProfile


class Match(models.Model):
    """A stored suggestion: a pair in the top k of its scientist or its project.

    `components` maps component name to a number in [0, 1]; `reasons` is a list
    of {"code": ..., "params": {...}} rendered in the reader's language, or
    NULL until someone reads the row (matcher.fill_reasons builds it).
    """

    # No index of their own: the unique pair and the two rank indexes below
    # start with them (two more indexes would only slow the rematch's writes).
    scientist = models.ForeignKey(
        ScientistProfile, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(null=True, blank=True)
    # Set when a coordinator's matching round proposed this pair to both sides
    # (indexed below only where set: most rows never are).
    proposed_in_round = models.ForeignKey(
        "rounds.Round",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["scientist", "project"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_unit"
            ),
        ]
        # Each owner's list in rank order (ties: lower id first), read from
        # the index alone: pages, floors and pruning walk them.
        indexes = [
            models.Index(fields=["scientist", "-score", "project"], name="match_scientist_rank"),
            models.Index(fields=["project", "-score", "scientist"], name="match_project_rank"),
            models.Index(
                fields=["proposed_in_round"],
                condition=Q(proposed_in_round__isnull=False),
                name="match_proposed_in_round",
            ),
        ]

    def __str__(self):
        return f"{self.scientist} ~ {self.project} ({self.score:.2f})"


class InterestSide(models.TextChoices):
    SCIENTIST = "scientist", _("Scientist")
    INSTITUTION = "institution", _("Institution")


class InterestDecision(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    DECLINED = "declined", _("Not for me")


class Interest(models.Model):
    """One side's decision on a pair: interested, or not for me (with a reason)."""

    Side = InterestSide
    Decision = InterestDecision

    scientist = models.ForeignKey(
        ScientistProfile, on_delete=models.CASCADE, related_name="interests"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interests")
    side = models.CharField(max_length=12, choices=Side.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(
                fields=["scientist", "project", "side"], name="interest_unique_side"
            ),
            models.CheckConstraint(
                condition=Q(side__in=InterestSide.values), name="interest_side_known"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=InterestDecision.values), name="interest_decision_known"
            ),
        ]
        indexes = [
            # The dashboard's distinct pairs with interest shown: an index-only
            # scan in pair order instead of hashing every row (21 ms against
            # 73 ms at 135,000 interests).
            models.Index(
                fields=["scientist", "project"],
                condition=Q(decision=InterestDecision.INTERESTED),
                name="interest_interested_pair",
            ),
        ]

    def __str__(self):
        return f"{self.side}: {self.decision} ({self.scientist} ~ {self.project})"


class Introduction(models.Model):
    """Both sides are interested: contact details are shared."""

    scientist = models.ForeignKey(
        ScientistProfile, on_delete=models.CASCADE, related_name="introductions"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="introductions")
    score = models.FloatField(default=0)
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.UniqueConstraint(
                fields=["scientist", "project"], name="introduction_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.scientist} ~ {self.project}"


class FittedModelCopy(models.Model):
    """The matcher's fitted model as last fitted (pickled, compressed): the
    cache holds it for speed, this row so that a cache lost (a Redis restart)
    costs one read instead of a refit, which takes minutes at the network's
    size and gives every stored score a new day and vocabulary."""

    token = models.CharField(max_length=32, unique=True)
    blob = models.BinaryField()
    fitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fitted matcher model")
        constraints = [
            # one copy: the last fitted
            models.CheckConstraint(condition=Q(id=1), name="fittedmodelcopy_one_row"),
        ]

    def __str__(self):
        return f"{self.token} ({self.fitted_at:%Y-%m-%d %H:%M})"


class MatchRun(models.Model):
    """A full rematch, split in chunks; its progress is shown to coordinators."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    pairs_scored = models.BigIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Two coordinators pressing "rematch" at once start one run.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="matchrun_one_running"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["running", "done", "failed"]), name="matchrun_status_known"
            ),
        ]

    def __str__(self):
        return f"MatchRun {self.pk} {self.status} {self.chunks_done}/{self.chunks_total}"


class MatchRunChunk(models.Model):
    """One chunk of a full rematch and its progress, so that a chunk whose worker
    died is found and queued again, and a chunk delivered twice counts once."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    scientist_ids = models.JSONField(default=list)
    # The delivery (Celery task id) working on it; a chunk started by a task no
    # worker is running any more is lost.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    pairs_scored = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="matchrunchunk_unique_index"),
        ]
        indexes = [
            models.Index(
                fields=["run", "index"],
                condition=Q(done_at__isnull=True),
                name="matchrunchunk_open",
            ),
        ]

    def __str__(self):
        return f"chunk {self.index} of run {self.run_id}"


class PendingRescore(models.Model):
    """A profile or project saved whose suggestions are not rescored yet. Written
    with the save, deleted by the task once done: a message the broker dropped
    (or never took, while it was down) is queued again by a periodic job."""

    class Kind(models.TextChoices):
        SCIENTIST = "scientist", _("Scientist")
        PROJECT = "project", _("Project")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    requested_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="pendingrescore_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["scientist", "project"]), name="pendingrescore_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class Embedding(models.Model):
    """The semantic vector of a profile's or a project's text (see
    matching.scoring.semantic), with a digest of the text it was computed
    from: a vector whose digest no longer matches the text is not used."""

    encoder = models.CharField(max_length=60)
    text_digest = models.CharField(max_length=40)
    language = models.CharField(max_length=5, blank=True)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScientistEmbedding(Embedding):
    scientist = models.OneToOneField(
        ScientistProfile, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )

    class Meta:
        verbose_name = _("profile embedding")
        verbose_name_plural = _("profile embeddings")

    def __str__(self):
        return f"{self.encoder} vector of {self.scientist_id}"


class ProjectEmbedding(Embedding):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )

    class Meta:
        verbose_name = _("project embedding")
        verbose_name_plural = _("project embeddings")

    def __str__(self):
        return f"{self.encoder} vector of project {self.project_id}"


class BlockVersionQuerySet(models.QuerySet):
    def of(self, kind: str) -> dict[int, int]:
        """Block -> version, for one kind of block."""
        return dict(self.filter(kind=kind).values_list("block", "version"))


class BlockVersion(models.Model):
    """The version of one block of rows that rescoring keeps in memory:
    profiles or projects with their vectors (ids id // FEATURE_BLOCK), or
    one side's floors (owner ids owner_id // FLOOR_BLOCK).

    Database triggers (matching migration 0013) draw a new random version at
    every insert, update and delete, in the transaction that makes it, so a
    rescoring worker knows which of the blocks it keeps are out of date by
    reading a few hundred rows instead of every row, however saves
    interleave, commit or roll back."""

    class Kind(models.TextChoices):
        SCIENTISTS = "scientists", _("Scientists")
        PROJECTS = "projects", _("Projects")
        SCIENTIST_FLOORS = "scientist floors", _("Floors of scientists")
        PROJECT_FLOORS = "project floors", _("Floors of projects")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    block = models.BigIntegerField()
    version = models.BigIntegerField()

    objects = BlockVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "block"], name="blockversion_one"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["scientists", "projects", "scientist floors", "project floors"]
                ),
                name="blockversion_kind_known",
            ),
        ]

    def __str__(self):
        return f"{self.kind} block {self.block}: version {self.version}"


# Ids per block; the triggers of migration 0013 divide by these too.
FEATURE_BLOCK = 2000
FLOOR_BLOCK = 250


class MatchFloor(models.Model):
    """The K-th best stored suggestion of one scientist or one open project.

    A pair enters that owner's top K only when it ranks above this one; an
    owner with fewer than K stored suggestions has no floor (any positive
    score enters). The matcher keeps floors with the rows it writes, so that
    rescoring one profile reads one floor per project instead of ranking
    every stored suggestion."""

    class Side(models.TextChoices):
        SCIENTIST = "scientist", _("Scientist")
        PROJECT = "project", _("Project")

    side = models.CharField(max_length=10, choices=Side.choices)
    owner_id = models.BigIntegerField()
    score = models.FloatField()
    # The other side of the K-th pair: ties on score rank the lower id first.
    other_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["side", "owner_id"], name="matchfloor_one_per_owner"),
            models.CheckConstraint(
                condition=Q(side__in=["scientist", "project"]), name="matchfloor_side_known"
            ),
        ]

    def __str__(self):
        return f"{self.side} {self.owner_id}: {self.score} ({self.other_id})"
