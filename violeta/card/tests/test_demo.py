"""The card part of the demo: every application state, replaced and cancelled cards, a linked demo till."""

from violeta.accounts.models import User
from violeta.card.models import ApplicationStatus, CardApplication, CardUse, MerchantCategory
from violeta.core.demo import DEMO_DOMAIN
from violeta.demo import loader


def test_demo_builds_the_card_program(db):
    loader.load_all()
    states = set(CardApplication.objects.values_list("status", flat=True))
    assert states == set(ApplicationStatus.values)
    till = User.objects.get(email=f"comercio@{DEMO_DOMAIN}")
    assert till.merchant_account.merchant.is_affiliated()
    assert set(CardUse.objects.values_list("merchant__category", flat=True)) == set(
        MerchantCategory.objects.values_list("pk", flat=True)
    )
    assert CardUse.objects.filter(result="valid").count() == CardUse.objects.count()
