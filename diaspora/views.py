from django.shortcuts import render

from profiles import services
from profiles.models import Membership, Project, ScientistProfile


def home(request):
    """A landing page for visitors; pointers to the next step for users, by role."""
    user = request.user
    context = {}
    if user.is_authenticated:
        memberships = Membership.objects.filter(user=user).select_related("institution")
        context = {
            "has_profile": ScientistProfile.objects.filter(user=user).exists(),
            "approved_memberships": [
                m
                for m in memberships
                if m.status == Membership.Status.APPROVED and m.institution.approved
            ],
            "pending_memberships": [
                m for m in memberships if m.status == Membership.Status.PENDING
            ],
            "open_projects": Project.objects.open().count(),
        }
        if user.is_coordinator:
            context["pending_institutions"] = services.pending_institutions().count()
            context["pending_requests"] = services.pending_memberships().count()
    return render(request, "home.html", context)


def privacy(request):
    return render(request, "privacy.html")
