from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardConfig(AppConfig):
    name = "violeta.card"
    verbose_name = _("Mi apoyo, Mi bienestar card")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from violeta.card.models import Branch, Merchant, MerchantAccount
        from violeta.card.services.validation import forget_merchant_accounts
        from violeta.card.till_auth import forget_till_users

        # The till accounts' businesses kept by merchant_account_of and their users kept by TillUserMiddleware:
        # forgotten when any of them changes.
        for model in (Merchant, Branch, MerchantAccount, get_user_model()):
            post_save.connect(forget_merchant_accounts, sender=model, dispatch_uid=f"card-accounts-{model}")
            post_delete.connect(
                forget_merchant_accounts, sender=model, dispatch_uid=f"card-accounts-d-{model}"
            )
            post_save.connect(forget_till_users, sender=model, dispatch_uid=f"card-users-{model}")
            post_delete.connect(forget_till_users, sender=model, dispatch_uid=f"card-users-d-{model}")
