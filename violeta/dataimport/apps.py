from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataImportConfig(AppConfig):
    name = "violeta.dataimport"
    label = "dataimport"
    verbose_name = _("Import of records")

    def ready(self):
        from violeta.core import periodic
        from violeta.dataimport.services import stale_uploads_prune

        # Uploaded spreadsheets hold personal data: an import left unfinished does not keep its file.
        periodic.register("dataimport.stale_uploads", 3600, stale_uploads_prune)
