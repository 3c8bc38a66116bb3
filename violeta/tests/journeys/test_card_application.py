"""Journey: she applies for the Mi apoyo, Mi bienestar card from her phone, with her proofs; the card office
reviews the application, approves it, issues the card and texts her its link; she opens her digital card on her
phone; a business validates it at the till by the number on her screen.

Personas: she (the public form and her digital card, on a phone), the card office (desktop) and a merchant's
till account (on the till's phone). Text messages go to the file backend (the development stand-in for the
provider) and are sent by the real outbox path (the task worker and the sender, run in this process between
steps, inside ``database_turn()``).

What exists before: the affiliated business, its branch and the till account linked to them; the staff accounts.
"""

import re

import pytest
from playwright.sync_api import expect

from violeta.card.models import (
    ApplicationEvent,
    ApplicationStatus,
    CardApplication,
    CardUse,
    Channel,
    MerchantAccount,
    MerchantCategory,
    ValidationResult,
)
from violeta.card.tests import factories
from violeta.cases.tests.test_browser import sign_in
from violeta.messaging.backends.file import read_all
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow
from violeta.tests.journeys.outbox import until

pytestmark = [pytest.mark.tasks, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HER_PHONE = "+526144900789"


def test_she_applies_the_office_issues_her_card_and_a_business_validates_it(
    browser, phone_page, page, live_server, settings, tmp_path, shots, card_office, merchant
):
    sms_file = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "violeta.messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(sms_file)
    settings.SITE_URL = live_server.url
    settings.CARD = {**settings.CARD, "PRIVATE_ROOT": tmp_path / "private"}  # her proofs: never in var/
    with database_turn():
        # Browser tests empty every table between tests, migrations' rows included: the giro is made here.
        MerchantCategory.objects.get_or_create(code="supermercados", defaults={"name": "Supermercados"})
        business = factories.merchant(name="Súper La Económica", discount="10% en el total")
        branch = factories.branch(business, name="Matriz")
        MerchantAccount.objects.create(user=merchant, merchant=business, branch=branch)
        data = factories.applicant()
        colonia = data["neighborhood"]

    # --- She applies from her phone, with a photo of her ID and her power bill -----------------------------
    her = phone_page
    her.goto(live_server.url + "/tarjeta/solicitar/")
    her.get_by_label("Nombre(s)").fill(data["given_names"])
    her.get_by_label("Primer apellido").fill(data["first_surname"])
    her.get_by_label("Segundo apellido").fill(data["second_surname"])
    her.get_by_label("Fecha de nacimiento").fill(data["birth_date"].isoformat())
    her.get_by_label("CURP").fill(data["curp"].lower())
    her.get_by_label("Calle y número").fill("Calle Libertad 123")
    her.get_by_label("Colonia").select_option(label=f"{colonia.name} ({colonia.postal_code})")
    her.locator("input[name=phone]").fill("614 490 0789")
    her.get_by_label("Acepto recibir mensajes de texto").check()
    her.get_by_label("Comprobante de domicilio (PDF, JPG o PNG)").set_input_files(
        {"name": "recibo-luz.pdf", "mimeType": "application/pdf", "buffer": factories.PDF_BYTES}
    )
    her.get_by_label("Identificación oficial (PDF, JPG o PNG)").set_input_files(
        {"name": "ine.png", "mimeType": "image/png", "buffer": factories.PNG_BYTES}
    )
    shots(her, "solicitud")
    assert horizontal_overflow(her) == 0
    her.get_by_role("button", name="Enviar solicitud").click()
    expect(her.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    shots(her, "solicitud-recibida")
    assert horizontal_overflow(her) == 0
    with database_turn():
        application = CardApplication.objects.get()
        assert application.status == ApplicationStatus.RECEIVED  # both proofs came with it
        assert application.channel == Channel.ONLINE and application.accepts_sms
        assert application.documents.count() == 2

    # --- The card office finds it among the received ones, reviews it, approves it, issues the card -------
    office = page
    sign_in(office, live_server, card_office)
    expect(office.get_by_role("heading", name="Tarjeta Mi apoyo, Mi bienestar")).to_be_visible()
    queue = office.locator("#queue")
    expect(queue).to_contain_text(application.full_name)
    # the day she applied, not the day a card was delivered (the queues of delivered cards are next to it)
    expect(queue.get_by_role("columnheader", name="Fecha de solicitud")).to_be_visible()
    shots(office, "oficina")
    assert horizontal_overflow(office) == 0
    queue.get_by_role("link", name=application.folio).click()
    expect(office.get_by_role("heading", name=re.compile(re.escape(application.folio)))).to_be_visible()
    details = office.locator("main")
    expect(details).to_contain_text(data["curp"])
    expect(details).to_contain_text("Acepta mensajes de texto")
    expect(details.get_by_role("link", name="Comprobante de domicilio")).to_be_visible()
    expect(details.get_by_role("link", name="Identificación oficial")).to_be_visible()
    shots(office, "oficina-solicitud")
    assert horizontal_overflow(office) == 0
    office.get_by_role("button", name="Aprobar", exact=True).click()
    expect(office.locator("[data-status]")).to_have_text("Aprobada")
    office.get_by_role("button", name="Emitir tarjeta").click()
    expect(office.locator("[data-status]")).to_have_text("Tarjeta emitida")
    with database_turn():
        card = application.cards.get()
    expect(details).to_contain_text(card.grouped_number)
    office.get_by_role("button", name="Enviarle el enlace por SMS").click()
    expect(details).to_contain_text("Enlace de la tarjeta digital enviado por SMS")
    shots(office, "oficina-tarjeta-emitida")
    assert horizontal_overflow(office) == 0

    # --- The text reaches her phone; she opens her digital card -------------------------------------------
    text = until(
        lambda: [record for record in read_all(sms_file) if record["to"] == HER_PHONE],
        what="the SMS with her card's link",
    )
    assert len(text) == 1
    assert data["given_names"] not in text[0]["body"] and card.number not in text[0]["body"]
    her.goto(re.search(r"https?://\S+/mi-tarjeta/\S+/", text[0]["body"]).group(0))
    expect(her.get_by_text(card.grouped_number)).to_be_visible()
    expect(her.get_by_label("Código QR para validar la tarjeta")).to_be_visible()
    shots(her, "tarjeta-digital")
    assert horizontal_overflow(her) == 0

    # --- At the till: the cashier types the number she shows and sees "valid" -----------------------------
    till_context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        till = till_context.new_page()
        sign_in(till, live_server, merchant)
        expect(till.get_by_role("heading", name="Validar una tarjeta")).to_be_visible()
        expect(till.locator("main")).to_contain_text("Súper La Económica · Matriz")
        till.get_by_label("Número de tarjeta").fill(her.locator(".card-face .number").inner_text())
        till.get_by_role("button", name="Validar", exact=True).click()
        result = till.locator("[data-result]")
        expect(result).to_have_attribute("data-result", "valid")
        expect(result).to_contain_text("Válida")
        expect(result).to_contain_text(data["given_names"].split()[0])
        expect(result).not_to_contain_text(data["first_surname"])  # her first name only
        shots(till, "validar")
        assert horizontal_overflow(till) == 0
    finally:
        till_context.close()

    # --- The end: the approval, the card and the validation are on record ----------------------------------
    with database_turn():
        application.refresh_from_db()
        assert application.status == ApplicationStatus.CARD_ISSUED
        approval = ApplicationEvent.objects.get(application=application, status=ApplicationStatus.APPROVED)
        assert approval.by == card_office
        card.refresh_from_db()
        assert card.issued_by == card_office and card.status == "active"
        use = CardUse.objects.get()
        assert (use.card, use.merchant, use.branch, use.by) == (card, business, branch, merchant)
        assert use.result == ValidationResult.VALID and use.method == "number"
