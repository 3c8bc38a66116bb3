from django.apps import AppConfig


class PsychologyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.psychology"
    verbose_name = "Atención psicológica"
