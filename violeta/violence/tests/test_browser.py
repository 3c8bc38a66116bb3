"""The violence part of a case in a real Chromium: the EPV-R form, an override with its reason, the priority."""

import os
import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.violence.tests.factories import assess, epv_r, granted_order, record_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("VIOLETA_SCREENSHOTS")  # a folder, to look at the screens while developing


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_lawyer_runs_the_epv_r_overrides_and_the_case_becomes_priority(
    page, live_server, lawyer, psychologist
):
    epv_r()  # transactional tests empty the tables that migrations filled
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    record_incident(case, lawyer)
    granted_order(case, lawyer, granted_days_ago=56)
    sign_in(page, live_server, lawyer)
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")
    section = page.locator("#violencia")
    expect(section.get_by_role("heading", name="Violencia, riesgo y protección")).to_be_visible()
    expect(section.get_by_text("Quedan 4 días")).to_be_visible()
    section.get_by_role("link", name="Valorar riesgo").click()
    expect(page.get_by_text("no se han verificado contra su fuente")).to_be_visible()
    for group in page.get_by_role("radiogroup").all():
        group.get_by_label("No", exact=True).check()
    page.get_by_role("radiogroup", name=re.compile("Amenazas graves o de muerte")).get_by_label("Sí").check()
    page.get_by_label("Nivel final").select_option(label="Alto")
    shot(page, "assessment_form")
    page.get_by_role("button", name="Guardar valoración").click()
    expect(page.get_by_text("Explique por qué el nivel final")).to_be_visible()
    page.get_by_label("Motivo para cambiar el nivel").fill("Intento de estrangulamiento la semana pasada.")
    page.get_by_role("button", name="Guardar valoración").click()
    expect(page.get_by_text("el expediente ahora es prioritario")).to_be_visible()
    shot(page, "assessment_detail")
    page.get_by_role("link", name=case.folio).first.click()
    expect(
        page.get_by_role("heading", name=re.compile(case.folio)).get_by_text("Prioritario")
    ).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="todavía no hay plan de seguridad")).to_be_visible()
    shot(page, "case_detail")
    page.get_by_role("button", name="Seguimiento").click()
    page.get_by_role("link", name="Órdenes por vencer").click()
    expect(page.get_by_role("link", name=case.folio)).to_be_visible()
    shot(page, "expiring")


def test_on_a_phone_the_risk_table_and_the_epv_r_form_scroll_inside_the_page(page, live_server, lawyer):
    instrument = epv_r()
    case = CaseFactory(opened_by=lawyer)
    assess(case, lawyer, instrument)
    sign_in(page, live_server, lawyer)
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/expedientes/{case.folio}/", f"/violencia/{case.folio}/valoraciones/nueva/"):
        page.goto(live_server.url + url)
        expect(page.locator("#contenido h1")).to_be_visible()
        # Wide tables scroll in their own box; the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    # ... keeping whole words: the item number 10 was drawn as "1" over "0", the headers a few letters a line.
    for cell in (
        page.get_by_role("cell", name="10", exact=True),
        page.get_by_role("columnheader", name="Ítem"),
    ):
        assert (
            cell.evaluate(
                "e => { const r = document.createRange(); r.selectNodeContents(e.firstChild);"
                " return r.getClientRects().length; }"
            )
            == 1
        )
