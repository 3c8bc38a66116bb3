"""Journey (issue 17): a trainer creates a Transversalidad training for a school with two sessions; the
attendees sign up through the public link on their phones; the trainer takes attendance on a tablet; she issues
the certificates; and one is verified publicly by its QR.

Personas: the trainer (desktop, then a tablet), two teachers of the school (their phones), and whoever checks a
certificate (a phone, not signed in). Nothing of the training exists before: the trainer creates it all.
"""

import re
from datetime import timedelta

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases.tests.test_browser import sign_in
from violeta.programs import documents
from violeta.programs.models import Attendance, Attendee, Certificate, RegisteredBy, Topic, Training
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 820, "height": 1180}
TEACHERS = [("Guadalupe Ibarra Loya", "Mujer", "30 a 44"), ("Martha Elena Quezada", "Mujer", "45 a 59")]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def phone(browser):
    return browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )


def test_a_school_training_from_sign_up_to_a_verified_certificate(
    browser, page, live_server, shots, trainer, settings
):
    settings.SITE_URL = live_server.url
    with database_turn():
        # the catalogue (transactional tests empty what migrations loaded)
        Topic.objects.get_or_create(code="igualdad-sustantiva", defaults={"name": "Igualdad sustantiva"})
    now = timezone.now()

    # --- The trainer, at her desk: the school, the training, two sessions (held this week) and the link ---------
    sign_in(page, live_server, trainer)
    expect(page.get_by_role("heading", name="Mis sesiones de las próximas dos semanas")).to_be_visible()
    page.get_by_role("link", name="Organizaciones").click()
    page.get_by_role("link", name="Nueva organización").click()
    page.get_by_label("Nombre").fill("Escuela Secundaria Técnica 45")
    page.get_by_label("Tipo").select_option(label="Escuela")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name="Escuela Secundaria Técnica 45")).to_be_visible()
    page.get_by_role("link", name="Nueva capacitación").click()
    page.get_by_label("Programa").select_option(label="Transversalidad con perspectiva de género")
    page.get_by_label("Tema").select_option(label="Igualdad sustantiva")
    page.get_by_label("Título").fill("Igualdad sustantiva en el aula")
    page.get_by_label("Horas en total").fill("4")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name="Igualdad sustantiva en el aula")).to_be_visible()
    expect(page.get_by_text("Escuela Secundaria Técnica 45").first).to_be_visible()
    for starts in (now - timedelta(days=2), now - timedelta(hours=3)):
        page.get_by_role("link", name="Agregar una sesión").click()
        page.get_by_label("Inicia").fill(local(starts))
        page.get_by_label("Termina").fill(local(starts + timedelta(hours=2)))
        page.get_by_label("Lugar").fill("Biblioteca de la escuela")
        page.get_by_role("button", name="Guardar").click()
        expect(page.get_by_text("Guardado.")).to_be_visible()
    page.get_by_label("El registro cierra el").fill(local(now + timedelta(days=2)))
    page.get_by_role("button", name="Abrir un enlace de registro").click()
    signup_url = page.locator("[data-signup-url]").input_value()
    assert re.search(r"/programas/registro/[\w-]{40,}/$", signup_url)
    shots(page, "capacitacion-con-enlace")
    assert horizontal_overflow(page) == 0

    # --- The teachers sign up on their phones, asked only what is needed ---------------------------------------
    for name, sex, age in TEACHERS:
        context = phone(browser)
        try:
            teacher = context.new_page()
            teacher.goto(signup_url)
            expect(teacher.get_by_text("No pedimos tu CURP ni tu domicilio")).to_be_visible()
            teacher.get_by_label("Tu nombre completo").fill(name)
            teacher.get_by_label("Sexo").select_option(label=sex)
            teacher.get_by_label("Tu edad").select_option(label=age)
            if name == TEACHERS[0][0]:
                shots(teacher, "registro-publico")
            assert horizontal_overflow(teacher) == 0
            teacher.get_by_role("button", name="Registrarme").click()
            expect(teacher.get_by_role("heading", name="Tu registro quedó hecho")).to_be_visible()
        finally:
            context.close()
    with database_turn():
        training = Training.objects.get()
        assert sorted(
            Attendee.objects.filter(registered_by=RegisteredBy.PUBLIC_LINK).values_list(
                "full_name", flat=True
            )
        ) == sorted(t[0] for t in TEACHERS)

    # --- The roll call on a tablet: both came to the first session, only Guadalupe to the second --------------
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=TABLET, is_mobile=True, has_touch=True
    )
    try:
        tablet = context.new_page()
        sign_in(tablet, live_server, trainer)
        tablet.goto(f"{live_server.url}/programas/capacitaciones/{training.pk}/")
        roll_calls = tablet.get_by_role("link", name="Pasar lista")
        expect(roll_calls).to_have_count(2)
        for index, present in ((0, [n for n, _s, _a in TEACHERS]), (1, [TEACHERS[0][0]])):
            tablet.goto(f"{live_server.url}/programas/capacitaciones/{training.pk}/")
            tablet.get_by_role("link", name="Pasar lista").nth(index).click()
            for name in present:
                tablet.get_by_role("button", name=name).click()
                expect(tablet.get_by_role("button", name=name)).to_contain_text("Presente")
            if index == 1:
                shots(tablet, "pase-de-lista-tableta")
                assert horizontal_overflow(tablet) == 0
    finally:
        context.close()
    with database_turn():
        assert Attendance.objects.filter(present=True).count() == 3

    # --- Certificates: Guadalupe came to both (100 %), Martha to one (50 %, under the 80 % rule) -------------
    page.reload()
    expect(page.get_by_role("cell", name="2/2 (100 %)")).to_be_visible()
    page.get_by_role("button", name="Emitir las constancias").click()
    expect(page.get_by_text("1 constancia emitida.")).to_be_visible()
    shots(page, "constancias-emitidas")
    with database_turn():
        certificate = Certificate.objects.get()
        assert certificate.attendee.full_name == TEACHERS[0][0]
        html = documents.certificate_html(certificate)
    pdf = page.request.get(
        f"{live_server.url}/programas/capacitaciones/{training.pk}/constancias/{certificate.pk}/"
    )
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")

    # --- Whoever holds it checks it: the QR on the certificate is the verification address ----------------------
    verify_url = documents.verification_url(certificate)
    assert (
        segno.make(verify_url, error="m").svg_data_uri(scale=3) in html
    )  # the QR encodes exactly this address
    context = phone(browser)
    try:
        checker = context.new_page()
        checker.goto(verify_url)
        expect(checker.get_by_text("Válida: esta constancia fue emitida por")).to_be_visible()
        expect(checker.get_by_text(TEACHERS[0][0])).to_be_visible()
        expect(checker.get_by_text("Igualdad sustantiva en el aula")).to_be_visible()
        expect(checker.get_by_text(TEACHERS[1][0])).to_have_count(0)
        shots(checker, "constancia-verificada")
        assert horizontal_overflow(checker) == 0
    finally:
        context.close()
