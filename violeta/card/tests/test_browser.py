"""In a real browser: the quick exit leaves no trace in the tab's history; she applies from a phone."""

import pytest
from playwright.sync_api import expect

from violeta.card.models import CardApplication, MerchantCategory
from violeta.card.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://www.google.com/"


def _neutral_site(page):
    page.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(status=200, body="<h1>Clima</h1>", content_type="text/html"),
    )


def test_quick_exit_replaces_the_page(page, live_server):
    _neutral_site(page)
    page.goto(live_server.url + "/tarjeta/comercios/")
    page.goto(live_server.url + "/tarjeta/solicitar/")
    page.get_by_role("link", name="Salida rápida", exact=True).click()
    expect(page).to_have_url(f"{NEUTRAL}search?q=clima+chihuahua")
    page.go_back()
    assert "/tarjeta/solicitar/" not in page.url  # the form is not one step back in the history


def test_escape_key_is_a_quick_exit(page, live_server):
    _neutral_site(page)
    page.goto(live_server.url + "/tarjeta/comercios/")
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{NEUTRAL}search?q=clima+chihuahua")


def test_she_applies_from_her_phone(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    data = factories.applicant()
    page.goto(live_server.url + "/tarjeta/solicitar/")
    page.get_by_label("Nombre(s)").fill(data["given_names"])
    page.get_by_label("Primer apellido").fill(data["first_surname"])
    page.get_by_label("Segundo apellido").fill(data["second_surname"])
    page.get_by_label("Fecha de nacimiento").fill("1990-05-10")
    page.get_by_label("CURP").fill(data["curp"].lower())
    page.locator("input[name=phone]").fill("614 490 0789")
    page.get_by_label("Acepto recibir mensajes de texto").check()
    page.get_by_label("Calle y número").fill("Calle Libertad 123")
    page.get_by_label("Código postal").fill(data["postal_code"])
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    application = CardApplication.objects.get()
    assert application.status == "missing_documents" and application.postal_code == data["postal_code"]
    assert application.accepts_sms is True


def test_directory_fits_a_phone_screen_with_a_long_discount(page, live_server):
    # Browser tests flush the database, migrations' data included: the giro is made here.
    MerchantCategory.objects.get_or_create(code="hogar", defaults={"name": "Materiales para el hogar"})
    shop = factories.merchant(
        name="Ferretera del Norte", category="hogar", discount="8% en material eléctrico y de plomería"
    )
    factories.branch(shop)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/tarjeta/comercios/")
    expect(page.get_by_text("8% en material eléctrico y de plomería")).to_be_visible()
    # No sideways scrolling: the discount badge wraps instead of pushing the page wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
