def reminders(request):
    """`unread_reminders` for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_reminders": 0}
    return {"unread_reminders": user.reminders.filter(read_at__isnull=True).count()}
