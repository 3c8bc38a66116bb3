from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "violeta.agenda"
    verbose_name = _("Agenda and phone lines")

    def ready(self):
        from violeta.agenda import intake

        # A logged phone call opens a prefilled intake interview; the new case is linked back to it in the
        # intake's transaction (cases.intake).
        intake.register()
