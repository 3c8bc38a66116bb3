from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "violeta.agenda"
    verbose_name = _("Agenda and phone lines")

    def ready(self):
        from violeta.agenda import intake
        from violeta.agenda.callbacks import callback_requests_erase
        from violeta.core import periodic

        # A logged phone call opens a prefilled intake interview; the new case is linked back to it in the
        # intake's transaction (cases.intake).
        intake.register()
        # What she wrote in a handled callback request is erased after the retention days (agenda/conf.py).
        periodic.register("agenda.callback_requests_erase", 3600, callback_requests_erase)
