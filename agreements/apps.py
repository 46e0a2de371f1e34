from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from matching.models import Interest, Introduction

        from . import dashboard
        from .models import Agreement, Milestone

        for model in (Agreement, Milestone, Introduction, Interest):
            for signal in (post_save, post_delete):
                signal.connect(
                    dashboard.forget_figures, sender=model, dispatch_uid=f"dashboard-{model}"
                )
