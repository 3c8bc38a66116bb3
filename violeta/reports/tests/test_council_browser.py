"""The director writes the council report's narrative in the browser: the preview updates in place (htmx) with
last month's figures, a field outside the list is refused there, and saving makes version 1; then she downloads
the month's PDF."""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.test_browser import sign_in
from violeta.reports.models import CouncilNarrative
from violeta.testing.browser import database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_previews_saves_the_narrative_and_downloads_the_pdf(page, live_server, director):
    sign_in(page, live_server, director)
    page.goto(live_server.url + "/estadisticas/informe-cabildo/narrativa/")
    expect(page.get_by_role("heading", name="Narrativa del informe al Cabildo")).to_be_visible()
    text = page.get_by_label("Narrativa")
    preview = page.locator("#preview")

    text.fill("Hola {usuario}")
    page.get_by_role("button", name="Vista previa").click()
    expect(preview).to_contain_text("no es una de las cifras ofrecidas")
    expect(page).to_have_url(re.compile(r"/narrativa/$"))

    text.fill("En {mes} atendimos a {mujeres_atendidas} mujeres. <b>sin HTML</b>")
    page.get_by_role("button", name="Vista previa").click()
    expect(preview).to_contain_text(re.compile(r"En \w+ de \d{4} atendimos a 0 mujeres\. <b>sin HTML</b>"))
    with database_turn():
        assert not CouncilNarrative.objects.exists()

    page.get_by_role("button", name="Guardar como versión nueva").click()
    expect(page.get_by_text("Narrativa guardada como versión 1.")).to_be_visible()
    with database_turn():
        assert CouncilNarrative.objects.get().text.startswith("En {mes} atendimos")

    page.get_by_role("link", name="Informe al Cabildo").click()
    expect(page.get_by_text(re.compile("usará la versión 1 de la narrativa"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar el PDF").click()
    assert re.fullmatch(r"informe-cabildo-\d{4}-\d{2}\.pdf", download.value.suggested_filename)
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
