"""Journey: a psychologist opens Violeta and the menu tells her how much is due; "Mis pendientes" shows the
high-risk case she has not seen for 8 days, overdue, with the "Riesgo alto" flag beside its folio, and not the
low-risk case seen as long ago (its rule is 30 days). The director changes the high-risk rule to 10 days, and
the case is no longer due.

Personas: the psychologist and the director (desktop, 1280 px). Her name never appears on the list: the folio
and her flags only.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.cases.tests.test_browser import sign_in
from violeta.testing import axe
from violeta.testing.browser import LOCALE, TIMEZONE, database_turn, horizontal_overflow
from violeta.violence.models import RiskAssessment
from violeta.violence.tests.factories import epv_r

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seen_days_ago(opener, professional, *, days: int, level: str) -> Case:
    case = CaseFactory(opened_by=opener, team=(professional,))
    record_consultation(case, professional, when=timezone.now() - timedelta(days=days))
    RiskAssessment.objects.create(
        case=case,
        instrument=epv_r(),
        score=30 if level == "high" else 4,
        max_possible=48,
        computed_level=level,
        final_level=level,
        is_alarm=level == "high",
        assessed_by=professional,
        assessed_at=timezone.now() - timedelta(days=days + 1),
    )
    return case


def test_her_pending_work_shows_the_high_risk_case_without_contact_for_8_days(
    browser, page, live_server, shots, receptionist, psychologist, director
):
    with database_turn():
        cache.clear()
        high = _seen_days_ago(receptionist, psychologist, days=8, level="high")
        low = _seen_days_ago(receptionist, psychologist, days=8, level="low")
        name = high.holder.full_name

    sign_in(page, live_server, psychologist)
    menu_item = page.locator("#nav-pending")
    expect(menu_item).to_contain_text("Mis pendientes")
    # The count beside the menu item, read out as "1 pendiente".
    expect(menu_item.locator("[data-pending-count]")).to_have_text("1 pendiente")

    menu_item.click()
    expect(page.get_by_role("heading", name="Mis pendientes")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/expedientes/pendientes/$"))
    rows = page.locator("#pending-list tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.get_by_role("link", name=high.folio)).to_be_visible()
    expect(row).to_contain_text("Seguimiento")
    expect(row).to_contain_text("Sin atención desde hace 8 días")
    expect(row).to_contain_text("vencido hace 1 día")
    expect(row.locator('[data-flag="high_risk"]')).to_contain_text("Riesgo alto")
    expect(page.locator("#contenido")).not_to_contain_text(low.folio)
    expect(page.locator("#contenido")).not_to_contain_text(name)
    shots(page, "mis-pendientes")
    assert horizontal_overflow(page) == 0
    assert axe.check(page) == []

    # From the line to her case: the same flag beside her name in the header.
    row.get_by_role("link", name=high.folio).click()
    expect(page.get_by_role("heading", name=high.folio)).to_be_visible()
    expect(page.locator('[data-flag="high_risk"]').first).to_contain_text("Riesgo alto")

    # The director gives high-risk cases 10 days: the case is no longer due. (Her own browser: the psychologist's
    # last requests may still be answering, and would give her session back to a shared one.)
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    try:
        director_page = context.new_page()
        sign_in(director_page, live_server, director)
        expect(director_page.locator("#nav-pending")).to_be_attached()  # signed in (under "Seguimiento")
        director_page.goto(live_server.url + "/expedientes/pendientes/")
        expect(director_page.locator("#pending-list")).to_contain_text(high.folio)
        shots(director_page, "direccion")
        director_page.get_by_role("link", name="Reglas de seguimiento").click()
        director_page.get_by_label("Riesgo alto").fill("10")
        director_page.get_by_role("button", name="Guardar").click()
        expect(director_page.get_by_text("Reglas de seguimiento guardadas.")).to_be_visible()
        assert axe.check(director_page) == []
        director_page.goto(live_server.url + "/expedientes/pendientes/")
        expect(director_page.locator("#pending-empty")).to_be_visible()
    finally:
        context.close()
