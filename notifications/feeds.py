"""A person's private calendar: their agreements' milestones, follow-ups and start dates."""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import OPEN_STAGES, Agreement, Milestone
from profiles import vocab
from profiles.models import Membership, Project

from .services import site_url


def _agreements_of(user: User):
    """Open agreements where the user is the scientist, a member of the institution,
    or the assigned coordinator."""
    institution_ids = Membership.objects.approved().filter(user=user).values("institution_id")
    return Agreement.objects.filter(
        Q(scientist__user=user)
        | Q(project__institution_id__in=institution_ids)
        | Q(coordinator=user),
        stage__in=OPEN_STAGES,
    )


def _event(uid: str, day: datetime.date, summary: str, url: str, stamp) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)
    return event


def calendar_for(user: User) -> bytes:
    """The iCalendar text of the user's feed, in their language."""
    stamp = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//notifications//")
    calendar.add("version", "2.0")
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        calendar.add("x-wr-calname", settings.SITE_NAME)
        agreements = _agreements_of(user)
        for m in (
            Milestone.objects.filter(agreement__in=agreements, due_on__isnull=False)
            .select_related("agreement__project")
            .order_by("due_on", "pk")
        ):
            summary = _("Milestone: %(milestone)s (%(project)s)") % {
                "milestone": m.title,
                "project": m.agreement.project.title,
            }
            if m.done:
                summary = _("Done: %(summary)s") % {"summary": summary}
            link = site_url(reverse("agreements:detail", args=[m.agreement_id]))
            calendar.add_component(_event(f"milestone-{m.pk}", m.due_on, summary, link, stamp))
        for a in agreements.select_related("project"):
            link = site_url(reverse("agreements:detail", args=[a.pk]))
            names = {"project": a.project.title}
            if a.next_follow_up_on:
                calendar.add_component(
                    _event(
                        f"follow-up-{a.pk}",
                        a.next_follow_up_on,
                        _("Follow-up: %(project)s") % names,
                        link,
                        stamp,
                    )
                )
            if a.started_on:
                calendar.add_component(
                    _event(
                        f"agreement-start-{a.pk}",
                        a.started_on,
                        _("Agreement starts: %(project)s") % names,
                        link,
                        stamp,
                    )
                )
        projects = Project.objects.filter(
            Q(pk__in=agreements.values("project_id"))
            | Q(
                institution_id__in=Membership.objects.approved()
                .filter(user=user)
                .values("institution_id"),
                status=vocab.ProjectStatus.OPEN,
            ),
            starts_on__isnull=False,
        ).distinct()
        for p in projects:
            calendar.add_component(
                _event(
                    f"project-start-{p.pk}",
                    p.starts_on,
                    _("Project starts: %(project)s") % {"project": p.title},
                    site_url(p.get_absolute_url()),
                    stamp,
                )
            )
    return calendar.to_ical()
