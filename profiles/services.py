"""Workflows that span models: claiming imported profiles, institutions and memberships."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from notifications import events as notification_events

from .models import Institution, Membership, ScientistProfile


@transaction.atomic
def claim_imported_profile(*, user: User, email: str) -> ScientistProfile | None:
    """Link an imported, unclaimed profile with this (verified) email to the user.

    Only scientists without a profile claim one; the oldest match wins. Returns the
    claimed profile, or None when there is nothing to claim.
    """
    if not user.is_scientist or ScientistProfile.objects.filter(user=user).exists():
        return None
    profile = (
        ScientistProfile.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=email.strip())
        .order_by("created_at", "pk")
        .first()
    )
    if profile is None:
        return None
    profile.user = user
    profile.save()
    return profile


@transaction.atomic
def register_institution(*, user: User, institution: Institution) -> Institution:
    """Save a new institution, pending approval, with the registrant's pending membership."""
    institution.approved = False
    institution.created_by = user
    institution.save()
    Membership.objects.create(user=user, institution=institution)
    notification_events.institution_registered(institution, by=user)
    return institution


@transaction.atomic
def request_membership(*, user: User, institution: Institution) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, institution=institution)
    if created:
        notification_events.membership_requested(membership)
    return membership


@transaction.atomic
def decide_institution(
    *, institution: Institution, approve: bool, by: User | None = None
) -> Institution:
    """Approve a pending institution (and its pending memberships) or reject both."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    now = timezone.now()
    if approve:
        institution.approved = True
        institution.save(update_fields=["approved", "updated_at"])
    status = Membership.Status.APPROVED if approve else Membership.Status.REJECTED
    pending = institution.memberships.filter(status=Membership.Status.PENDING)
    members = [m.user for m in pending.select_related("user")]
    pending.update(status=status, decided_at=now)
    notification_events.institution_decided(institution, approved=approve, members=members, by=by)
    return institution


@transaction.atomic
def decide_membership(
    *, membership: Membership, approve: bool, by: User | None = None
) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "institution")
        .get(pk=membership.pk)
    )
    membership.status = Membership.Status.APPROVED if approve else Membership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    notification_events.membership_decided(membership, by=by)
    return membership


def pending_institutions():
    """Institutions awaiting a coordinator: unapproved and not rejected."""
    return (
        Institution.objects.filter(approved=False)
        .filter(Q(memberships__status=Membership.Status.PENDING) | Q(memberships__isnull=True))
        .distinct()
        .order_by("created_at")
    )


def pending_memberships():
    """Requests to join an approved institution."""
    return Membership.objects.filter(
        status=Membership.Status.PENDING, institution__approved=True
    ).order_by("created_at")
