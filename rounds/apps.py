from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rounds"
    verbose_name = _("Matching rounds")

    def ready(self):
        from . import signals  # noqa: F401  (a declined pair frees its seat)
