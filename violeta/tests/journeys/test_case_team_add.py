"""Journey: a lawyer on the team brings a psychologist into the case, from the case page. The list of every
member of staff appears only when she asks to add someone (issue 22: not read on every view of the case)."""

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.conftest import PASSWORD
from violeta.testing.browser import database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lawyer_adds_a_psychologist_to_the_team_from_the_case_page(
    page, live_server, shots, lawyer, psychologist
):
    case = CaseFactory(opened_by=lawyer, team=(lawyer,))
    page.goto(live_server.url + "/cuenta/login/")
    page.get_by_label("Correo electrónico").fill(lawyer.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")

    team = page.locator("section", has=page.get_by_role("heading", name="Equipo", exact=True))
    expect(team.get_by_role("combobox")).to_have_count(0)
    team.get_by_role("link", name="Integrar al equipo…").click()
    # In place of the link, on the same page: the choice, with the focus on it.
    chooser = team.get_by_label("Integrante", exact=True)
    expect(chooser).to_be_focused()
    assert page.url.endswith(f"/expedientes/{case.folio}/")
    chooser.select_option(label=f"{psychologist.full_name} · {psychologist.area.name}")
    shots(page, "integrar-al-equipo")
    team.get_by_role("button", name="Integrar").click()

    expect(page.get_by_text("Se integró al equipo.")).to_be_visible()
    expect(team.get_by_text(psychologist.full_name)).to_be_visible()
    with database_turn():
        assert case.team_members.filter(user=psychologist).exists()
