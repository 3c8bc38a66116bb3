import pytest

from violeta.card.models import MerchantAccount
from violeta.card.tests import factories


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):
    """Uploads go to a temporary private directory, never the developer's var/."""
    settings.CARD = {**settings.CARD, "PRIVATE_ROOT": tmp_path / "private"}


@pytest.fixture
def shop(db):
    business = factories.merchant()
    return business, factories.branch(business)


@pytest.fixture
def till(merchant, shop):
    """The conftest persona ``merchant`` linked to an affiliated business and its branch."""
    business, branch = shop
    MerchantAccount.objects.create(user=merchant, merchant=business, branch=branch)
    return merchant
