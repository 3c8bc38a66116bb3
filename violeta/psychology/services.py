"""Writes of psychological care. Keyword-only, one transaction each, audit record and timeline line inside it.

Timeline lines say only that psychology did something ("Plan de tratamiento iniciado"), never what.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, Consultation, EventKind
from violeta.cases.services import case_event_record, consultation_record
from violeta.notifications.services import notify
from violeta.psychology.models import (
    PSYCHOLOGY_AREA,
    DischargeReason,
    GoalStatus,
    PlanStatus,
    Scale,
    ScaleResult,
    TherapySession,
    TreatmentGoal,
    TreatmentPlan,
)
from violeta.psychology.selectors import active_plan, can_write_psychology, psychology_area


def _require_writer(by, case: Case) -> None:
    if not can_write_psychology(by, case):
        raise PermissionDenied


def _require_active_case(case: Case) -> None:
    if not case.is_active:
        raise ValidationError(
            _("The case file is closed. Reopen it to continue psychological care."), code="closed"
        )


def _clean_goals(goals) -> list[str]:
    return [g.strip() for g in goals if g and g.strip()]


@transaction.atomic
def plan_create(
    *, case: Case, by, focus: str, approach: str, frequency: str, started_on, goals: list[str]
) -> TreatmentPlan:
    """Start a treatment plan with its first goals. One plan in treatment per case at a time."""
    _require_writer(by, case)
    _require_active_case(case)
    errors = {}
    goals = _clean_goals(goals)
    if not goals:
        errors["goals"] = _("Write at least one goal, one per line.")
    if started_on and started_on > timezone.localdate():
        errors["started_on"] = _("The plan cannot start on a future date.")
    if errors:
        raise ValidationError(errors)
    if active_plan(case) is not None:
        raise ValidationError(
            _("There is already a treatment plan in progress. Discharge it before starting another."),
            code="plan_active_exists",
        )
    plan = TreatmentPlan(
        case=case, psychologist=by, focus=focus, approach=approach, frequency=frequency, started_on=started_on
    )
    plan.full_clean()
    plan.save()
    TreatmentGoal.objects.bulk_create(
        [TreatmentGoal(plan=plan, description=text, position=i) for i, text in enumerate(goals, start=1)]
    )
    audit_record(actor=by, action=Action.CREATE, obj=plan, case_id=case.pk, detail="plan de tratamiento")
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.PSYCHOLOGY,
        description=_("Treatment plan started"),
        area=psychology_area(),
    )
    return plan


@transaction.atomic
def plan_update(*, plan: TreatmentPlan, by, focus: str, approach: str, frequency: str) -> TreatmentPlan:
    """Change the focus, approach or frequency of a plan in treatment (goals change one by one)."""
    _require_writer(by, plan.case)
    if not plan.is_active:
        raise ValidationError(_("The plan has already been discharged."), code="discharged")
    plan.focus, plan.approach, plan.frequency = focus, approach, frequency
    plan.full_clean()
    plan.save(update_fields=["focus", "approach", "frequency"])
    audit_record(actor=by, action=Action.UPDATE, obj=plan, case_id=plan.case_id, detail="plan de tratamiento")
    return plan


@transaction.atomic
def goal_add(*, plan: TreatmentPlan, by, description: str) -> TreatmentGoal:
    _require_writer(by, plan.case)
    if not plan.is_active:
        raise ValidationError(
            _("The plan has been discharged; its goals can no longer change."), code="discharged"
        )
    if not description.strip():
        raise ValidationError({"description": _("Write the goal.")})
    last = plan.goals.order_by("-position").values_list("position", flat=True).first() or 0
    goal = TreatmentGoal.objects.create(plan=plan, description=description.strip(), position=last + 1)
    audit_record(
        actor=by, action=Action.CREATE, obj=goal, case_id=plan.case_id, detail="objetivo terapéutico"
    )
    return goal


@transaction.atomic
def goal_status_set(*, goal: TreatmentGoal, by, status: str) -> TreatmentGoal:
    _require_writer(by, goal.plan.case)
    if not goal.plan.is_active:
        raise ValidationError(
            _("The plan has been discharged; its goals can no longer change."), code="discharged"
        )
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a valid status for the goal.")})
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by, action=Action.UPDATE, obj=goal, case_id=goal.plan.case_id, detail="objetivo terapéutico"
    )
    return goal


@transaction.atomic
def session_record(
    *,
    case: Case,
    by,
    modality: str,
    started_at,
    duration_minutes: int,
    summary: str,
    progress_note: str,
    next_steps: str = "",
) -> TherapySession:
    """A session: a consultation of psychology for the team (its summary) and a progress note for psychology.

    It belongs to the plan in treatment, if there is one (a first assessment session may come before the plan).
    """
    _require_writer(by, case)
    if not progress_note.strip():
        raise ValidationError({"progress_note": _("Write the session's progress note.")})
    consultation: Consultation = consultation_record(
        case=case,
        by=by,
        area=psychology_area(),
        modality=modality,
        started_at=started_at,
        duration_minutes=duration_minutes,
        summary=summary,
        next_steps=next_steps,
    )
    session = TherapySession.objects.create(
        case=case,
        plan=active_plan(case),
        consultation=consultation,
        progress_note=progress_note.strip(),
        author=by,
    )
    audit_record(actor=by, action=Action.CREATE, obj=session, case_id=case.pk, detail="nota de evolución")
    return session


def scale_score(scale: Scale, answers: list[int]) -> tuple[int, str]:
    """The total and its band, from the scale's data. Raises a ValidationError in Spanish on bad answers."""
    if len(answers) != scale.item_count:
        raise ValidationError(
            _("%(scale)s has %(n)s items; answer all of them.")
            % {"scale": scale.name, "n": scale.item_count},
            code="items",
        )
    for number, value in enumerate(answers, start=1):
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not scale.item_min <= value <= scale.item_max
        ):
            raise ValidationError(
                _("Item %(n)s must be a whole number from %(lo)s to %(hi)s.")
                % {"n": number, "lo": scale.item_min, "hi": scale.item_max},
                code="item_range",
            )
    score = sum(answers)
    band = next((b.label for b in scale.bands.all() if b.min_score <= score <= b.max_score), "")
    if not band:
        raise ValidationError(
            _("The scale has no band for a score of %(score)s.") % {"score": score}, code="band"
        )
    return score, band


@transaction.atomic
def scale_apply(*, case: Case, by, scale: Scale, answers: list[int], applied_on) -> ScaleResult:
    """Record a standardised scale: the total is the sum of the answers and the band comes from the scale's data."""
    _require_writer(by, case)
    if not scale.is_active:
        raise ValidationError(_("That scale is no longer in use."), code="inactive")
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The scale cannot be recorded with a future date.")})
    score, band = scale_score(scale, answers)
    result = ScaleResult.objects.create(
        case=case,
        plan=active_plan(case),
        scale=scale,
        applied_on=applied_on,
        answers=list(answers),
        score=score,
        band=band,
        applied_by=by,
    )
    audit_record(actor=by, action=Action.CREATE, obj=result, case_id=case.pk, detail="escala estandarizada")
    return result


@transaction.atomic
def plan_discharge(*, plan: TreatmentPlan, by, reason: str, summary: str, ended_on) -> TreatmentPlan:
    """The discharge summary closes the plan (alta psicológica)."""
    _require_writer(by, plan.case)
    if not plan.is_active:
        raise ValidationError(_("The plan has already been discharged."), code="discharged")
    errors = {}
    if reason not in DischargeReason.values:
        errors["reason"] = _("Choose the reason for discharge.")
    if not summary.strip():
        errors["summary"] = _("Write the discharge summary.")
    if ended_on and ended_on > timezone.localdate():
        errors["ended_on"] = _("The discharge cannot be dated in the future.")
    elif ended_on and ended_on < plan.started_on:
        errors["ended_on"] = _("The discharge cannot be before the plan started.")
    if errors:
        raise ValidationError(errors)
    plan.status = PlanStatus.DISCHARGED
    plan.discharge_reason = reason
    plan.discharge_summary = summary.strip()
    plan.ended_on = ended_on
    plan.save(update_fields=["status", "discharge_reason", "discharge_summary", "ended_on"])
    audit_record(actor=by, action=Action.UPDATE, obj=plan, case_id=plan.case_id, detail="alta psicológica")
    case_event_record(
        case=plan.case,
        by=by,
        kind=EventKind.PSYCHOLOGY,
        description=_("Psychological discharge"),
        area=psychology_area(),
    )
    return plan


def plans_pending_discharge_notify(*, case: Case) -> list[TreatmentPlan]:
    """The case was just closed with a plan still in treatment: tell psychology to record the discharge.

    Run on ``cases.signals.case_closed`` (sent by ``cases.services.case_close``), inside its transaction.
    Closing a case is not held up by psychology (she stopped coming; whoever closes it often cannot read the
    plan), and the plan is not discharged on psychology's behalf: the discharge summary is a clinical record
    only psychology writes. Instead its
    psychologist and the psychology coordination get a notice with the folio (no names), and the plan stays
    in "Mis planes" flagged "case file closed" until the discharge is recorded (which a closed case allows).
    """

    plans = list(case.psychology_plans.filter(status=PlanStatus.ACTIVE).select_related("psychologist"))
    if not plans:
        return []
    coordinators = User.objects.filter(is_active=True, role=Role.COORDINATOR, area__code=PSYCHOLOGY_AREA)
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Case file %(folio)s was closed with its treatment plan still in progress: record the discharge."
        ) % {"folio": case.folio}
    for plan in plans:
        notify(
            recipients=[plan.psychologist, *coordinators],
            kind="psychology.discharge",
            message=message,
            url=reverse("psychology:discharge", kwargs={"folio": case.folio}),
            key=f"psychology.discharge-pending:{plan.pk}",
            case=case,
        )
    return plans
