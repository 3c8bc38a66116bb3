"""The MIA app in a real Chromium: she signs up with the code from the SMS, adds two contacts and fires the alert;
the alert SMS reaches both contacts before any location exists; then the location arrives (and its SMS); then
a contact acknowledges from the live page and the app shows it; then she cancels with her PIN.

SMS go to the file backend, as in development; queued tasks are run by the database worker (batch mode) from
the test, between steps, as the real worker would run them. Geolocation is granted only once the alert SMS has
been seen, so "SMS before location" is checked, not assumed.
"""

import re
import time

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from violeta.alerts.models import Alert, AlertLocation, AlertStatus
from violeta.alerts.tests.factories import run_tasks
from violeta.messaging.backends.file import read_all
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.testing.browser import LOCALE, TIMEZONE, database_turn

pytestmark = [pytest.mark.tasks, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HER_PHONE = "+526144900789"
CONTACTS = [
    ("Contacto Uno", "656 123 4501", "+526561234501"),
    ("Contacto Dos", "656 123 4502", "+526561234502"),
]
WHERE = {"latitude": 28.6353, "longitude": -106.0889, "accuracy": 20}


def run_worker():
    """Run what is queued. On SQLite the test database is shared in memory with the live server's thread, and
    shared-cache tables lock without waiting: when the app's request holds one, try again a moment later."""
    for _ in range(20):
        try:
            run_tasks()
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    raise AssertionError("the database stayed locked")


def wait_for(predicate, *, timeout=30.0, what="condition"):
    """Run the worker and check, until ``predicate()`` gives something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        with database_turn():
            run_worker()
            result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def sms_of_kind(path, kind: str) -> list[dict]:
    """The records in the SMS file that belong to outbox rows of ``kind`` (matched by provider id)."""
    ids = set(
        Message.objects.filter(kind=kind, status=MessageStatus.SENT).values_list(
            "provider_message_id", flat=True
        )
    )
    return [record for record in read_all(path) if record["id"] in ids]


def test_sign_up_contacts_alert_location_acknowledgement(browser, live_server, settings, tmp_path):
    sms_file = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "violeta.messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(sms_file)
    settings.SITE_URL = live_server.url

    # Her phone: location known to the browser but not yet allowed for the page.
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, geolocation=WHERE)
    contact_context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    try:
        page = context.new_page()
        problems = []
        page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(live_server.url + "/mia/")

        # --- Sign-up: phone, the code from the SMS, then name, PINs ---
        page.locator("#su-phone").fill("614 490 0789")
        page.locator("#form-phone button[type=submit]").click()
        expect(page.locator("#screen-code")).to_be_visible()
        otp = wait_for(
            lambda: [r for r in read_all(sms_file) if r["to"] == HER_PHONE], what="the verification code SMS"
        )
        code = re.search(r"\b(\d{6})\b", otp[-1]["body"]).group(1)
        page.locator("#su-code").fill(code)
        page.locator("#form-code button[type=submit]").click()
        expect(page.locator("#screen-profile")).to_be_visible()
        page.locator("#su-name").fill("Ana")
        page.locator("#su-pin").fill("1234")
        page.locator("#su-pin2").fill("1234")
        page.locator("#su-duress").fill("9999")
        page.locator("#form-profile button[type=submit]").click()

        # --- Two contacts, shown masked, each pending confirmation ---
        expect(page.locator("#screen-contacts")).to_be_visible()
        for name, typed, _e164 in CONTACTS:
            page.locator("#ct-name").fill(name)
            page.locator("#ct-phone").fill(typed)
            page.locator("#btn-contact-add").click()
            expect(page.locator("#contact-list").get_by_text(name)).to_be_visible()
        expect(page.locator("#contact-list li")).to_have_count(2)
        expect(page.locator("#contact-list")).to_contain_text("*** *** 4501")
        expect(page.locator("#contact-list")).not_to_contain_text("656 123")
        # the sms: fallback data was cached on the phone when the contacts changed
        page.wait_for_function(
            "() => (JSON.parse(localStorage.getItem('mia.fallback') || '{}').numbers || []).length === 2"
        )

        # --- The alert: press, the countdown runs, then it goes ---
        page.locator("#btn-to-alert").click()
        page.locator("#btn-alert").click()
        expect(page.locator("#countdown")).to_be_visible()
        expect(page.locator("#screen-active")).to_be_visible(timeout=10_000)
        alert = wait_for(lambda: Alert.objects.first(), what="the alert")
        assert alert.status == AlertStatus.ACTIVE and not alert.is_duress

        # The alert SMS reaches both contacts while there is still no location.
        alert_sms = wait_for(
            lambda: (lambda found: found if len(found) == 2 else None)(
                sms_of_kind(sms_file, MessageKind.ALERT)
            ),
            what="the alert SMS to both contacts",
        )
        assert sorted(r["to"] for r in alert_sms) == [c[2] for c in CONTACTS]
        for record in alert_sms:
            assert "Ana" in record["body"] and re.search(r"/a/[\w-]+/", record["body"])
            assert "28.63" not in record["body"] and "106.08" not in record["body"]
        assert not AlertLocation.objects.exists()

        # --- Now the phone has a location: it arrives, and the contacts are told ---
        context.grant_permissions(["geolocation"], origin=live_server.url)
        context.set_geolocation(WHERE)
        location = wait_for(lambda: AlertLocation.objects.first(), what="the first location")
        assert location.lat_lon == (28.6353, -106.0889)
        assert location.accuracy_m == 20
        first_alert_sms_at = (
            Message.objects.filter(kind=MessageKind.ALERT).order_by("created_at")[0].created_at
        )
        assert first_alert_sms_at < location.received_at
        location_sms = wait_for(
            lambda: (lambda found: found if len(found) == 2 else None)(
                sms_of_kind(sms_file, MessageKind.LOCATION)
            ),
            what="the location SMS",
        )
        assert sorted(r["to"] for r in location_sms) == [c[2] for c in CONTACTS]
        expect(page.locator("#location-status")).to_contain_text("20")

        # --- A contact opens her link and says she is on her way; the app shows it ---
        link = next(r for r in alert_sms if r["to"] == CONTACTS[0][2])["body"]
        path = re.search(r"(/a/[\w-]+/)", link).group(1)
        contact_page = contact_context.new_page()
        contact_page.goto(live_server.url + path)
        contact_page.get_by_test_id("ack").click()
        expect(contact_page.get_by_test_id("acknowledged")).to_be_visible()
        expect(page.locator("#ack-list .mia-ack")).to_contain_text(CONTACTS[0][0], timeout=12_000)

        # --- She cancels with her PIN: "alert cancelled" ---
        page.locator("#cancel-pin").fill("1234")
        page.locator("#btn-cancel").click()
        expect(page.locator("#screen-cancelled")).to_be_visible()
        alert.refresh_from_db()
        assert alert.status == AlertStatus.CANCELLED
        assert page.evaluate("localStorage.getItem('mia.alert')") is None
        # No script or style was refused by the CSP, and no script failed (the denied geolocation is not an error).
        assert not [p for p in problems if "Content Security Policy" in p or "Uncaught" in p], problems
    finally:
        contact_context.close()
        context.close()


def signed_up_page(browser, live_server, settings, tmp_path, **context_options):
    """Her account made through the services (the sign-up screens are covered above), its token in the app."""
    from django.contrib.auth.hashers import make_password

    from violeta.alerts.models import PhoneVerification
    from violeta.alerts.services.accounts import account_register, otp_request, otp_verify
    from violeta.alerts.services.contacts import contact_add

    settings.SMS_BACKEND = "violeta.messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    otp_request(phone=HER_PHONE)
    PhoneVerification.objects.update(code_hash=make_password("123456"))
    otp_verify(phone=HER_PHONE, code="123456")
    account, token = account_register(
        phone=HER_PHONE, code="123456", display_name="Ana", pin="1234", duress_pin="9999"
    )
    for name, typed, _e164 in CONTACTS:
        contact_add(account=account, name=name, phone=typed)
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, **context_options)
    page = context.new_page()
    page.goto(live_server.url + "/mia/")
    page.evaluate("t => localStorage.setItem('mia.token', JSON.stringify(t))", token)
    page.reload()
    expect(page.locator("#screen-alert")).to_be_visible()
    return context, page


def test_duress_pin_shows_cancelled_and_the_alert_stays_active(browser, live_server, settings, tmp_path):
    """Same screen as a real cancellation; the alert stays active, flagged, and her location keeps coming."""
    context, page = signed_up_page(
        browser, live_server, settings, tmp_path, geolocation=WHERE, permissions=["geolocation"]
    )
    try:
        # press and hold: no countdown
        page.locator("#btn-alert").hover()
        page.mouse.down()
        page.wait_for_timeout(2300)
        page.mouse.up()
        expect(page.locator("#screen-active")).to_be_visible()
        expect(page.locator("#countdown")).to_be_hidden()
        wait_for(lambda: AlertLocation.objects.exists(), what="a location")
        page.locator("#cancel-pin").fill("9999")
        page.locator("#btn-cancel").click()
        expect(page.locator("#screen-cancelled")).to_be_visible()
        alert = Alert.objects.get()
        assert alert.status == AlertStatus.ACTIVE and alert.is_duress
        # the app quietly sent the location again after the "cancellation", and it was kept
        wait_for(lambda: AlertLocation.objects.count() >= 2, what="a location after the duress PIN")
    finally:
        context.close()


def test_offline_offers_the_sms_link_and_retries_the_same_alert(browser, live_server, settings, tmp_path):
    context, page = signed_up_page(browser, live_server, settings, tmp_path)
    try:
        # the app cached the numbers and the text for the sms: link while it was online
        page.wait_for_function(
            "() => (JSON.parse(localStorage.getItem('mia.fallback') || '{}').numbers || []).length === 2"
        )
        context.set_offline(True)
        page.locator("#btn-alert").click()
        expect(page.locator("#screen-active")).to_be_visible(timeout=10_000)
        link = page.locator("#fallback-link")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href.startswith("sms:+526561234501,+526561234502?body=")
        assert "Ana" in href
        assert not Alert.objects.exists()

        context.set_offline(False)
        expect(page.locator("#fallback")).to_be_hidden(timeout=15_000)
        assert Alert.objects.count() == 1
        sent = wait_for(
            lambda: (lambda found: found if len(found) == 2 else None)(
                sms_of_kind(settings.SMS_FILE_PATH, MessageKind.ALERT)
            ),
            what="the alert SMS after the connection came back",
        )
        assert sorted(r["to"] for r in sent) == [c[2] for c in CONTACTS]
    finally:
        context.close()


LONG_NAME = "María Guadalupe de los Ángeles Hernández Villalobos Rodríguez"[:60]


def test_on_a_390_px_phone_nothing_overflows_and_the_countdown_covers_the_screen(
    browser, live_server, settings, tmp_path
):
    """Issue 16, finding 7: a long contact name, the masked numbers and the countdown on a small phone."""
    from violeta.alerts.models import MiaAccount
    from violeta.alerts.services.contacts import contact_add
    from violeta.testing.browser import PHONE, horizontal_overflow

    context, page = signed_up_page(
        browser, live_server, settings, tmp_path, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        with database_turn():
            contact_add(account=MiaAccount.objects.get(), name=LONG_NAME, phone="656 123 4503")
            contact_add(
                account=MiaAccount.objects.get(), name="Hermanadelalmadesdesiempre" * 2, phone="6561234504"
            )
        page.locator("#mia-nav").get_by_role("button", name="Contactos").click()
        expect(page.locator("#contact-list li")).to_have_count(4)
        # MIA's buttons are the brand's purple, not Bootstrap's blue (rgb(13, 110, 253))
        purple = "rgb(91, 42, 134)"
        expect(page.locator("#btn-to-alert")).to_have_css("background-color", purple)
        expect(page.locator("#btn-contact-add")).to_have_css("color", purple)
        assert horizontal_overflow(page) == 0
        # each item stays inside the list, and a masked number is one line
        geometry = page.evaluate(
            """() => {
              const list = document.getElementById('contact-list').getBoundingClientRect();
              return [...document.querySelectorAll('#contact-list li')].map(li => {
                const box = li.getBoundingClientRect();
                const masked = li.querySelector('.mia-masked');
                const lineHeight = parseFloat(getComputedStyle(masked).lineHeight);
                return {right: box.right, listRight: list.right, masked: masked.getBoundingClientRect().height,
                        line: lineHeight, buttonRight: li.querySelector('button').getBoundingClientRect().right};
              });
            }"""
        )
        for item in geometry:
            assert item["right"] <= item["listRight"] + 0.5, item
            assert item["buttonRight"] <= item["right"] + 0.5, item
            assert item["masked"] < item["line"] * 1.5, item  # one line, not "*** ***" over "4503"

        # The countdown: its text fits the screen and nothing of the screen behind shows through it.
        page.locator("#mia-nav").get_by_role("button", name="Alerta").click()
        page.locator("#btn-alert").click()
        expect(page.locator("#countdown")).to_be_visible()
        assert horizontal_overflow(page) == 0
        covered = page.evaluate(
            r"""() => {
              const overlay = document.getElementById('countdown');
              const text = document.getElementById('countdown-text').getBoundingClientRect();
              const help = document.getElementById('alert-help').getBoundingClientRect();
              const x = help.left + help.width / 2, y = help.top + help.height / 2;
              const opaque = getComputedStyle(overlay).backgroundColor;
              // the seconds and their unit ("5 s") on one line
              const node = document.getElementById('countdown-text').firstChild;
              const range = document.createRange();
              const match = /\d+\s*s\s*$/.exec(node.textContent);
              range.setStart(node, match.index);
              range.setEnd(node, node.textContent.length);
              const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
              return {textRight: text.right, width: window.innerWidth, secondsLines: lines.size,
                      top: overlay.contains(document.elementFromPoint(x, y)), background: opaque};
            }"""
        )
        page.locator("#btn-countdown-stop").click()
        assert covered["textRight"] <= covered["width"], covered
        assert covered["secondsLines"] == 1, covered
        assert covered["top"], covered
        assert covered["background"].startswith("rgb("), (
            covered
        )  # opaque: the instructions do not show through
    finally:
        context.close()
