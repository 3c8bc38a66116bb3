"""Journey (issue 19's "done when"): she looks for help on a phone that may be checked.

On a Monday at 10:00 she opens the public site, reads the services page ("Abierto ahora, hasta las 15:00"; the
same page on a holiday says it is closed and when it opens), asks to be called back and says how it is safe; the
front desk sees her request on the phone-lines log with her choices in bold before the number. Then the quick
exit, three ways: the button, Escape and Shift three times; each time the page is replaced by the neutral site
and Back does not bring the public site back.

Personas: she (not signed in, a 390 px phone) and the receptionist (desktop). The neutral site is served by
Playwright (no internet in tests).
"""

import importlib
import re
from datetime import date, datetime

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from violeta.agenda.models import CallbackRequest, Holiday
from violeta.conftest import PASSWORD
from violeta.messaging.models import Message
from violeta.portal import selectors
from violeta.portal.data.seed import load
from violeta.portal.models import Entry, Revision, SiteContact
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow
from violeta.tests.journeys.callback import CHOICES, fill_callback_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://clima.example/chihuahua"
MONDAY_10 = datetime(2026, 12, 7, 10, 0)

# The hours, lines and the site's texts are data migrations wrote; transactional tests empty every table.
_agenda_defaults = importlib.import_module("violeta.agenda.migrations.0002_office_hours_lines_holidays")


@pytest.fixture
def site(monkeypatch, settings):
    with database_turn():
        _agenda_defaults.seed(apps, None)
        load(Entry, Revision, SiteContact, address=settings.INSTITUTE["address"])
    monkeypatch.setattr(selectors, "now", lambda: timezone.make_aware(MONDAY_10))
    settings.PUBLIC_EXIT_URL = NEUTRAL


@pytest.fixture
def her(browser, site):
    """Her phone: a fresh context in which the neutral site answers."""
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.route(
        "https://clima.example/**",
        lambda route: route.fulfill(
            status=200, body="<title>Clima</title><h1>Clima</h1>", content_type="text/html"
        ),
    )
    page = context.new_page()
    yield page
    context.close()


def left_for_the_neutral_site(page):
    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Clima")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    expect(page).to_have_url(NEUTRAL)  # Back does not show the public site again


def test_she_reads_the_services_asks_for_a_call_and_leaves_quickly(
    her, page, live_server, receptionist, shots
):
    base = live_server.url

    # --- The services page, open now; and on a holiday, closed with the day it opens -----------------------
    her.goto(base + "/")
    expect(her.get_by_role("link", name="Llama al 9-1-1")).to_be_visible()
    her.get_by_role("navigation", name="Sitio público").get_by_role("link", name="Servicios").click()
    expect(her).to_have_url(base + "/servicios/")
    expect(her.locator(".status-open")).to_have_text("Abierto ahora, hasta las 15:00")
    assert horizontal_overflow(her) == 0
    shots(her, "servicios-abierto")
    with database_turn():
        Holiday.objects.update_or_create(date=date(2026, 12, 7), defaults={"name": "Día de prueba"})
    her.reload()
    expect(her.locator(".status-closed")).to_have_text("Cerrado hoy (Día de prueba), abre mañana a las 9:00")
    expect(her.locator(".status-open")).to_have_count(0)
    with database_turn():
        Holiday.objects.filter(date=date(2026, 12, 7)).delete()

    # --- She asks to be called back, and says how it is safe ------------------------------------------------
    her.goto(base + "/")
    her.get_by_role("link", name=re.compile("Pide que te llamemos")).first.click()
    expect(her.get_by_role("heading", name="Pide que te llamemos")).to_be_visible()
    fill_callback_request(her)
    her.get_by_role("button", name="Enviar mi solicitud").click()
    expect(her.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    assert "614" not in her.url and "girasol" not in her.url  # nothing about her in the address
    shots(her, "solicitud-de-llamada-recibida")

    # The front desk sees it on the phone-lines log, her safe-contact choices in bold before the number.
    page.goto(base + "/cuenta/login/")
    page.get_by_label("Correo electrónico").fill(receptionist.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto(base + "/agenda/llamadas/")
    item = (
        page.get_by_role("region", name=re.compile("Solicitudes de llamada pendientes"))
        .get_by_role("listitem")
        .filter(has_text="girasol")
    )
    expect(item.locator("strong.callback-choices")).to_have_text(CHOICES)
    expect(item.get_by_role("link", name="614 321 7788")).to_have_attribute("href", "tel:+526143217788")
    assert item.evaluate(
        "el => el.querySelector('strong.callback-choices')"
        ".compareDocumentPosition(el.querySelector('a[href^=\"tel:\"]')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    shots(page, "recepcion-solicitud")
    with database_turn():
        assert CallbackRequest.objects.count() == 1
        assert Message.objects.count() == 0 and mail.outbox == []  # no confirmation she did not choose

    # --- The quick exit: the button, Escape, Shift three times ---------------------------------------------
    her.goto(base + "/servicios/")
    her.get_by_role("link", name="Salida rápida", exact=True).click()
    left_for_the_neutral_site(her)

    her.goto(base + "/contacto/")
    expect(her.get_by_role("heading", level=1)).to_be_visible()
    her.keyboard.press("Escape")
    left_for_the_neutral_site(her)

    her.goto(base + "/navega-con-seguridad/")
    dots = her.locator("[data-quick-exit-indicator] .is-on")
    her.keyboard.press("Shift")
    expect(dots).to_have_count(1)
    her.keyboard.press("Shift")
    expect(dots).to_have_count(2)
    shots(her, "salida-rapida-dos-pulsaciones")
    her.keyboard.press("Shift")
    left_for_the_neutral_site(her)
