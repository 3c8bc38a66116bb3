"""Her contacts' channels in the app, on a phone (390×844): she adds one contact by WhatsApp and one by SMS, makes
the second her principal contact, and her alert goes to each on her channel."""

import pytest
from playwright.sync_api import expect

from violeta.alerts.models import EmergencyContact
from violeta.alerts.services.alerts import alert_raise
from violeta.alerts.tests.test_app_browser import HER_PHONE
from violeta.messaging.models import Message, MessageKind
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACTS = [
    ("Rosa Whats", "656 123 4521", "+526561234521", "whatsapp"),
    ("Mari Sms", "656 123 4522", "+526561234522", "sms"),
]


def test_on_a_phone_she_adds_a_whatsapp_contact_and_an_sms_one(browser, live_server, settings, tmp_path):
    from django.contrib.auth.hashers import make_password

    from violeta.alerts.models import PhoneVerification
    from violeta.alerts.services.accounts import account_register, otp_request, otp_verify

    settings.SMS_BACKEND = "violeta.messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.MIA = {**settings.MIA, "WHATSAPP_ENABLED": True}
    settings.SITE_URL = live_server.url
    otp_request(phone=HER_PHONE)
    PhoneVerification.objects.update(code_hash=make_password("123456"))
    otp_verify(phone=HER_PHONE, code="123456")
    _account, token = account_register(
        phone=HER_PHONE, code="123456", display_name="Ana", pin="1234", duress_pin="9999"
    )
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        problems = []
        page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(live_server.url + "/mia/")
        page.evaluate("t => localStorage.setItem('mia.token', JSON.stringify(t))", token)
        page.reload()
        expect(page.locator("#screen-contacts")).to_be_visible()  # no contacts yet: the app starts here

        for name, typed, _e164, channel in CONTACTS:
            page.locator("#ct-name").fill(name)
            page.locator("#ct-phone").fill(typed)
            page.locator("#ct-channel").select_option(channel)
            page.locator("#btn-contact-add").click()
            expect(page.locator("#contact-list").get_by_text(name)).to_be_visible()
        rows = page.locator("#contact-list li")
        expect(rows).to_have_count(2)
        expect(rows.nth(0).locator(".mia-channel")).to_have_text("WhatsApp")
        expect(rows.nth(1).locator(".mia-channel")).to_have_text("SMS")

        # the SMS contact becomes her principal contact
        rows.nth(1).get_by_role("button", name="Hacer principal").click()
        expect(rows.nth(1).locator(".mia-principal")).to_have_text("Principal")
        expect(rows.nth(0).locator(".mia-principal")).to_have_count(0)
        assert horizontal_overflow(page) == 0

        with database_turn():
            saved = {c.phone: (c.channel, c.is_principal) for c in EmergencyContact.objects.all()}
        assert saved == {"+526561234521": ("whatsapp", False), "+526561234522": ("sms", True)}

        # her alert (raised as the app's POST raises it): the WhatsApp contact by WhatsApp, the other by SMS
        with database_turn():
            alert_raise(account=EmergencyContact.objects.first().account, client_id="press-navegador-1")
            sent = dict(Message.objects.filter(kind=MessageKind.ALERT).values_list("to_phone", "channel"))
        assert sent == {"+526561234521": "whatsapp", "+526561234522": "sms"}
        assert problems == []
    finally:
        context.close()
