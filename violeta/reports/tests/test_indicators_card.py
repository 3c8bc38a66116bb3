"""Cards issued, active, and their uses by category, against a small data set counted by hand."""

from datetime import date

import pytest

from violeta.accounts.models import Role
from violeta.card.models import Card, CardUse, MerchantAccount
from violeta.card.services.cards import card_cancel, card_replace
from violeta.card.services.validation import card_validate
from violeta.card.tests import factories
from violeta.conftest import make_user
from violeta.people.models import Neighborhood
from violeta.people.tests.factories import PersonFactory
from violeta.reports.indicators import Rule, get
from violeta.reports.tests.reach_data import NOVEMBER, at, statistics_consent

pytestmark = pytest.mark.django_db

ISSUED, REPLACEMENTS, ACTIVE = (
    ("Primeras tarjetas emitidas",),
    ("Tarjetas de reposición emitidas",),
    ("Activas al final del periodo",),
)


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):
    settings.CARD = {**settings.CARD, "PRIVATE_ROOT": tmp_path / "private"}


def card(by, given_names, birth_date, issued, **overrides):
    issued_card = factories.issued_card(
        by, given_names=given_names, birth_date=birth_date, phone="+526144900789", **overrides
    )
    Card.objects.filter(pk=issued_card.pk).update(issued_at=issued, valid_from=issued.date())
    issued_card.refresh_from_db()
    return issued_card


def till(business, email):
    user = make_user(email, Role.MERCHANT)
    account = MerchantAccount.objects.create(user=user, merchant=business, branch=factories.branch(business))
    return user, account


def use(till_account, of: Card, when):
    user, account = till_account
    card_validate(user=user, account=account, number=of.number)
    CardUse.objects.filter(pk=CardUse.objects.latest("pk").pk).update(at=when)


@pytest.fixture
def cards(card_office, lawyer):
    """November 2026.
    Ana (36, registered in Violeta with her CURP, consented): card issued 3 Nov.
    Bea (26, registered, no consent): card issued 15 Oct, active.
    Carmen (66, card program only): card issued 10 Nov, replaced 20 Nov.
    Dora (76, card program only): card of 2024, expired June 2026.
    Eva (41, card program only, another colonia): card issued 25 Nov, cancelled 2 Dec.
    Uses: Ana's at the supermarket twice and at the clinic once, Bea's at the supermarket once, Dora's expired
    card at the clinic once, an unknown number at the supermarket once; Carmen's at the supermarket in October."""
    other = (
        Neighborhood.objects.filter(municipality="Chihuahua").exclude(pk=factories.neighborhood().pk).first()
    )
    ana = card(card_office, "Ana", date(1990, 5, 10), at(3))
    statistics_consent(PersonFactory(curp=ana.application.curp, given_names="Ana"), lawyer)
    bea = card(card_office, "Beatriz", date(2000, 1, 1), at(15, 10))
    PersonFactory(curp=bea.application.curp, given_names="Beatriz")
    carmen = card(card_office, "Carmen", date(1960, 3, 3), at(10))
    carmen_new = card_replace(card=carmen, by=card_office, reason="La perdió")
    Card.objects.filter(pk=carmen.pk).update(ended_at=at(20))
    Card.objects.filter(pk=carmen_new.pk).update(issued_at=at(20), valid_from=date(2026, 11, 20))
    dora = card(card_office, "Dora", date(1950, 2, 2), at(1, 6))
    Card.objects.filter(pk=dora.pk).update(valid_from=date(2024, 6, 1), valid_until=date(2026, 6, 1))
    eva = card(
        card_office, "Eva", date(1985, 7, 7), at(25), neighborhood=other, postal_code=other.postal_code
    )
    card_cancel(card=eva, by=card_office, reason="Ya no vive en el municipio")
    Card.objects.filter(pk=eva.pk).update(ended_at=at(2, 12))

    supermarket = till(factories.merchant(), "caja1@comercio.test")
    clinic = till(factories.merchant(name="Clínica Santa Rita", category="clinicas"), "caja2@comercio.test")
    use(supermarket, ana, at(4))
    use(supermarket, ana, at(5))
    use(clinic, ana, at(6))
    use(supermarket, bea, at(7))
    dora.refresh_from_db()
    use(clinic, dora, at(8))
    unknown = Card(number="4111111111111111")  # a well-formed number no card has
    use(supermarket, unknown, at(9))
    use(supermarket, ana, at(1, 12))
    return {"other": other.pk}


def test_cards_issued_in_the_period_and_active_at_its_end(cards):
    table = get("cards")
    # Issued: Ana, Carmen, Eva, and Carmen's replacement. Active on 30 Nov: Ana, Bea, Carmen's new card, Eva.
    assert table(NOVEMBER).as_dict() == {
        ISSUED: {"cards": 3},
        REPLACEMENTS: {"cards": 1},
        ACTIVE: {"cards": 4},
    }
    # Bea is registered in Violeta and did not consent: her card leaves. Ana consented; the rest are not
    # registered.
    assert table(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ISSUED: {"cards": 3},
        REPLACEMENTS: {"cards": 1},
        ACTIVE: {"cards": 3},
    }
    assert table(NOVEMBER.but(age_group="60+")).as_dict() == {
        ISSUED: {"cards": 1},
        REPLACEMENTS: {"cards": 1},
        ACTIVE: {"cards": 1},
    }
    assert table(NOVEMBER.but(neighborhood=cards["other"])).as_dict() == {
        ISSUED: {"cards": 1},
        REPLACEMENTS: {"cards": 0},
        ACTIVE: {"cards": 1},
    }
    # On 31 October: Bea's (issued 15 Oct) only; Eva's was not issued yet, Dora's had expired.
    october = get("cards")(NOVEMBER.but(start=date(2026, 10, 1), end=date(2026, 10, 31))).as_dict()
    assert october == {ISSUED: {"cards": 1}, REPLACEMENTS: {"cards": 0}, ACTIVE: {"cards": 1}}


def test_card_uses_by_business_category(cards):
    table = get("card_uses")
    internal = table(NOVEMBER).as_dict()
    assert internal[("Supermercados",)] == {"uses": 3, "expired": 0}
    assert internal[("Clínicas médicas",)] == {"uses": 1, "expired": 1}
    assert internal[("Otros",)] == {"uses": 0, "expired": 0}
    assert len(internal) == 7  # every category, in the program's order
    statistics = table(NOVEMBER, Rule.STATISTICS).as_dict()
    assert statistics[("Supermercados",)] == {"uses": 2, "expired": 0}
    assert statistics[("Clínicas médicas",)] == {"uses": 1, "expired": 1}
    ana_only = table(NOVEMBER.but(age_group="30-44")).as_dict()
    assert ana_only[("Supermercados",)] == {"uses": 2, "expired": 0}
    assert ana_only[("Clínicas médicas",)] == {"uses": 1, "expired": 0}
