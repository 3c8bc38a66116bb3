"""A coordinator imports a small spreadsheet in the browser: the preview says what is wrong in row 7, she
excludes it, starts the import, and the progress bar — polled by htmx — fills as the worker runs it."""

import pytest
from playwright.sync_api import expect

from violeta.alerts.tests.factories import run_tasks
from violeta.cases.models import Case
from violeta.cases.tests.test_browser import sign_in
from violeta.dataimport.tests.helpers import xlsx_bytes
from violeta.dataimport.tests.test_import import ROWS, ana
from violeta.testing.browser import database_turn

pytestmark = [pytest.mark.tasks, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_import_and_progress_bar(page, live_server, coordinator, settings, tmp_path):
    settings.DATAIMPORT_ROOT = tmp_path / "imports"
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/importar/nueva/")
    page.get_by_label("Hoja de cálculo").set_input_files(
        {
            "name": "registros.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": xlsx_bytes([*ROWS, ana("A-3", "ayer")]),
        }
    )
    page.get_by_role("button", name="Subir y asignar las columnas").click()
    expect(page.get_by_role("heading", name="Columnas del archivo")).to_be_visible()
    expect(page.get_by_label("CURP")).to_have_value("curp")  # proposed from the header
    page.get_by_role("button", name="Revisar todas las filas").click()
    expect(page.get_by_text("Revisando todas las filas")).to_be_visible()
    with database_turn():
        run_tasks()  # the worker checks the rows; the page, polling, goes on to the preview

    expect(page.get_by_role("heading", name="Vista previa de la importación")).to_be_visible()
    expect(page.get_by_text("Fila 7, columna «Fecha de atención»: «ayer» no es una fecha.")).to_be_visible()
    expect(page.get_by_role("button", name="Importar ahora")).to_be_disabled()
    page.get_by_label("Excluir la fila 7").check()
    page.get_by_role("button", name="Guardar las opciones de esta página").click()
    expect(page.get_by_text("Se guardaron sus cambios a estas filas.")).to_be_visible()
    page.get_by_role("button", name="Importar ahora").click()

    bar = page.get_by_role("progressbar", name="Avance de la importación")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text("En cola")).to_be_visible()
    with database_turn():
        run_tasks()  # the worker runs the import
    # The page was not reloaded: htmx polled the progress until the import was done.
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("Importada", exact=True)).to_be_visible()
    expect(page.get_by_text("Atenciones registradas: 5")).to_be_visible()
    expect(page.get_by_role("link", name="Descargar el reporte (CSV)")).to_be_visible()
    with database_turn():
        assert Case.objects.count() == 3
