"""The liaison's portal in a real Chromium: she lands on her institution's referrals, opens one, accepts it."""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.conftest import PASSWORD
from violeta.referrals.models import Referral, ReferralStatus
from violeta.referrals.tests.factories import dif, link, refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_accepts_a_referral(page, live_server, dif_liaison, social_worker):
    institution = dif()
    link(dif_liaison, institution)
    case = CaseFactory(opened_by=social_worker)
    referral = refer(case, social_worker, institution, summary="Necesita guardería para sus dos hijos.")
    page.goto(live_server.url + "/cuenta/login/")
    page.get_by_label("Correo electrónico").fill(dif_liaison.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name=re.compile("Canalizaciones a mi institución"))).to_be_visible()
    page.get_by_role("link", name=referral.folio).click()
    expect(page.get_by_text("Necesita guardería para sus dos hijos.")).to_be_visible()
    page.get_by_role("button", name="Aceptar la canalización").click()
    expect(page.get_by_text("Registrado. Se avisó al equipo del expediente.")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.RECEIVED


def _lines(locator) -> int:
    """On how many lines the element's text (one text node) is drawn."""
    return locator.evaluate(
        "element => { const r = document.createRange(); r.selectNodeContents(element.firstChild);"
        " return r.getClientRects().length; }"
    )


def test_on_a_phone_the_liaisons_referrals_scroll_in_their_box_without_breaking_words(
    phone_page, live_server, dif_liaison, social_worker
):
    # The page's rule that breaks an over-long word anywhere (a 300-letter name) also let the table squeeze
    # every column to one letter: the folio and the headers were drawn a few letters per line.
    institution = dif()
    link(dif_liaison, institution)
    referral = refer(CaseFactory(opened_by=social_worker), social_worker, institution)
    phone_page.goto(live_server.url + "/cuenta/login/")
    phone_page.get_by_label("Correo electrónico").fill(dif_liaison.email)
    phone_page.get_by_label("Contraseña").fill(PASSWORD)
    phone_page.get_by_role("button", name="Entrar").click()
    folio = phone_page.get_by_role("link", name=referral.folio)
    expect(folio).to_be_visible()
    assert _lines(folio) == 1
    assert _lines(phone_page.get_by_role("columnheader", name="Urgencia")) == 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
