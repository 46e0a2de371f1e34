from django.shortcuts import render
from django.utils.translation import gettext as _

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


def csrf_failure(request, reason=""):
    """A form sent with an expired or missing security token: the site's own page."""
    return render(
        request,
        "403_csrf.html",
        {"explanation": _("Your session may have expired, or cookies are blocked.")},
        status=403,
    )
