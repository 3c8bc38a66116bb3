from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "violeta.core"
    verbose_name = "Núcleo"
