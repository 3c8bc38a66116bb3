"""In a browser: the director downloads the figures as XLSX and the BANAVIM export as CSV from the downloads
page; the files open and say what they should."""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from violeta.cases.tests.test_browser import sign_in
from violeta.reports.tests.test_banavim import banavim_world
from violeta.testing.browser import database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_downloads_figures_and_the_banavim_export(
    page, live_server, director, lawyer, psychologist
):
    world = banavim_world(lawyer, psychologist)
    sign_in(page, live_server, director)
    page.goto(live_server.url + "/estadisticas/descargas/")
    expect(page.get_by_role("heading", name="Descargar cifras")).to_be_visible()
    assert "?" not in page.url

    figures = page.locator("form", has=page.get_by_role("heading", name="Cifras (CSV o Excel)"))
    figures.get_by_label("Cifra").select_option(label="Atenciones por área y modalidad")
    with page.expect_download() as download:
        figures.get_by_role("button", name="Descargar").click()
    assert download.value.suggested_filename.startswith("violeta-consultations-")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [c.value for c in sheet[1]] == ["Área", "Modalidad", "Atenciones"]

    banavim = page.locator("form", has=page.get_by_role("heading", name="Exportación al BANAVIM"))
    banavim.get_by_label("Formato").select_option("csv")
    with page.expect_download() as download:
        banavim.get_by_role("button", name="Descargar la exportación al BANAVIM").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and len({row["id_mujer"] for row in rows}) == 2
    with database_turn():
        assert not any(case.folio in text for case in world["cases"].values())
        assert all(person.curp not in text for person in world["people"].values())
    assert "?" not in page.url
