from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and benchmark generators, kept out of the domain apps."""

    name = "demo"
    verbose_name = "Demo data"
