"""Who the load test logs in as, and what they look at: a JSON plan read by
the locustfile, built from the synthetic network that seed_scale stored."""

from __future__ import annotations

import random

from django.db.models import Count

from accounts.models import User
from agreements.models import Agreement
from demo import scale, scale_pages
from matching.models import Match
from profiles import vocab
from profiles.models import Membership, Project, ScientistProfile

SAMPLE = 2000


def _sample(rng, values, k=SAMPLE):
    values = list(values)
    return rng.sample(values, k) if len(values) > k else values


def build_plan(*, seed: int = 0, think_min: float = 0.0, think_max: float = 0.2) -> dict:
    rng = random.Random(seed)
    prefix = scale.PREFIX
    # Scientists with stored suggestions, half of them with agreements of their own.
    with_agreements: dict[int, list[int]] = {}
    for pk, scientist_id in (
        Agreement.objects.filter(ref__startswith=prefix)
        .order_by("pk")
        .values_list("pk", "scientist_id")[: SAMPLE * 5]
    ):
        with_agreements.setdefault(scientist_id, []).append(pk)
    chosen = _sample(rng, sorted(with_agreements), SAMPLE // 2)
    others = (
        Match.objects.filter(scientist__ref__startswith=prefix)
        .exclude(scientist_id__in=with_agreements)
        .order_by("scientist_id")
        .values_list("scientist_id", flat=True)
        .distinct()[: SAMPLE * 2]
    )
    chosen += _sample(rng, others, SAMPLE // 2)
    emails = dict(
        ScientistProfile.objects.filter(pk__in=chosen, user__isnull=False).values_list(
            "pk", "user__email"
        )
    )
    scientists = [
        {"email": emails[pk], "agreements": with_agreements.get(pk, [])}
        for pk in chosen
        if pk in emails
    ]

    members = []
    for email, institution_id in (
        Membership.objects.approved()
        .filter(user__email__startswith=prefix)
        .order_by("user_id")
        .values_list("user__email", "institution_id")
    ):
        projects = list(
            Project.objects.filter(institution_id=institution_id, status="open")
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        if not projects:
            continue
        agreements = list(
            Agreement.objects.filter(project__institution_id=institution_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        members.append({"email": email, "projects": projects, "agreements": agreements})

    coordinators = [
        {"email": email}
        for email in User.objects.filter(email__startswith=f"{prefix}coordinator-")
        .order_by("pk")
        .values_list("email", flat=True)
    ]
    words = set()
    for title in Project.objects.filter(ref__startswith=prefix).values_list("title", flat=True)[
        :500
    ]:
        words.update(w for w in title.split() if len(w) > 5)
    return {
        "seed": seed,
        "think_min": think_min,
        "think_max": think_max,
        "password": scale_pages.PASSWORD,
        "totp_secret": scale_pages.COORDINATOR_TOTP_SECRET,
        "scientists": scientists,
        "members": members,
        "coordinators": coordinators,
        "projects": _sample(
            rng,
            Project.objects.filter(ref__startswith=prefix, status="open")
            .order_by("pk")
            .values_list("pk", flat=True),
        ),
        "scientist_ids": _sample(
            rng,
            ScientistProfile.objects.filter(ref__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)[: SAMPLE * 10],
        ),
        "agreements": _sample(
            rng,
            Agreement.objects.filter(ref__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)[: SAMPLE * 10],
        ),
        "areas": list(vocab.Area.values),
        "states": sorted(
            Project.objects.filter(ref__startswith=prefix)
            .values("institution__state")
            .annotate(n=Count("pk"))
            .values_list("institution__state", flat=True)
        ),
        "countries": ["US", "CA", "GB", "DE", "ES", "FR"],
        "words": sorted(words)[:200] or ["genómica"],
    }
