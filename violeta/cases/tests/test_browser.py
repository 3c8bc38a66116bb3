"""The staff screens in a real Chromium: sign in, mis expedientes, a case page, an intake with its duplicate check."""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    # "/" is the public site for a visitor: the staff sign in at the sign-in page (a page that needs it sends
    # them there too).
    page.goto(live_server.url + "/expedientes/")
    expect(page).to_have_url(re.compile(r"/cuenta/login/"))
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_lawyer_signs_in_and_opens_a_case(page, live_server, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    record_consultation(case, lawyer, summary="Se explicó el procedimiento de divorcio incausado.")
    sign_in(page, live_server, lawyer)
    expect(page.get_by_role("heading", name="Mis expedientes")).to_be_visible()
    page.get_by_role("link", name=case.folio).click()
    expect(page.get_by_role("heading", name=re.compile(case.folio))).to_be_visible()
    expect(page.get_by_text("Se explicó el procedimiento de divorcio incausado.")).to_be_visible()
    expect(page.get_by_role("heading", name="Historial del expediente")).to_be_visible()


def test_receptionist_intake_warns_of_a_likely_duplicate(page, live_server, receptionist, lawyer):
    existing = CaseFactory(opened_by=lawyer).holder
    sign_in(page, live_server, receptionist)
    page.get_by_role("link", name="Primera entrevista").first.click()
    page.get_by_label("Nombre(s)").fill(existing.given_names.upper())
    page.get_by_label("Primer apellido").fill(existing.first_surname)
    page.get_by_label("Segundo apellido").fill(existing.second_surname)
    page.get_by_label("Segundo apellido").press("Tab")  # htmx checks on change, before anything is saved
    expect(page.get_by_text("Puede que ya esté registrada")).to_be_visible()
    expect(page.locator("#candidates").get_by_text(existing.full_name)).to_be_visible()
    page.get_by_label("Motivo de la consulta").fill("Orientación jurídica.")
    expect(page.get_by_role("heading", name="Aviso de privacidad simplificado")).to_be_visible()
    page.get_by_label("Se le dio a conocer el aviso de privacidad y lo acepta").check()
    page.get_by_role("button", name="Registrar y abrir expediente").click()
    page.get_by_role("button", name="No es ninguna: registrar como persona nueva").click()
    expect(page.get_by_text(re.compile(r"Expediente IMM-\d{4}-\d{6} abierto"))).to_be_visible()
    assert Case.objects.count() == 2


def test_receptionist_chooses_the_team_with_a_filter_and_checkboxes(
    page, live_server, receptionist, lawyer, psychologist, social_worker
):
    """Issue 16, finding 7: the team is chosen by ticking names, narrowed by a filter; no Ctrl-click."""
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    sign_in(page, live_server, receptionist)
    page.get_by_role("link", name="Primera entrevista").first.click()
    page.get_by_label("Nombre(s)").fill("Zoraida")
    page.get_by_label("Primer apellido").fill("Quintanilla")
    page.get_by_label("Motivo de la consulta").fill("Orientación psicológica.")
    team = page.get_by_role("group", name="Equipo que la atenderá")
    team.get_by_placeholder("Filtrar por nombre o área").fill("psicolog")
    expect(team.get_by_label(re.compile(psychologist.full_name))).to_be_visible()
    expect(team.get_by_label(re.compile(lawyer.full_name))).to_be_hidden()
    team.get_by_label(re.compile(psychologist.full_name)).check()
    team.get_by_placeholder("Filtrar por nombre o área").fill("sofia")  # accents ignored: "Sofía"
    team.get_by_label(re.compile(social_worker.full_name)).check()
    expect(team.get_by_text("2 personas elegidas")).to_be_visible()
    page.get_by_label("Se le dio a conocer el aviso de privacidad y lo acepta").check()
    page.get_by_role("button", name="Registrar y abrir expediente").click()
    expect(page.get_by_text(re.compile(r"Expediente IMM-\d{4}-\d{6} abierto"))).to_be_visible()
    case = Case.objects.get()
    assert set(case.team.all()) >= {psychologist, social_worker}
    assert lawyer not in case.team.all()
    # nothing on the page was refused by the Content-Security-Policy (inline styles included)
    assert not [p for p in problems if "Content Security Policy" in p], problems
