"""Journey: she signs up in the MIA app on her phone, adds her trusted contacts and sends an alert; the outbox
texts each contact once; a contact says she is on her way; the monitor on duty watches it in the console and
closes it with the folio of her case file, which she may not see; the case's lawyer confirms the link.

Personas: she (the app, on a phone), a contact (her live link, on a phone), the alert monitor (the console,
desktop) and the lawyer on her case's team (desktop). Text messages go to the file backend (the development
stand-in for the provider) and are sent by the real outbox path: the task worker and the sender run in this
process, between steps, inside ``database_turn()``, as the running processes would.

What exists before: her case file at the institute (opened by the lawyer), the staff accounts.
"""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from violeta.alerts.models import Alert, AlertLocation, AlertStatus, EmergencyContact, Outcome
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.messaging.backends.file import read_all
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.notifications.models import Notification
from violeta.testing.browser import DESKTOP, LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow
from violeta.tests.journeys.outbox import run_outbox, until

pytestmark = [pytest.mark.tasks, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HER_PHONE = "+526144900789"
CONTACTS = [
    # (name as she types it, number as she types it, E.164)
    ("Rosa Elena Domínguez", "656 123 4501", "+526561234501"),
    ("Lupita Chávez", "614 490 4502", "+526144904502"),
]
WHERE = {"latitude": 28.6353, "longitude": -106.0889, "accuracy": 20}


def mia_screen_fits(page) -> None:
    """Her app's screens at 390 px: nothing wider than the phone (issue 16, finding 7)."""
    assert horizontal_overflow(page) == 0, page.url


def test_her_alert_reaches_her_contacts_and_the_console_links_it_to_her_case(
    browser, phone_page, page, live_server, settings, tmp_path, shots, alert_monitor, lawyer
):
    sms_file = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "violeta.messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(sms_file)
    settings.SITE_URL = live_server.url
    with database_turn():
        case = CaseFactory(opened_by=lawyer)

    def texts_to(phone: str) -> list[dict]:
        return [record for record in read_all(sms_file) if record["to"] == phone]

    # --- She signs up on her phone: her number, the code the SMS brings, her name and PINs ---------------------
    her = phone_page
    problems = []
    her.on("pageerror", lambda exc: problems.append(str(exc)))
    her.goto(live_server.url + "/mia/")
    expect(her.locator("#screen-phone")).to_be_visible()
    shots(her, "app-registro")
    mia_screen_fits(her)
    her.locator("#su-phone").fill("614 490 0789")
    her.locator("#form-phone button[type=submit]").click()
    expect(her.locator("#screen-code")).to_be_visible()
    otp = until(lambda: texts_to(HER_PHONE), what="the verification code SMS")
    code = re.search(r"\b(\d{6})\b", otp[-1]["body"]).group(1)
    shots(her, "app-codigo")
    mia_screen_fits(her)
    # her number is one piece on the phone, never "614 490" over "0789"
    assert "614\u00a0490\u00a00789" in her.locator("#code-sent").text_content()
    her.locator("#su-code").fill(code)
    her.locator("#form-code button[type=submit]").click()
    expect(her.locator("#screen-profile")).to_be_visible()
    her.locator("#su-name").fill("Ana")
    her.locator("#su-pin").fill("2580")
    her.locator("#su-pin2").fill("2580")
    her.locator("#su-duress").fill("1397")
    shots(her, "app-perfil")
    mia_screen_fits(her)
    her.locator("#form-profile button[type=submit]").click()

    # --- Her trusted contacts: shown masked, each invited by SMS -------------------------------------------------
    expect(her.locator("#screen-contacts")).to_be_visible()
    for name, typed, _e164 in CONTACTS:
        her.locator("#ct-name").fill(name)
        her.locator("#ct-phone").fill(typed)
        her.locator("#btn-contact-add").click()
        expect(her.locator("#contact-list").get_by_text(name)).to_be_visible()
    expect(her.locator("#contact-list li")).to_have_count(len(CONTACTS))
    expect(her.locator("#contact-list")).to_contain_text("*** *** 4501")
    expect(her.locator("#contact-list")).not_to_contain_text("656 123")
    shots(her, "app-contactos")
    mia_screen_fits(her)

    # --- The alert: she presses, the countdown runs, it goes; her phone lets the app know where she is -----
    her.context.grant_permissions(["geolocation"], origin=live_server.url)
    her.context.set_geolocation(WHERE)
    her.locator("#btn-to-alert").click()
    expect(her.locator("#screen-alert")).to_be_visible()
    shots(her, "app-boton")
    mia_screen_fits(her)
    her.locator("#btn-alert").click()
    expect(her.locator("#countdown")).to_be_visible()
    shots(her, "app-cuenta-regresiva")
    mia_screen_fits(her)
    expect(her.locator("#screen-active")).to_be_visible(timeout=10_000)
    shots(her, "app-alerta-enviada")
    mia_screen_fits(her)

    # The outbox texts every contact her alert, with her own link to the live page.
    def sent(kind: str) -> list[Message]:
        return list(Message.objects.filter(kind=kind, status=MessageStatus.SENT))

    until(lambda: len(sent(MessageKind.ALERT)) == len(CONTACTS), what="the alert SMS to every contact")
    with database_turn():
        assert sorted(m.to_phone for m in sent(MessageKind.ALERT)) == sorted(c[2] for c in CONTACTS)
        alert = Alert.objects.get()
    assert alert.status == AlertStatus.ACTIVE and not alert.is_duress
    # Her position arrives, and the contacts are texted that the live page shows it.
    location = until(lambda: AlertLocation.objects.first(), what="her first position")
    assert location.lat_lon == (28.6353, -106.0889)
    until(lambda: len(sent(MessageKind.LOCATION)) == len(CONTACTS), what="the location SMS to every contact")
    expect(her.locator("#location-status")).to_contain_text("20")
    # times in the 24-hour clock, as in the rest of Violeta (not "11:50 p.m.")
    expect(her.locator("#screen-active")).not_to_contain_text(re.compile(r"[ap]\.\s?m\."))

    # --- The monitor on duty sees it in the console -----------------------------------------------------------
    monitor = page
    sign_in(monitor, live_server, alert_monitor)
    monitor.get_by_role("link", name="Consola MIA").click()
    row = monitor.locator(f'tr[data-alert="{alert.public_id}"]')
    expect(row).to_contain_text("Ana")
    expect(row.get_by_test_id("acks")).to_have_text(f"0/{len(CONTACTS)}")
    expect(monitor.get_by_test_id("outbox-alarm")).to_have_count(0)  # the sender is alive: no red banner

    # --- A contact opens the link of her SMS on her own phone and says she is on her way -------------------
    link = re.search(r"https?://\S+/a/[\w-]+/", texts_to(CONTACTS[0][2])[-1]["body"]).group(0)
    contact_context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        contact = contact_context.new_page()
        contact.goto(link)
        expect(contact.get_by_role("heading", level=1)).to_contain_text("Ana")
        expect(contact.locator("main")).to_contain_text("28.63530")
        shots(contact, "contacto-pagina-alerta")
        assert horizontal_overflow(contact) == 0
        contact.get_by_test_id("ack").click()
        expect(contact.get_by_test_id("acknowledged")).to_be_visible()
        expect(contact.get_by_test_id("on-the-way")).to_contain_text("Rosa")
        shots(contact, "contacto-enterada")
        assert horizontal_overflow(contact) == 0
    finally:
        contact_context.close()

    # She sees on her phone who is on the way; the console counts it without a reload.
    expect(her.locator("#ack-list .mia-ack")).to_contain_text(CONTACTS[0][0], timeout=15_000)
    shots(her, "app-contacto-en-camino")
    mia_screen_fits(her)
    run_outbox()  # the sender keeps beating while the monitor watches
    expect(row.get_by_test_id("acks")).to_have_text(f"1/{len(CONTACTS)}", timeout=15_000)
    shots(monitor, "consola")
    assert horizontal_overflow(monitor) == 0

    # --- The monitor opens the alert and closes it with the folio of her case file ---------------------------
    row.get_by_role("link", name="Ver alerta").click()
    expect(monitor.get_by_test_id("acks")).to_contain_text(f"1/{len(CONTACTS)}")
    expect(monitor.get_by_test_id("ack-event")).to_contain_text(CONTACTS[0][0])
    expect(monitor.get_by_test_id("recipients")).to_contain_text(CONTACTS[1][0])
    expect(monitor.get_by_test_id("coordinates")).to_have_text("28.63530, -106.08890")
    shots(monitor, "consola-alerta")
    assert horizontal_overflow(monitor) == 0
    monitor.get_by_label("Resultado").select_option(label="El personal del instituto la contactó")
    monitor.get_by_label("Nota").fill("Su contacto llegó; la abogada de su expediente le llamó.")
    monitor.get_by_label("Expediente por vincular (opcional)").fill(case.folio.lower())
    monitor.get_by_role("button", name="Cerrar la alerta").click()
    expect(monitor.get_by_text("Alerta cerrada.")).to_be_visible()
    expect(
        monitor.get_by_text("Se pidió al equipo del expediente que confirme la vinculación.")
    ).to_be_visible()
    expect(monitor.get_by_test_id("status")).to_have_text("Cerrada")  # an alerta: feminine
    expect(monitor.get_by_test_id("timeline")).to_contain_text("Alerta terminada (Cerrada)")
    expect(monitor.get_by_role("link", name=case.folio)).to_have_count(0)  # she cannot see the case
    shots(monitor, "consola-alerta-cerrada")
    assert horizontal_overflow(monitor) == 0
    with database_turn():
        alert.refresh_from_db()
        assert alert.status == AlertStatus.CLOSED and alert.closed_by == alert_monitor
        assert alert.case is None and alert.pending_case == case and alert.pending_case_by == alert_monitor

    # --- The lawyer of her case gets a notice and confirms the link ------------------------------------------
    team_context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=DESKTOP)
    try:
        team = team_context.new_page()
        sign_in(team, live_server, lawyer)
        team.locator("#nav-notices").click()
        notice = team.locator("#notices li").filter(has_text=case.folio)
        expect(notice).to_be_visible()
        shots(team, "equipo-aviso")
        assert horizontal_overflow(team) == 0
        notice.get_by_role("button").click()
        expect(team.get_by_role("heading", name="Vincular una alerta MIA")).to_be_visible()
        expect(team.locator("main")).to_contain_text(case.folio)
        shots(team, "equipo-vincular")
        assert horizontal_overflow(team) == 0
        team.get_by_role("button", name="Vincularla al expediente").click()
        expect(team.get_by_text("La alerta quedó vinculada al expediente.")).to_be_visible()
        expect(team).to_have_url(re.compile(re.escape(case.folio)))
        shots(team, "equipo-expediente-vinculado")
        assert horizontal_overflow(team) == 0
    finally:
        team_context.close()

    # --- The end: the alert is closed and linked to her case; each contact was texted her alert once ----------
    run_outbox()  # anything still queued would go out now: nothing more may reach the contacts
    with database_turn():
        alert.refresh_from_db()
        assert alert.status == AlertStatus.CLOSED
        assert alert.outcome == Outcome.STAFF_CONTACTED
        assert alert.case == case and alert.pending_case is None
        assert Notification.objects.filter(recipient=lawyer, message__contains=case.folio).exists()
        assert EmergencyContact.objects.filter(account=alert.account).count() == len(CONTACTS)
        # Each contact: one alert text and one "her location is on the page" text, each sent once.
        alert_messages = Message.objects.filter(alert_link__alert=alert)
        each_once = {(kind, c[2]): 1 for c in CONTACTS for kind in (MessageKind.ALERT, MessageKind.LOCATION)}
        assert Counter(alert_messages.values_list("kind", "to_phone")) == each_once
        assert set(alert_messages.values_list("status", flat=True)) == {MessageStatus.SENT}
        kind_of = dict(alert_messages.values_list("provider_message_id", "kind"))
    handed_over = Counter(
        (kind_of[record["id"]], record["to"]) for record in read_all(sms_file) if record["id"] in kind_of
    )
    assert handed_over == each_once  # the provider was handed each of them exactly once
    assert not [p for p in problems if "Uncaught" in p], problems
