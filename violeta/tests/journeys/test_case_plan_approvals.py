"""Journey: a lawyer writes the case plan of a high-risk case and asks to close it; the legal coordinator finds
both in "Mis pendientes", returns the closing with a comment, the lawyer asks again, and the coordinator approves the plan and the second request.

Personas: the lawyer who attends the case (desktop) and the coordinator of the legal area (another desktop). The
approval rules are the defaults the migration seeds (plan and closings: the area's coordinator).
"""

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases import migrations as cases_migrations
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.testing.browser import LOCALE, TIMEZONE, database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The default rules are data a migration wrote; transactional tests empty every table between tests. (Found by
# its name's end, so renumbering the migration at a merge does not break the journey.)
_defaults = importlib.import_module(
    "violeta.cases.migrations."
    + next(Path(cases_migrations.__file__).parent.glob("*_plan_approval_defaults.py")).stem
)


def _decide(page, *, approve: bool, comment: str = ""):
    page.get_by_label("Aprobar" if approve else "Devolver con un comentario").check()
    if comment:
        page.get_by_role("textbox", name="Comentario").fill(comment)
    page.get_by_role("button", name="Registrar la decisión").click()


def test_plan_and_closing_of_a_high_risk_case_wait_for_the_coordinator(
    page, browser, live_server, shots, lawyer, psychologist, coordinator
):
    from violeta.cases.approval_models import ApprovalRequest, RequestStatus
    from violeta.cases.models import CaseStatus
    from violeta.cases.plan_models import CasePlan, PlanStatus

    with database_turn():
        _defaults.seed(apps, None)
        case = CaseFactory(opened_by=lawyer, team=(psychologist,))
        case.is_priority, case.priority_reason = True, "Riesgo Alto"
        case.save(update_fields=["is_priority", "priority_reason"])
    target = (timezone.localdate() + timedelta(days=20)).isoformat()

    # --- The lawyer writes the plan: a goal agreed with her and a service, then asks for its approval ----------
    sign_in(page, live_server, lawyer)
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")
    plan_section = page.locator("#plan")
    expect(plan_section.get_by_text("Aún no hay plan de atención.")).to_be_visible()
    plan_section.get_by_role("link", name="Abrir y editar el plan").click()
    page.get_by_role("link", name="Añadir una meta").click()
    page.get_by_label("Área").select_option(label="Jurídica")
    page.get_by_label("Meta acordada con ella").fill("Obtener la pensión alimenticia de sus hijos")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Meta guardada.")).to_be_visible()
    page.get_by_role("link", name="Planear un servicio").click()
    page.get_by_label("Servicio planeado").fill("Presentar la demanda de alimentos")
    page.get_by_label("Profesional responsable").select_option(label=f"{lawyer.full_name} · Jurídica")
    page.get_by_label("Fecha meta").fill(target)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("cell", name="Presentar la demanda de alimentos")).to_be_visible()
    shots(page, "plan-borrador")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Solicitar la aprobación del plan").click()
    expect(page.get_by_text("Aprobación solicitada: el plan está pendiente de aprobación.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Plan de atención")).get_by_text(
            "Pendiente de aprobación"
        )
    ).to_be_visible()

    # --- ...and asks to close the high-risk case: it stays open, waiting -------------------------------------
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")
    page.get_by_role("link", name="Cerrar expediente").click()
    expect(page.get_by_text("necesita aprobación")).to_be_visible()
    page.get_by_label("Motivo de cierre").select_option(label="Atención concluida")
    page.get_by_role("button", name="Cerrar expediente").click()
    expect(
        page.get_by_text("Cierre solicitado: el expediente sigue abierto hasta que se apruebe.")
    ).to_be_visible()
    waiting = page.locator("#plan").get_by_role("status")
    expect(waiting).to_have_count(2)
    expect(waiting.filter(has_text="Cierre de un expediente de riesgo alto")).to_contain_text(
        "Pendiente de aprobación"
    )
    shots(page, "expediente-pendiente")
    assert horizontal_overflow(page) == 0
    # her own request: she cannot decide it
    waiting.filter(has_text="Cierre").get_by_role("link", name="Ver la solicitud").click()
    expect(page.get_by_text("Usted la solicitó: otra persona debe decidirla.")).to_be_visible()

    # --- The legal coordinator finds both among her approvals, returns the closing with a comment -------------
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    coordination = context.new_page()
    sign_in(coordination, live_server, coordinator)
    # first in "Mis pendientes", her one list of what is due, with the case's flags beside the folio
    coordination.goto(f"{live_server.url}/expedientes/pendientes/")
    waiting_rows = coordination.locator("#pending-list tr[data-kind='approval']").filter(has_text=case.folio)
    expect(waiting_rows).to_have_count(2)
    expect(waiting_rows.first.get_by_text("Riesgo alto")).to_be_visible()
    shots(coordination, "mis-pendientes-coordinacion")
    coordination.goto(f"{live_server.url}/expedientes/aprobaciones/")
    mine = coordination.get_by_role("region", name=re.compile("Esperan su decisión"))
    expect(mine.get_by_role("listitem").filter(has_text=case.folio)).to_have_count(2)
    shots(coordination, "aprobaciones-coordinacion")
    # the closing, opened from her list of what is due
    coordination.goto(f"{live_server.url}/expedientes/pendientes/")
    waiting_rows.filter(has_text="Cierre").get_by_role("link").first.click()
    _decide(coordination, approve=False)  # a return needs a comment
    expect(
        coordination.get_by_text("Escriba qué debe cambiar antes de solicitarla de nuevo.")
    ).to_be_visible()
    _decide(
        coordination, approve=False, comment="Falta cerrar la demanda de alimentos y avisar a psicología."
    )
    expect(coordination.get_by_text("Decisión registrada.")).to_be_visible()
    # ...and approves the plan
    coordination.goto(f"{live_server.url}/expedientes/aprobaciones/")
    coordination.get_by_role("region", name=re.compile("Esperan su decisión")).get_by_role("listitem").filter(
        has_text="Plan de atención"
    ).get_by_role("link", name="Ver la solicitud").click()
    _decide(coordination, approve=True)
    expect(coordination.get_by_text("Decisión registrada.")).to_be_visible()

    # --- The lawyer reads the comment, asks again; the coordinator approves the second request ---------------
    page.goto(f"{live_server.url}/expedientes/{case.folio}/plan/")
    expect(
        page.get_by_role("heading", name=re.compile("Plan de atención")).get_by_text("Aprobado")
    ).to_be_visible()
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")
    page.get_by_role("link", name="Cerrar expediente").click()
    page.get_by_label("Motivo de cierre").select_option(label="Atención concluida")
    page.get_by_role("button", name="Cerrar expediente").click()
    expect(page.get_by_text("Cierre solicitado")).to_be_visible()
    with database_turn():
        returned = ApprovalRequest.objects.get(case=case, status=RequestStatus.RETURNED)
        second = ApprovalRequest.objects.get(case=case, status=RequestStatus.PENDING)
    coordination.goto(f"{live_server.url}/expedientes/aprobaciones/{returned.pk}/")
    expect(coordination.get_by_text("Falta cerrar la demanda de alimentos")).to_be_visible()
    coordination.goto(f"{live_server.url}/expedientes/aprobaciones/{second.pk}/")
    _decide(coordination, approve=True)
    expect(coordination.get_by_text("Decisión registrada.")).to_be_visible()
    expect(
        coordination.get_by_role("heading", name=re.compile(case.folio)).get_by_text("Cerrado")
    ).to_be_visible()
    shots(coordination, "expediente-cerrado")
    context.close()

    with database_turn():
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.close_reason == "concluded"
        plan = CasePlan.objects.get(case=case)
        assert plan.status == PlanStatus.APPROVED and plan.approved_by == coordinator
        assert returned.decided_by == coordinator and returned.comment.startswith("Falta cerrar")
        assert ApprovalRequest.objects.filter(case=case, status=RequestStatus.APPROVED).count() == 2
