"""Approvals of casework steps: the registry of step kinds, the requests and decisions, and who decides.

A step kind is registered with the callback that makes it take effect once approved::

    approvals.register("risk_override", apply=risk_override_apply)

``apply(request, by)`` runs inside the decision's transaction. The cases app registers the case plan and the
closings (``CasesConfig.ready``); violence registers ``risk_override`` from its own ``ready`` (cases never
imports violence).

The rules (``ApprovalRule``, a row per step, edited by the director) say whether a step waits and for whom:

- **coordinator**: a coordinator of an area on the case's team (the requester's area when she has one), or the
  director;
- **director**: the director only;
- **none** (or no row): the step takes effect at once, as before approvals existed.

Nobody decides her own request, the director included: a request by the only director waits for another.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases import pending
from violeta.cases.approval_models import ApprovalRequest, ApprovalRule, ApprovalStep, Approver, RequestStatus
from violeta.cases.models import Case, CaseTeamMember, EventKind
from violeta.cases.selectors import visible_cases
from violeta.cases.services import case_close, case_event_record
from violeta.notifications.services import notify


@dataclass(frozen=True)
class StepKind:
    code: str
    apply: Callable[[ApprovalRequest, object], None]
    on_return: Callable[[ApprovalRequest, object], None] | None = None


_STEPS: dict[str, StepKind] = {}


def register(
    code: str,
    *,
    apply: Callable[[ApprovalRequest, object], None],
    on_return: Callable[[ApprovalRequest, object], None] | None = None,
) -> None:
    """Add (or replace) a step kind: what approving it does, and (optionally) what returning it does."""
    _STEPS[code] = StepKind(code=code, apply=apply, on_return=on_return)


def registered() -> list[str]:
    return list(_STEPS)


# --- the rules -------------------------------------------------------------------------------------------------


def approver_for(step: str) -> str:
    """Who must approve ``step`` (an ``Approver`` value); ``Approver.NONE`` when it acts at once."""
    found = ApprovalRule.objects.filter(step=step).values_list("approver", flat=True).first()
    return found or Approver.NONE


def closure_step(case: Case) -> str:
    """Closing a priority (high-risk) case is its own step, so the institute may ask more of it."""
    return ApprovalStep.PRIORITY_CLOSURE if case.is_priority else ApprovalStep.CASE_CLOSURE


def rules() -> list[ApprovalRule]:
    """Every step with its rule (steps without a row shown as "no approval", unsaved)."""
    saved = {rule.step: rule for rule in ApprovalRule.objects.all()}
    return [
        saved.get(step) or ApprovalRule(step=step, approver=Approver.NONE) for step in ApprovalStep.values
    ]


@transaction.atomic
def rule_set(*, step: str, approver: str, by) -> ApprovalRule:
    """The director sets who approves a step."""
    if by.role != Role.DIRECTOR:
        raise PermissionDenied
    if step not in ApprovalStep.values or approver not in Approver.values:
        raise ValidationError(_("Choose a step and who approves it."), code="bad_rule")
    rule, _created = ApprovalRule.objects.update_or_create(
        step=step, defaults={"approver": approver, "updated_by": by}
    )
    audit_record(actor=by, action=Action.UPDATE, obj=rule, detail=f"aprobación {step}: {approver}")
    return rule


# --- who decides -----------------------------------------------------------------------------------------------


def _coordinated_q(user) -> Q:
    """Requests a coordinator decides: those of her area, or of no area on a case her area attends."""
    in_area = Exists(CaseTeamMember.objects.filter(case=OuterRef("case_id"), area_id=user.area_id))
    return Q(approver=Approver.COORDINATOR) & (Q(area_id=user.area_id) | (Q(area__isnull=True) & Q(in_area)))


def decidable_q(user) -> Q:
    """A filter of the pending requests ``user`` may decide (never her own)."""
    if not may_decide_any(user):
        return Q(pk__in=[])
    if user.role == Role.DIRECTOR:
        rule = Q(approver__in=[Approver.COORDINATOR, Approver.DIRECTOR])
    else:  # a coordinator of an area: the only other role ``may_decide_any`` admits
        rule = _coordinated_q(user)
    return rule & Q(status=RequestStatus.PENDING) & ~Q(requested_by=user)


def may_decide(user, request: ApprovalRequest) -> bool:
    return ApprovalRequest.objects.filter(decidable_q(user), pk=request.pk).exists() and (
        visible_cases(user).filter(pk=request.case_id).exists()
    )


def approvers_of(request: ApprovalRequest) -> list[User]:
    """Who is told a request waits: the coordinators of its area (or of the case's areas), or the director."""
    people = User.objects.filter(is_active=True).exclude(pk=request.requested_by_id)
    if request.approver == Approver.DIRECTOR:
        return list(people.filter(role=Role.DIRECTOR))
    coordinators = people.filter(role=Role.COORDINATOR)
    if request.area_id:
        coordinators = coordinators.filter(area_id=request.area_id)
    else:
        area_ids = CaseTeamMember.objects.filter(case_id=request.case_id, area__isnull=False).values(
            "area_id"
        )
        coordinators = coordinators.filter(area_id__in=area_ids)
    found = list(coordinators)
    return found or list(people.filter(role=Role.DIRECTOR))


# --- requests and decisions ------------------------------------------------------------------------------------


def pending_request(case: Case, step: str) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(case=case, step=step, status=RequestStatus.PENDING).first()


def _event_kind(step: str) -> str:
    """A risk override's lines are the violence section's (read only by its readers: cases.timeline)."""
    return EventKind.RISK if step == ApprovalStep.RISK_OVERRIDE else EventKind.APPROVAL


def _url(request: ApprovalRequest) -> str:
    return reverse("cases:approval", kwargs={"pk": request.pk})


@transaction.atomic
def approval_request(
    *, case: Case, step: str, by, payload: dict | None = None, note: str = ""
) -> ApprovalRequest:
    """Ask for approval of ``step`` on ``case``; the approvers are told (a notice that names nobody)."""
    approver = approver_for(step)
    if approver == Approver.NONE:
        raise ValidationError(_("This step does not need approval."), code="no_approval")
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")
    if pending_request(case, step) is not None:
        raise ValidationError(
            _("A request for this step already waits for approval. Wait for the decision."),
            code="already_pending",
        )
    area = by.area if by.role != Role.DIRECTOR else None
    if area is not None and not CaseTeamMember.objects.filter(case=case, area=area).exists():
        area = None
    request = ApprovalRequest(
        case=case,
        step=step,
        approver=approver,
        area=area,
        payload=payload or {},
        note=note.strip(),
        requested_by=by,
    )
    request.full_clean()
    request.save()
    audit_record(actor=by, action=Action.CREATE, obj=request, case_id=case.pk, detail=f"solicitud {step}")
    label = request.get_step_display()
    case_event_record(
        case=case,
        by=by,
        kind=_event_kind(step),
        description=_("%(step)s: approval requested") % {"step": label},
        area=by.area,
    )
    notify(
        recipients=approvers_of(request),
        kind="cases.approval",
        message=_("Case file %(folio)s: %(step)s waits for your approval.")
        % {"folio": case.folio, "step": label},
        url=_url(request),
        key=f"cases.approval:{request.pk}",
        case=case,
    )
    return request


def approval_decide(*, request: ApprovalRequest, by, approve: bool, comment: str = "") -> ApprovalRequest:
    """Approve (the step takes effect) or return with a comment. Nobody decides her own request: the refusal
    is audited (outside the decision's transaction, so it stays) and explained in Spanish."""
    if request.requested_by_id == by.pk:
        audit_denied(
            actor=by, object_type="cases.approvalrequest", object_id=request.pk, case_id=request.case_id
        )
        raise ValidationError(
            _("You cannot decide your own request: someone else must approve it."), code="own_request"
        )
    return _decide(request=request, by=by, approve=approve, comment=comment)


@transaction.atomic
def _decide(*, request: ApprovalRequest, by, approve: bool, comment: str) -> ApprovalRequest:
    request = ApprovalRequest.objects.select_for_update().select_related("case").get(pk=request.pk)
    if not request.is_pending:
        raise ValidationError(_("This request was already decided."), code="decided")
    if not may_decide(by, request):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Write what needs to change before it is requested again.")})
    request.status = RequestStatus.APPROVED if approve else RequestStatus.RETURNED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=request,
        case_id=request.case_id,
        detail=f"{'aprobada' if approve else 'devuelta'} {request.step}",
    )
    label = request.get_step_display()
    case_event_record(
        case=request.case,
        by=by,
        kind=_event_kind(request.step),
        description=(_("%(step)s: approved") if approve else _("%(step)s: returned with a comment"))
        % {"step": label},
        area=by.area,
    )
    kind = _STEPS.get(request.step)
    if kind is not None:
        if approve:
            kind.apply(request, by)
        elif kind.on_return is not None:
            kind.on_return(request, by)
    elif approve:
        raise ValidationError(_("This step can no longer be approved here."), code="unknown_step")
    notify(
        recipients=[request.requested_by],
        kind="cases.approval_decided",
        message=(
            _("Case file %(folio)s: %(step)s was approved.")
            if approve
            else _("Case file %(folio)s: %(step)s was returned with a comment.")
        )
        % {"folio": request.case.folio, "step": label},
        url=_url(request),
        key=f"cases.approval_decided:{request.pk}",
        case=request.case,
    )
    return request


# --- closing a case --------------------------------------------------------------------------------------------


def case_close_request(*, case: Case, by, reason: str, note: str = "") -> ApprovalRequest | None:
    """Close the case, or ask for the approval of its closing when the institute configures it so (closing a
    priority case is its own step). Returns the request, or None when it closed at once."""
    if not case.is_active:
        raise ValidationError(_("The case file is already closed."), code="already_closed")
    if not reason:
        raise ValidationError({"close_reason": _("Give the reason for closing.")})
    step = closure_step(case)
    if approver_for(step) == Approver.NONE:
        case_close(case=case, by=by, reason=reason)
        return None
    return approval_request(case=case, step=step, by=by, payload={"reason": reason}, note=note)


def _apply_closure(request: ApprovalRequest, by) -> None:
    case = Case.objects.select_for_update().get(pk=request.case_id)
    if case.is_active:
        case_close(case=case, by=by, reason=request.payload.get("reason", ""))


# --- reads -----------------------------------------------------------------------------------------------------


def access_approval(user, pk: int) -> ApprovalRequest:
    """A request, for who may see its case; otherwise 404 and an audited refusal."""
    request = (
        ApprovalRequest.objects.filter(pk=pk, case__in=visible_cases(user).values("pk"))
        .select_related("case", "requested_by", "decided_by", "area")
        .first()
    )
    if request is None:
        audit_denied(actor=user, object_type="cases.approvalrequest", object_id=pk)
        raise Http404
    audit_record(
        actor=user, action=Action.VIEW, obj=request, case_id=request.case_id, detail="solicitud de aprobación"
    )
    return request


def case_waiting(case: Case) -> list[ApprovalRequest]:
    """The case's requests that wait (shown with the case, already audited by ``access_case``)."""
    return list(
        case.approval_requests.filter(status=RequestStatus.PENDING)
        .select_related("requested_by")
        .order_by("requested_at", "id")
    )


def _area_q(user) -> Q | None:
    if user.role == Role.DIRECTOR:
        return Q()
    if user.role == Role.COORDINATOR and user.area_id:
        return Q(Exists(CaseTeamMember.objects.filter(case=OuterRef("case_id"), area_id=user.area_id)))
    return None


def may_decide_any(user) -> bool:
    """Whether ``user``'s role may decide any request at all (``decidable_q`` is not empty): the director and
    the coordinators of an area."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role == Role.DIRECTOR or (user.role == Role.COORDINATOR and user.area_id))
    )


def waiting_requests(user, *, scope: str = pending.MINE) -> QuerySet[ApprovalRequest]:
    """Pending requests: ``mine`` those ``user`` may decide; ``area`` every one of her areas' cases."""
    qs = ApprovalRequest.objects.filter(
        status=RequestStatus.PENDING, case__in=visible_cases(user).values("pk")
    )
    if scope == pending.MINE:
        qs = qs.filter(decidable_q(user))
    else:
        area = _area_q(user)
        if area is None:
            return ApprovalRequest.objects.none()
        qs = qs.filter(area)
    return qs.select_related("case", "requested_by").order_by("requested_at", "id")


def waiting_lists(user, *, limit: int = 200) -> tuple[list[ApprovalRequest], list[ApprovalRequest]]:
    """The approvals page: those ``user`` may decide, and (coordinators, the director) all of her areas';
    audited (one VIEW line per request shown)."""
    mine = list(waiting_requests(user, scope=pending.MINE)[:limit])
    area = []
    if user.role in (Role.COORDINATOR, Role.DIRECTOR):
        area = list(waiting_requests(user, scope=pending.AREA)[:limit])
    shown = {r.pk: r for r in [*mine, *area]}.values()
    if shown:
        audit_many(
            actor=user, action=Action.VIEW, objects=shown, detail="aprobaciones", case_of=lambda r: r.case_id
        )
    return mine, area


def pending_approvals(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Source of "Mis pendientes": approvals waiting (one query; none for staff who decide none: a
    professional's page builds no query that is known to find nothing)."""
    if not may_decide_any(user):
        return []
    return [
        pending.PendingItem(
            kind="approval",
            kind_label=_("Approval"),
            title=_("%(step)s waits for approval") % {"step": r.get_step_display()},
            due=r.requested_at,
            url=_url(r),
            folio=r.case.folio,
            case_id=r.case_id,
            person_id=r.case.holder_id,
            owner=r.requested_by.full_name,
            weight=1,
        )
        for r in waiting_requests(user, scope=scope)
    ]


def register_defaults() -> None:
    """The cases app's own steps (called from ``CasesConfig.ready``)."""
    from violeta.cases import plan

    register(ApprovalStep.CASE_PLAN, apply=plan.plan_apply_approval, on_return=plan.plan_returned)
    register(ApprovalStep.CASE_CLOSURE, apply=_apply_closure)
    register(ApprovalStep.PRIORITY_CLOSURE, apply=_apply_closure)
    pending.register("cases.approvals", items=pending_approvals)
    pending.register("cases.plan_services", items=plan.pending_plan_services)
