"""Alerts she can trust, in a real Chromium: on a phone she sends a test alert, the provider's delivery report
arrives at the signed status webhook, and the app shows "entregado" for that contact; she ends the test without
her PIN. In the console, the monitors' map is added over the SVG trail, which stays when the tiles fail."""

import urllib.parse
import urllib.request

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from violeta.alerts.models import Alert, AlertStatus
from violeta.alerts.tests.test_app_browser import CONTACTS, signed_up_page, wait_for
from violeta.alerts.tests.test_console_browser import sign_in
from violeta.alerts.tests.test_views import make_account, raise_alert
from violeta.messaging.backends.file import read_all
from violeta.messaging.backends.twilio import signature
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.testing.browser import PHONE, database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOKEN = "twilio-test-token"


def post_status(live_server, provider_message_id: str, status: str) -> int:
    """The provider's delivery report, signed as Twilio signs it, to the live server's status webhook."""
    url = live_server.url + reverse("messaging:status")
    data = {"MessageSid": provider_message_id, "MessageStatus": status}
    request = urllib.request.Request(  # noqa: S310 (the live server's http address)
        url,
        data=urllib.parse.urlencode(data).encode(),
        headers={"X-Twilio-Signature": signature(url, data, token=TOKEN)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_on_a_phone_she_sends_a_test_alert_and_sees_it_delivered(browser, live_server, settings, tmp_path):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = live_server.url
    context, page = signed_up_page(
        browser, live_server, settings, tmp_path, viewport=PHONE, is_mobile=True, has_touch=True
    )
    assert PHONE == {"width": 390, "height": 844}
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        expect(page.locator("#test-help")).to_contain_text("PRUEBA")
        page.get_by_role("button", name="Enviar una alerta de prueba").click()
        expect(page.locator("#screen-active")).to_be_visible()
        expect(page.locator("#active-title")).to_have_text("Alerta de prueba")
        expect(page.locator("#form-cancel")).to_be_hidden()  # no PIN to end a test
        alert = wait_for(lambda: Alert.objects.first(), what="the test alert")
        assert alert.is_test

        sent = wait_for(
            lambda: (
                list(
                    Message.objects.filter(kind=MessageKind.ALERT, status=MessageStatus.SENT).order_by(
                        "to_phone"
                    )
                )
                if Message.objects.filter(kind=MessageKind.ALERT, status=MessageStatus.SENT).count() == 2
                else None
            ),
            what="the test alert's SMS to both contacts",
        )
        states = page.locator("#ack-list")
        expect(states.locator("li")).to_have_count(2, timeout=12_000)
        expect(states.locator("li").nth(0)).to_contain_text("SMS: enviado", timeout=12_000)

        # The provider reports the first contact's message delivered.
        first = next(m for m in sent if m.to_phone == CONTACTS[0][2])
        assert post_status(live_server, first.provider_message_id, "delivered") == 204
        row = states.locator("li", has_text=CONTACTS[0][0])
        expect(row).to_contain_text("SMS: entregado", timeout=12_000)
        expect(row).to_have_attribute("data-state", "delivered")
        expect(states.locator("li", has_text=CONTACTS[1][0])).to_contain_text("SMS: enviado")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.get_by_role("button", name="Terminar la prueba").click()
        expect(page.locator("#screen-cancelled")).to_be_visible()
        expect(page.locator("#cancelled-text")).to_contain_text("La prueba terminó")
        with database_turn():
            alert.refresh_from_db()
            assert alert.status == AlertStatus.CANCELLED and alert.escalated_at is None
        cancelled = wait_for(
            lambda: (
                Message.objects.filter(kind=MessageKind.CANCELLED, status=MessageStatus.SENT).count() == 2
            ),
            what="the end of the test told to both contacts",
        )
        assert cancelled
        bodies = [
            record["body"] for record in read_all(settings.SMS_FILE_PATH) if record["to"] != "+526144900789"
        ]
        alert_bodies = [b for b in bodies if "/a/" in b or "cancel" in b]
        assert len(alert_bodies) == 4 and all(b.startswith("PRUEBA") for b in alert_bodies), alert_bodies
        assert not problems, problems
    finally:
        context.close()


def test_the_console_map_is_added_and_the_svg_trail_stays_when_tiles_fail(
    page, live_server, alert_monitor, settings
):
    from violeta.alerts.services.alerts import alert_locate

    # Tiles from an address that answers nothing: every tile fails.
    settings.MIA_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.MIA_MAP_ATTRIBUTION = "Teselas de prueba"
    alert = raise_alert(make_account(name="Ana"))
    for lat in (28.63, 28.631, 28.632):
        alert_locate(alert=alert, lat=lat, lon=-106.08, accuracy=15)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, alert_monitor)
    page.goto(live_server.url + reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}))

    box = page.locator("#console-map")
    expect(box).to_have_count(1)
    page.wait_for_function(
        "() => document.querySelector('#console-map').classList.contains('leaflet-container')"
    )
    # Leaflet drew the trail (a line, two points and the latest) even though no tile came.
    expect(box.locator("path.leaflet-interactive")).to_have_count(4)
    # No tile could load: the map's card is hidden again, and the SVG trail is there and visible.
    expect(page.locator("#console-map-card")).to_be_hidden(timeout=10_000)
    expect(page.get_by_test_id("plot")).to_be_visible()
    expect(page.get_by_test_id("plot").locator("circle")).to_have_count(3)
    assert not errors, errors
