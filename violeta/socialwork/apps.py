from django.apps import AppConfig


class SocialworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.socialwork"
    verbose_name = "Trabajo social"
