import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def today_option(value: str | None) -> datetime.date:
    """The day a `--today YYYY-MM-DD` option names, or today."""
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today {value!r}: not a date YYYY-MM-DD") from exc
