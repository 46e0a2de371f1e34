"""The weekly digest: what is new and what waits on the reader, or nothing at all."""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import OPEN_STAGES, Agreement, Milestone, Stage
from matching.models import Interest, Match
from profiles import vocab
from profiles.models import Membership, ScientistProfile

from . import services
from .models import Notification, NotificationSettings

logger = logging.getLogger(__name__)

WEEK = datetime.timedelta(days=7)
# A digest is not sent twice within this time, however often the job runs.
MIN_INTERVAL = datetime.timedelta(days=6)
MILESTONES_AHEAD_DAYS = 14
LIST_LIMIT = 10


@dataclass
class Section:
    title: str
    items: list[str]
    url: str
    total: int = 0

    def __post_init__(self):
        self.total = max(self.total, len(self.items))


@dataclass
class Digest:
    sections: list[Section] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.sections and not self.notifications

    def add(self, title, rows, url, total=None):
        rows = list(rows)
        if rows:
            self.sections.append(Section(str(title), rows, url, total or len(rows)))


def recipient_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True)
        .exclude(notification_settings__weekly_digest=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _link(name, *args) -> str:
    return services.site_url(reverse(name, args=args))


def build_digest(user: User, *, since: datetime.datetime, today: datetime.date) -> Digest:
    """The digest's content in the active language (empty when there is nothing to say)."""
    digest = Digest()
    profile = ScientistProfile.objects.filter(user=user).first()
    institution_ids = list(
        Membership.objects.approved().filter(user=user).values_list("institution_id", flat=True)
    )
    open_pair_interest = Interest.objects.filter(
        scientist=OuterRef("scientist"), project=OuterRef("project")
    )
    waiting_stages = (Stage.PROPOSED, Stage.NEGOTIATING)

    if profile is not None:
        new = Match.objects.filter(
            scientist=profile,
            project__status=vocab.ProjectStatus.OPEN,
            score__gt=0,
            created_at__gt=since,
        ).select_related("project__institution")
        digest.add(
            _("New recommended projects"),
            [
                f"{m.project.title} · {m.project.institution.name}"
                for m in new.order_by("-score")[:LIST_LIMIT]
            ],
            _link("matching:my_recommendations"),
            new.count(),
        )
        waiting = Interest.objects.filter(
            scientist=profile,
            side=Interest.Side.INSTITUTION,
            decision=Interest.Decision.INTERESTED,
            project__status=vocab.ProjectStatus.OPEN,
        ).exclude(Exists(open_pair_interest.filter(side=Interest.Side.SCIENTIST)))
        digest.add(
            _("Institutions interested in you, waiting for your answer"),
            [
                f"{i.project.institution.name}: {i.project.title}"
                for i in waiting.select_related("project__institution")[:LIST_LIMIT]
            ],
            _link("matching:my_recommendations"),
            waiting.count(),
        )
    if institution_ids:
        new = Match.objects.filter(
            project__institution_id__in=institution_ids,
            project__status=vocab.ProjectStatus.OPEN,
            score__gt=0,
            created_at__gt=since,
        ).select_related("project", "scientist")
        digest.add(
            _("New recommended scientists for your projects"),
            [
                f"{m.scientist.name} · {m.project.title}"
                for m in new.order_by("-score")[:LIST_LIMIT]
            ],
            _link("profiles:my_institution"),
            new.count(),
        )
        waiting = Interest.objects.filter(
            project__institution_id__in=institution_ids,
            side=Interest.Side.SCIENTIST,
            decision=Interest.Decision.INTERESTED,
            project__status=vocab.ProjectStatus.OPEN,
        ).exclude(Exists(open_pair_interest.filter(side=Interest.Side.INSTITUTION)))
        digest.add(
            _("Scientists interested in your projects, waiting for your answer"),
            [
                f"{i.scientist.name}: {i.project.title}"
                for i in waiting.select_related("scientist", "project")[:LIST_LIMIT]
            ],
            _link("profiles:my_institution"),
            waiting.count(),
        )

    awaiting = Q(pk__in=[])
    if profile is not None:
        awaiting |= Q(scientist=profile, awaiting_side="scientist")
    if institution_ids:
        awaiting |= Q(project__institution_id__in=institution_ids, awaiting_side="institution")
    agreements = Agreement.objects.filter(awaiting, stage__in=waiting_stages).select_related(
        "project", "scientist"
    )
    digest.add(
        _("Agreements waiting for your answer"),
        [
            f"{a.project.title} · {a.scientist.name} ({a.get_stage_display()})"
            for a in agreements[:LIST_LIMIT]
        ],
        _link("agreements:list"),
        agreements.count(),
    )

    mine = Q(agreement__coordinator=user)
    if profile is not None:
        mine |= Q(agreement__scientist=profile)
    if institution_ids:
        mine |= Q(agreement__project__institution_id__in=institution_ids)
    milestones = (
        Milestone.objects.filter(
            mine,
            done=False,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=MILESTONES_AHEAD_DAYS),
            agreement__stage__in=OPEN_STAGES,
        )
        .select_related("agreement__project")
        .order_by("due_on", "pk")
    )
    digest.add(
        _("Milestones due in the coming two weeks"),
        [
            f"{m.due_on:%Y-%m-%d} · {m.title} ({m.agreement.project.title})"
            for m in milestones[:LIST_LIMIT]
        ],
        _link("agreements:list"),
        milestones.count(),
    )

    if user.is_coordinator:
        from profiles.services import pending_institutions, pending_memberships

        pending = list(pending_institutions()[:LIST_LIMIT]) + [
            f"{m.user} → {m.institution.name}"
            for m in pending_memberships().select_related("user", "institution")[:LIST_LIMIT]
        ]
        digest.add(
            _("Institutions and members waiting for approval"),
            [str(p) for p in pending],
            _link("profiles:approvals"),
        )
        stalled = Agreement.objects.filter(coordinator=user, stage=Stage.STALLED).select_related(
            "project", "scientist"
        )
        digest.add(
            _("Stalled agreements assigned to you"),
            [f"{a.project.title} · {a.scientist.name}" for a in stalled[:LIST_LIMIT]],
            _link("agreements:dashboard"),
            stalled.count(),
        )

    digest.notifications = list(
        Notification.objects.filter(recipient=user).for_digest().order_by("created_at")[:50]
    )
    return digest


def send_digest(user_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Send one person's weekly digest unless it was sent this week or has nothing to say."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    now = now or timezone.now()
    chosen = NotificationSettings.of(user)
    if not chosen.weekly_digest:
        return False
    last = chosen.last_digest_at
    if last is not None and last > now - MIN_INTERVAL:
        return False
    # Claim this week's digest: a concurrent or repeated job finds it taken.
    claim = NotificationSettings.objects.filter(pk=chosen.pk)
    claim = claim.filter(last_digest_at=last) if last else claim.filter(last_digest_at=None)
    if not claim.update(last_digest_at=now):
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        digest = build_digest(user, since=last or now - WEEK, today=timezone.localdate(now))
        if digest.is_empty:
            return False
        message = services.build_email(
            user=user,
            kind=services.DIGEST,
            subject=_("%(site)s: your week") % {"site": settings.SITE_NAME},
            template="notifications/email/digest",
            context={
                "digest": digest,
                "url": services.site_url(reverse("notifications:list")),
            },
        )
    try:
        get_connection().send_messages([message])
    except Exception:
        # Next run tries again; the rest of the chunk goes on.
        NotificationSettings.objects.filter(pk=chosen.pk).update(last_digest_at=last)
        logger.exception("Could not send the weekly digest of user %s", user_id)
        return False
    Notification.objects.filter(pk__in=[n.pk for n in digest.notifications]).update(digested_at=now)
    return True
