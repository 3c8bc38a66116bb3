from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "violeta.referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from django.urls import reverse

        from violeta.audit import targets
        from violeta.documents import attachers
        from violeta.referrals import intake
        from violeta.referrals.permissions import is_liaison_of

        # A partner's inbound referral opens a prefilled intake interview; the new case is linked back to it
        # in the intake's transaction (cases.intake).
        intake.register()
        # The liaison of the institution a referral was sent to attaches its counter-referral letter, though she
        # never sees the case (documents.attachers).
        attachers.register("referrals.Referral", is_liaison_of)
        # The audit log links a line about a referral to the referral (whose page checks who may read it).
        targets.register_link("referrals.referral", lambda ref: reverse("referrals:detail", args=[ref.folio]))
        # "Mis pendientes": referrals sent and not answered in time.
        from violeta.referrals import pending

        pending.register()
