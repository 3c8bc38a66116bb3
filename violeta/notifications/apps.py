from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "violeta.notifications"
    verbose_name = _("Notices")

    def ready(self):
        from violeta.notifications import receivers  # noqa: F401
