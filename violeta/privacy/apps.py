from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "violeta.privacy"
    verbose_name = "Protección de datos"

    def ready(self):
        from violeta.audit import targets

        # The audit log's name for the deletions made when a retention period ends (services/retention.py).
        targets.register_name("privacy.retention", lambda: _("End of a retention period"))
