"""Journey: every page of the public site on a phone (issue 19), in Chromium.

Each page renders its content, loads nothing from another origin, stays within 150 KB transferred on a first
load and does not scroll sideways; the contact page says "abierto ahora" at a fixed time; an organisation sends
a training request. Screenshots for the README."""

import importlib
from datetime import date, datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from violeta.agenda.models import Holiday
from violeta.portal import selectors
from violeta.portal.data.seed import load
from violeta.portal.models import Entry, Revision, SiteContact
from violeta.programs.models import TrainingRequest
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 150 * 1024
PAGES = [
    ("inicio", "/", "Estamos para ti"),
    ("servicios", "/servicios/", "Servicios y programas"),
    ("servicio-juridica", "/servicios/juridica/", "pensión alimenticia"),
    ("servicio-tarjeta", "/servicios/tarjeta/", "Solicita tu tarjeta"),
    ("servicio-mia", "/servicios/mia/", "Abrir MIA"),
    ("contacto", "/contacto/", "Abierto ahora, hasta las 15:00"),
    ("navega-con-seguridad", "/navega-con-seguridad/", "modo privado"),
    ("verificar", "/verificar/", "código QR"),
    ("solicitar-capacitacion", "/capacitaciones/solicitar/", "Solicita una capacitación"),
]


@pytest.fixture
def site(monkeypatch):
    """The seeded content, hours and lines (browser tests empty every table), and a Monday at 10:00."""
    agenda_seed = importlib.import_module("violeta.agenda.migrations.0002_office_hours_lines_holidays").seed
    from django.apps import apps

    with database_turn():
        agenda_seed(apps, None)
        load(Entry, Revision, SiteContact, address=settings.INSTITUTE["address"])
    monday = timezone.make_aware(datetime(2026, 12, 7, 10, 0))
    monkeypatch.setattr(selectors, "now", lambda: monday)


def first_load(browser, url):
    """Open ``url`` in a fresh phone context (nothing cached) and return the page and every finished request."""
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, finished


def test_each_public_page_on_a_phone(browser, live_server, site, shots):
    for name, path, text in PAGES:
        context, page, finished = first_load(browser, live_server.url + path)
        try:
            expect(page.locator("main")).to_contain_text(text)
            expect(page.locator('a[href="tel:911"]')).to_be_visible()
            foreign = [r.url for r in finished if not r.url.startswith(live_server.url)]
            assert foreign == [], f"{path} loads from another origin: {foreign}"
            sizes = [r.sizes() for r in finished]
            weight = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
            assert weight <= BUDGET, f"{path}: {weight} bytes on first load"
            assert horizontal_overflow(page) == 0, path
            shots(page, name)
        finally:
            context.close()


def test_an_organisation_requests_a_training_from_a_phone(phone_page, live_server, site, shots):
    phone_page.goto(live_server.url + "/capacitaciones/solicitar/")
    phone_page.get_by_label("Organización", exact=True).fill("Escuela Primaria Benito Juárez")
    phone_page.get_by_label("Tipo de organización").select_option("school")
    phone_page.get_by_label("Tu nombre").fill("Laura Méndez")
    phone_page.get_by_label("Teléfono").fill("614 123 4567")
    phone_page.get_by_label("Cuántas personas asistirían").fill("30")
    phone_page.get_by_role("button", name="Enviar solicitud").click()
    expect(phone_page.locator("h1")).to_have_text("Recibimos tu solicitud")
    assert phone_page.url == live_server.url + "/capacitaciones/solicitud-recibida/"
    shots(phone_page, "solicitud-recibida")
    with database_turn():
        assert TrainingRequest.objects.get().organization_name == "Escuela Primaria Benito Juárez"


def test_the_services_page_says_open_now_and_closed_on_a_holiday(phone_page, live_server, site):
    phone_page.goto(live_server.url + "/servicios/")
    expect(phone_page.locator(".status-open")).to_have_text("Abierto ahora, hasta las 15:00")
    with database_turn():
        Holiday.objects.update_or_create(date=date(2026, 12, 7), defaults={"name": "Día de prueba"})
    phone_page.reload()
    expect(phone_page.locator(".status-closed")).to_have_text(
        "Cerrado hoy (Día de prueba), abre mañana a las 9:00"
    )
