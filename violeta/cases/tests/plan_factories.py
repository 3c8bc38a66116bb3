"""Helpers for the case plan and approvals, through the services (and the matrix's URL arguments)."""

from datetime import timedelta

from django.utils import timezone

from violeta.cases import approvals
from violeta.cases import plan as plan_services
from violeta.cases.approval_models import ApprovalRequest, ApprovalStep, RequestStatus
from violeta.cases.plan_models import PlanService


def a_plan(case, by, *, target=None):
    """A goal of ``by``'s area with one service she is responsible for."""
    goal = plan_services.plan_goal_save(
        case=case, by=by, area=by.area, description="Obtener la guarda y custodia"
    )
    service = plan_services.plan_service_save(
        case=case,
        by=by,
        goal=goal,
        description="Demanda de guarda y custodia",
        responsible=by,
        target_date=target or timezone.localdate() + timedelta(days=30),
    )
    return goal, service


def matrix_kwargs(kind: str):
    """For the authorization matrix: URL arguments of a plan object or an approval request of the world's case,
    made on demand by the case's lawyer (once per case)."""

    def build(world) -> dict:
        case = world["case"]
        lawyer = case.opened_by
        if kind == "approval":
            found = ApprovalRequest.objects.filter(
                case=case, step=ApprovalStep.CASE_PLAN, status=RequestStatus.PENDING
            ).first()
            found = found or approvals.approval_request(case=case, step=ApprovalStep.CASE_PLAN, by=lawyer)
            return {"pk": found.pk}
        service = PlanService.objects.filter(case=case).select_related("goal").first()
        if service is None:
            goal, service = a_plan(case, lawyer)
        else:
            goal = service.goal
        if kind == "plan":
            return {"folio": case.folio}
        if kind == "goal":
            return {"folio": case.folio, "goal_id": goal.pk}
        return {"folio": case.folio, "service_id": service.pk}

    return build
