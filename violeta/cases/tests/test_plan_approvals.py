"""The case plan and approvals (issue 20, items 1 and 2)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.audit.models import Action, AuditEvent
from violeta.cases import approvals, pending
from violeta.cases import plan as plan_services
from violeta.cases.approval_models import ApprovalRequest, ApprovalRule, ApprovalStep, Approver, RequestStatus
from violeta.cases.models import CaseStatus, CaseTeamMember, EventKind
from violeta.cases.plan_models import CasePlan, PlanRevision, PlanStatus, ServiceStatus
from violeta.cases.selectors import visible_cases
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.plan_factories import a_plan
from violeta.conftest import make_user
from violeta.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist, coordinator):
    return CaseFactory(opened_by=lawyer, team=(psychologist,))


def set_rule(step, approver):
    ApprovalRule.objects.update_or_create(step=step, defaults={"approver": approver})


# --- the rules -------------------------------------------------------------------------------------------------


def test_the_defaults_are_seeded_by_the_migration():
    assert dict(ApprovalRule.objects.values_list("step", "approver")) == {
        "case_plan": "coordinator",
        "case_closure": "coordinator",
        "priority_closure": "coordinator",
        "risk_override": "coordinator",
    }


def test_a_configured_closing_waits_and_the_case_stays_open(case, lawyer, coordinator):
    request = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    case.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.step == ApprovalStep.CASE_CLOSURE
    assert case.status == CaseStatus.OPEN
    assert request.area == lawyer.area
    # the approver is told, with a notice that names nobody
    notice = Notification.objects.get(recipient=coordinator, kind="cases.approval")
    assert case.folio in notice.message and case.holder.first_surname not in notice.message
    assert AuditEvent.objects.filter(object_type="cases.approvalrequest", action=Action.CREATE).exists()
    assert case.events.filter(kind=EventKind.APPROVAL).exists()


def test_an_unconfigured_closing_acts_at_once(case, lawyer):
    set_rule(ApprovalStep.CASE_CLOSURE, Approver.NONE)
    assert approvals.case_close_request(case=case, by=lawyer, reason="concluded") is None
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == "concluded"
    ApprovalRule.objects.filter(step=ApprovalStep.CASE_CLOSURE).delete()  # no row: also at once
    assert approvals.approver_for(ApprovalStep.CASE_CLOSURE) == Approver.NONE


def test_self_approval_is_refused_even_for_the_director(case, lawyer, director):
    request = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError) as exc:
        approvals.approval_decide(request=request, by=lawyer, approve=True)
    assert exc.value.code == "own_request"
    set_rule(ApprovalStep.CASE_PLAN, Approver.DIRECTOR)
    CaseTeamMember.objects.create(case=case, user=director, added_by=director)
    own = approvals.approval_request(case=case, step=ApprovalStep.CASE_PLAN, by=director)
    with pytest.raises(ValidationError) as exc:
        approvals.approval_decide(request=own, by=director, approve=True)
    assert "su propia solicitud" in exc.value.messages[0] or "own request" in exc.value.messages[0]
    assert (
        AuditEvent.objects.filter(action=Action.ACCESS_DENIED, object_type="cases.approvalrequest").count()
        == 2
    )


def test_returned_with_a_comment_then_requested_again_then_approved(case, lawyer, coordinator):
    first = approvals.case_close_request(case=case, by=lawyer, reason="no_contact")
    with pytest.raises(ValidationError):
        approvals.approval_decide(
            request=first, by=coordinator, approve=False, comment=""
        )  # a comment is needed
    approvals.approval_decide(
        request=first, by=coordinator, approve=False, comment="Intente contactarla otra vez."
    )
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.status == RequestStatus.RETURNED and first.comment == "Intente contactarla otra vez."
    assert first.decided_by == coordinator and first.decided_at is not None
    assert case.status == CaseStatus.OPEN
    assert Notification.objects.filter(recipient=lawyer, kind="cases.approval_decided").exists()
    second = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError):  # one pending request per step
        approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    approvals.approval_decide(request=second, by=coordinator, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == "concluded"
    with pytest.raises(ValidationError):
        approvals.approval_decide(request=second, by=coordinator, approve=True)
    assert AuditEvent.objects.filter(object_type="cases.approvalrequest", action=Action.UPDATE).count() == 2


def test_only_the_area_coordinator_or_the_director_decides(
    case, lawyer, coordinator, psychologist, director, psychology_coordinator
):
    other_coordinator = make_user("coordinacion.ts@imm.test", Role.COORDINATOR, "trabajo-social")
    request = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    # psychology's coordinator sees the case (psychology is on its team) but the lawyer asked for the legal area
    assert case in visible_cases(psychology_coordinator)
    for who in (psychologist, other_coordinator, psychology_coordinator):
        with pytest.raises(PermissionDenied):
            approvals.approval_decide(request=request, by=who, approve=True)
    assert approvals.may_decide(coordinator, request) and approvals.may_decide(director, request)
    approvals.approval_decide(request=request, by=director, approve=True)
    assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED


def test_closing_a_high_risk_case_needs_the_director_when_configured(case, lawyer, coordinator, director):
    set_rule(ApprovalStep.PRIORITY_CLOSURE, Approver.DIRECTOR)
    case.is_priority = True
    case.save()
    request = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    assert request.step == ApprovalStep.PRIORITY_CLOSURE and request.approver == Approver.DIRECTOR
    assert Notification.objects.filter(recipient=director, kind="cases.approval").exists()
    assert not Notification.objects.filter(recipient=coordinator, kind="cases.approval").exists()
    with pytest.raises(PermissionDenied):
        approvals.approval_decide(request=request, by=coordinator, approve=True)
    approvals.approval_decide(request=request, by=director, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_director_sets_the_rules(director, lawyer):
    approvals.rule_set(step=ApprovalStep.CASE_CLOSURE, approver=Approver.NONE, by=director)
    assert approvals.approver_for(ApprovalStep.CASE_CLOSURE) == Approver.NONE
    with pytest.raises(PermissionDenied):
        approvals.rule_set(step=ApprovalStep.CASE_CLOSURE, approver=Approver.DIRECTOR, by=lawyer)


# --- the case plan ---------------------------------------------------------------------------------------------


def test_plan_written_submitted_returned_changed_and_approved(case, lawyer, coordinator):
    goal, service = a_plan(case, lawyer)
    plan = CasePlan.objects.get(case=case)
    assert plan.status == PlanStatus.DRAFT
    assert goal.description == "Obtener la guarda y custodia" and service.responsible == lawyer
    request = plan_services.plan_submit(case=case, by=lawyer)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PENDING
    with pytest.raises(ValidationError):  # nothing changes while it waits
        plan_services.plan_goal_save(case=case, by=lawyer, area=lawyer.area, description="Otra meta")
    approvals.approval_decide(
        request=request, by=coordinator, approve=False, comment="Falta la meta de vivienda."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    plan_services.plan_goal_save(case=case, by=lawyer, area=lawyer.area, description="Vivienda segura")
    again = plan_services.plan_submit(case=case, by=lawyer)
    approvals.approval_decide(request=again, by=coordinator, approve=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == coordinator
    # history: who changed what, when
    summaries = [r.summary for r in PlanRevision.objects.filter(plan=plan).order_by("at", "id")]
    assert summaries[0].startswith("Meta añadida") or summaries[0].startswith("Goal added")
    assert any("Falta la meta de vivienda." in s for s in summaries)
    assert len(summaries) >= 6
    # a status update keeps it approved; a change of substance makes it a draft again
    plan_services.plan_service_save(
        case=case,
        by=lawyer,
        service=service,
        description=service.description,
        responsible=lawyer,
        target_date=service.target_date,
        status=ServiceStatus.IN_PROGRESS,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    plan_services.plan_goal_save(
        case=case, by=lawyer, area=lawyer.area, description="Meta cambiada", goal=goal
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_plan_without_approval_is_approved_at_once(case, lawyer):
    set_rule(ApprovalStep.CASE_PLAN, Approver.NONE)
    a_plan(case, lawyer)
    assert plan_services.plan_submit(case=case, by=lawyer) is None
    assert CasePlan.objects.get(case=case).status == PlanStatus.APPROVED


def test_plan_text_is_encrypted_and_writes_are_audited(case, lawyer):
    from violeta.testing.db import raw_column

    goal, service = a_plan(case, lawyer)
    assert "custodia" not in raw_column("cases_plangoal", "description", goal.pk)
    assert "custodia" not in raw_column("cases_planservice", "description", service.pk)
    assert AuditEvent.objects.filter(object_type="cases.plangoal", action=Action.CREATE).exists()
    assert AuditEvent.objects.filter(object_type="cases.planservice", action=Action.CREATE).exists()
    assert case.events.filter(kind=EventKind.CASE_PLAN).exists()


def test_the_responsible_attends_the_case(case, lawyer, outsider, receptionist):
    goal, _service = a_plan(case, lawyer)
    for who in (outsider, receptionist):  # a lawyer not on the case; the front desk
        with pytest.raises(ValidationError) as exc:
            plan_services.plan_service_save(
                case=case,
                by=lawyer,
                goal=goal,
                description="Acompañamiento",
                responsible=who,
                target_date=timezone.localdate(),
            )
        assert "responsible" in exc.value.message_dict


def test_reception_and_the_director_do_not_write_the_plan(case, receptionist, director):
    for who in (receptionist, director):
        with pytest.raises(PermissionDenied):
            plan_services.plan_goal_save(case=case, by=who, area=None, description="x")


# --- pages -----------------------------------------------------------------------------------------------------


def test_plan_pages_write_show_history_and_print(client, case, lawyer, django_assert_max_num_queries):
    client.force_login(lawyer)
    response = client.post(
        reverse("cases:plan_goal_add", kwargs={"folio": case.folio}),
        {"area": lawyer.area_id, "description": "Obtener la pensión alimenticia"},
    )
    assert response.status_code == 302
    goal = CasePlan.objects.get(case=case).goals.get()
    response = client.post(
        reverse("cases:plan_service_add", kwargs={"folio": case.folio, "goal_id": goal.pk}),
        {
            "description": "Demanda de alimentos",
            "responsible": lawyer.pk,
            "target_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "status": "planned",
        },
    )
    assert response.status_code == 302
    for _ in range(5):
        a_plan(case, lawyer)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("cases:plan", kwargs={"folio": case.folio}))
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "Obtener la pensión alimenticia" in html and "Demanda de alimentos" in html
    assert "table-danger" in html  # the overdue service is marked
    assert lawyer.full_name in html  # history: who
    # (with her flags in the header, three, and the institute's own fields, two)
    with django_assert_max_num_queries(42):
        detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio}))
    assert "Obtener la pensión alimenticia" in detail.content.decode()
    printed = client.get(reverse("cases:plan_print", kwargs={"folio": case.folio}))
    assert printed.status_code == 200 and "Demanda de alimentos" in printed.content.decode()
    assert "<nav" not in printed.content.decode()
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="cases.caseplan").exists()


def test_plan_pages_are_404_for_who_cannot_see_the_case(client, case, lawyer, outsider):
    a_plan(case, lawyer)
    client.force_login(outsider)
    for name in ("cases:plan", "cases:plan_print", "cases:plan_goal_add"):
        assert client.get(reverse(name, kwargs={"folio": case.folio})).status_code == 404
    request = approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    assert client.get(reverse("cases:approval", kwargs={"pk": request.pk})).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider).exists()


def test_closing_from_the_page_waits_and_the_badge_shows(client, case, lawyer, coordinator):
    client.force_login(lawyer)
    response = client.post(
        reverse("cases:close", kwargs={"folio": case.folio}), {"close_reason": "concluded"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    html = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Pendiente de aprobación" in html or "Pending approval" in html
    request = ApprovalRequest.objects.get(case=case)
    # her own request: refused with a message, nothing decided
    response = client.post(reverse("cases:approval", kwargs={"pk": request.pk}), {"decision": "approve"})
    assert response.status_code == 200
    assert ApprovalRequest.objects.get(pk=request.pk).is_pending
    client.force_login(coordinator)
    assert case.folio in client.get(reverse("cases:approvals")).content.decode()
    response = client.post(
        reverse("cases:approval", kwargs={"pk": request.pk}),
        {"decision": "return", "comment": "Falta el cierre."},
    )
    assert response.status_code == 302
    assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.RETURNED


def test_the_director_edits_the_rules_page(client, director):
    client.force_login(director)
    assert client.get(reverse("cases:approval_rules")).status_code == 200
    data = dict.fromkeys(ApprovalStep.values, "director")
    data["case_closure"] = "none"
    assert client.post(reverse("cases:approval_rules"), data).status_code == 302
    assert approvals.approver_for("case_closure") == "none"
    assert approvals.approver_for("priority_closure") == "director"


# --- Mis pendientes --------------------------------------------------------------------------------------------


def test_pending_sources_are_registered_and_bounded(
    lawyer, coordinator, director, django_assert_max_num_queries
):
    assert {"cases.approvals", "cases.plan_services"} <= set(pending.registered())
    yesterday = timezone.localdate() - timedelta(days=1)
    cases = [CaseFactory(opened_by=lawyer) for _ in range(55)]
    for case in cases:
        a_plan(case, lawyer, target=yesterday)
        approvals.case_close_request(case=case, by=lawyer, reason="concluded")
    today = timezone.localdate()
    for user, scope in ((coordinator, "mine"), (coordinator, "area"), (lawyer, "mine"), (director, "area")):
        with django_assert_max_num_queries(4):
            approvals.pending_approvals(user, scope=scope, today=today)
        with django_assert_max_num_queries(4):
            plan_services.pending_plan_services(user, scope=scope, today=today)
    mine = approvals.pending_approvals(coordinator, scope="mine", today=today)
    assert len(mine) == 55 and {i.folio for i in mine} == {c.folio for c in cases}
    assert approvals.pending_approvals(lawyer, scope="mine", today=today) == []  # her own requests
    services = plan_services.pending_plan_services(lawyer, scope="mine", today=today)
    assert len(services) == 55 and all(i.is_overdue(today) for i in services)
    assert len(plan_services.pending_plan_services(coordinator, scope="area", today=today)) == 55
    assert plan_services.pending_plan_services(coordinator, scope="mine", today=today) == []


def test_her_services_past_their_date_only_of_the_cases_she_still_sees(lawyer):
    from violeta.cases.models import Case

    yesterday = timezone.localdate() - timedelta(days=1)
    kept, hidden = CaseFactory(opened_by=lawyer), CaseFactory(opened_by=lawyer)
    a_plan(kept, lawyer, target=yesterday)
    a_plan(hidden, lawyer, target=yesterday)
    Case.objects.filter(pk=hidden.pk).update(is_internal_protocol=True)  # now only designated staff see it
    lawyer.refresh_from_db()
    services = plan_services.pending_plan_services(lawyer, scope="mine", today=timezone.localdate())
    assert [i.folio for i in services] == [kept.folio]


def test_coordinators_and_the_director_reach_the_approvals_from_the_menu(
    client, coordinator, director, lawyer
):
    for user in (coordinator, director):
        client.force_login(user)
        assert reverse("cases:approvals") in client.get(reverse("cases:list")).content.decode()
    client.force_login(lawyer)
    assert reverse("cases:approvals") not in client.get(reverse("cases:list")).content.decode()
