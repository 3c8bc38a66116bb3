from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "violeta.referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from violeta.referrals import intake

        # A partner's inbound referral opens a prefilled intake interview; the new case is linked back to it
        # in the intake's transaction (cases.intake).
        intake.register()
