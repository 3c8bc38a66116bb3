"""The roll call on a tablet in a real Chromium: one tap a person, saved at once; a tap made without a connection
is shown as not saved and is sent when the connection returns, never silently lost."""

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.test_browser import sign_in
from violeta.programs.models import Attendance
from violeta.programs.tests import factories
from violeta.testing.browser import LOCALE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 820, "height": 1180}


def test_roll_call_on_a_tablet_survives_a_lost_connection(browser, live_server, trainer):
    with database_turn():
        training = factories.training(trainer, title="Igualdad sustantiva para docentes")
        session = factories.session(training, trainer, days_from_now=0)
        rosa = factories.attendee(training, trainer, full_name="Rosa Elena Quiñónez")
        luis = factories.attendee(training, trainer, full_name="Luis Alberto Prieto", sex="hombre")
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=TABLET, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        sign_in(page, live_server, trainer)
        expect(page.get_by_role("heading", name="Mis sesiones de las próximas dos semanas")).to_be_visible()
        page.get_by_role("link", name="Pasar lista").click()
        expect(page.get_by_role("heading", name="Pase de lista")).to_be_visible()
        assert horizontal_overflow(page) == 0
        # the taps below are the script's (saved in the background, kept while offline): wait until it runs
        expect(page.locator("[data-roll-call][data-ready]")).to_be_attached()

        page.get_by_role("button", name="Rosa Elena Quiñónez").click()
        expect(page.get_by_role("button", name="Rosa Elena Quiñónez")).to_contain_text("Presente")
        with database_turn():
            assert Attendance.objects.get(attendee=rosa).present

        # The connection drops: the tap is shown as not saved, and kept.
        context.set_offline(True)
        page.get_by_role("button", name="Luis Alberto Prieto").click()
        expect(page.get_by_role("button", name="Luis Alberto Prieto")).to_contain_text("Sin guardar")
        expect(page.locator("#roll-status")).to_contain_text("Marcas sin guardar todavía: 1")
        with database_turn():
            assert not Attendance.objects.filter(attendee=luis).exists()

        # It comes back: the tap is sent, and the page says it was saved.
        context.set_offline(False)
        expect(page.get_by_role("button", name="Luis Alberto Prieto")).to_contain_text(
            "Presente", timeout=15_000
        )
        expect(page.locator("#roll-status")).to_be_hidden()
        with database_turn():
            assert Attendance.objects.get(attendee=luis, session=session).present

        # Tapping again marks absent; reloading shows what is stored.
        page.get_by_role("button", name="Rosa Elena Quiñónez").click()
        expect(page.get_by_role("button", name="Rosa Elena Quiñónez")).to_contain_text("Ausente")
        page.reload()
        expect(page.get_by_role("button", name="Rosa Elena Quiñónez")).to_contain_text("Ausente")
        expect(page.get_by_role("button", name="Luis Alberto Prieto")).to_contain_text("Presente")
        with database_turn():
            assert Attendance.objects.count() == 2
            assert not Attendance.objects.get(attendee=rosa).present
    finally:
        context.close()


def test_a_tap_before_the_script_runs_is_saved_and_shown(browser, live_server, trainer):
    """Without roll-call.js (a tablet still loading it, or scripts off) a tap is a plain form post: the roll
    call comes back with the mark and a message, never a page of raw JSON."""
    with database_turn():
        training = factories.training(trainer, title="Prevención de la violencia en el noviazgo")
        factories.session(training, trainer, days_from_now=0)
        rosa = factories.attendee(training, trainer, full_name="Rosa Elena Quiñónez")
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=TABLET, is_mobile=True, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, live_server, trainer)
        page.get_by_role("link", name="Pasar lista").click()
        page.get_by_role("button", name="Rosa Elena Quiñónez").click()
        expect(page.get_by_role("heading", name="Pase de lista")).to_be_visible()
        expect(page.get_by_text("Asistencia guardada: presente.")).to_be_visible()
        expect(page.get_by_role("button", name="Rosa Elena Quiñónez")).to_contain_text("Presente")
        with database_turn():
            assert Attendance.objects.get(attendee=rosa).present
    finally:
        context.close()
