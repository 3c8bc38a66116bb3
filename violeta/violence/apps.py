from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolenceConfig(AppConfig):
    name = "violeta.violence"
    verbose_name = _("Violence, risk and protection")
