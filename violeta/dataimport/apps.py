from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataImportConfig(AppConfig):
    name = "violeta.dataimport"
    label = "dataimport"
    verbose_name = _("Import of records")
