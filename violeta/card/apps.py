from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardConfig(AppConfig):
    name = "violeta.card"
    verbose_name = _("Mi apoyo, Mi bienestar card")
