"""The hand-off button in a real Chromium: one press, the page shows it sent without reloading, then delivered;
"send again" asks first."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from violeta.alerts.models import AlertDispatch
from violeta.alerts.tests.test_console_browser import sign_in
from violeta.alerts.tests.test_views import make_account, raise_alert
from violeta.messaging.sender import deliver_due
from violeta.testing.fake_c4 import SECRET, Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def c4(settings):
    """A local C4 that checks the signature; the hand-off goes to it through the real webhook backend."""
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    with Receiver() as receiver:
        settings.MIA = {
            **settings.MIA,
            "DISPATCH_CHANNEL": "webhook",
            "DISPATCH_TARGET": receiver.url,
            "DISPATCH_SECRET": SECRET,
        }
        settings.MESSAGING_BACKENDS = {
            **settings.MESSAGING_BACKENDS,
            "webhook": "violeta.messaging.backends.webhook.WebhookBackend",
        }
        yield receiver


def test_the_monitor_hands_the_alert_to_9_1_1_and_sees_it_delivered(page, live_server, alert_monitor, c4):
    alert = raise_alert(make_account(name="Ana Sofía"))
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, alert_monitor)
    page.goto(live_server.url + reverse("alerts:console_detail", args=[alert.public_id]))
    page.evaluate("window.__sameDocument = true")

    page.get_by_test_id("dispatch-button").click()
    expect(page.get_by_test_id("dispatch-sent")).to_be_visible()
    expect(page.locator('[data-kind="dispatch"]')).to_be_visible()  # on the timeline
    assert page.evaluate("window.__sameDocument") is True
    assert AlertDispatch.objects.filter(alert=alert).count() == 1

    deliver_due()  # the sender hands it to the receiver, which takes it (2xx): delivered
    assert [request["valid"] for request in c4.requests] == [True]
    expect(page.get_by_test_id("dispatch-status")).to_contain_text("Entregado", timeout=12_000)

    page.once("dialog", lambda dialog: dialog.dismiss())  # "send again?" — no
    page.get_by_test_id("dispatch-again").click()
    page.wait_for_timeout(300)
    assert AlertDispatch.objects.filter(alert=alert).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("dispatch-again").click()
    expect(page.locator('[data-kind="dispatch"]')).to_have_count(2)
    assert AlertDispatch.objects.filter(alert=alert).count() == 2
    assert not errors, errors
