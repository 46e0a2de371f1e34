import datetime

import pytest
from django.test import Client
from django.utils import translation

from agreements import services
from agreements.models import Stage
from tests import factories

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def introduction(roles):
    return factories.IntroductionFactory(scientist=roles.profile, project=roles.project)


@pytest.fixture
def proposed(roles, introduction):
    """An agreement proposed by the scientist, awaiting the institution."""
    return services.propose_agreement(
        introduction=introduction,
        by=roles.scientist,
        goals=["publications"],
        goals_text="Un artículo conjunto.",
        hours_per_month=8,
        started_on=datetime.date(2027, 1, 15),
        milestones=[{"title": "Primer borrador", "due_on": datetime.date(2027, 3, 1)}],
        today=TODAY,
    )


def make_agreement(roles, stage, **kwargs):
    """An agreement between the roles' scientist and project in a given stage."""
    awaiting = {Stage.PROPOSED: "institution", Stage.NEGOTIATING: "scientist"}.get(stage, "")
    kwargs.setdefault("last_activity_on", TODAY)
    kwargs.setdefault("awaiting_side", awaiting)
    return factories.AgreementFactory(
        scientist=roles.profile, project=roles.project, stage=stage, **kwargs
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids), whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(headers={"Accept-Language": "en"})
