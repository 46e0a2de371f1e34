from django.conf import settings


def roles(request):
    """What the navigation needs to know about the requesting user."""
    user = request.user
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "is_coordinator": False,
        "is_institution_member": False,
        "can_browse_scientists": False,
    }
    if user.is_authenticated:
        is_coordinator = user.is_coordinator
        is_member = bool(user.approved_institution_ids)
        context.update(
            is_coordinator=is_coordinator,
            is_institution_member=is_member,
            can_browse_scientists=is_coordinator or is_member,
        )
    return context
