from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Pages a coordinator or staff member without two-factor login may still use:
# their account (where it is set up), logging out, the language switch.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/")


def needs_two_factor(user) -> bool:
    """Coordinators and staff see everyone's data: they need a second factor."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not user.is_authenticated:
        return False
    if not (user.is_staff or user.is_coordinator):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def two_factor_required_for_staff(get_response):
    """Send coordinators and staff to set up an authenticator app before they
    reach the dashboard, the admin or any other page."""

    def middleware(request):
        path = request.path_info
        if (
            path != reverse("home")
            and not path.startswith(_OPEN_PREFIXES)
            and needs_two_factor(request.user)
        ):
            messages.warning(
                request,
                _("Coordinators and staff must set up two-factor login before going on."),
            )
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware
