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
        # Her SMS consent withdrawn: the reminders queued for her and not yet sent are taken back (people.signals).
        from violeta.agenda.services import reminders_withdraw_for_consent
        from violeta.people.signals import consent_withdrawn

        consent_withdrawn.connect(reminders_withdraw_for_consent, dispatch_uid="agenda.reminders_withdraw")
