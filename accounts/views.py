from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from profiles.models import ScientistProfile

from . import data_rights
from .forms import DeleteAccountForm


@require_POST
def set_language(request):
    """Django's set_language, remembering the choice on the logged-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@login_required
def account(request):
    """The user's account: what we hold, and their rights over it."""
    profile = ScientistProfile.objects.filter(user=request.user).first()
    return render(request, "account/my_account.html", {"profile": profile})


@login_required
def export_data(request):
    """Everything about the requesting user, as a JSON download."""
    data = data_rights.export_user_data(request.user)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    filename = f"red-diaspora-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    """Confirm with the password, then delete the account and the scientist profile."""
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data_rights.delete_account(user=user)
        logout(request)
        messages.success(request, _("Your account and your data were deleted."))
        return redirect("home")
    profile = ScientistProfile.objects.filter(user=user).first()
    return render(request, "account/delete_account.html", {"form": form, "profile": profile})
