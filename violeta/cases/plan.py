"""The case plan: writes (audited, with a timeline line and a history line each) and reads.

Who writes: the area professionals and coordinators who may see the case, while it is open. A plan waiting for
approval is not changed until it is decided; a change to the goals or services of an approved plan makes it a
draft again when the plan needs approval (``cases.approvals``), so what is approved is what is in force.
Updating a service's status or review date does not.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import AREA_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import pending
from violeta.cases.approval_models import ApprovalStep, Approver
from violeta.cases.models import Case, CaseTeamMember, EventKind
from violeta.cases.plan_models import (
    OPEN_SERVICE_STATUSES,
    CasePlan,
    PlanGoal,
    PlanRevision,
    PlanService,
    PlanStatus,
    ServiceStatus,
)
from violeta.cases.selectors import visible_cases
from violeta.cases.services import case_event_record


def may_write_plan(user, case: Case) -> bool:
    return bool(user.is_active and user.role in AREA_ROLES and case.is_active)


def _require_writer(by, case: Case) -> None:
    if not (by.is_active and by.role in AREA_ROLES):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")


def _editable_plan(case: Case, by) -> CasePlan:
    plan, created = CasePlan.objects.select_for_update().get_or_create(case=case, defaults={"created_by": by})
    if created:
        audit_record(actor=by, action=Action.CREATE, obj=plan, case_id=case.pk)
    if plan.status == PlanStatus.PENDING:
        raise ValidationError(
            _("The plan waits for approval: it cannot change until it is decided."), code="plan_pending"
        )
    return plan


def _changed(plan: CasePlan, *, by, summary: str, substantive: bool = True) -> None:
    """A history line, a timeline line; an approved plan that changes in substance is a draft again."""
    from violeta.cases.approvals import approver_for

    PlanRevision.objects.create(plan=plan, by=by, summary=summary)
    if (
        substantive
        and plan.status == PlanStatus.APPROVED
        and approver_for(ApprovalStep.CASE_PLAN) != Approver.NONE
    ):
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["status", "updated_at"])
    else:
        plan.save(update_fields=["updated_at"])
    case_event_record(
        case=plan.case, by=by, kind=EventKind.CASE_PLAN, description=_("Case plan updated"), area=by.area
    )


def _check_responsible(case: Case, responsible) -> None:
    """The responsible professional attends the case: on its team, or coordinating one of its areas."""
    if responsible is None or not responsible_choices(case).filter(pk=responsible.pk).exists():
        raise ValidationError({"responsible": _("Choose a professional of an area who attends the case.")})


@transaction.atomic
def plan_goal_save(*, case: Case, by, area, description: str, goal: PlanGoal | None = None) -> PlanGoal:
    """Add a goal agreed with her (``goal`` None) or change one."""
    _require_writer(by, case)
    plan = _editable_plan(case, by)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Write the goal agreed with her.")})
    if goal is None:
        goal = PlanGoal(plan=plan, area=area, description=description, created_by=by)
        summary = _("Goal added (%(area)s): %(goal)s") % {"area": area.name, "goal": description}
        action = Action.CREATE
    else:
        old = f"{goal.area.name}: {goal.description}"
        goal.area, goal.description = area, description
        summary = _("Goal changed: %(old)s → %(new)s") % {"old": old, "new": f"{area.name}: {description}"}
        action = Action.UPDATE
    goal.full_clean()
    goal.save()
    audit_record(actor=by, action=action, obj=goal, case_id=case.pk)
    _changed(plan, by=by, summary=summary)
    return goal


def _service_line(service: PlanService) -> str:
    return _("%(what)s — %(who)s, by %(target)s, %(status)s, review %(review)s") % {
        "what": service.description,
        "who": service.responsible.full_name,
        "target": service.target_date.strftime("%d/%m/%Y"),
        "status": service.get_status_display(),
        "review": service.review_date.strftime("%d/%m/%Y") if service.review_date else "—",
    }


@transaction.atomic
def plan_service_save(
    *,
    case: Case,
    by,
    description: str,
    responsible,
    target_date: date,
    status: str = ServiceStatus.PLANNED,
    review_date: date | None = None,
    goal: PlanGoal | None = None,
    service: PlanService | None = None,
) -> PlanService:
    """Plan a service for ``goal`` (``service`` None) or change one. Only its status or review date changing is
    follow-up, not a change of the plan's substance."""
    _require_writer(by, case)
    plan = _editable_plan(case, by)
    _check_responsible(case, responsible)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Write the service planned.")})
    if service is None:
        if goal is None or goal.plan_id != plan.pk:
            raise ValidationError(_("Choose a goal of this plan."), code="bad_goal")
        service = PlanService(goal=goal, case=case)
        old, action = "", Action.CREATE
    else:
        old, action = _service_line(service), Action.UPDATE
    substantive = action == Action.CREATE or (
        (service.description, service.responsible_id, service.target_date)
        != (description, responsible.pk, target_date)
    )
    service.description, service.responsible, service.target_date = description, responsible, target_date
    service.status, service.review_date = status, review_date
    service.full_clean()
    service.save()
    audit_record(actor=by, action=action, obj=service, case_id=case.pk)
    new = _service_line(service)
    summary = (
        _("Service planned: %(new)s") % {"new": new}
        if not old
        else _("Service changed: %(old)s → %(new)s") % {"old": old, "new": new}
    )
    _changed(plan, by=by, summary=summary, substantive=substantive)
    return service


@transaction.atomic
def plan_submit(*, case: Case, by, note: str = ""):
    """Ask for the plan's approval; when the plan needs none, it is approved at once. Returns the request or None."""
    from violeta.cases.approvals import approval_request, approver_for

    _require_writer(by, case)
    plan = _editable_plan(case, by)
    if not plan.goals.exists():
        raise ValidationError(_("Add at least one goal before asking for approval."), code="plan_empty")
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(_("The plan is already approved."), code="plan_approved")
    if approver_for(ApprovalStep.CASE_PLAN) == Approver.NONE:
        _approve(plan, by=by)
        return None
    request = approval_request(
        case=case, step=ApprovalStep.CASE_PLAN, by=by, payload={"plan": plan.pk}, note=note
    )
    plan.status = PlanStatus.PENDING
    plan.save(update_fields=["status", "updated_at"])
    PlanRevision.objects.create(plan=plan, by=by, summary=_("Approval requested"))
    return request


def _approve(plan: CasePlan, *, by) -> None:
    plan.status = PlanStatus.APPROVED
    plan.approved_at, plan.approved_by = timezone.now(), by
    plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=plan, case_id=plan.case_id, detail="plan aprobado")
    PlanRevision.objects.create(plan=plan, by=by, summary=_("Plan approved"))


def plan_apply_approval(request, by) -> None:
    """Approval callback (``cases.approvals``): the plan is in force."""
    plan = CasePlan.objects.select_for_update().filter(case_id=request.case_id).first()
    if plan is not None:
        _approve(plan, by=by)


def plan_returned(request, by) -> None:
    """A returned plan is a draft again, with the comment in its history."""
    plan = CasePlan.objects.select_for_update().filter(case_id=request.case_id).first()
    if plan is not None and plan.status == PlanStatus.PENDING:
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["status", "updated_at"])
        PlanRevision.objects.create(
            plan=plan, by=by, summary=_("Returned with a comment: %(comment)s") % {"comment": request.comment}
        )


@transaction.atomic
def plan_print_record(*, plan: CasePlan, by) -> None:
    """Printing takes the plan out of the system: recorded."""
    audit_record(
        actor=by,
        action=Action.EXPORT,
        obj=plan,
        case_id=plan.case_id,
        detail="impresión del plan de atención",
    )


# --- reads -----------------------------------------------------------------------------------------------------


@dataclass
class PlanView:
    plan: CasePlan | None
    goals: list[PlanGoal]
    revisions: list[PlanRevision]
    overdue: int


def plan_of(case: Case, *, with_history: bool = False, today: date | None = None) -> PlanView:
    """The case's plan with its goals and services (a fixed number of queries), for a case already accessed
    through ``access_case`` (which checked and audited the read)."""
    today = today or timezone.localdate()
    plan = CasePlan.objects.filter(case=case).select_related("approved_by").first()
    if plan is None:
        return PlanView(None, [], [], 0)
    goals = list(
        plan.goals.select_related("area")
        .prefetch_related("services__responsible")
        .order_by("area__name", "id")
    )
    overdue = sum(1 for g in goals for s in g.services.all() if s.is_overdue(today))
    revisions = list(plan.revisions.select_related("by")[:200]) if with_history else []
    return PlanView(plan, goals, revisions, overdue)


def responsible_choices(case: Case):
    """Who may be responsible for a service: the area professionals on the team, and the area's coordinators."""
    from violeta.accounts.models import User

    return User.objects.filter(is_active=True, role__in=AREA_ROLES).filter(
        pk__in=CaseTeamMember.objects.filter(case=case).values("user_id")
    ) | User.objects.filter(
        is_active=True,
        role=Role.COORDINATOR,
        area_id__in=CaseTeamMember.objects.filter(case=case, area__isnull=False).values("area_id"),
    )


def overdue_services(user, *, scope: str, today: date) -> list[PlanService]:
    """The plan's services past their target date in ``scope``, of the cases she may see, the oldest first."""
    qs = PlanService.objects.filter(status__in=OPEN_SERVICE_STATUSES, target_date__lt=today).exclude(
        case__status="closed"
    )
    if scope == pending.MINE:
        # Hers are a few at most: read plainly, then the cases rule asked of their cases only (as a subquery of
        # this one it cost every "Mis pendientes" ~4 ms of ORM work, services due or not).
        services = list(
            qs.filter(responsible=user)
            .select_related("case", "responsible", "goal__area")
            .order_by("target_date", "id")
        )
        about = sorted({s.case_id for s in services})
        seen = (
            set(visible_cases(user).filter(pk__in_ids=about).values_list("pk", flat=True)) if about else set()
        )
        return [s for s in services if s.case_id in seen]
    if user.role == Role.COORDINATOR and user.area_id:
        qs = qs.filter(case__team_members__area_id=user.area_id).distinct()
    elif user.role != Role.DIRECTOR:
        return []
    qs = qs.filter(case__in=visible_cases(user).values("pk"))
    return list(qs.select_related("case", "responsible", "goal__area").order_by("target_date", "id"))


def pending_plan_services(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Source of "Mis pendientes": the plan's services past their target date (one query)."""
    return [
        pending.PendingItem(
            kind="plan_service",
            kind_label=_("Case plan"),
            title=_("Planned service past its target date (%(area)s)") % {"area": s.goal.area.name},
            due=s.target_date,
            url=reverse("cases:plan", kwargs={"folio": s.case.folio}),
            folio=s.case.folio,
            case_id=s.case_id,
            person_id=s.case.holder_id,
            owner=s.responsible.full_name,
            weight=3,
        )
        for s in overdue_services(user, scope=scope, today=today)
    ]
