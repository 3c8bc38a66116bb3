from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "violeta.messaging"
    verbose_name = _("Messages")

    def ready(self):
        from violeta.core import periodic
        from violeta.messaging import services

        periodic.register("messaging.reports_prune", 3600, services.reports_prune)
