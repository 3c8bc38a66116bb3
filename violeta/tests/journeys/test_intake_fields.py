"""Journey: the director adds a field "Ocupación" to the intake, and it appears on the next intake: the front
desk fills it, registers the intake and sees the value in the case file's "Datos adicionales".

Personas: the director (the configuration, as data, never code) and the receptionist (the intake).
"""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.field_models import CustomField, CustomFieldValue
from violeta.cases.models import Case
from violeta.conftest import PASSWORD
from violeta.testing.browser import database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/cuenta/login/")
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_the_director_adds_occupation_and_it_appears_on_the_next_intake(
    page, live_server, shots, director, receptionist
):
    # --- The director adds the field, from the menu --------------------------------------------------------
    _sign_in(page, live_server, director)
    page.get_by_role("button", name="Seguimiento").or_(page.get_by_role("link", name="Seguimiento")).click()
    page.get_by_role("link", name="Campos de la entrevista").click()
    expect(page.get_by_role("heading", name="Campos de la entrevista", level=1)).to_be_visible()
    page.get_by_role("link", name="Agregar un campo").click()
    page.get_by_label("Etiqueta").fill("Ocupación")
    page.get_by_label("Texto de ayuda").fill("Su trabajo o actividad principal.")
    page.get_by_label("Tipo").select_option(label="Texto")
    expect(page.get_by_label("Se pregunta en la entrevista inicial")).to_be_checked()
    shots(page, "campo-nuevo")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Se guardó el campo.")).to_be_visible()
    expect(page.get_by_role("cell", name="Ocupación", exact=True)).to_be_visible()
    with database_turn():
        assert CustomField.objects.get().label == "Ocupación"

    # --- The next intake asks it -----------------------------------------------------------------------------
    _sign_in(page, live_server, receptionist)
    page.get_by_role("navigation").get_by_role("link", name="Primera entrevista").click()
    additional = page.get_by_role("group", name="Datos adicionales")
    expect(additional.get_by_label("Ocupación")).to_be_visible()
    page.get_by_label("Nombre(s)").fill("Rosa Elena")
    page.get_by_label("Primer apellido").fill("Bustillos")
    page.get_by_label("Teléfono", exact=True).fill("614 410 2305")
    additional.get_by_label("Ocupación").fill("Costurera")
    page.get_by_label("Motivo de la consulta").fill("Busca orientación sobre la pensión de sus hijos.")
    page.get_by_label("Se le dio a conocer el aviso de privacidad y lo acepta").check()
    shots(page, "entrevista")
    page.get_by_role("button", name="Registrar y abrir expediente").click()

    # --- The case file shows it ------------------------------------------------------------------------------
    expect(page).to_have_url(re.compile(r"/expedientes/IMM-\d{4}-\d{6}/$"))
    section = page.get_by_role("region", name="Datos adicionales")
    expect(section).to_contain_text("Ocupación")
    expect(section).to_contain_text("Costurera")
    shots(page, "expediente")
    with database_turn():
        case = Case.objects.get()
        assert CustomFieldValue.objects.get(case=case).value == "Costurera"
