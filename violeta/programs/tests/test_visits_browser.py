"""A visit of IMM en tu empresa in a real Chromium: the trainer records the visit, the lawyer records the
consultation she gave there by the folio, and it appears in the case file; the trainer sees only the count."""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.people.tests.factories import PersonFactory
from violeta.programs import visits
from violeta.programs.models import AgeGroup, EventKind, Sex
from violeta.programs.tests import factories
from violeta.testing.browser import LOCALE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_to_a_grupo_index_company_and_a_consultation_in_her_case_file(
    browser, page, live_server, shots, trainer, lawyer
):
    with database_turn():
        company = factories.company(trainer, name="Ensambles Electrónicos de Chihuahua")
        holder = PersonFactory(given_names="Maricela", first_surname="Holguín")
        case = CaseFactory(opened_by=lawyer, holder=holder)
        folio = case.folio
    sign_in(page, live_server, trainer)
    page.goto(live_server.url + "/programas/")
    page.get_by_role("link", name="Visitas a empresas").click()
    page.get_by_role("link", name="Nueva visita").click()
    page.get_by_label("Empresa").select_option(label=company.name)
    page.get_by_label("Plática", exact=True).check()
    page.get_by_label("Asesoría jurídica", exact=True).check()
    page.get_by_label("Mujeres alcanzadas").fill("32")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name=f"Visita a {company.name}")).to_be_visible()
    expect(page.get_by_test_id("consultation-count")).to_have_text("0")
    visit_url = page.url

    lawyer_context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    try:
        her = lawyer_context.new_page()
        sign_in(her, live_server, lawyer)
        # from her menu: Seguimiento > Visitas a empresas, and the visit
        her.get_by_role("button", name="Seguimiento").click()
        her.get_by_role("link", name="Visitas a empresas").click()
        her.locator("tbody tr", has_text=company.name).get_by_role("link").click()
        expect(her).to_have_url(visit_url)
        her.get_by_role("link", name="Registrar una atención de esta visita").click()
        her.get_by_label("Folio de su expediente").fill(folio)
        her.get_by_label("Resumen para el equipo").fill("Asesoría sobre pensión alimenticia en la empresa.")
        her.get_by_role("button", name="Guardar").click()
        expect(her.get_by_text(f"Atención registrada en el expediente {folio}.")).to_be_visible()
        shots(her, "visit_consultation")
        her.get_by_role("link", name=folio).click()
        expect(her.get_by_role("heading", name=re.compile(folio))).to_be_visible()
        expect(her.get_by_text("En su empresa").first).to_be_visible()
    finally:
        lawyer_context.close()

    page.reload()
    expect(page.get_by_test_id("consultation-count")).to_have_text("1")
    expect(page.get_by_text("Maricela")).to_have_count(0)
    expect(page.get_by_text(folio)).to_have_count(0)
    assert horizontal_overflow(page) == 0
    shots(page, "visit_detail")


def test_the_campaign_page_on_a_phone(phone_page, live_server, shots, trainer):
    with database_turn():
        campaign = factories.campaign(trainer)
        visits.campaign_event_add(
            campaign=campaign,
            by=trainer,
            title="Marcha por la eliminación de la violencia contra las mujeres",
            kind=EventKind.MARCH,
            held_on=campaign.starts_on,
            place="Plaza de Armas",
            reach={(Sex.WOMAN, AgeGroup.FROM_18): 120, (Sex.MAN, AgeGroup.FROM_30): 30},
        )
    sign_in(phone_page, live_server, trainer)
    phone_page.goto(live_server.url + f"/programas/campanas/{campaign.pk}/")
    expect(phone_page.get_by_role("heading", name="150 personas alcanzadas en total")).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
    shots(phone_page, "campaign_detail")
    phone_page.get_by_role("link", name="Agregar un evento").click()
    expect(phone_page.get_by_role("heading", name="Nuevo evento")).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
    shots(phone_page, "campaign_event_form")
