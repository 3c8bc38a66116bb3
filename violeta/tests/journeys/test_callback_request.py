"""Journey: on her phone she asks the institute to call her back and says how it is safe; the front desk sees the
request on the phone-lines log with her choices in bold before the number, calls her and logs the call.

Personas: she (the public form, on a phone, not signed in) and the receptionist (desktop). Nothing is ever sent
to her: the SMS outbox and the mail outbox stay empty.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from playwright.sync_api import expect

from violeta.agenda.models import CallbackRequest, CallbackStatus, PhoneCall
from violeta.conftest import PASSWORD
from violeta.messaging.models import Message
from violeta.testing.browser import database_turn, horizontal_overflow
from violeta.tests.journeys.callback import CHOICES, fill_callback_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The lines and office hours are data a migration wrote; transactional tests empty every table between tests.
_agenda_defaults = importlib.import_module("violeta.agenda.migrations.0002_office_hours_lines_holidays")


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/cuenta/login/")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_she_asks_for_a_call_and_the_front_desk_calls_her_back(
    phone_page, page, live_server, shots, receptionist
):
    with database_turn():
        _agenda_defaults.seed(apps, None)

    # --- She asks for a call, on her phone ------------------------------------------------------------------
    her = phone_page
    her.goto(live_server.url + "/contacto/llamame/")
    expect(her.get_by_role("heading", name="Pide que te llamemos")).to_be_visible()
    # she sends it half filled: each field says what is missing, and nothing is stored
    her.get_by_label("Teléfono donde podemos llamarte").fill("123")
    her.get_by_role("button", name="Enviar mi solicitud").click()
    expect(her.get_by_text("Elige si quieres que te llamemos o una cita.")).to_be_visible()
    expect(her.get_by_text("Este no es un teléfono al que podamos llamar.", exact=False)).to_be_visible()
    expect(her.get_by_text("Dinos si podemos dejarte un mensaje.")).to_be_visible()
    shots(her, "errores")
    assert horizontal_overflow(her) == 0
    with database_turn():
        assert CallbackRequest.objects.count() == 0

    fill_callback_request(her)
    shots(her, "formulario")
    assert horizontal_overflow(her) == 0
    her.get_by_role("button", name="Enviar mi solicitud").click()

    expect(her.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    expect(her).to_have_url(re.compile(r"/contacto/llamame/gracias/$"))  # nothing about her in the address
    expect(her.locator("#contenido").get_by_role("link", name="llama al 9-1-1")).to_be_visible()
    shots(her, "gracias")
    assert horizontal_overflow(her) == 0
    with database_turn():
        request = CallbackRequest.objects.get()
        assert request.status == CallbackStatus.PENDING

    # --- The front desk sees it on the phone-lines log, her choices first -------------------------------------
    _sign_in(page, live_server, receptionist)
    page.goto(live_server.url + "/agenda/llamadas/")
    section = page.get_by_role("region", name=re.compile("Solicitudes de llamada pendientes"))
    expect(section).to_be_visible()
    item = section.get_by_role("listitem").filter(has_text="girasol")
    choices = item.locator("strong.callback-choices")
    expect(choices).to_have_text(CHOICES)
    number = item.get_by_role("link", name="614 321 7788")
    expect(number).to_have_attribute("href", "tel:+526143217788")
    # bold choices come before the number in the reading order
    assert item.evaluate(
        "el => el.querySelector('strong.callback-choices').compareDocumentPosition(el.querySelector('a[href^=\"tel:\"]')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    shots(page, "solicitudes-pendientes")
    assert horizontal_overflow(page) == 0

    # She did not answer the first time: the request stays, with the attempt counted.
    item.get_by_role("button", name="No contestó").click()
    expect(page.get_by_text("Anotado: no contestó. La solicitud sigue pendiente.")).to_be_visible()
    item = (
        page.get_by_role("region", name=re.compile("Solicitudes de llamada pendientes"))
        .get_by_role("listitem")
        .filter(has_text="girasol")
    )
    expect(item.get_by_text("1 llamada sin respuesta", exact=False)).to_be_visible()

    # The second time she answers: "La llamé" opens the call form, prefilled, with her choices on top.
    item.get_by_role("link", name="La llamé").click()
    expect(page.get_by_role("heading", name="Registrar llamada")).to_be_visible()
    expect(page.get_by_text("No dejar mensaje · No enviar SMS", exact=False)).to_be_visible()
    expect(page.get_by_label("Su nombre de pila")).to_have_value("Rosa")
    page.get_by_label("Motivo de la llamada").fill("Se le devolvió la llamada; pide asesoría para divorcio.")
    page.get_by_label("Orientación").check()
    shots(page, "la-llame")
    page.get_by_role("button", name="Guardar llamada").click()
    expect(page.get_by_text("Llamada registrada.")).to_be_visible()

    page.goto(live_server.url + "/agenda/llamadas/")
    expect(page.get_by_text("No hay solicitudes de llamada pendientes.")).to_be_visible()
    with database_turn():
        request.refresh_from_db()
        assert request.status == CallbackStatus.DONE
        assert request.attempts == 1
        assert request.call == PhoneCall.objects.get()
        assert request.handled_by == receptionist
        # nothing was ever sent to her
        assert Message.objects.count() == 0
        assert mail.outbox == []


def test_a_coordinator_changes_a_line_and_the_public_page_shows_it_at_once(
    page, live_server, shots, coordinator
):
    with database_turn():
        _agenda_defaults.seed(apps, None)
    _sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/agenda/llamadas/")
    page.get_by_role("link", name="Horario, días inhábiles y líneas").click()
    expect(page.get_by_role("heading", name="Horario, días inhábiles y líneas", level=1)).to_be_visible()
    # Saturday mornings open; a closing time before the opening one is refused first
    page.get_by_label("Abierto el sábado").check()
    page.get_by_label("Abre el sábado").fill("10:00")
    page.get_by_label("Cierra el sábado").fill("09:00")
    page.get_by_role("button", name="Guardar horario").click()
    expect(page.get_by_text("La hora de cierre debe ser posterior a la de apertura.")).to_be_visible()
    page.get_by_label("Abierto el sábado").check()
    page.get_by_label("Abre el sábado").fill("09:00")
    page.get_by_label("Cierra el sábado").fill("13:00")
    page.get_by_role("button", name="Guardar horario").click()
    expect(page.get_by_text("Horario guardado.")).to_be_visible()
    shots(page, "horario")
    assert horizontal_overflow(page) == 0

    page.get_by_role("link", name="Editar Atención en situación de violencia").click()
    page.get_by_label("Número").fill("614 222 3344")
    page.get_by_role("button", name="Guardar línea").click()
    expect(page.get_by_text("Línea telefónica guardada.")).to_be_visible()

    page.goto(live_server.url + "/contacto/llamame/")
    expect(page.get_by_role("link", name=re.compile("614 222 3344"))).to_have_attribute(
        "href", "tel:+526142223344"
    )
    with database_turn():
        from violeta.agenda.models import OfficeHours

        saturday = OfficeHours.objects.get(weekday=5)
        assert (saturday.opens.hour, saturday.closes.hour) == (9, 13)
