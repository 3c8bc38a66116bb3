from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "violeta.messaging"
    verbose_name = _("Messages")

    def ready(self):
        from violeta.core import periodic
        from violeta.messaging import services
        from violeta.messaging.fallback import fallbacks_sweep

        periodic.register("messaging.reports_prune", 3600, services.reports_prune)
        # A WhatsApp message not delivered in time goes again by SMS, once (also run by messaging_check).
        periodic.register("messaging.fallbacks", 0.25, fallbacks_sweep, safety_net=True)
