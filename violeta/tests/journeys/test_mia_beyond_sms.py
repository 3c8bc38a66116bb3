"""Journey (issue 21): MIA beyond SMS, on her phone and in the console, with every provider a local fake.

She (the app on a 390×844 phone) puts two people in her network, one by WhatsApp and one by SMS, and sends a
test alert: both messages say PRUEBA and the app shows each delivered, as the providers' signed reports arrive.
She starts "Acompáñame" for a short trip and lets it run out: the server fires the alert by itself, its first
messages go to the providers before her phone sends any location. WhatsApp reports her WhatsApp contact's message
failed, and the same alert goes to that contact by SMS, once. The monitor on duty (the console, desktop) hands the
alert to 9-1-1 / C4 with one button; C4's signed webhook receives it and the console shows it delivered.

What stands in for the world: ``FakeTwilio`` (SMS, with signed delivery callbacks to the live server),
``FakeWhatsApp`` (the Cloud API, with signed status webhooks) and ``fake_c4.Receiver`` (a C4 that checks the
signature). The task worker and the sender — with its periodic jobs: the timer's expiry, the fallback — run in
the test's thread between steps (``run_outbox``), as their processes would.
"""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from playwright.sync_api import expect

from violeta.alerts.models import Alert, AlertLocation, EmergencyContact, TripTimer, TripTimerStatus
from violeta.cases.tests.test_browser import sign_in
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow
from violeta.testing.fake_c4 import SECRET as C4_SECRET
from violeta.testing.fake_c4 import Receiver
from violeta.testing.fake_twilio import FakeTwilio
from violeta.testing.fake_whatsapp import FakeWhatsApp
from violeta.tests.journeys.outbox import until

pytestmark = [pytest.mark.tasks, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HER_PHONE = "+526144900791"
WHATSAPP_CONTACT = ("Rosa Elena Domínguez", "656 123 4511", "+526561234511")
SMS_CONTACT = ("Lupita Chávez", "614 490 4512", "+526144904512")
WHERE = {"latitude": 28.6353, "longitude": -106.0889, "accuracy": 20}
TRIP_SECONDS = 12
TWILIO_TOKEN = "journey-twilio-token"
WHATSAPP_SECRET = "journey-whatsapp-secret"


@pytest.fixture
def providers(settings, live_server):
    """Every channel pointed at its local fake, reporting back to the live server with signatures."""
    failing: set[str] = set()  # numbers whose WhatsApp messages the fake reports failed

    def whatsapp_behaviour(_number: int, to: str, _params: list) -> str:
        return "report_failed" if to.lstrip("+") in failing else "ok"

    with (
        FakeTwilio(auth_token=TWILIO_TOKEN, callbacks=True) as twilio,
        FakeWhatsApp(
            app_secret=WHATSAPP_SECRET,
            callbacks=True,
            webhook_url=live_server.url + reverse("messaging:whatsapp_status"),
            pattern=whatsapp_behaviour,
        ) as whatsapp,
        Receiver() as c4,
    ):
        settings.SITE_URL = live_server.url
        settings.SMS_BACKEND = "violeta.messaging.backends.twilio.TwilioBackend"
        settings.TWILIO_API_BASE, settings.TWILIO_ACCOUNT_SID = twilio.base_url, twilio.account_sid
        settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = TWILIO_TOKEN, "+15005550006"
        settings.WHATSAPP_API_BASE, settings.WHATSAPP_TOKEN = whatsapp.base_url, whatsapp.token
        settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_APP_SECRET = "1234567890", WHATSAPP_SECRET
        settings.MESSAGING_BACKENDS = {
            **settings.MESSAGING_BACKENDS,
            "whatsapp": "violeta.messaging.backends.whatsapp.WhatsAppBackend",
            "webhook": "violeta.messaging.backends.webhook.WebhookBackend",
        }
        settings.MIA = {
            **settings.MIA,
            "WHATSAPP_ENABLED": True,
            "TIMER_MIN_MINUTES": TRIP_SECONDS / 60,
            "DISPATCH_CHANNEL": "webhook",
            "DISPATCH_TARGET": c4.url,
            "DISPATCH_SECRET": C4_SECRET,
        }
        yield {"twilio": twilio, "whatsapp": whatsapp, "c4": c4, "failing": failing}


def her_app(browser, live_server):
    """Her account (the sign-up screens are the first MIA journey's), signed in on her phone, with no contacts."""
    from violeta.alerts.models import PhoneVerification
    from violeta.alerts.services.accounts import account_register, otp_request, otp_verify

    with database_turn():
        otp_request(phone=HER_PHONE)
        PhoneVerification.objects.update(code_hash=make_password("123456"))
        otp_verify(phone=HER_PHONE, code="123456")
        _account, token = account_register(
            phone=HER_PHONE, code="123456", display_name="Ana", pin="2580", duress_pin="1397"
        )
    context = browser.new_context(
        locale=LOCALE,
        timezone_id=TIMEZONE,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation=WHERE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_server.url + "/mia/")
    page.evaluate("t => localStorage.setItem('mia.token', JSON.stringify(t))", token)
    page.reload()
    return context, page


def alert_messages(alert: Alert) -> list[Message]:
    return list(Message.objects.filter(alert_link__alert=alert, kind=MessageKind.ALERT).order_by("id"))


def test_whatsapp_a_test_alert_a_trip_that_runs_out_the_sms_fallback_and_9_1_1(
    browser, page, live_server, providers, shots, alert_monitor
):
    assert PHONE == {"width": 390, "height": 844}
    context, her = her_app(browser, live_server)
    problems = []
    her.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        # --- Her network: one contact by WhatsApp, one by SMS ---------------------------------------------------
        expect(her.locator("#screen-contacts")).to_be_visible()
        for (name, typed, _e164), channel in ((WHATSAPP_CONTACT, "whatsapp"), (SMS_CONTACT, "sms")):
            her.locator("#ct-name").fill(name)
            her.locator("#ct-phone").fill(typed)
            her.locator("#ct-channel").select_option(channel)
            her.locator("#btn-contact-add").click()
            expect(her.locator("#contact-list").get_by_text(name)).to_be_visible()
        rows = her.locator("#contact-list li")
        expect(rows.nth(0).locator(".mia-channel")).to_have_text("WhatsApp")
        expect(rows.nth(1).locator(".mia-channel")).to_have_text("SMS")
        shots(her, "mia-red-whatsapp-sms")
        assert horizontal_overflow(her) == 0
        with database_turn():
            channels = dict(EmergencyContact.objects.values_list("phone", "channel"))
        assert channels == {WHATSAPP_CONTACT[2]: "whatsapp", SMS_CONTACT[2]: "sms"}

        # --- A test alert: PRUEBA in every message, and she sees both delivered --------------------------------
        her.locator("#btn-to-alert").click()
        expect(her.locator("#screen-alert")).to_be_visible()
        her.get_by_role("button", name="Enviar una alerta de prueba").click()
        expect(her.locator("#active-title")).to_have_text("Alerta de prueba")
        states = her.locator("#ack-list")

        def both_delivered():
            test = Alert.objects.filter(is_test=True).first()
            done = (MessageStatus.DELIVERED, MessageStatus.READ)
            messages = alert_messages(test) if test else []
            return messages if len(messages) == 2 and all(m.status in done for m in messages) else None

        delivered = until(both_delivered, what="both test messages delivered (the providers' signed reports)")
        assert {(m.to_phone, m.channel) for m in delivered} == {
            (WHATSAPP_CONTACT[2], Channel.WHATSAPP),
            (SMS_CONTACT[2], Channel.SMS),
        }
        expect(states.locator("li", has_text=SMS_CONTACT[0])).to_contain_text(
            "SMS: entregado", timeout=15_000
        )
        expect(states.locator("li", has_text=WHATSAPP_CONTACT[0])).to_contain_text(
            "WhatsApp: leído", timeout=15_000
        )  # WhatsApp reports "read" after "delivered": the app shows the furthest
        shots(her, "mia-prueba-entregada")
        # Every message of the test says PRUEBA (the SMS contact's invitation came before it); WhatsApp's are the
        # test templates, with her chosen name and her link as their only parameters.
        texts = [m["body"] for m in providers["twilio"].accepted if m["to"] == SMS_CONTACT[2]]
        assert (
            texts[0].startswith("Ana te agreg")
            and texts[1:]
            and all(t.startswith("PRUEBA") for t in texts[1:])
        )
        sent = [m for m in providers["whatsapp"].accepted if m["to"] == WHATSAPP_CONTACT[2].lstrip("+")]
        assert sent and all(m["template"].endswith("_prueba") for m in sent)
        for message in sent:
            assert message["params"][0] == "Ana"
            assert len(message["params"]) == 2 and message["params"][1].startswith(live_server.url + "/a/")
        her.get_by_role("button", name="Terminar la prueba").click()
        expect(her.locator("#screen-cancelled")).to_be_visible()
        her.get_by_role("button", name="Aceptar").click()

        # From now on, WhatsApp cannot deliver to her WhatsApp contact (no WhatsApp on that phone any more).
        providers["failing"].add(WHATSAPP_CONTACT[2].lstrip("+"))

        # --- "Acompáñame": a short trip, and she never checks in --------------------------------------------------
        her.locator("#mia-nav").get_by_role("button", name="Acompáñame").click()
        expect(her.locator("#screen-timer")).to_be_visible()
        her.locator("#timer-seconds").select_option(str(TRIP_SECONDS))
        her.locator("#btn-timer-start").click()
        expect(her.locator("#timer-running")).to_be_visible()
        shots(her, "mia-acompaname")
        assert horizontal_overflow(her) == 0

        def fired():
            # The alert's own first messages: the WhatsApp one may already have failed and its SMS fallback gone
            # out in the same round of the sender, which is not one of them.
            alert = Alert.objects.filter(is_test=False).first()
            first = [m for m in alert_messages(alert) if m.fallback_of_id is None] if alert else []
            return (alert, first) if len(first) == 2 and all(m.sent_at for m in first) else None

        alert, first = until(fired, what="the trip timer running out and its alert's first messages sent")
        with database_turn():
            timer = TripTimer.objects.get()
            assert timer.status == TripTimerStatus.EXPIRED and timer.alert_id == alert.pk
            located = AlertLocation.objects.filter(alert=alert).order_by("received_at").first()
        # Her first messages were with the providers before any location of hers reached the server.
        assert located is None or max(m.sent_at for m in first) < located.received_at
        expect(her.locator("#screen-active")).to_be_visible(timeout=20_000)

        # --- WhatsApp reports failure: the same alert goes to that contact by SMS, once --------------------------
        def fallback_sent():
            sms = Message.objects.filter(
                alert_link__alert=alert,
                kind=MessageKind.ALERT,
                channel=Channel.SMS,
                to_phone=WHATSAPP_CONTACT[2],
            )
            return (
                list(sms)
                if sms.filter(status__in=(MessageStatus.SENT, MessageStatus.DELIVERED)).exists()
                else None
            )

        fallback = until(fallback_sent, what="the SMS fallback of the failed WhatsApp message")
        until(lambda: True, what="more rounds of the sender and its sweeps")  # a second sweep adds nothing
        with database_turn():
            again = Message.objects.filter(
                alert_link__alert=alert,
                kind=MessageKind.ALERT,
                channel=Channel.SMS,
                to_phone=WHATSAPP_CONTACT[2],
            ).count()
            whatsapp_message = Message.objects.get(
                alert_link__alert=alert, kind=MessageKind.ALERT, channel=Channel.WHATSAPP
            )
        assert len(fallback) == 1 and again == 1
        assert fallback[0].fallback_of_id == whatsapp_message.pk
        # What the provider received: that alert's text, by SMS, to that number, once.
        by_sms = [m for m in providers["twilio"].accepted if m["body"] == fallback[0].body]
        assert [m["to"] for m in by_sms] == [WHATSAPP_CONTACT[2]]
        assert "Ana" in by_sms[0]["body"] and not by_sms[0]["body"].startswith("PRUEBA")
        expect(states.locator("li", has_text=WHATSAPP_CONTACT[0])).to_contain_text(
            "reenviado por SMS", timeout=15_000
        )
        shots(her, "mia-reenviado-por-sms")
        assert not problems, problems
    finally:
        context.close()

    # --- The monitor on duty hands the alert to 9-1-1 / C4 and sees it delivered --------------------------------
    sign_in(page, live_server, alert_monitor)
    page.goto(live_server.url + reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}))
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator('[data-kind="timer"]')).to_be_visible()
    expect(
        timeline.locator('[data-kind="fallback"]').first
    ).to_be_visible()  # the alert's (and its location's)
    page.get_by_test_id("dispatch-button").click()
    expect(page.get_by_test_id("dispatch-sent")).to_be_visible()
    c4 = providers["c4"]
    until(lambda: c4.accepted, what="C4's webhook receiving the hand-off")
    assert len(c4.requests) == 1 and c4.requests[0]["valid"]  # signed with the shared secret, checked by C4
    payload = json.loads(c4.requests[0]["body"])
    assert payload["name"] == "Ana" and payload["live_url"].startswith(live_server.url + "/d/")
    assert payload["location"]["lat"] == pytest.approx(WHERE["latitude"]) and payload["test"] is False
    assert HER_PHONE not in c4.requests[0]["body"].decode()
    page.reload()
    expect(page.get_by_test_id("dispatch-status")).to_contain_text("Entregado")
    expect(timeline.locator('[data-kind="dispatch"]')).to_be_visible()
    shots(page, "mia-consola-9-1-1")
