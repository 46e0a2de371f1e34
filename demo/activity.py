"""Demo logins and a believable history on top of the demo data.

Accounts (all with the password DEMO_PASSWORD and a verified email):
coordinator@example.org (a coordinator, staff), scientist@example.org (owns
one demo profile) and member@example.org (approved member of one demo
institution). Then interests, introductions and about thirty agreements at
every stage, with milestones and events spread over the last eight months,
some stalled and some with overdue follow-ups, for the coordinators'
dashboard.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import COORDINATORS_GROUP, User
from agreements.models import Agreement, AgreementEvent, Milestone, Stage
from matching.matcher import fill_reasons
from matching.models import Interest, Introduction, Match
from profiles import importer
from profiles.models import Institution, Membership, Project, ScientistProfile

from . import payload as demo

DEMO_PASSWORD = "demo-pass-2026"
COORDINATOR_EMAIL = "coordinator@example.org"
SCIENTIST_EMAIL = "scientist@example.org"
MEMBER_EMAIL = "member@example.org"
AGREEMENT_PREFIX = "demo-agr-"

# How the thirty agreements are spread over the stages.
# How long ago the pair was introduced, by the agreement's stage now.
DAYS_SINCE_INTRODUCTION = {
    Stage.COMPLETED: (150, 240),
    Stage.STALLED: (110, 230),
    Stage.ACTIVE: (80, 220),
    Stage.SIGNED: (25, 110),
    Stage.NEGOTIATING: (12, 80),
    Stage.PROPOSED: (4, 60),
    Stage.CANCELLED: (30, 200),
}
STAGE_PLAN = (
    [Stage.COMPLETED] * 4
    + [Stage.ACTIVE] * 9
    + [Stage.SIGNED] * 3
    + [Stage.NEGOTIATING] * 3
    + [Stage.PROPOSED] * 4
    + [Stage.STALLED] * 5
    + [Stage.CANCELLED] * 2
)
MILESTONE_TITLES = [  # in the order they happen
    "Reunión de arranque",
    "Kick-off call",
    "Plan de trabajo acordado",
    "Data sharing agreement signed",
    "Taller con la comunidad",
    "Estancia de estudiante",
    "Informe de resultados preliminares",
    "Primer borrador del artículo",
    "Envío de propuesta de financiamiento conjunto",
    "Informe final",
]
DECLINE_REASONS = [
    "El calendario no coincide con mis tiempos este semestre.",
    "Busco proyectos más cercanos a mi área.",
    "Not enough hours available this year.",
    "El proyecto necesita resultados antes de lo que puedo ofrecer.",
    "Necesitamos a alguien que pueda venir a campo.",
]
CONTACT_NOTES = [
    ("call", "Llamada de seguimiento con ambas partes: van bien, sin obstáculos."),
    ("email", "Correo a la institución para confirmar fechas del taller."),
    ("meeting", "Reunión en línea con ambas partes; se ajustó el plan de trabajo."),
    ("call", "Call with the scientist: waiting for the institution's data."),
    ("email", "Recordatorio enviado a la científica sobre el informe pendiente."),
]
STALL_REASONS = [
    "Sin respuesta de la institución desde hace semanas.",
    "La científica cambió de trabajo y no tiene tiempo por ahora.",
    "Trámites administrativos detenidos en la institución.",
    "Funding fell through; both sides want to resume next year.",
]
CANCEL_REASONS = [
    "La institución canceló el programa por falta de presupuesto.",
    "Los objetivos de ambas partes no eran compatibles.",
]


@dataclass
class DemoAccounts:
    coordinator: User
    scientist: User
    member: User
    profile: ScientistProfile
    institution: Institution


@dataclass
class ActivitySummary:
    interests: int = 0
    introductions: int = 0
    agreements: int = 0
    milestones: int = 0
    events: int = 0
    by_stage: dict = field(default_factory=dict)


def _user(email: str, *, full_name: str, role: str, staff: bool = False) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email)
    user.full_name = full_name
    user.role = role
    user.is_staff = staff or user.is_staff
    user.is_active = True
    if user.privacy_accepted_at is None:
        user.privacy_accepted_at = timezone.now()
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    if not (address.primary and address.verified):
        address.primary = address.verified = True
        address.save()
    return user


def create_accounts() -> DemoAccounts:
    """The three demo logins; safe to run again (passwords are reset)."""
    coordinator = _user(
        COORDINATOR_EMAIL, full_name="Claudia Romero", role=User.Role.COORDINATOR, staff=True
    )
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    coordinator.groups.add(group)

    scientist = _user(SCIENTIST_EMAIL, full_name="Ana López Hernández", role=User.Role.SCIENTIST)
    profile = ScientistProfile.objects.get(ref=demo.DEMO_SCIENTIST_REF)
    # Another profile may not hold this user (a fresh sign-up before the seed).
    ScientistProfile.objects.filter(user=scientist).exclude(pk=profile.pk).update(user=None)
    ScientistProfile.objects.filter(pk=profile.pk).update(user=scientist, email=SCIENTIST_EMAIL)
    profile.refresh_from_db()

    member = _user(MEMBER_EMAIL, full_name="Mariana Ortiz Peña", role=User.Role.INSTITUTION_MEMBER)
    institution = Institution.objects.get(ref=demo.DEMO_INSTITUTION_REF)
    Institution.objects.filter(pk=institution.pk).update(approved=True)
    Membership.objects.update_or_create(
        user=member,
        institution=institution,
        defaults={"status": Membership.Status.APPROVED, "decided_at": timezone.now()},
    )
    return DemoAccounts(coordinator, scientist, member, profile, institution)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 18), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _pairs(rng: random.Random, accounts: DemoAccounts, wanted: int) -> list[tuple[int, int]]:
    """(scientist id, project id) pairs worth showing: the matcher's best, or field overlaps."""
    open_projects = {p.pk: p for p in Project.objects.open().only("pk", "institution_id", "areas")}
    pairs: list[tuple[int, int]] = []
    used_scientists: set[int] = set()
    used_projects: dict[int, int] = {}

    def take(scientist_id, project_id):
        if (scientist_id, project_id) in pairs or project_id not in open_projects:
            return False
        pairs.append((scientist_id, project_id))
        used_scientists.add(scientist_id)
        used_projects[project_id] = used_projects.get(project_id, 0) + 1
        return True

    # The demo logins take part: two projects for the scientist, and the member's
    # institution's projects get interested scientists.
    mine = list(
        Match.objects.filter(scientist=accounts.profile, project__status="open")
        .order_by("-score")
        .values_list("project_id", flat=True)[:2]
    )
    member_projects = [
        pk for pk, p in open_projects.items() if p.institution_id == accounts.institution.pk
    ]
    if len(mine) < 2:
        mine += [pk for pk in member_projects if pk not in mine][: 2 - len(mine)]
    for project_id in mine:
        take(accounts.profile.pk, project_id)
    for project_id in member_projects[:3]:
        best = (
            Match.objects.filter(project_id=project_id)
            .exclude(scientist=accounts.profile)
            .order_by("-score")
            .values_list("scientist_id", flat=True)[:2]
        )
        for scientist_id in best:
            take(scientist_id, project_id)

    for scientist_id, project_id in (
        Match.objects.filter(project__status="open")
        .order_by("-score", "pk")
        .values_list("scientist_id", "project_id")[: wanted * 10]
    ):
        if len(pairs) >= wanted:
            break
        if scientist_id not in used_scientists and used_projects.get(project_id, 0) < 2:
            take(scientist_id, project_id)

    if len(pairs) < wanted:  # no matcher yet: pair people and projects sharing an area
        scientists = list(ScientistProfile.objects.only("pk", "areas").order_by("pk"))
        rng.shuffle(scientists)
        projects = list(open_projects.values())
        for scientist in scientists:
            if len(pairs) >= wanted:
                break
            fitting = [p for p in projects if set(p.areas) & set(scientist.areas)]
            if fitting and scientist.pk not in used_scientists:
                take(scientist.pk, rng.choice(fitting).pk)
    return pairs


def create_activity(
    accounts: DemoAccounts, *, seed: int = 2026, today: datetime.date | None = None
) -> ActivitySummary:
    """Interests, introductions and agreements with a history. Skipped if already there."""
    summary = ActivitySummary()
    if Agreement.objects.filter(ref__startswith=AGREEMENT_PREFIX).exists():
        return summary
    today = today or timezone.localdate()
    rng = random.Random(seed + 1)
    n_agreements = len(STAGE_PLAN)
    n_intro_only, n_scientist_only, n_institution_only, n_declined = 6, 20, 7, 8
    wanted = n_agreements + n_intro_only + n_scientist_only + n_institution_only + n_declined
    pairs = _pairs(rng, accounts, wanted)
    if not pairs:
        return summary

    scientists = ScientistProfile.objects.in_bulk({s for s, _ in pairs})
    projects = Project.objects.select_related("institution").in_bulk({p for _, p in pairs})
    matches = {
        (m.scientist_id, m.project_id): m
        for m in Match.objects.filter(scientist_id__in=scientists, project_id__in=projects).only(
            "scientist_id", "project_id", "score", "components", "reasons"
        )
    }
    fill_reasons(matches.values())

    def decided_by(side, scientist_id, project_id):
        if side == Interest.Side.SCIENTIST:
            return accounts.scientist if scientist_id == accounts.profile.pk else None
        if projects[project_id].institution_id == accounts.institution.pk:
            return accounts.member
        return None

    interests, introductions, intro_days = [], [], {}
    stages = _stages(rng)
    for index, (scientist_id, project_id) in enumerate(pairs):
        introduced = index < n_agreements + n_intro_only
        if index < n_agreements:
            back = rng.randint(*DAYS_SINCE_INTRODUCTION[stages[index]])
        else:
            back = rng.randint(2, 40)
        intro_day = today - datetime.timedelta(days=back)
        sides = [Interest.Side.SCIENTIST, Interest.Side.INSTITUTION]
        if not introduced:
            rest = index - n_agreements - n_intro_only
            if rest < n_scientist_only:
                sides = [Interest.Side.SCIENTIST]
            elif rest < n_scientist_only + n_institution_only:
                sides = [Interest.Side.INSTITUTION]
            else:
                sides = []
                side = rng.choice([Interest.Side.SCIENTIST, Interest.Side.INSTITUTION])
                interests.append(
                    (
                        Interest(
                            scientist_id=scientist_id,
                            project_id=project_id,
                            side=side,
                            decision=Interest.Decision.DECLINED,
                            reason=rng.choice(DECLINE_REASONS),
                            decided_by=decided_by(side, scientist_id, project_id),
                        ),
                        _at(intro_day, rng),
                    )
                )
        for offset, side in enumerate(sides):
            day = intro_day - datetime.timedelta(days=(len(sides) - offset) * rng.randint(1, 6))
            interests.append(
                (
                    Interest(
                        scientist_id=scientist_id,
                        project_id=project_id,
                        side=side,
                        decision=Interest.Decision.INTERESTED,
                        decided_by=decided_by(side, scientist_id, project_id),
                    ),
                    _at(day, rng),
                )
            )
        if introduced:
            match = matches.get((scientist_id, project_id))
            introductions.append(
                (
                    Introduction(
                        scientist_id=scientist_id,
                        project_id=project_id,
                        score=match.score if match else round(rng.uniform(0.55, 0.9), 3),
                        components=match.components if match else {},
                        reasons=match.reasons if match else [],
                    ),
                    _at(intro_day, rng),
                )
            )
            intro_days[(scientist_id, project_id)] = intro_day

    _create_backdated(Interest, interests)
    _create_backdated(Introduction, introductions)
    summary.interests = len(interests)
    summary.introductions = len(introductions)

    # The agreements go through the import (the public contract), then get their history.
    plans = []
    for index, (scientist_id, project_id) in enumerate(pairs[:n_agreements]):
        plans.append(
            _plan(
                rng,
                index,
                stages[index],
                scientists[scientist_id],
                projects[project_id],
                intro_days[(scientist_id, project_id)],
                today,
            )
        )
    importer.import_payload({"agreements": [p["record"] for p in plans]}, today=today)
    _write_history(rng, plans, accounts, projects, today, summary)
    return summary


def _stages(rng: random.Random) -> list[str]:
    """The demo logins' agreements first (one to answer, one running), then the rest."""
    head = [
        Stage.ACTIVE,
        Stage.PROPOSED,  # the demo scientist's two projects
        Stage.ACTIVE,
        Stage.PROPOSED,
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.COMPLETED,
        Stage.STALLED,  # the demo member's institution's projects
    ]
    rest = list(STAGE_PLAN)
    for stage in head:
        rest.remove(stage)
    rng.shuffle(rest)
    return head + rest


def _create_backdated(model, rows: list[tuple]) -> None:
    objs = [obj for obj, _ in rows]
    model.objects.bulk_create(objs, ignore_conflicts=False)
    if any(o.pk is None for o in objs):
        return
    for obj, moment in rows:
        obj.created_at = moment
        if hasattr(obj, "updated_at"):
            obj.updated_at = moment
    fields = ["created_at"] + (["updated_at"] if hasattr(objs[0], "updated_at") else [])
    model.objects.bulk_update(objs, fields)


def _plan(rng, index, stage, scientist, project, intro_day, today) -> dict:
    """The dates and the import record of one agreement."""
    days = datetime.timedelta
    proposed = intro_day + days(rng.randint(2, 10))
    signed = proposed + days(rng.randint(5, 25))
    started = signed + days(rng.randint(0, 14))
    plan = {"stage": stage, "proposed": proposed, "intro_day": intro_day}
    goals = [g for g in project.goals if g in scientist.goals] or project.goals[:2]
    hours = min(x for x in (scientist.hours_per_month, project.hours_per_month, 10) if x)
    record = {
        "ref": f"{AGREEMENT_PREFIX}{index + 1:03d}",
        "scientist": scientist.ref,
        "project": project.ref,
        "stage": stage,
        "goals": goals,
        "hours_per_month": hours,
    }
    last = proposed
    follow_up = None
    if stage in (Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED, Stage.STALLED):
        plan["signed"] = min(signed, today - days(3))
        last = plan["signed"]
    if stage in (Stage.ACTIVE, Stage.COMPLETED, Stage.STALLED):
        started = min(started, today - days(2))
        record["started_on"] = started.isoformat()
        plan["started"] = started
        last = started
    if stage == Stage.ACTIVE:
        # Most were touched recently; some drift toward stalling, some follow-ups are late.
        roll = index % 9
        if roll in (6, 7):
            last = max(started, today - days(rng.randint(46, 70)))
        else:
            last = max(started, today - days(rng.randint(0, 25)))
        if roll in (2, 3, 4):
            follow_up = today - days(rng.randint(2, 20))
        else:
            follow_up = today + days(rng.randint(5, 40))
    elif stage == Stage.COMPLETED:
        done = min(started + days(rng.randint(60, 120)), today - days(5))
        plan["completed"] = done
        record["completed_on"] = done.isoformat()
        last = done
    elif stage == Stage.STALLED:
        last = today - days(rng.randint(50, 130))
        last = max(last, started)
        plan["stalled"] = last + days(45)
        follow_up = today - days(rng.randint(1, 30)) if index % 2 else None
        record["close_reason"] = rng.choice(STALL_REASONS)
    elif stage == Stage.CANCELLED:
        last = proposed + days(rng.randint(10, 40))
        last = min(last, today - days(1))
        plan["cancelled"] = last
        record["close_reason"] = rng.choice(CANCEL_REASONS)
    elif stage == Stage.NEGOTIATING:
        plan["changes_requested"] = min(proposed + days(rng.randint(2, 10)), today)
        last = plan["changes_requested"]
        follow_up = today + days(rng.randint(3, 20))
    elif stage == Stage.SIGNED:
        follow_up = today + days(rng.randint(3, 20))
    else:  # proposed
        follow_up = today + days(rng.randint(3, 20)) if rng.random() < 0.5 else None
    last = min(last, today)
    plan["last"] = last
    record["last_activity_on"] = last.isoformat()
    if "signed" in plan:
        record["signed_on"] = plan["signed"].isoformat()
    if follow_up:
        record["next_follow_up_on"] = follow_up.isoformat()
    record["notes"] = rng.choice(
        [
            "Acordado por videollamada; la institución aporta datos y estudiantes.",
            "La científica dedicará sus horas a asesoría y revisión de manuscritos.",
            "Both sides agreed to meet monthly online.",
            "",
        ]
    )
    # Milestones from the start: past ones done (one overdue in some active ones).
    start = plan.get("started") or proposed + days(30)
    titles = sorted(rng.sample(MILESTONE_TITLES, k=rng.randint(2, 4)), key=MILESTONE_TITLES.index)
    milestones = []
    for k, title in enumerate(titles):
        due = start + days(20 + k * rng.randint(35, 70))
        done = stage == Stage.COMPLETED or (
            stage in (Stage.ACTIVE, Stage.STALLED) and due < last and not (k == 1 and index % 3)
        )
        item = {"title": title, "due_on": due.isoformat(), "done": done}
        if done:
            item["done_on"] = min(due, last).isoformat()
        milestones.append(item)
    record["milestones"] = milestones
    plan["record"] = record
    return plan


def _write_history(rng, plans, accounts, projects, today, summary: ActivitySummary) -> None:
    refs = [p["record"]["ref"] for p in plans]
    agreements = {
        a.ref: a for a in Agreement.objects.filter(ref__in=refs).select_related("introduction")
    }
    intros = {
        (i.scientist_id, i.project_id): i
        for i in Introduction.objects.filter(
            scientist_id__in=[a.scientist_id for a in agreements.values()]
        )
    }
    # The import recorded "Imported"; these came through the platform: write their story.
    AgreementEvent.objects.filter(agreement__in=agreements.values()).delete()
    events: list[tuple[AgreementEvent, datetime.datetime]] = []
    coordinator = accounts.coordinator
    for index, plan in enumerate(plans):
        agreement = agreements[plan["record"]["ref"]]
        project = projects[agreement.project_id]
        member_side = project.institution_id == accounts.institution.pk
        scientist_user = (
            accounts.scientist if agreement.scientist_id == accounts.profile.pk else None
        )
        member_user = accounts.member if member_side else None
        if agreement.scientist_id == accounts.profile.pk:
            proposer_side = "institution"  # the demo scientist has a proposal to answer
        elif member_side:
            proposer_side = "scientist"  # and so has the demo member
        else:
            proposer_side = "scientist" if index % 2 else "institution"
        proposer = scientist_user if proposer_side == "scientist" else member_user
        other_user = member_user if proposer_side == "scientist" else scientist_user
        agreement.introduction = intros.get((agreement.scientist_id, agreement.project_id))
        agreement.proposed_by = proposer
        if plan["stage"] in (Stage.PROPOSED, Stage.NEGOTIATING):
            agreement.awaiting_side = (
                ("institution" if proposer_side == "scientist" else "scientist")
                if plan["stage"] == Stage.PROPOSED
                else proposer_side
            )
        if "signed" in plan:
            agreement.days_to_sign = max((plan["signed"] - plan["intro_day"]).days, 0)
        if index % 3 != 2:
            agreement.coordinator = coordinator

        def add(day, kind, *, actor=None, message="", channel="", data=None, _a=agreement):
            events.append(
                (
                    AgreementEvent(
                        agreement=_a,
                        actor=actor,
                        kind=kind,
                        message=message,
                        channel=channel,
                        data=data or {},
                    ),
                    _at(day, rng),
                )
            )

        K = AgreementEvent.Kind
        add(plan["proposed"], K.CREATED, actor=proposer, data={"side": proposer_side})
        if agreement.coordinator_id:
            add(
                plan["proposed"] + datetime.timedelta(days=1),
                K.ASSIGNED,
                actor=coordinator,
                data={"coordinator": coordinator.pk},
            )
        if "changes_requested" in plan:
            add(
                plan["changes_requested"],
                K.STAGE,
                actor=other_user,
                message="¿Podemos ajustar las horas al mes y la fecha de inicio?",
                data={"action": "request_changes", "from": "proposed", "to": "negotiating"},
            )
        if "signed" in plan:
            add(
                plan["signed"],
                K.STAGE,
                actor=other_user,
                data={"action": "accept", "from": "proposed", "to": "signed"},
            )
        if "started" in plan:
            add(
                plan["started"],
                K.STAGE,
                actor=proposer or coordinator,
                data={"action": "start", "from": "signed", "to": "active"},
            )
        for milestone in plan["record"]["milestones"]:
            if milestone.get("done"):
                add(
                    datetime.date.fromisoformat(milestone["done_on"]),
                    K.MILESTONE_DONE,
                    actor=scientist_user or member_user,
                    message=milestone["title"],
                )
        if plan["stage"] in (Stage.ACTIVE, Stage.STALLED, Stage.COMPLETED, Stage.SIGNED):
            for _ in range(rng.randint(1, 2)):
                channel, text = rng.choice(CONTACT_NOTES)
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
                min(plan["last"], today),
                K.FOLLOW_UP,
                actor=coordinator,
                data={"on": agreement.next_follow_up_on.isoformat()},
            )
        if "completed" in plan:
            add(
                plan["completed"],
                K.STAGE,
                actor=proposer or coordinator,
                message="Artículo enviado y taller final realizado.",
                data={"action": "complete", "from": "active", "to": "completed"},
            )
        if "stalled" in plan:
            add(
                min(plan["stalled"], today),
                K.STAGE,
                message=agreement.close_reason,
                data={"action": "stall", "from": "active", "to": "stalled", "auto": True},
            )
        if "cancelled" in plan:
            add(
                plan["cancelled"],
                K.STAGE,
                actor=member_user or coordinator,
                message=agreement.close_reason,
                data={"action": "cancel", "from": "proposed", "to": "cancelled"},
            )
        summary.by_stage[plan["stage"]] = summary.by_stage.get(plan["stage"], 0) + 1

    fields = ["introduction", "proposed_by", "awaiting_side", "coordinator", "days_to_sign"]
    fields = [f for f in fields if any(f == x.name for x in Agreement._meta.get_fields())]
    Agreement.objects.bulk_update(agreements.values(), fields)
    for plan in plans:  # created when proposed, not when imported
        moment = _at(plan["proposed"], rng)
        Agreement.objects.filter(ref=plan["record"]["ref"]).update(
            created_at=moment, updated_at=_at(plan["last"], rng)
        )
    _create_backdated(AgreementEvent, events)
    summary.agreements = len(agreements)
    summary.milestones = Milestone.objects.filter(agreement__in=agreements.values()).count()
    summary.events = len(events)
