"""Journey: a high EPV-R makes the case a priority, and the coordination of its areas is told.

The lawyer on the case runs the EPV-R from the case's violence section; the answers give a high level, the case
becomes a priority, and each coordinator of an area on the case's team (legal, psychology) gets a notice. The
legal coordinator signs in on her phone, finds the notice under the bell, follows it to the case and to its
priority, where she sees why it is one. A coordinator of an area not on the case is not told.
"""

import re

import pytest
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.conftest import make_user
from violeta.testing.browser import database_turn, horizontal_overflow, open_menu
from violeta.violence.tests.factories import epv_r, record_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# EPV-R items that, answered "Sí", give a high level by the score alone (26 points; high is 24 or more).
HIGH_RISK_ITEMS = (
    "Amenazas graves o de muerte",
    "Intención clara de causar lesiones",
    "Celos muy intensos",
    "Aumento de la frecuencia",
    "Conductas frecuentes de crueldad",
    "Percepción de la víctima de peligro",
    "Amenazas con objetos peligrosos",
    "Historial de conductas violentas con una pareja anterior",
    "Existencia de violencia física",
)


def test_a_high_risk_assessment_makes_the_case_a_priority_and_tells_its_coordinators(
    page, phone_page, live_server, shots, lawyer, psychologist, coordinator, psychology_coordinator
):
    from violeta.accounts.models import Role
    from violeta.notifications.models import Notification
    from violeta.violence.models import PriorityChange, RiskAssessment

    epv_r()  # transactional tests empty the tables that migrations filled
    social_coordinator = make_user(
        "coordinacion.social@imm.test", Role.COORDINATOR, "trabajo-social", name="Selene Coordinadora"
    )
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    record_incident(case, lawyer)

    # The lawyer opens the case from her list and runs the EPV-R from its violence section.
    sign_in(page, live_server, lawyer)
    page.get_by_role("link", name=case.folio).click()
    section = page.locator("#violencia")
    expect(section.get_by_role("heading", name="Violencia, riesgo y protección")).to_be_visible()
    section.get_by_role("link", name="Valorar riesgo").click()
    expect(page.get_by_text("no se han verificado contra su fuente")).to_be_visible()
    for group in page.get_by_role("radiogroup").all():
        group.get_by_label("No", exact=True).check()
    for item in HIGH_RISK_ITEMS:
        page.get_by_role("radiogroup", name=re.compile(item)).get_by_label("Sí").check()
    shots(page, "valoracion-epv-r")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Guardar valoración").click()
    expect(page.get_by_text("el expediente ahora es prioritario")).to_be_visible()
    shots(page, "valoracion-guardada")
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="Volver al expediente").click()
    expect(
        page.get_by_role("heading", name=re.compile(case.folio)).get_by_text("Prioritario")
    ).to_be_visible()
    violence = page.locator("#violencia")
    expect(violence).to_contain_text("Prioritario desde el")
    expect(violence.get_by_role("alert").filter(has_text="todavía no hay plan de seguridad")).to_be_visible()
    shots(page, "expediente-prioritario")
    assert horizontal_overflow(page) == 0

    # The legal area's coordinator, on her phone, sees the notice under the bell of the menu.
    coordination = phone_page
    sign_in(coordination, live_server, coordinator)
    open_menu(coordination)
    bell = coordination.locator("#nav-notices")
    expect(bell.locator("[data-unread]")).to_have_text(re.compile(r"^1"))
    bell.click()
    expect(coordination.get_by_role("heading", name="Avisos")).to_be_visible()
    notice = coordination.locator("#notices li").filter(has_text=case.folio)
    expect(notice).to_contain_text("riesgo Alto. Ahora es prioritario; necesita un plan de seguridad")
    shots(coordination, "avisos-coordinacion")
    assert horizontal_overflow(coordination) == 0
    notice.get_by_role("button", name="Abrir").click()

    # The notice leads to the case, marked as a priority, and from there to its priority and why.
    expect(
        coordination.get_by_role("heading", name=re.compile(case.folio)).get_by_text("Prioritario")
    ).to_be_visible()
    shots(coordination, "expediente-prioritario-telefono")
    assert horizontal_overflow(coordination) == 0
    coordination.locator("#violencia").get_by_role("link", name="Retirar la prioridad").click()
    expect(coordination.get_by_role("heading", name="Historial de la prioridad")).to_be_visible()
    change = coordination.locator("li").filter(has_text="Marcado como prioritario")
    expect(change).to_contain_text("(valoración de riesgo)")
    expect(change).to_contain_text(lawyer.full_name)
    expect(change).to_contain_text("Riesgo Alto")
    shots(coordination, "prioridad")
    assert horizontal_overflow(coordination) == 0

    with database_turn():
        case.refresh_from_db()
        assessment = RiskAssessment.objects.get(case=case)
        assert (assessment.instrument.code, assessment.final_level, assessment.is_alarm) == (
            "epv-r",
            "high",
            True,
        )
        assert assessment.assessed_by == lawyer and not assessment.override_reason
        assert case.is_priority
        change = PriorityChange.objects.get(case=case)
        assert change.assessment == assessment and change.changed_by == lawyer
        notices = Notification.objects.filter(kind="violence.risk_high", case_id=case.pk)
        assert sorted(n.recipient.email for n in notices) == sorted(
            [coordinator.email, psychology_coordinator.email]
        )
        assert social_coordinator.notifications.count() == 0
        assert notices.get(recipient=coordinator).read_at is not None
        assert notices.get(recipient=psychology_coordinator).read_at is None
