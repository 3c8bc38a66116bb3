from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "violeta.accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from violeta.accounts import areas, signals  # noqa: F401
        from violeta.accounts.models import Area

        # The areas' ids kept per process (``areas.area_id``): read again after any change here.
        post_save.connect(areas._area_ids.forget, sender=Area, dispatch_uid="accounts.areas.saved")
        post_delete.connect(areas._area_ids.forget, sender=Area, dispatch_uid="accounts.areas.deleted")
