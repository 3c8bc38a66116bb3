from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer that loads every app's demo data (``manage.py demo_data``); it has no models."""

    name = "violeta.demo"
