from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.privacy"
    verbose_name = "Protección de datos"
