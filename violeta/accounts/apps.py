from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "violeta.accounts"
    verbose_name = "Cuentas del personal"

    def ready(self):
        from violeta.accounts import signals  # noqa: F401
