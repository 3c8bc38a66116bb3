"""The console in a real Chromium: an alert appears without reloading, a contact acknowledges, the detail shows it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from violeta.alerts.tests.test_views import first_recipient, make_account, raise_alert
from violeta.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mia_settings(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"


def sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile(r"/cuenta/login/"))


def test_monitor_sees_an_alert_arrive_and_its_acknowledgement(page, browser, live_server, alert_monitor):
    account = make_account(name="Ana Sofía")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, alert_monitor)
    page.goto(live_server.url + reverse("alerts:console"))
    expect(page.get_by_test_id("no-alerts")).to_be_visible()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    alert = raise_alert(account)  # she presses the button while the console is open
    row = page.locator(f'tr[data-alert="{alert.public_id}"]')
    expect(row).to_be_visible(timeout=12_000)
    expect(row).to_contain_text("Ana Sofía")
    expect(row.get_by_test_id("acks")).to_have_text("0/2")
    assert page.evaluate("window.__sameDocument") is True

    # a contact opens her link on her own phone and says she is on her way
    contact = browser.new_context(locale="es-MX", timezone_id="America/Chihuahua")
    try:
        live = contact.new_page()
        live.on("console", lambda message: message.type == "error" and errors.append(message.text))
        live.goto(live_server.url + reverse("alerts:live", kwargs={"token": first_recipient(alert).token}))
        expect(live.get_by_role("heading", level=1)).to_contain_text("Ana Sofía")
        expect(live.get_by_test_id("no-location")).to_be_visible()
        live.get_by_test_id("ack").click()
        expect(live.get_by_test_id("acknowledged")).to_be_visible()
        expect(live.get_by_test_id("on-the-way")).to_contain_text("Lucía")
    finally:
        contact.close()

    expect(row.get_by_test_id("acks")).to_have_text("1/2", timeout=12_000)
    assert page.evaluate("window.__sameDocument") is True
    row.get_by_role("link").click()
    expect(page.get_by_test_id("acks")).to_contain_text("1/2")
    expect(page.get_by_test_id("ack-event")).to_contain_text("Lucía Hernández")
    expect(page.get_by_test_id("plot")).to_have_count(0)  # no location was sent
    assert not errors, errors  # no CSP violation, no failed request


def test_the_console_fits_a_phone_screen(page, live_server, alert_monitor):
    """A monitor on duty may watch from her phone: no sideways scrolling on the list or on an alert's page."""
    from violeta.alerts.services.alerts import alert_acknowledge, alert_locate

    account = make_account(name="María Guadalupe de los Ángeles")
    alert = raise_alert(account)
    alert_locate(alert=alert, lat="28.6353012", lon="-106.0888765", accuracy="12")
    alert_acknowledge(recipient=first_recipient(alert), via="link")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, alert_monitor)

    page.goto(live_server.url + reverse("alerts:console"))
    expect(page.locator(f'tr[data-alert="{alert.public_id}"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(live_server.url + reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}))
    expect(page.get_by_test_id("timeline")).to_contain_text("28.63")
    expect(page.get_by_test_id("ack-event")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
