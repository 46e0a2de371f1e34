"""The coordinators' dashboard: every figure aggregated in the database.

The number of queries is fixed (about 25) whatever the number of rows: counts
are `aggregate`/`values().annotate()`. JSON list fields (areas, sectors) are
grouped by the whole list in SQL (a handful of distinct lists) and split per
code in Python: one query each, portable to SQLite and PostgreSQL.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from matching.models import Interest, Introduction, Match
from profiles import vocab
from profiles.models import Membership, ScientistProfile

from .filters import agreement_q, pair_q, portrait_q
from .models import Agreement, Stage

logger = logging.getLogger(__name__)

# Counts of agreements are plural in Spanish ("Firmados"), a stage is singular
# ("Firmado"): the context keeps them apart in the catalogue.
COUNTED_SIGNED = pgettext_lazy("agreements counted", "Signed")
COUNTED_COMPLETED = pgettext_lazy("agreements counted", "Completed")

ATTENTION_LIMIT = 50
TREND_MONTHS = 12
REACHED_SIGNATURE = (Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED)
YEARS_ABROAD_BUCKETS = [
    # (key, label, min years, max years)
    ("0-2", _("Up to 2 years"), 0, 2),
    ("3-5", _("3 to 5 years"), 3, 5),
    ("6-10", _("6 to 10 years"), 6, 10),
    ("11-20", _("11 to 20 years"), 11, 20),
    ("21+", _("More than 20 years"), 21, None),
]


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def filtered_agreements(filters: dict):
    return Agreement.objects.filter(agreement_q(filters))


def _reached_signature() -> Q:
    return Q(signed_on__isnull=False) | Q(stage__in=REACHED_SIGNATURE)


def _stage_figures() -> dict:
    return {
        "total": Count("pk"),
        "reached_signature": Count("pk", filter=_reached_signature()),
        **{s: Count("pk", filter=Q(stage=s)) for s in Stage.values},
    }


# What the breakdowns read of an agreement's project: grouped by these, the
# agreements come back as about a thousand rows at 50,000 agreements (bounded by
# the projects, not the agreements), from which the stage counts and four
# breakdowns are added up in one query instead of five.
PROJECT_SIDE = (
    "project__areas",
    "project__institution__state",
    "project__institution__kind",
    "project__collaboration_type",
)


def by_project_side(qs) -> list[dict]:
    return list(qs.values(*PROJECT_SIDE).annotate(**_stage_figures()).order_by())


def _added_up(rows) -> dict:
    """Agreements per stage (and reaching signature) over the grouped `rows`."""
    keys = ("total", "reached_signature", *Stage.values)
    return {k: sum(r[k] for r in rows) for k in keys}


def funnel(filters: dict, stages: dict) -> list[dict]:
    pairs = pair_q(filters)
    matches = Match.objects.filter(pairs).count()
    interest = (
        Interest.objects.filter(pairs, decision=Interest.Decision.INTERESTED)
        .values("scientist_id", "project_id")
        .distinct()
        .count()
    )
    introductions = Introduction.objects.filter(pairs).count()
    steps = [
        ("matches", _("Matches"), matches),
        ("interest", _("Interest shown"), interest),
        ("introductions", _("Introductions"), introductions),
        ("agreements", _("Agreements proposed"), stages["total"]),
        ("signed", COUNTED_SIGNED, stages["reached_signature"]),
        ("completed", COUNTED_COMPLETED, stages[Stage.COMPLETED]),
    ]
    rows, previous = [], None
    for key, label, count in steps:
        rows.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "rate": rate(count, previous) if previous is not None else None,
            }
        )
        previous = count
    return rows


def _breakdown_of(rows, field: str, labels: dict) -> list[dict]:
    """Agreements per value of `field`, most first, added up from rows grouped
    by it (and maybe more: by_project_side()), each with the BREAKDOWN_KEYS."""
    totals: dict = {}
    for r in rows:
        bucket = totals.setdefault(r[field], dict.fromkeys(BREAKDOWN_KEYS, 0))
        for k in BREAKDOWN_KEYS:
            bucket[k] += r[k]
    ordered = sorted(totals.items(), key=lambda item: (-item[1]["total"], item[0] or ""))
    return [
        {"code": code, "label": labels.get(code, code or _("Not given")), **counts}
        for code, counts in ordered
    ]


def _split_lists(rows, field: str, keys: tuple[str, ...]) -> dict:
    """Add up grouped counts per code of a JSON list field.

    `rows` are grouped by the whole list (a handful of distinct lists, whatever
    the number of rows), so each code's total is the sum over the lists holding it.
    """
    totals: dict = {}
    for row in rows:
        for code in set(row[field] or []):
            bucket = totals.setdefault(code, dict.fromkeys(keys, 0))
            for k in keys:
                bucket[k] += row[k]
    return totals


BREAKDOWN_KEYS = ("total", "active", "stalled", "completed")


def _stage_counts():
    return {
        "total": Count("pk"),
        "active": Count("pk", filter=Q(stage=Stage.ACTIVE)),
        "stalled": Count("pk", filter=Q(stage=Stage.STALLED)),
        "completed": Count("pk", filter=Q(stage=Stage.COMPLETED)),
    }


def area_breakdown(rows) -> list[dict]:
    """Agreements per SNII area of the project (a project may have several), from
    the rows of by_project_side()."""
    totals = _split_lists(rows, "project__areas", BREAKDOWN_KEYS)
    empty = dict.fromkeys(BREAKDOWN_KEYS, 0)
    return [
        {"code": area, "label": label, **totals.get(area, empty)}
        for area, label in vocab.Area.choices
    ]


def median_days_to_sign(qs) -> float | None:
    """One query: agreements counted per number of days (a few hundred values)."""
    counts = list(
        qs.filter(days_to_sign__isnull=False)
        .values_list("days_to_sign")
        .annotate(n=Count("pk"))
        .order_by("days_to_sign")
    )
    n = sum(c for _days, c in counts)
    if not n:
        return None

    def at(i: int) -> int:
        seen = 0
        for days, c in counts:
            seen += c
            if i < seen:
                return days

    return (at((n - 1) // 2) + at(n // 2)) / 2


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _month_bounds(months: list[datetime.date]) -> list[tuple]:
    """(month, first day, first day of the next month) for each month."""
    bounds = []
    for m in months:
        following = (m + datetime.timedelta(days=32)).replace(day=1)
        bounds.append((m, m, following))
    return bounds


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _per_month(qs, series: dict[str, tuple[str, bool]], months) -> dict:
    """Counts per month for each series in one query: conditional COUNTs over month
    ranges (no per-row date functions, so indexes work and time zones are right).

    series: name -> (field, is_datetime).
    """
    counts = {}
    for name, (field, is_datetime) in series.items():
        for m, start, end in _month_bounds(months):
            if is_datetime:
                start, end = _local_midnight(start), _local_midnight(end)
            q = Q(**{f"{field}__gte": start, f"{field}__lt": end})
            counts[f"{name}_{m:%Y%m}"] = Count("pk", filter=q)
    return qs.aggregate(**counts)


def trends(filters: dict, qs, today: datetime.date) -> list[dict]:
    months = _months(today, TREND_MONTHS)
    intros = _per_month(
        Introduction.objects.filter(pair_q(filters), created_at__gte=_local_midnight(months[0])),
        {"introductions": ("created_at", True)},
        months,
    )
    since = months[0]
    recent = (
        Q(created_at__gte=_local_midnight(since))
        | Q(signed_on__gte=since)
        | Q(completed_on__gte=since)
    )
    agreements = _per_month(
        qs.filter(recent),
        {
            "proposed": ("created_at", True),
            "signed": ("signed_on", False),
            "completed": ("completed_on", False),
        },
        months,
    )
    figures = intros | agreements
    return [
        {
            "month": m,
            **{
                k: figures[f"{k}_{m:%Y%m}"]
                for k in ("introductions", "proposed", "signed", "completed")
            },
        }
        for m in months
    ]


def attention(qs, today: datetime.date) -> tuple[list[Agreement], int]:
    """Stalled and overdue agreements, oldest activity first, with who to call.

    An agreement's earliest open milestone is a column of its own
    (first_open_due_on), so this reads the agreements alone.
    """
    open_working = [Stage.PROPOSED, Stage.NEGOTIATING, Stage.SIGNED, Stage.ACTIVE]
    needs = qs.filter(
        Q(stage=Stage.STALLED)
        | Q(stage__in=open_working, next_follow_up_on__lt=today)
        | Q(stage__in=open_working, first_open_due_on__lt=today)
    )
    total = needs.count()
    members = Prefetch(
        "project__institution__memberships",
        queryset=Membership.objects.approved().select_related("user").order_by("user__full_name"),
        to_attr="approved_members",
    )
    # The first ATTENTION_LIMIT by their own columns, then those rows with their
    # people: joining every match to its scientist before sorting read them all
    # when a filter made the database misjudge how many there were.
    first = list(
        needs.order_by("last_activity_on", "pk").values_list("pk", flat=True)[:ATTENTION_LIMIT]
    )
    # Only the columns the table shows: whole rows of four tables were most of the
    # time (profiles and projects carry long texts and lists).
    found = (
        Agreement.objects.filter(pk__in=first)
        .select_related("scientist", "project__institution", "coordinator")
        .only(
            "ref",
            "stage",
            "last_activity_on",
            "next_follow_up_on",
            "first_open_due_on",
            "scientist__name",
            "scientist__email",
            "project__title",
            "project__institution__name",
            "coordinator__full_name",
            "coordinator__email",
        )
    )
    by_pk = {a.pk: a for a in found.prefetch_related(members)}
    rows = [by_pk[pk] for pk in first if pk in by_pk]  # one deleted meanwhile: left out
    for a in rows:
        a.has_overdue = bool(a.first_open_due_on and a.first_open_due_on < today)
        a.days_since_activity = (today - a.last_activity_on).days
        a.follow_up_overdue = bool(a.next_follow_up_on and a.next_follow_up_on < today)
        a.why = [
            text
            for text, applies in (
                (_("stalled"), a.stage == Stage.STALLED),
                (_("milestone overdue"), a.has_overdue),
                (_("follow-up overdue"), a.follow_up_overdue),
            )
            if applies
        ]
    return rows, total


PORTRAIT_ANSWERS = (
    "sectors",
    "areas",
    "position",
    "country",
    "collaborated_before",
    "abroad_since",
)


def _years_bucket(abroad_since: int | None, year: int) -> str | None:
    if abroad_since is None:
        return "unknown"
    years = year - abroad_since
    for key, _label, low, high in YEARS_ABROAD_BUCKETS:
        if years >= low and (high is None or years <= high):
            return key
    return None  # a year still to come: in no bucket


def portrait(filters: dict, today: datetime.date) -> dict:
    """The study's questionnaire, answered live for every registered scientist.

    One query: the scientists grouped by their answers (a few thousand distinct
    combinations at most, whatever the number of scientists; an index-only scan
    of `scientist_portrait` on PostgreSQL), added up per question here.
    """
    rows = (
        ScientistProfile.objects.filter(portrait_q(filters))
        .values(*PORTRAIT_ANSWERS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    year = today.year
    total = tried = answered = 0
    sectors, areas, positions, countries, years = {}, {}, {}, {}, {}

    def add(counts, code, n):
        counts[code] = counts.get(code, 0) + n

    for r in rows:
        n = r["n"]
        total += n
        if r["collaborated_before"] is not None:
            answered += n
            if r["collaborated_before"]:
                tried += n
        for code in set(r["sectors"] or []):
            add(sectors, code, n)
        for code in set(r["areas"] or []):
            add(areas, code, n)
        add(positions, r["position"], n)
        add(countries, r["country"], n)
        add(years, _years_bucket(r["abroad_since"], year), n)
    country_names = vocab.countries()

    def row(code, label, n):
        return {"code": code, "label": label, "count": n, "share": rate(n, total)}

    return {
        "total": total,
        "tried": tried,
        "answered": answered,
        "tried_share": rate(tried, answered),
        "sectors": [row(c, label, sectors.get(c, 0)) for c, label in vocab.Sector.choices],
        "areas": [row(c, label, areas.get(c, 0)) for c, label in vocab.Area.choices],
        "positions": [row(c, label, positions.get(c, 0)) for c, label in vocab.Position.choices],
        "countries": [
            row(code, country_names.get(code, code or _("Not given")), n)
            for code, n in sorted(countries.items(), key=lambda item: (-item[1], item[0]))
        ],
        "years_abroad": [
            row(key, label, years.get(key, 0)) for key, label, _lo, _hi in YEARS_ABROAD_BUCKETS
        ]
        + [row("unknown", _("Not given"), years.get("unknown", 0))],
    }


def _short_month(month: datetime.date) -> str:
    """ "Mar 2027" / "mar 2027": the short date of diaspora/formats without its day."""
    return formats.date_format(month, formats.get_format("SHORT_DATE_FORMAT").replace("j ", ""))


def _figures(filters: dict, today: datetime.date) -> dict:
    """Every figure of the dashboard but the attention list."""
    qs = filtered_agreements(filters)
    grouped = by_project_side(qs)
    stages = _added_up(grouped)
    states = vocab.mexican_states()
    countries = vocab.countries()
    breakdowns = [
        ("area", _("SNII area"), area_breakdown(grouped)),
        (
            "state",
            _("Mexican state"),
            _breakdown_of(grouped, "project__institution__state", states),
        ),
        (
            "country",
            _("Country of residence"),
            _breakdown_of(
                qs.values("scientist__country").annotate(**_stage_counts()).order_by(),
                "scientist__country",
                countries,
            ),
        ),
        (
            "institution_kind",
            _("Institution kind"),
            _breakdown_of(
                grouped, "project__institution__kind", dict(vocab.InstitutionKind.choices)
            ),
        ),
        (
            "collaboration_type",
            _("Collaboration type"),
            _breakdown_of(
                grouped, "project__collaboration_type", dict(vocab.CollaborationType.choices)
            ),
        ),
    ]
    trend_rows = trends(filters, qs, today)
    network = portrait(filters, today)
    funnel_rows = funnel(filters, stages)
    stage_rows = [
        {
            "code": code,
            "label": label,
            "count": stages[code],
            "share": rate(stages[code], stages["total"]),
        }
        for code, label in Stage.choices
    ]
    charts = {
        "funnel": {
            "type": "bar",
            "log": True,
            "labels": [str(r["label"]) for r in funnel_rows],
            "datasets": [{"label": str(_("Count")), "data": [r["count"] for r in funnel_rows]}],
        },
        "stages": {
            "type": "bar",
            "labels": [str(r["label"]) for r in stage_rows],
            "datasets": [{"label": str(_("Agreements")), "data": [r["count"] for r in stage_rows]}],
        },
        "trends": {
            "type": "line",
            "labels": [_short_month(r["month"]) for r in trend_rows],
            "datasets": [
                {
                    "label": str(_("Introductions")),
                    "data": [r["introductions"] for r in trend_rows],
                },
                {
                    "label": str(_("Agreements proposed")),
                    "data": [r["proposed"] for r in trend_rows],
                },
                {"label": str(COUNTED_SIGNED), "data": [r["signed"] for r in trend_rows]},
                {"label": str(COUNTED_COMPLETED), "data": [r["completed"] for r in trend_rows]},
            ],
        },
        "areas": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(r["label"]) for r in breakdowns[0][2]],
            "datasets": [
                {"label": str(_("Agreements")), "data": [r["total"] for r in breakdowns[0][2]]}
            ],
        },
        "portrait_sectors": {
            "type": "bar",
            "labels": [str(r["label"]) for r in network["sectors"]],
            "datasets": [
                {"label": str(_("Scientists")), "data": [r["count"] for r in network["sectors"]]}
            ],
        },
        "portrait_areas": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(r["label"]) for r in network["areas"]],
            "datasets": [
                {"label": str(_("Scientists")), "data": [r["count"] for r in network["areas"]]}
            ],
        },
        "portrait_years": {
            "type": "bar",
            "labels": [str(r["label"]) for r in network["years_abroad"]],
            "datasets": [
                {
                    "label": str(_("Scientists")),
                    "data": [r["count"] for r in network["years_abroad"]],
                }
            ],
        },
    }
    return {
        "stages": stages,
        "stage_rows": stage_rows,
        "funnel": funnel_rows,
        "breakdowns": breakdowns,
        "median_days_to_sign": median_days_to_sign(qs),
        "trends": trend_rows,
        "portrait": network,
        "portrait_tables": [
            ("sectors", _("Sector"), network["sectors"]),
            ("areas", _("SNII area"), network["areas"]),
            ("positions", _("Position"), network["positions"]),
            ("countries", _("Country of residence"), network["countries"]),
            ("years_abroad", _("Years abroad"), network["years_abroad"]),
        ],
        "charts": charts,
    }


# --- cached figures -------------------------------------------------------------
# The figures aggregate every agreement, suggestion and profile (about 25 scans
# of the biggest tables, a second or more at 50,000 agreements and 100,000
# scientists): they are kept for DASHBOARD_CACHE_SECONDS per filter, day and
# language, and dropped at once when an agreement, milestone, introduction or
# interest is saved or deleted (signals below). Profiles and suggestions
# (nightly rematch, bulk writes) show within that time. The attention list, the
# coordinators' work queue, is always read live.

VERSION_KEY = "dashboard:version"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, timeout=None)
    return version


REFRESH_QUEUED_KEY = "dashboard:refresh-queued"


def forget_figures(**_kwargs) -> None:
    """Signal receiver: every cached figure is out of date, now (for the rest
    of this request) and again when the save commits (figures computed in
    between, by a page or the refresh, did not see it); the network's figures
    (no filter) are then computed again in the background."""
    _next_version()
    transaction.on_commit(_after_commit)


def _next_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): nothing cached under it
        cache.add(VERSION_KEY, 1, timeout=None)


def _after_commit() -> None:
    _next_version()
    _queue_refresh()


def _queue_refresh() -> None:
    """Queue refresh_figures once for a burst of saves, DASHBOARD_REFRESH_SECONDS
    after the first, so that a coordinator opening the dashboard finds the
    figures kept instead of waiting for them. Without a worker (tasks run in
    the saving process) the page computes them when asked, as soon."""
    from kombu.exceptions import OperationalError

    from .tasks import refresh_dashboard_figures

    delay = settings.DASHBOARD_REFRESH_SECONDS
    if not (delay and settings.DASHBOARD_CACHE_SECONDS) or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    if not cache.add(REFRESH_QUEUED_KEY, 1, timeout=delay):
        return  # already queued, to run after this save: it will see it
    try:
        # No retries: a save must not wait on a broker that is down.
        refresh_dashboard_figures.apply_async(countdown=delay, retry=False)
    except OperationalError:  # the page computes them when asked
        logger.exception("Could not queue the dashboard's refresh")


def refresh_figures(today: datetime.date) -> None:
    """Compute and keep the network's figures in every language (the ones
    still kept are left as they are)."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            figures({}, today=today)


def _key(filters: dict, today: datetime.date) -> str:
    def code(value):
        return str(getattr(value, "pk", value) or "")

    # an empty field filters nothing: the same figures as without it
    wanted = ",".join(f"{k}={code(v)}" for k, v in sorted(filters.items()) if code(v))
    digest = hashlib.sha256(wanted.encode()).hexdigest()[:32]
    return f"dashboard:{_version()}:{today.isoformat()}:{get_language()}:{digest}"


def _as_text(value):
    """The figures with their labels turned into text (in the request's language,
    which is part of the key): an unpickled lazy translation builds a proxy class
    anew, which cost a tenth of the workers' time under load."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_as_text(v) for v in value)
    return value


def figures(filters: dict, *, today: datetime.date) -> dict:
    """The figures, with `figures_key` (None when not cached) under which the
    template also keeps the HTML it writes from them."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return {**_as_text(_figures(filters, today)), "figures_key": None, "figures_seconds": 0}
    key = _key(filters, today)
    found = cache.get(key)
    if found is None:
        found = _as_text(_figures(filters, today))
        cache.set(key, found, seconds)
    return {**found, "figures_key": key, "figures_seconds": seconds}


def build(filters: dict, *, today: datetime.date) -> dict:
    attention_rows, attention_total = attention(filtered_agreements(filters), today)
    return {
        **figures(filters, today=today),
        "attention": attention_rows,
        "attention_total": attention_total,
        "attention_limit": ATTENTION_LIMIT,
    }
