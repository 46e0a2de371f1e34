import datetime
from dataclasses import dataclass

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import COORDINATORS_GROUP, User
from agreements.models import Agreement, Milestone, Stage
from matching.models import Interest, Introduction, Match
from profiles import vocab
from profiles.models import Institution, Membership, Project, ScientistProfile

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = User.Role.SCIENTIST
    # Signing up means accepting the privacy notice.
    privacy_accepted_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users have a verified primary email unless verified=False."""
        if not create:
            return
        obj.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(
            user=obj, email=obj.email, primary=True, verified=extracted is not False
        )

    @factory.post_generation
    def two_factor(obj, create, extracted, **kwargs):
        """Staff and coordinators have an authenticator app (they may not work
        without one) unless two_factor=False; others only with two_factor=True."""
        if not create:
            return
        wanted = extracted if extracted is not None else obj.is_staff or obj.is_superuser
        if wanted or (extracted is None and obj.role == User.Role.COORDINATOR):
            activate_totp(obj)


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def activate_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, TOTP_SECRET)


class CoordinatorFactory(UserFactory):
    role = User.Role.COORDINATOR

    @factory.post_generation
    def coordinator_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
            obj.groups.add(group)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    ref = factory.Sequence(lambda n: f"inst-{n}")
    name = factory.Sequence(lambda n: f"Instituto de Investigación {n}")
    kind = vocab.InstitutionKind.UNIVERSITY
    state = "MX-CMX"
    city = "Ciudad de México"
    approved = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=User.Role.INSTITUTION_MEMBER)
    institution = factory.SubFactory(InstitutionFactory)
    status = Membership.Status.APPROVED


class ScientistProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScientistProfile

    user = factory.SubFactory(UserFactory)
    ref = factory.Sequence(lambda n: f"sci-{n}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "imported@example.org")
    country = "US"
    city = "Houston"
    institution_abroad = "Rice University"
    position = vocab.Position.POSTDOC
    fields = factory.LazyFunction(lambda: ["biology_chemistry"])
    keywords = factory.LazyFunction(lambda: ["genómica", "bioinformática"])
    summary = "Genómica de poblaciones y bioinformática de plantas."
    goals = factory.LazyFunction(lambda: ["publications"])
    collaboration_types = factory.LazyFunction(lambda: ["academic_project"])
    available_from = datetime.date(2027, 1, 15)
    horizon_months = 24
    hours_per_month = 10
    languages = factory.LazyFunction(lambda: ["es", "en"])
    alma_maters = factory.LazyFunction(lambda: ["UNAM"])
    states_of_interest = factory.LazyFunction(lambda: ["MX-CMX"])
    sectors = factory.LazyFunction(lambda: ["academia"])
    abroad_since = 2019
    collaborated_before = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    ref = factory.Sequence(lambda n: f"proj-{n}")
    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Genómica de maíces nativos {n}")
    description = "Secuenciación y análisis de poblaciones de maíz nativo."
    fields = factory.LazyFunction(lambda: ["biology_chemistry"])
    keywords = factory.LazyFunction(lambda: ["genómica de poblaciones"])
    goals = factory.LazyFunction(lambda: ["publications"])
    collaboration_type = vocab.CollaborationType.ACADEMIC_PROJECT
    starts_on = datetime.date(2027, 2, 1)
    duration_months = 18
    first_results_months = 6
    hours_per_month = 8
    languages = factory.LazyFunction(lambda: ["es"])
    funding = vocab.Funding.NONE
    seats = 2
    status = vocab.ProjectStatus.OPEN


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    scientist = factory.SubFactory(ScientistProfileFactory)
    project = factory.SubFactory(ProjectFactory)
    score = 0.8
    components = factory.LazyFunction(
        lambda: {"field": 0.9, "goals": 0.8, "timeline": 0.7, "network": 0.5, "language": 1.0}
    )
    reasons = factory.LazyFunction(list)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    scientist = factory.SubFactory(ScientistProfileFactory)
    project = factory.SubFactory(ProjectFactory)
    side = Interest.Side.SCIENTIST
    decision = Interest.Decision.INTERESTED


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction

    scientist = factory.SubFactory(ScientistProfileFactory)
    project = factory.SubFactory(ProjectFactory)
    score = 0.8


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    ref = factory.Sequence(lambda n: f"agr-{n}")
    scientist = factory.SubFactory(ScientistProfileFactory)
    project = factory.SubFactory(ProjectFactory)
    stage = Stage.ACTIVE
    started_on = datetime.date(2026, 9, 1)
    last_activity_on = datetime.date(2026, 11, 10)
    goals = factory.LazyFunction(lambda: ["publications"])


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2027, 3, 1)


@dataclass
class RoleSet:
    """Everyone a view test should try: the owner scientist and their profile,
    another scientist, a member of the project's institution, a member of
    another institution, and a coordinator; plus the project they share."""

    scientist: User
    profile: ScientistProfile
    other_scientist: User
    other_profile: ScientistProfile
    member: User
    institution: Institution
    project: Project
    other_member: User
    other_institution: Institution
    other_project: Project
    coordinator: User

    @classmethod
    def build(cls):
        profile = ScientistProfileFactory()
        other_profile = ScientistProfileFactory()
        membership = MembershipFactory()
        other_membership = MembershipFactory()
        return cls(
            scientist=profile.user,
            profile=profile,
            other_scientist=other_profile.user,
            other_profile=other_profile,
            member=membership.user,
            institution=membership.institution,
            project=ProjectFactory(institution=membership.institution),
            other_member=other_membership.user,
            other_institution=other_membership.institution,
            other_project=ProjectFactory(institution=other_membership.institution),
            coordinator=CoordinatorFactory(),
        )
