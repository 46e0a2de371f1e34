from .services import unread_count


def notifications(request):
    """`unread_notifications` for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
