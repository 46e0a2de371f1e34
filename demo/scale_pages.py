"""People, suggestions and a follow-up history on top of the synthetic network
(demo.scale), for the pages' load test at the network's size.

Everything here is written with bulk inserts (one password hash for every
account, timestamps written as given rather than "now") so that 100,000
scientists with 50,000 agreements are seeded in minutes, and is deterministic
for a seed. Accounts, like the synthetic records, start with "bench-":

- every synthetic scientist has an account (``bench-sci-N@example.org``) that
  claimed the profile;
- each institution has members (``bench-member-K-J@example.org``);
- coordinators (``bench-coordinator-K@example.org``) are staff in the
  coordinators' group with a confirmed authenticator app whose secret is
  ``COORDINATOR_TOTP_SECRET`` (coordinators may not work without one);

all with the demo password. Then interests, introductions and agreements over
the stored suggestions: each agreement at a stage, with its milestones and a
timeline of events as the platform writes them.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models import Case, F, Value, When, Window
from django.db.models.functions import Coalesce, Concat, Mod, RowNumber
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts.models import COORDINATORS_GROUP, User
from agreements.models import Agreement, AgreementEvent, Milestone, Stage
from matching.matcher import fill_reasons
from matching.models import Interest, Introduction, Match
from profiles.models import Institution, Membership, Project, ScientistProfile

from . import activity
from .scale import PREFIX

PASSWORD = activity.DEMO_PASSWORD
# Base32, as authenticator apps take it; only for this scratch data.
COORDINATOR_TOTP_SECRET = "LOADTESTBENCHCOORDINATORSAFE2345"
EMAIL_DOMAIN = "example.org"
BATCH = 5000

# How agreements are spread over the stages (as in the demo's thirty).
STAGE_WEIGHTS = {
    Stage.COMPLETED: 4,
    Stage.ACTIVE: 9,
    Stage.SIGNED: 3,
    Stage.NEGOTIATING: 3,
    Stage.PROPOSED: 4,
    Stage.STALLED: 5,
    Stage.CANCELLED: 2,
}


def scientist_email(ref: str) -> str:
    return f"{ref}@{EMAIL_DOMAIN}"


def member_email(institution_index: int, j: int) -> str:
    return f"{PREFIX}member-{institution_index}-{j}@{EMAIL_DOMAIN}"


def coordinator_email(k: int) -> str:
    return f"{PREFIX}coordinator-{k}@{EMAIL_DOMAIN}"


@dataclass
class PagesSummary:
    scientist_accounts: int = 0
    members: int = 0
    coordinators: int = 0
    interests: int = 0
    introductions: int = 0
    agreements: int = 0
    milestones: int = 0
    events: int = 0
    by_stage: dict = field(default_factory=dict)


@contextlib.contextmanager
def timestamps_as_given(*models_):
    """Let bulk_create write created_at / updated_at as set on the objects
    (history happened in the past), instead of auto_now(_add)'s "now"."""
    saved = []
    for model in models_:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


# --------------------------------------------------------------------- accounts
def _users(rows: list[tuple[str, str, str]], password_hash: str, now) -> list[User]:
    """(email, full name, role) -> stored users with a verified primary email."""
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=name,
                role=role,
                password=password_hash,
                is_active=True,
                privacy_accepted_at=now,
                preferred_language="es",
            )
            for email, name, role in rows
        ],
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users],
        batch_size=BATCH,
    )
    return users


@transaction.atomic
def create_accounts(*, members_per_institution: int = 2, coordinators: int = 10) -> PagesSummary:
    """Accounts for every synthetic scientist, institution members and coordinators."""
    from allauth.mfa.totp.internal.auth import TOTP

    summary = PagesSummary()
    now = timezone.now()
    password_hash = make_password(PASSWORD)  # hashed once, shared by every account
    refs = list(
        ScientistProfile.objects.filter(ref__startswith=PREFIX, user__isnull=True)
        .order_by("pk")
        .values_list("ref", flat=True)
    )
    _users(
        [(scientist_email(ref), f"Scientist {ref}", User.Role.SCIENTIST) for ref in refs],
        password_hash,
        now,
    )
    # Each profile claimed by its account (one UPDATE, the email's unique index).
    # Each profile claimed by its account and filled in, in one UPDATE (one
    # rewrite of every row; the account found through its email's unique index).
    email = Concat(F("ref"), Value(f"@{EMAIL_DOMAIN}"), output_field=models.CharField())
    account = User.objects.filter(email=Concat(models.OuterRef("ref"), Value(f"@{EMAIL_DOMAIN}")))
    ScientistProfile.objects.filter(ref__startswith=PREFIX, user__isnull=True).update(
        email=email,
        user_id=models.Subquery(account.values("pk")[:1]),
        horizon_months=Coalesce(F("horizon_months"), 12),
        hours_per_month=Coalesce(F("hours_per_month"), 8),
        **_details(),
    )
    summary.scientist_accounts = len(refs)

    institutions = list(Institution.objects.filter(ref__startswith=f"{PREFIX}inst-").order_by("pk"))
    rows = []
    for index, inst in enumerate(institutions, start=1):
        for j in range(1, members_per_institution + 1):
            rows.append(
                (member_email(index, j), f"Member {j} of {inst.name}", User.Role.INSTITUTION_MEMBER)
            )
    members = _users(rows, password_hash, now)
    Membership.objects.bulk_create(
        [
            Membership(
                user=member,
                institution=institutions[n // members_per_institution],
                status=Membership.Status.APPROVED,
                decided_at=now,
            )
            for n, member in enumerate(members)
        ]
    )
    summary.members = len(members)

    staff = _users(
        [
            (coordinator_email(k), f"Coordinator {k}", User.Role.COORDINATOR)
            for k in range(1, coordinators + 1)
        ],
        password_hash,
        now,
    )
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    for user in staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.groups.add(group)
        TOTP.activate(user, COORDINATOR_TOTP_SECRET)
    summary.coordinators = len(staff)
    return summary


COUNTRIES = ["US"] * 6 + ["CA", "CA", "GB", "DE", "ES", "FR", "AU", "JP", "NL", "CH"]
CITIES = {"US": "Houston", "CA": "Toronto", "GB": "London", "DE": "Berlin", "ES": "Madrid"}
POSITIONS = ["postdoc", "faculty", "faculty", "researcher", "grad_student", "industry"]
ABROAD_SINCE = [2001, 2008, 2012, 2015, 2018, 2022, 2024, None]
SECTORS = [["academia"], ["academia"], ["academia", "industry"], ["industry"], ["government"], []]


def _by_pk(values: list, field_: models.Field):
    """A value picked by the row's id, in SQL (one UPDATE for every row)."""
    slot = Mod(F("pk"), len(values))
    return Case(
        *[When(Exact(slot, i), then=Value(v, output_field=field_)) for i, v in enumerate(values)],
        output_field=field_,
    )


def _details() -> dict:
    """What a person adds on claiming a profile: residence, position, sectors,
    years abroad, whether they tried to collaborate before (the synthetic world
    leaves them empty); the profile form asks for some of them."""
    return {
        name: _by_pk(values, field_)
        for name, values, field_ in (
            ("country", COUNTRIES, models.CharField()),
            ("city", [CITIES.get(c, "") for c in COUNTRIES], models.CharField()),
            ("position", POSITIONS, models.CharField()),
            ("sectors", SECTORS, models.JSONField()),
            (
                "abroad_since",
                [2001, 2008, 2012, 2015, 2018, 2022, 2024, None],
                models.IntegerField(),
            ),
            ("collaborated_before", [True, False, True, None, True], models.BooleanField()),
        )
    }


# --------------------------------------------------------------------- activity
def _candidate_pairs(rank_limit: int = 3) -> list[tuple]:
    """(id, scientist, project, score, components) of each synthetic scientist's
    best stored suggestions, from the matcher."""
    return list(
        Match.objects.filter(scientist__ref__startswith=PREFIX, project__status="open")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("scientist_id")],
                order_by=[F("score").desc(), F("project_id").asc()],
            )
        )
        .filter(rank__lte=rank_limit)
        .order_by("scientist_id", "rank")
        .values_list("pk", "scientist_id", "project_id", "score", "components")
    )


def _pick_pairs(rng, wanted: int, per_project_cap: int) -> list[tuple[int, int, Match | None]]:
    """Distinct pairs: a scientist's best suggestion whose project is not yet
    crowded, else a random open project (no suggestions stored)."""
    by_scientist: dict[int, list[tuple[int, Match]]] = {}
    for pk, scientist_id, project_id, score, components in _candidate_pairs():
        match = Match(
            pk=pk,
            scientist_id=scientist_id,
            project_id=project_id,
            score=score,
            components=components,
            reasons=None,  # built below for the pairs introduced, as an introduction does
        )
        by_scientist.setdefault(scientist_id, []).append((project_id, match))
    scientists = list(
        ScientistProfile.objects.filter(ref__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    projects = list(
        Project.objects.filter(ref__startswith=PREFIX, status="open")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(scientists)
    used: dict[int, int] = {}
    pairs = []
    taken = set()
    # A scientist may appear twice (two projects) once everyone has had one.
    for scientist_id in scientists + scientists:
        if len(pairs) >= wanted:
            break
        choice = None
        for project_id, match in by_scientist.get(scientist_id, []):
            crowded = used.get(project_id, 0) >= per_project_cap
            if not crowded and (scientist_id, project_id) not in taken:
                choice = (project_id, match)
                break
        if choice is None:
            for _ in range(5):
                project_id = rng.choice(projects)
                if (scientist_id, project_id) not in taken:
                    choice = (project_id, None)
                    break
        if choice is None:
            continue
        taken.add((scientist_id, choice[0]))
        used[choice[0]] = used.get(choice[0], 0) + 1
        pairs.append((scientist_id, choice[0], choice[1]))
    return pairs


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return activity._at(day, rng)


@transaction.atomic
def delete_activity() -> None:
    """The interests, introductions and agreements of the synthetic network."""
    Agreement.objects.filter(scientist__ref__startswith=PREFIX).delete()
    Introduction.objects.filter(scientist__ref__startswith=PREFIX).delete()
    Interest.objects.filter(scientist__ref__startswith=PREFIX).delete()


@transaction.atomic
def create_activity(
    *, agreements: int, seed: int, today: datetime.date, per_project_cap: int = 25
) -> PagesSummary:
    """Interests, introductions and `agreements` agreements with their history."""
    summary = PagesSummary()
    rng = random.Random(seed + 7)
    n_intro_only = agreements // 10
    n_one_sided = agreements // 2
    n_declined = agreements // 5
    wanted = agreements + n_intro_only + n_one_sided + n_declined
    pairs = _pick_pairs(rng, wanted, per_project_cap)

    sci_ids = {s for s, _, _ in pairs}
    proj_ids = {p for _, p, _ in pairs}
    scientists = {
        s.pk: s
        for s in ScientistProfile.objects.filter(pk__in=sci_ids).only(
            "pk", "ref", "goals", "hours_per_month", "user_id"
        )
    }
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=proj_ids).only(
            "pk", "ref", "goals", "hours_per_month", "institution_id"
        )
    }
    members: dict[int, list[int]] = {}
    for user_id, institution_id in (
        Membership.objects.approved()
        .filter(user__email__startswith=PREFIX)
        .order_by("user_id")
        .values_list("user_id", "institution_id")
    ):
        members.setdefault(institution_id, []).append(user_id)
    coordinators = list(
        User.objects.filter(email__startswith=f"{PREFIX}coordinator-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    # An introduction keeps the pair's reasons: built now (and kept on the
    # suggestion) for the pairs that will be introduced, as the platform does.
    fill_reasons([m for _, _, m in pairs[: agreements + n_intro_only] if m is not None])

    stage_list = list(STAGE_WEIGHTS)
    stage_weights = list(STAGE_WEIGHTS.values())
    interests, introductions, intro_meta = [], [], []

    def member_of(project_id):
        people = members.get(projects[project_id].institution_id) or [None]
        return people[(project_id + len(people)) % len(people)]

    for index, (scientist_id, project_id, match) in enumerate(pairs):
        introduced = index < agreements + n_intro_only
        stage = rng.choices(stage_list, stage_weights)[0] if index < agreements else None
        if stage is not None:
            back = rng.randint(*activity.DAYS_SINCE_INTRODUCTION[stage])
            back += rng.choice([0, 0, 0, 120, 240, 365])  # a network a few years old
        else:
            back = rng.randint(2, 60)
        intro_day = today - datetime.timedelta(days=back)
        sci_user = scientists[scientist_id].user_id
        inst_user = member_of(project_id)
        if introduced:
            sides = [Interest.Side.SCIENTIST, Interest.Side.INSTITUTION]
        elif index < agreements + n_intro_only + n_one_sided:
            sides = [rng.choice([Interest.Side.SCIENTIST, Interest.Side.INSTITUTION])]
        else:
            side = rng.choice([Interest.Side.SCIENTIST, Interest.Side.INSTITUTION])
            moment = _at(intro_day, rng)
            interests.append(
                Interest(
                    scientist_id=scientist_id,
                    project_id=project_id,
                    side=side,
                    decision=Interest.Decision.DECLINED,
                    reason=rng.choice(activity.DECLINE_REASONS),
                    decided_by_id=sci_user if side == Interest.Side.SCIENTIST else inst_user,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            sides = []
        for offset, side in enumerate(sides):
            day = intro_day - datetime.timedelta(days=(len(sides) - offset) * rng.randint(1, 6))
            moment = _at(day, rng)
            interests.append(
                Interest(
                    scientist_id=scientist_id,
                    project_id=project_id,
                    side=side,
                    decision=Interest.Decision.INTERESTED,
                    decided_by_id=sci_user if side == Interest.Side.SCIENTIST else inst_user,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        if introduced:
            introductions.append(
                Introduction(
                    scientist_id=scientist_id,
                    project_id=project_id,
                    score=match.score if match else round(rng.uniform(0.4, 0.9), 3),
                    components=match.components if match else {},
                    reasons=(match.reasons or []) if match else [],
                    created_at=_at(intro_day, rng),
                )
            )
            intro_meta.append((stage, intro_day, sci_user, inst_user))

    with timestamps_as_given(Interest, Introduction, Agreement, AgreementEvent, Milestone):
        Interest.objects.bulk_create(interests, batch_size=BATCH)
        introductions = Introduction.objects.bulk_create(introductions, batch_size=BATCH)
        summary.interests = len(interests)
        summary.introductions = len(introductions)
        rows = _agreements(
            rng, introductions[:agreements], intro_meta, scientists, projects, coordinators, today
        )
        created = Agreement.objects.bulk_create([a for a, _, _ in rows], batch_size=BATCH)
        milestones, events = [], []
        for agreement, plan, (sci_user, inst_user) in zip(
            created, [p for _, p, _ in rows], [u for _, _, u in rows], strict=True
        ):
            for item in plan["record"]["milestones"]:
                milestones.append(
                    Milestone(
                        agreement=agreement,
                        title=item["title"],
                        due_on=datetime.date.fromisoformat(item["due_on"]),
                        done=item["done"],
                        done_on=datetime.date.fromisoformat(item["done_on"])
                        if item.get("done_on")
                        else None,
                        created_at=agreement.created_at,
                    )
                )
            events += _events(rng, agreement, plan, sci_user, inst_user, today)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        AgreementEvent.objects.bulk_create(events, batch_size=BATCH)
    summary.agreements = len(created)
    summary.milestones = len(milestones)
    summary.events = len(events)
    for a in created:
        summary.by_stage[a.stage] = summary.by_stage.get(a.stage, 0) + 1
    return summary


def _agreements(rng, introductions, intro_meta, scientists, projects, coordinators, today):
    rows = []
    for index, intro in enumerate(introductions):
        stage, intro_day, sci_user, inst_user = intro_meta[index]
        plan = activity._plan(
            rng,
            index,
            stage,
            scientists[intro.scientist_id],
            projects[intro.project_id],
            intro_day,
            today,
        )
        record = plan["record"]
        proposer_side = "scientist" if index % 2 else "institution"
        awaiting = ""
        if stage == Stage.PROPOSED:
            awaiting = "institution" if proposer_side == "scientist" else "scientist"
        elif stage == Stage.NEGOTIATING:
            awaiting = proposer_side

        def on(key, _r=record):
            return datetime.date.fromisoformat(_r[key]) if _r.get(key) else None

        agreement = Agreement(
            ref=f"{PREFIX}agr-{index + 1}",
            scientist_id=intro.scientist_id,
            project_id=intro.project_id,
            introduction=intro,
            stage=stage,
            proposed_by_id=sci_user if proposer_side == "scientist" else inst_user,
            awaiting_side=awaiting,
            goals=record["goals"],
            hours_per_month=record["hours_per_month"],
            started_on=on("started_on"),
            signed_on=on("signed_on"),
            completed_on=on("completed_on"),
            days_to_sign=max((plan["signed"] - intro_day).days, 0) if "signed" in plan else None,
            last_activity_on=plan["last"],
            next_follow_up_on=on("next_follow_up_on"),
            notes=record["notes"],
            close_reason=record.get("close_reason", ""),
            coordinator_id=coordinators[index % len(coordinators)]
            if coordinators and index % 3 != 2
            else None,
            created_at=_at(plan["proposed"], rng),
            updated_at=_at(plan["last"], rng),
        )
        plan["proposer"] = agreement.proposed_by_id
        plan["other"] = inst_user if proposer_side == "scientist" else sci_user
        rows.append((agreement, plan, (sci_user, inst_user)))
    return rows


def _events(rng, agreement, plan, sci_user, inst_user, today) -> list[AgreementEvent]:
    """The timeline the platform would have written for this agreement."""
    K = AgreementEvent.Kind
    out = []
    coordinator = agreement.coordinator_id

    def add(day, kind, *, actor=None, message="", channel="", data=None):
        out.append(
            AgreementEvent(
                agreement=agreement,
                actor_id=actor,
                kind=kind,
                message=message,
                channel=channel,
                data=data or {},
                created_at=_at(min(day, today), rng),
            )
        )

    proposer, other = plan["proposer"], plan["other"]
    add(plan["proposed"], K.CREATED, actor=proposer, data={"side": "scientist"})
    if coordinator:
        add(
            plan["proposed"] + datetime.timedelta(days=1),
            K.ASSIGNED,
            actor=coordinator,
            data={"coordinator": coordinator},
        )
    if "changes_requested" in plan:
        add(
            plan["changes_requested"],
            K.STAGE,
            actor=other,
            message="¿Podemos ajustar las horas al mes y la fecha de inicio?",
            data={"action": "request_changes", "from": "proposed", "to": "negotiating"},
        )
    if "signed" in plan:
        add(
            plan["signed"],
            K.STAGE,
            actor=other,
            data={"action": "accept", "from": "proposed", "to": "signed"},
        )
    if "started" in plan:
        add(
            plan["started"],
            K.STAGE,
            actor=proposer,
            data={"action": "start", "from": "signed", "to": "active"},
        )
    for milestone in plan["record"]["milestones"]:
        if milestone.get("done"):
            add(
                datetime.date.fromisoformat(milestone["done_on"]),
                K.MILESTONE_DONE,
                actor=sci_user,
                message=milestone["title"],
            )
    if plan["stage"] in (Stage.ACTIVE, Stage.STALLED, Stage.COMPLETED, Stage.SIGNED):
        for _ in range(rng.randint(1, 2)):
            channel, text = rng.choice(activity.CONTACT_NOTES)
            day = plan.get("started", plan.get("signed", plan["proposed"]))
            span = max((plan["last"] - day).days, 0)
            add(
                day + datetime.timedelta(days=rng.randint(0, span)),
                K.CONTACT,
                actor=coordinator,
                channel=channel,
                message=text,
            )
    if agreement.next_follow_up_on:
        add(
            plan["last"],
            K.FOLLOW_UP,
            actor=coordinator,
            data={"on": agreement.next_follow_up_on.isoformat()},
        )
    if "completed" in plan:
        add(
            plan["completed"],
            K.STAGE,
            actor=proposer,
            message="Artículo enviado y taller final realizado.",
            data={"action": "complete", "from": "active", "to": "completed"},
        )
    if "stalled" in plan:
        add(
            plan["stalled"],
            K.STAGE,
            message=agreement.close_reason,
            data={"action": "stall", "from": "active", "to": "stalled", "auto": True},
        )
    if "cancelled" in plan:
        add(
            plan["cancelled"],
            K.STAGE,
            actor=inst_user,
            message=agreement.close_reason,
            data={"action": "cancel", "from": "proposed", "to": "cancelled"},
        )
    return out


def analyze() -> None:
    """Fresh planner statistics and visibility maps after a bulk load (PostgreSQL)."""
    if connection.vendor == "postgresql":
        # VACUUM cannot run in a transaction (a test's): statistics only there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
