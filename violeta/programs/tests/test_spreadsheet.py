"""Attendees from a spreadsheet: a preview where each bad row says in Spanish what is wrong, then only the good
rows are registered; a preview that was altered or expired registers nothing."""

import io

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from violeta.programs.models import Attendee, RegisteredBy
from violeta.programs.tests import factories
from violeta.programs.views import IMPORT_SALT

pytestmark = pytest.mark.django_db

ROWS = [
    ["Nombre completo", "Sexo", "Edad", "Cargo", "Correo electrónico"],
    ["María Fernanda Ruiz", "Mujer", 34, "Docente", "mafer@example.org"],
    ["Jorge Salas", "H", "52", "Director", ""],
    ["", "Mujer", 40, "", ""],  # no name
    ["Lucía Ortega", "quizá", "treinta", "", "no-es-correo"],  # sex, age and e-mail wrong
    ["maria fernanda ruiz", "Mujer", 34, "", ""],  # the same person twice
    ["Ana Torres", "F", "18 a 29", "Estudiante", ""],
]


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("asistentes.xlsx", out.getvalue())


def test_the_preview_lists_every_bad_row_and_registers_nothing(client, trainer):
    training = factories.training(trainer)
    client.force_login(trainer)
    response = client.post(reverse("programs:attendee_import", args=[training.pk]), {"file": xlsx(ROWS)})
    page = response.content.decode()
    assert "3 filas se pueden registrar." in page
    assert "Fila 4: falta el nombre." in page
    assert "Fila 5 (Lucía Ortega): el sexo debe ser Mujer, Hombre, Otro o Prefiere no decir" in page
    assert "la edad debe ser un número de años" in page and "el correo no es válido" in page
    assert "Fila 6 (maria fernanda ruiz): maria fernanda ruiz ya está en la lista" in page
    assert not Attendee.objects.exists()


def test_confirming_registers_only_the_good_rows(client, trainer):
    training = factories.training(trainer)
    factories.attendee(training, trainer, full_name="Ana Torres")  # already registered: left out
    client.force_login(trainer)
    response = client.post(reverse("programs:attendee_import", args=[training.pk]), {"file": xlsx(ROWS)})
    payload = response.context["payload"]
    response = client.post(
        reverse("programs:attendee_import_confirm", args=[training.pk]), {"payload": payload}
    )
    assert response.status_code == 302
    imported = Attendee.objects.filter(registered_by=RegisteredBy.SPREADSHEET).order_by("full_name")
    assert [(a.full_name, a.sex, a.age_group) for a in imported] == [
        ("Jorge Salas", "hombre", "45-59"),
        ("María Fernanda Ruiz", "mujer", "30-44"),
    ]


def test_a_csv_saved_by_excel_with_semicolons_and_accents_is_read(client, trainer):
    training = factories.training(trainer)
    text = "Nombre;Sexo;Edad;Organización\nRocío Núñez;Mujer;61;DIF Municipal\n"
    upload = SimpleUploadedFile("lista.csv", text.encode("cp1252"))
    client.force_login(trainer)
    response = client.post(reverse("programs:attendee_import", args=[training.pk]), {"file": upload})
    assert "1 fila se puede registrar." in response.content.decode()
    client.post(
        reverse("programs:attendee_import_confirm", args=[training.pk]),
        {"payload": response.context["payload"]},
    )
    rocio = Attendee.objects.get()
    assert (rocio.full_name, rocio.age_group, rocio.organization_name) == (
        "Rocío Núñez",
        "60+",
        "DIF Municipal",
    )


def test_a_file_that_is_not_a_spreadsheet_or_lacks_the_name_column_is_explained(client, trainer):
    training = factories.training(trainer)
    client.force_login(trainer)
    url = reverse("programs:attendee_import", args=[training.pk])
    page = client.post(url, {"file": SimpleUploadedFile("foto.png", b"\x89PNG\r\n")}).content.decode()
    assert "Suba un libro de Excel (.xlsx) o un archivo CSV." in page
    page = client.post(url, {"file": xlsx([["Sexo", "Edad"], ["Mujer", 30]])}).content.decode()
    assert "se necesita una columna “Nombre”" in page
    assert not Attendee.objects.exists()


def test_an_altered_or_foreign_preview_registers_nothing(client, trainer):
    training, other = factories.training(trainer), factories.training(trainer, title="Otra")
    client.force_login(trainer)
    confirm = reverse("programs:attendee_import_confirm", args=[training.pk])
    forged = signing.dumps({"training": training.pk, "rows": [{"full_name": "X"}]}, salt="otra-sal")
    foreign = signing.dumps(
        {"training": other.pk, "rows": [{"full_name": "Y Z", "sex": "mujer", "age_group": "30-44"}]},
        salt=IMPORT_SALT,
        compress=True,
    )
    for payload in (forged, foreign, "basura"):
        response = client.post(confirm, {"payload": payload}, follow=True)
        assert "La vista previa caducó o fue alterada" in response.content.decode()
    assert not Attendee.objects.exists()
