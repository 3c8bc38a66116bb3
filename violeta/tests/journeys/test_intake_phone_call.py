"""A woman phones the institute: the front desk logs the call and turns it into her intake, and the intake
finds her among the people already registered (typed without accents, one letter off), so her case file is
opened with her existing record: no second person, no second active case file.

Before the journey: she was attended two years ago (a closed case file with the legal area). The receptionist
takes the call, logs it on the phone lines screen, turns it into an intake, sees the duplicate warning, chooses
"Es ella" and lands on her case file, linked back to the call.
"""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from violeta.agenda.models import PhoneCall, PhoneLine
from violeta.cases.models import ACTIVE_STATUSES, ArrivalChannel, Case
from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.people.models import Person
from violeta.people.tests.factories import PersonFactory
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The institute's two public lines and office hours are data a migration wrote; transactional tests empty
# every table between tests, so put them back as the migration does.
_agenda_defaults = importlib.import_module("violeta.agenda.migrations.0002_office_hours_lines_holidays")


def _call_turned_into_intake(page, live_server, shots, receptionist):
    """The phone rings: the front desk logs the call while she is on the line, then turns it into her intake,
    typing her surnames as heard (no accents, an "s" where her record has a "z"); the page warns of her.
    ``shots`` saves the call's screens (once per module: the other journey passes None)."""
    violence_line = str(PhoneLine.objects.get(code="violencia"))  # "614 410 2305 · Atención en situación…"
    sign_in(page, live_server, receptionist)
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Líneas telefónicas"
    ).click()
    expect(page.get_by_role("heading", name="Líneas telefónicas")).to_be_visible()
    page.get_by_role("link", name="Registrar llamada").click()
    page.get_by_label("Línea").select_option(label=violence_line)
    page.get_by_label("Su nombre de pila").fill("Maria Jose")
    page.get_by_label("Motivo de la llamada").fill(
        "Su expareja dejó de pagar la pensión y la amenaza por mensajes; pide volver a ser atendida."
    )
    page.get_by_label("Menciona violencia").check()
    page.get_by_label("Orientación").check()
    if shots:
        shots(page, "registrar-llamada")
        assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Guardar llamada").click()
    expect(page.get_by_text("Llamada registrada.")).to_be_visible()
    expect(page.get_by_text("Maria Jose", exact=True)).to_be_visible()
    if shots:
        shots(page, "llamada")
        assert horizontal_overflow(page) == 0

    # She agrees to come in: the call becomes her intake, with what she said already written.
    page.get_by_role("link", name="Convertir en primera entrevista").click()
    expect(page.get_by_role("heading", name="Primera entrevista")).to_be_visible()
    expect(page.get_by_label("Nombre(s)")).to_have_value("Maria Jose")
    expect(page.get_by_label("Motivo de la consulta")).to_have_value(re.compile("dejó de pagar la pensión"))
    # Her surnames as the receptionist hears them: no accents, and a "s" where her record has a "z".
    page.get_by_label("Primer apellido").fill("Nunez")
    page.get_by_label("Segundo apellido").fill("Ibanes")
    page.get_by_label("Segundo apellido").press("Tab")  # htmx checks on change, before anything is saved
    candidates = page.locator("#candidates")
    expect(candidates.get_by_text("Puede que ya esté registrada")).to_be_visible()
    expect(candidates.get_by_text("María José Núñez Ibáñez")).to_be_visible()
    return candidates


def test_a_call_becomes_her_intake_and_she_is_found_under_another_spelling(
    page, live_server, shots, receptionist, lawyer
):
    _agenda_defaults.seed(apps, None)
    her = PersonFactory(given_names="María José", first_surname="Núñez", second_surname="Ibáñez")
    earlier = CaseFactory(holder=her, opened_by=lawyer, reason="Orientación sobre pensión alimenticia.")
    case_close(case=earlier, by=lawyer, reason="concluded")
    people_before = Person.objects.count()

    candidates = _call_turned_into_intake(page, live_server, shots, receptionist)
    team = page.get_by_role("group", name="Equipo que la atenderá")
    team.get_by_placeholder("Filtrar por nombre o área").fill("juridica")  # accents ignored: "Jurídica"
    team.get_by_label(re.compile(lawyer.full_name)).check()
    page.get_by_label("Se le dio a conocer el aviso de privacidad y lo acepta").check()
    page.get_by_role("button", name="Registrar y abrir expediente").click()

    # Nothing is saved yet: the desk must say whether she is the woman already registered.
    expect(page.get_by_role("button", name="Es ella")).to_have_count(1)
    expect(candidates.get_by_text("nombre parecido")).to_be_visible()  # found by her name alone
    shots(page, "entrevista-posible-duplicado")
    assert horizontal_overflow(page) == 0
    with database_turn():
        assert Person.objects.count() == people_before
        assert not Case.objects.filter(status__in=ACTIVE_STATUSES).exists()
    candidates.get_by_role("listitem").filter(has_text="María José Núñez Ibáñez").get_by_role(
        "button", name="Es ella"
    ).click()

    # Her case file, opened with her existing record.
    expect(page.get_by_text(re.compile(r"Expediente IMM-\d{4}-\d{6} abierto"))).to_be_visible()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Abierto")
    expect(
        page.locator("#contenido").get_by_role("link", name="María José Núñez Ibáñez").first
    ).to_be_visible()
    expect(page.get_by_text("dejó de pagar la pensión")).to_be_visible()
    shots(page, "su-expediente")
    assert horizontal_overflow(page) == 0

    with database_turn():
        assert Person.objects.count() == people_before  # no second person
        active = Case.objects.filter(holder=her, status__in=ACTIVE_STATUSES)
        assert active.count() == 1  # one active case file, hers
        case = active.get()
        assert Case.objects.filter(holder=her).count() == 2  # the earlier one, closed, and this one
        assert Case.objects.count() == 2
        assert case.arrival_channel == ArrivalChannel.PHONE
        call = PhoneCall.objects.get()
        assert call.case_id == case.pk  # the call is linked to her case file
        assert call.violence
        assert set(case.team_members.values_list("user_id", flat=True)) == {receptionist.pk, lawyer.pk}
    expect(heading).to_contain_text(case.folio)

    # The phone lines screen now shows the call with her folio.
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Líneas telefónicas"
    ).click()
    row = page.get_by_role("row").filter(has_text="Maria Jose")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name=case.folio)).to_be_visible()
    shots(page, "lineas-telefonicas")
    assert horizontal_overflow(page) == 0


def test_she_already_has_an_active_case_and_the_desk_continues_in_it(
    page, live_server, shots, receptionist, lawyer
):
    """She is attended now (the receptionist opened her case file last month): no second one is opened; the desk,
    on her team, is offered her case file and goes on in it."""
    _agenda_defaults.seed(apps, None)
    her = PersonFactory(given_names="María José", first_surname="Núñez", second_surname="Ibáñez")
    hers = CaseFactory(holder=her, opened_by=receptionist, team=(lawyer,), reason="Asesoría para divorcio.")
    people_before = Person.objects.count()

    candidates = _call_turned_into_intake(page, live_server, None, receptionist)
    page.get_by_label("Se le dio a conocer el aviso de privacidad y lo acepta").check()
    page.get_by_role("button", name="Registrar y abrir expediente").click()
    candidates.get_by_role("listitem").filter(has_text="María José Núñez Ibáñez").get_by_role(
        "button", name="Es ella"
    ).click()

    offer = page.get_by_role("status").filter(has_text="Usted está en su equipo")
    expect(offer).to_be_visible()
    # The call is hers: it is linked to her case file, not left waiting to become another intake.
    expect(offer).to_contain_text(f"La llamada quedó vinculada a su expediente {hers.folio}")
    expect(page.get_by_text("Pida a su equipo")).to_have_count(0)  # she is on it
    expect(offer.get_by_role("link", name="Registrar una atención")).to_have_count(0)  # an area's page
    shots(page, "entrevista-ya-tiene-expediente")
    assert horizontal_overflow(page) == 0
    offer.get_by_role("link", name=f"Abrir el expediente {hers.folio}").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(hers.folio)
    expect(page.get_by_text("Asesoría para divorcio.")).to_be_visible()
    with database_turn():
        assert Person.objects.count() == people_before  # no second person
        assert list(Case.objects.all()) == [hers]  # and no second case file
        assert PhoneCall.objects.get().case_id == hers.pk
