from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import User

from . import feeds, kinds, services
from .forms import PreferencesForm
from .models import Notification, NotificationSettings

PAGE_SIZE = 30


def _get_notification_for_user(user, pk) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one read and go to the page it points to."""
    notification = _get_notification_for_user(request.user, pk)
    notification.mark_read()
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.link)


@login_required
@require_POST
def notification_read(request, pk):
    _get_notification_for_user(request.user, pk).mark_read()
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(request.user)
    messages.success(request, _("All notifications marked read."))
    return redirect("notifications:list")


def _kinds_of(user: User) -> list[str]:
    return kinds.kinds_for(
        is_scientist=user.is_scientist,
        is_member=bool(user.approved_institution_ids),
        is_coordinator=user.is_coordinator,
    )


@login_required
def preferences(request):
    user = request.user
    form = PreferencesForm(request.POST or None, user=user, kinds=_kinds_of(user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    token = NotificationSettings.of(user).calendar_token
    feed_url = services.site_url(reverse("notifications:calendar", args=[token]))
    return render(request, "notifications/preferences.html", {"form": form, "feed_url": feed_url})


@login_required
@require_POST
def calendar_reset(request):
    NotificationSettings.of(request.user).reset_calendar()
    messages.success(request, _("Your calendar has a new address: the old one no longer works."))
    return redirect("notifications:preferences")


def calendar(request, token):
    """The private calendar feed: the secret in the URL is the only key."""
    chosen = (
        NotificationSettings.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if chosen is None:
        raise Http404
    response = HttpResponse(feeds.calendar_for(chosen.user), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="red-diaspora.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# Mail clients send the one-click POST (RFC 8058) without cookies: the signed token
# in the URL is what authorises it.
@csrf_exempt
def unsubscribe(request, token):
    found = services.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user, kind = found
    label = _("the weekly digest") if kind == services.DIGEST else str(kinds.Kind(kind).label)
    if request.method == "POST":
        services.unsubscribe(user, kind)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})
