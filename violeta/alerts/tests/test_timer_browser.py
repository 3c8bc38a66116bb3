""" "Acompáñame" in a real Chromium on a 390×844 phone: she starts a short timer (the minimum lowered through
settings) with one follower, reloads the page and the countdown resumes from the server's deadline; the server's
sweep (run by the sender's periodic jobs, no request from the page) fires it, the alert's messages go out before
any location, and the app shows the alert under way."""

import re

import pytest
from playwright.sync_api import expect

from violeta.alerts.models import Alert, AlertLocation, TripTimer, TripTimerStatus
from violeta.alerts.tests.test_app_browser import CONTACTS, signed_up_page, sms_of_kind, wait_for
from violeta.messaging.models import MessageKind
from violeta.testing.browser import PHONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECONDS = 12


def seconds_left(page) -> int:
    text = page.locator("#timer-left").inner_text()
    minutes, seconds = re.search(r"(\d+):(\d\d)", text).groups()
    return int(minutes) * 60 + int(seconds)


def test_a_short_timer_survives_a_reload_and_the_server_fires_it(browser, live_server, settings, tmp_path):
    settings.MIA = {**settings.MIA, "TIMER_MIN_MINUTES": SECONDS / 60}
    settings.SITE_URL = live_server.url
    context, page = signed_up_page(
        browser, live_server, settings, tmp_path, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        problems = []
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.locator("#mia-nav").get_by_role("button", name="Acompáñame").click()
        expect(page.locator("#screen-timer")).to_be_visible()
        page.locator("#timer-seconds").select_option(str(SECONDS))
        page.get_by_label(CONTACTS[0][0]).check()
        page.locator("#btn-timer-start").click()
        expect(page.locator("#timer-running")).to_be_visible()
        expect(page.locator("#timer-left")).to_contain_text("Quedan")
        expect(page.locator("#timer-following")).to_contain_text(CONTACTS[0][0])
        assert horizontal_overflow(page) == 0

        # Reloaded (or the phone slept): the app asks the server and resumes the same countdown.
        page.reload()
        expect(page.locator("#screen-timer")).to_be_visible()
        expect(page.locator("#timer-running")).to_be_visible()
        with database_turn():
            timer = TripTimer.objects.get()
            assert timer.status == TripTimerStatus.ACTIVE
        assert 0 < seconds_left(page) <= SECONDS

        # The follower's message: her chosen name and the link, nothing else.
        follow = wait_for(
            lambda: sms_of_kind(settings.SMS_FILE_PATH, MessageKind.TIMER), what="the follower's message"
        )
        assert [r["to"] for r in follow] == [CONTACTS[0][2]]
        assert "Ana" in follow[0]["body"] and "/acompaname/" in follow[0]["body"]

        # The deadline passes; the sender's periodic sweep fires it (wait_for runs the sender's round).
        alert_sms = wait_for(
            lambda: (lambda found: found if len(found) == 2 else None)(
                sms_of_kind(settings.SMS_FILE_PATH, MessageKind.ALERT)
            ),
            what="the alert SMS to both contacts after the timer ran out",
        )
        assert sorted(r["to"] for r in alert_sms) == [c[2] for c in CONTACTS]
        with database_turn():
            timer.refresh_from_db()
            alert = Alert.objects.get()
            assert timer.status == TripTimerStatus.EXPIRED and timer.alert == alert
            assert alert.is_active and alert.events.filter(kind="timer").exists()
            assert not AlertLocation.objects.exists()  # its messages went before any location

        # The app, which did nothing but ask, shows the alert under way.
        expect(page.locator("#screen-active")).to_be_visible(timeout=20_000)
        expect(page.locator("#active-status")).to_contain_text("Alerta enviada")
        assert page.evaluate("JSON.parse(localStorage.getItem('mia.alert')).id") == str(alert.public_id)
        assert horizontal_overflow(page) == 0
        assert not problems, problems
    finally:
        context.close()


def test_the_duress_pin_ends_it_on_screen_like_her_pin_and_raises_a_duress_alert(
    browser, live_server, settings, tmp_path
):
    context, page = signed_up_page(
        browser, live_server, settings, tmp_path, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        screens = []
        for pin in ("1234", "9999"):
            page.locator("#mia-nav").get_by_role("button", name="Acompáñame").click()
            expect(page.locator("#form-timer")).to_be_visible()
            page.locator("#btn-timer-start").click()
            expect(page.locator("#timer-running")).to_be_visible()
            page.locator("#timer-pin").fill(pin)
            page.locator("#btn-timer-end").click()
            expect(page.locator("#mia-message")).to_contain_text("Temporizador terminado")
            expect(page.locator("#form-timer")).to_be_visible()
            screens.append(page.locator("main").inner_text())
        assert screens[0] == screens[1]  # whoever forces her cannot tell the two apart
        with database_turn():
            statuses = list(TripTimer.objects.order_by("started_at").values_list("status", flat=True))
            assert statuses == [TripTimerStatus.ENDED, TripTimerStatus.DURESS]
            alert = Alert.objects.get()
            assert alert.is_active and alert.is_duress and alert.escalation_reason == "duress"
    finally:
        context.close()
