"""The daily follow-up job: remind of milestones and follow-ups, stall what sleeps.

Each reminder is a Reminder row unique on (user, key), the key naming the kind,
the object and its due date, so a reminder is sent once, not once per run: a
second run the same day sends and changes nothing.
"""

import datetime
import functools
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import events as notification_events
from profiles.models import Membership

from . import services
from .models import (
    OPEN_STAGES,
    Agreement,
    AgreementEvent,
    FollowUpRun,
    FollowUpSettings,
    Milestone,
    Reminder,
    Stage,
)

logger = logging.getLogger(__name__)

# Milestones are reminded of once the agreement is signed.
COMMITTED_STAGES = (Stage.SIGNED, Stage.ACTIVE)
KEY_CHUNK = 500
STALL_NOTICE_RETRY_DAYS = 7


class _Parties:
    """Party users per agreement, loaded with one query per batch of institutions."""

    def __init__(self, agreements):
        institution_ids = {a.project.institution_id for a in agreements}
        self.members = defaultdict(list)
        memberships = (
            Membership.objects.approved()
            .filter(institution_id__in=institution_ids, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        )
        for m in memberships:
            self.members[m.institution_id].append(m.user)

    def of(self, agreement) -> list[User]:
        users = []
        sci_user = agreement.scientist.user
        if sci_user is not None and sci_user.is_active:
            users.append(sci_user)
        for u in self.members[agreement.project.institution_id]:
            if all(u.pk != x.pk for x in users):
                users.append(u)
        return users


def _day(day: datetime.date) -> str:
    """A date with its month written out, in the reader's language ("11 mar 2027")."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _message(kind: str, agreement: Agreement, milestone: Milestone | None) -> tuple[str, str]:
    """Subject and body of a reminder, in the active language."""
    names = {"project": agreement.project.title, "scientist": agreement.scientist.name}
    if milestone is not None:
        names.update(milestone=milestone.title, due=_day(milestone.due_on))
    if kind == Reminder.Kind.MILESTONE_DUE:
        subject = _("Milestone coming due: %(milestone)s") % names
        body = (
            _(
                'The milestone "%(milestone)s" of the agreement on "%(project)s" with '
                "%(scientist)s is due on %(due)s."
            )
            % names
        )
    elif kind == Reminder.Kind.MILESTONE_OVERDUE:
        subject = _("Milestone overdue: %(milestone)s") % names
        body = (
            _(
                'The milestone "%(milestone)s" of the agreement on "%(project)s" with '
                "%(scientist)s was due on %(due)s and is not marked done."
            )
            % names
        )
    elif kind == Reminder.Kind.FOLLOW_UP_DUE:
        names["on"] = _day(agreement.next_follow_up_on)
        subject = _("Follow-up due: %(project)s") % names
        body = (
            _(
                'The follow-up of the agreement on "%(project)s" with %(scientist)s '
                "was planned for %(on)s."
            )
            % names
        )
    else:
        subject = _("Agreement stalled: %(project)s") % names
        body = _(
            'Nothing has happened on the agreement on "%(project)s" with %(scientist)s '
            "since %(since)s, so it is now marked stalled. Record what is going on, or "
            "resume it when work starts again."
        ) % {**names, "since": _day(agreement.last_activity_on)}
    return subject, body


class _Sender:
    def __init__(self, today: datetime.date):
        self.today = today
        self.counts = defaultdict(int)
        self.sent = 0

    def existing(self, keys: set[str]) -> set[tuple[int, str]]:
        """(user id, key) of the reminders already sent under these keys."""
        found = set()
        keys = sorted(keys)
        for i in range(0, len(keys), KEY_CHUNK):
            found.update(
                Reminder.objects.filter(key__in=keys[i : i + KEY_CHUNK]).values_list(
                    "user_id", "key"
                )
            )
        return found

    def send(self, items):
        """items: (user, agreement, milestone, kind, key). Creates and mails the new ones."""
        items = list(items)
        done = self.existing({key for _u, _a, _m, _k, key in items})
        touched = set()
        for user, agreement, milestone, kind, key in items:
            if (user.pk, key) in done:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                _subject, body = _message(kind, agreement, milestone)
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        user=user,
                        agreement=agreement,
                        milestone=milestone,
                        kind=kind,
                        key=key,
                        message=body,
                        sent_on=self.today,
                    )
                    # In the notification centre, and by email after the commit.
                    notification_events.reminder(
                        user=user,
                        reminder_kind=kind,
                        key=key,
                        agreement=agreement,
                        milestone=milestone,
                    )
            except IntegrityError:
                continue  # another run got there first
            except Exception:
                logger.exception("Reminder %s to user %s not sent; retried next run", key, user.pk)
                continue
            done.add((user.pk, key))
            self.sent += 1
            self.counts[kind] += 1
            if (agreement.pk, key) not in touched:
                touched.add((agreement.pk, key))
                self._record_event(agreement, kind, key)

    @staticmethod
    def _record_event(agreement, kind, key) -> None:
        """One "reminder sent" entry per reminder on the timeline (a constraint)."""
        try:
            with transaction.atomic():
                AgreementEvent.objects.create(
                    agreement=agreement,
                    actor=None,
                    kind=AgreementEvent.Kind.REMINDER,
                    data={"reminder": kind, "key": key},
                )
        except IntegrityError:
            pass  # an overlapping run recorded it


def run_followups(today: datetime.date) -> dict:
    """Run the daily follow-up once for `today`; returns a summary."""
    stall_days, soon_days = FollowUpSettings.current()
    sender = _Sender(today)

    # 1. Stall what has slept for stall_days.
    cutoff = today - datetime.timedelta(days=stall_days)
    candidates = Agreement.objects.filter(
        stage__in=services.WORKING_STAGES, last_activity_on__lte=cutoff
    ).values_list("pk", flat=True)
    newly = [
        pk
        for pk in list(candidates)
        if services.mark_stalled_by_system(agreement_id=pk, today=today, stall_days=stall_days)
    ]
    # Notices of stalls made in the last days too: one that could not be sent
    # (its reminder rows are kept only once sent) is tried again.
    retry_since = timezone.now() - datetime.timedelta(days=STALL_NOTICE_RETRY_DAYS)
    recently_stalled = AgreementEvent.objects.filter(
        kind=AgreementEvent.Kind.STAGE, data__auto=True, created_at__gte=retry_since
    ).values("agreement_id")
    stalled = list(
        Agreement.objects.filter(
            Q(pk__in=newly) | Q(stage=Stage.STALLED, pk__in=recently_stalled)
        ).select_related("scientist__user", "project", "coordinator")
    )

    # 2. Milestones coming due and overdue (committed agreements only).
    milestones = list(
        Milestone.objects.filter(
            done=False,
            due_on__isnull=False,
            due_on__lte=today + datetime.timedelta(days=soon_days),
            agreement__stage__in=COMMITTED_STAGES,
        ).select_related("agreement__scientist__user", "agreement__project")
    )
    # 3. Follow-ups due.
    follow_ups = list(
        Agreement.objects.filter(
            stage__in=OPEN_STAGES,
            next_follow_up_on__lte=today,
        ).select_related("scientist", "project", "coordinator")
    )

    parties = _Parties(stalled + [m.agreement for m in milestones])

    @functools.cache
    def followers(institution_id: int, areas: tuple[str, ...]) -> list[User]:
        return notification_events.coordinators_following(
            institution_id=institution_id, areas=areas
        )

    def coordinators_of(agreement):
        """The assigned coordinator, else those who follow its institution or area."""
        if agreement.coordinator_id and agreement.coordinator.is_active:
            return [agreement.coordinator]
        return followers(agreement.project.institution_id, tuple(agreement.project.areas))

    items = []
    for a in stalled:
        key = f"stalled:{a.pk}:{a.last_activity_on.isoformat()}"
        recipients = parties.of(a) + [
            c for c in coordinators_of(a) if all(c.pk != u.pk for u in parties.of(a))
        ]
        items += [(u, a, None, Reminder.Kind.STALLED, key) for u in recipients]
    for m in milestones:
        overdue = m.due_on < today
        kind = Reminder.Kind.MILESTONE_OVERDUE if overdue else Reminder.Kind.MILESTONE_DUE
        key = f"{kind}:{m.pk}:{m.due_on.isoformat()}"
        items += [(u, m.agreement, m, kind, key) for u in parties.of(m.agreement)]
    for a in follow_ups:
        key = f"follow_up:{a.pk}:{a.next_follow_up_on.isoformat()}"
        items += [(u, a, None, Reminder.Kind.FOLLOW_UP_DUE, key) for u in coordinators_of(a)]
    sender.send(items)

    summary = {
        "today": today.isoformat(),
        "stall_days": stall_days,
        "due_soon_days": soon_days,
        "reminders_sent": sender.sent,
        "newly_stalled": len(newly),
        "milestone_due_reminders": sender.counts[Reminder.Kind.MILESTONE_DUE],
        "milestone_overdue_reminders": sender.counts[Reminder.Kind.MILESTONE_OVERDUE],
        "follow_up_reminders": sender.counts[Reminder.Kind.FOLLOW_UP_DUE],
        "stalled_notices": sender.counts[Reminder.Kind.STALLED],
    }
    FollowUpRun.objects.create(ran_for=today, summary=summary)
    return summary
