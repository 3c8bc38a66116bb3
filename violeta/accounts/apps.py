from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "violeta.accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from violeta.accounts import signals  # noqa: F401
