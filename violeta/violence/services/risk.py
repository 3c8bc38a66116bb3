"""Writes of her risk and of the case's priority: risk assessments (an alarm level marks the case as priority
and tells the coordinators of its areas) and priority marked or lifted by professional judgement."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import approvals
from violeta.cases.approval_models import ApprovalStep, Approver
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.notifications.services import notify
from violeta.violence import instruments
from violeta.violence.models import PriorityChange, RiskAssessment, RiskInstrument
from violeta.violence.permissions import WRITE_ROLES, can_lift_priority, can_mark_priority
from violeta.violence.services.common import area_coordinators, case_url, require_writer


def _case_mark_priority(case: Case, *, by, reason: str, assessment: RiskAssessment) -> bool:
    """Mark the case as priority (in every list, first) after an alarm level. Returns whether it changed."""
    if case.is_priority:
        return False
    _priority_set(case, by=by, on=True, headline=reason)
    PriorityChange.objects.create(
        case=case,
        action=PriorityChange.Action.MARKED,
        source=PriorityChange.Source.ASSESSMENT,
        assessment=assessment,
        reason=reason,
        changed_by=by,
    )
    return True


def _priority_set(case: Case, *, by, on: bool, headline: str) -> None:
    """Flip the flag, audit it and put a line on the timeline (the written reason is not on the line)."""
    case.is_priority = on
    case.priority_reason = headline[:120] if on else ""
    case.priority_since = timezone.now() if on else None
    case.save(update_fields=["is_priority", "priority_reason", "priority_since", "updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=case,
        case_id=case.pk,
        detail="prioridad" if on else "prioridad retirada",
    )
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.PRIORITY,
        description=headline if on else _("Priority lifted"),
        area=by.area,
    )


def _priority_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Write the reason (at least 10 characters): it stays in the case file.")}
        )
    return reason


@transaction.atomic
def case_priority_mark(*, case: Case, by, reason: str) -> PriorityChange:
    """Mark the case as priority by professional judgement (no assessment needed), with a written reason.

    The coordinators of the case's areas are told, as after a high assessment.
    """
    if not can_mark_priority(by, case):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")
    reason = _priority_reason(reason)
    if case.is_priority:
        raise ValidationError(_("The case file is already a priority."), code="already_priority")
    _priority_set(case, by=by, on=True, headline=_("Marked as priority by professional judgement"))
    change = PriorityChange.objects.create(
        case=case,
        action=PriorityChange.Action.MARKED,
        source=PriorityChange.Source.JUDGEMENT,
        reason=reason,
        changed_by=by,
    )
    audit_record(actor=by, action=Action.CREATE, obj=change, case_id=case.pk)
    notify(
        recipients=[u for u in area_coordinators(case) if u.pk != by.pk],
        kind="violence.priority",
        message=_("Case file %(folio)s was marked as a priority by professional judgement.")
        % {"folio": case.folio},
        url=case_url(case),
        key=f"violence.priority:{change.pk}",
        case=case,
    )
    return change


@transaction.atomic
def case_priority_lift(*, case: Case, by, reason: str) -> PriorityChange:
    """Lift the priority with a written reason. Never automatic: a lower assessment only suggests it."""
    if not can_lift_priority(by, case):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")
    reason = _priority_reason(reason)
    if not case.is_priority:
        raise ValidationError(_("The case file is not a priority."), code="not_priority")
    _priority_set(case, by=by, on=False, headline="")
    change = PriorityChange.objects.create(
        case=case,
        action=PriorityChange.Action.LIFTED,
        source=PriorityChange.Source.JUDGEMENT,
        reason=reason,
        changed_by=by,
    )
    audit_record(actor=by, action=Action.CREATE, obj=change, case_id=case.pk)
    return change


@transaction.atomic
def risk_assessment_record(
    *,
    case: Case,
    by,
    instrument: RiskInstrument,
    answers: dict[str, str],
    final_level: str | None = None,
    override_reason: str = "",
    notes: str = "",
) -> RiskAssessment:
    """Score an instrument's answers and record them with the professional's final level.

    Unanswered items are "unknown", handled as the instrument's policy says (never as "no"). The final level
    may differ from the computed one only with a written reason; when too many answers are unknown for the
    instrument to give a level, the professional must choose one and say why.

    A final level LOWER than the score's waits for approval when the institute configures the step
    ``risk_override`` (``cases.approvals``): the assessment is recorded at once, but meanwhile the HIGHER level
    (the score's) stands — it decides the alarm, the priority and the notices — and the lower one is asked for
    in an approval request; once approved, ``risk_override_apply`` sets it (the priority, if marked, is lifted
    only by judgement, as always). Raising the level never waits.
    """
    require_writer(by, WRITE_ROLES, case)
    if not instrument.is_active:
        raise ValidationError(_("That instrument is no longer in use."), code="inactive_instrument")
    codes = {item["code"] for item in instrument.items}
    if set(answers) - codes or set(answers.values()) - set(instruments.ANSWERS):
        raise ValidationError(_("The answers do not match the instrument."), code="bad_answers")
    answers = {code: answers.get(code, "unknown") for code in (item["code"] for item in instrument.items)}
    result = instruments.score(
        items=instrument.items, levels=instrument.levels, policy=instrument.unknown_policy, answers=answers
    )
    final = final_level or result.computed_level
    reason = (override_reason or "").strip()
    if not final:
        raise ValidationError(
            {
                "final_level": _(
                    "Too many answers are unknown to compute a level: choose the level from your judgement "
                    "and explain why."
                )
            }
        )
    if instrument.level(final) is None:
        raise ValidationError({"final_level": _("Choose one of the instrument's levels.")})
    if final != result.computed_level and not reason:
        raise ValidationError(
            {"override_reason": _("Explain why the final level differs from the level of the score.")}
        )
    requested = None
    if _is_lower(instrument, final, result.computed_level) and (
        approvals.approver_for(ApprovalStep.RISK_OVERRIDE) != Approver.NONE
    ):
        requested, final = final, result.computed_level  # the higher level stands until it is approved
    assessment = RiskAssessment.objects.create(
        case=case,
        instrument=instrument,
        answers=answers,
        score=result.score,
        max_possible=result.max_possible,
        unknown_count=result.unknown_count,
        incomplete=result.incomplete,
        computed_level=result.computed_level,
        final_level=final,
        override_reason=reason if final != result.computed_level else "",
        notes=notes.strip(),
        is_alarm=instrument.is_alarm(final),
        assessed_by=by,
    )
    audit_record(actor=by, action=Action.CREATE, obj=assessment, case_id=case.pk)
    label = instrument.level_label(final)
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.RISK,
        description=_("%(instrument)s: level %(level)s")
        % {"instrument": instrument.code.upper(), "level": label},
        area=by.area,
    )
    if requested is not None:
        approvals.approval_request(
            case=case,
            step=ApprovalStep.RISK_OVERRIDE,
            by=by,
            payload={"assessment": assessment.pk, "level": requested},
            note=reason,
        )
    if assessment.is_alarm:
        _case_mark_priority(
            case, by=by, reason=_("Risk level %(level)s") % {"level": label}, assessment=assessment
        )
        notify(
            recipients=area_coordinators(case),
            kind="violence.risk_high",
            message=_(
                "Case file %(folio)s: risk level %(level)s. It is now a priority; it needs a safety plan."
            )
            % {"folio": case.folio, "level": label},
            url=case_url(case),
            key=f"violence.risk:{assessment.pk}",
            case=case,
        )
    return assessment


def _is_lower(instrument: RiskInstrument, level: str, than: str | None) -> bool:
    """Whether ``level`` is below ``than`` in the instrument's levels (ordered from lowest to highest)."""
    codes = [lvl["code"] for lvl in instrument.levels]
    if not than or level not in codes or than not in codes:
        return False
    return codes.index(level) < codes.index(than)


def risk_override_apply(request, by) -> None:
    """Approval callback (``cases.approvals``, step ``risk_override``): the lower level asked for stands."""
    assessment = (
        RiskAssessment.objects.select_for_update()
        .select_related("instrument", "case")
        .filter(pk=request.payload.get("assessment"), case_id=request.case_id)
        .first()
    )
    level = request.payload.get("level", "")
    if assessment is None or assessment.instrument.level(level) is None:
        raise ValidationError(_("The assessment of this request no longer exists."), code="no_assessment")
    assessment.final_level = level
    assessment.override_reason = request.note or _("Approved lower level")
    assessment.is_alarm = assessment.instrument.is_alarm(level)
    assessment.save(update_fields=["final_level", "override_reason", "is_alarm"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=assessment,
        case_id=request.case_id,
        detail="nivel de riesgo aprobado",
    )
    case_event_record(
        case=assessment.case,
        by=by,
        kind=EventKind.RISK,
        description=_("%(instrument)s: lower level %(level)s approved")
        % {
            "instrument": assessment.instrument.code.upper(),
            "level": assessment.instrument.level_label(level),
        },
        area=by.area,
    )
