"""Two tills behind the institute's reverse proxy are rate-limited apart (issue 12, hole 9)."""

from violeta.card.models import MerchantAccount
from violeta.card.tests import factories
from violeta.conftest import make_user

API = "/api/v1/card/validate"
PROXY = "10.0.0.5"


def validate(client, number, forwarded, remote=PROXY):
    return client.post(
        API,
        {"number": number},
        content_type="application/json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_two_merchants_behind_the_proxy_are_limited_apart(client, till, card_office, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    settings.CARD = {**settings.CARD, "RATE_PER_MINUTE_IP": 3, "RATE_PER_MINUTE_ACCOUNT": 100}
    card = factories.issued_card(card_office)
    other_business = factories.merchant()
    other = make_user("caja@otro-comercio.test", "merchant")
    MerchantAccount.objects.create(
        user=other, merchant=other_business, branch=factories.branch(other_business)
    )
    client.force_login(till)
    for _ in range(3):
        assert validate(client, card.number, "198.51.100.1").status_code == 200
    assert validate(client, card.number, "198.51.100.1").status_code == 429
    client.force_login(other)
    assert validate(client, card.number, "198.51.100.2").status_code == 200


def test_a_till_that_is_not_the_proxy_cannot_spoof_its_address(client, till, card_office, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    settings.CARD = {**settings.CARD, "RATE_PER_MINUTE_IP": 3, "RATE_PER_MINUTE_ACCOUNT": 100}
    card = factories.issued_card(card_office)
    client.force_login(till)
    for n in range(3):
        assert validate(client, card.number, f"198.51.100.{n}", remote="203.0.113.7").status_code == 200
    assert validate(client, card.number, "198.51.100.77", remote="203.0.113.7").status_code == 429
