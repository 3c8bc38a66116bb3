"""Writes about violence in a case: keyword-only, one transaction each, audit record and timeline line inside.

A high or extreme risk level marks the case as priority, tells the coordinators of the case's areas and asks
the team for a safety plan and, if she wants one, a protection order. Protection orders remind the case's
lawyers before they expire (keyed notices, rescheduled or withdrawn when the order changes).
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import AREA_ROLES, Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, CaseTeamMember, EventKind
from violeta.cases.permissions import can_manage_team
from violeta.cases.selectors import can_view_case
from violeta.cases.services import case_event_record
from violeta.notifications.services import notifications_cancel, notify
from violeta.violence import instruments
from violeta.violence.models import (
    ORDER_MAX_DAYS,
    ORDER_MAX_EXTENSION_DAYS,
    Aggressor,
    PriorityChange,
    ProtectionOrder,
    RiskAssessment,
    RiskInstrument,
    SafetyPlan,
    TraffickingIndicator,
    TraffickingScreening,
    ViolenceIncident,
    ViolenceType,
)

# Who records violence, risk, plans and screenings: the professionals who attend her.
WRITE_ROLES = AREA_ROLES
# Protection orders are the legal area's work (and its coordination's).
ORDER_ROLES = frozenset({Role.LEGAL, Role.COORDINATOR})
# Days before expiry on which the lawyers are reminded, and the hour (local time) of the reminder.
REMINDER_DAYS = (7, 1)
REMINDER_HOUR = 9
# A safety plan's review date: at most this far ahead.
PLAN_REVIEW_MAX_DAYS = 180

SAFETY_PLAN_FIELDS = (
    "safe_places",
    "people_who_know",
    "code_word",
    "documents_ready",
    "money_ready",
    "documents_notes",
    "how_to_leave",
    "children_plan",
    "digital_safety",
    "other",
)


def _require(by, roles, case: Case) -> None:
    if not (by.is_active and by.role in roles):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")


def _case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"folio": case.folio})


def area_coordinators(case: Case) -> list[User]:
    """The coordinators of the areas on the case's team (all coordinators if no area attends it yet)."""
    area_ids = set(
        CaseTeamMember.objects.filter(case=case, area__isnull=False).values_list("area_id", flat=True)
    )
    coordinators = User.objects.filter(is_active=True, role=Role.COORDINATOR)
    if area_ids:
        coordinators = coordinators.filter(area_id__in=area_ids)
    return list(coordinators)


def case_lawyers(case: Case) -> list[User]:
    """The lawyers on the case's team; if none, the coordinators of the legal area who may see the case; if
    none may (the legal area left its team), the director, who sees every case: a reminder about a case goes
    only to staff who may open it (issue 12), and an order about to expire must still reach someone."""
    lawyers = list(
        User.objects.filter(is_active=True, role=Role.LEGAL, case_memberships__case=case).distinct()
    )
    if lawyers:
        return lawyers
    coordinators = [u for u in area_coordinators(case) if u.area and u.area.code == "juridica"] or list(
        User.objects.filter(is_active=True, role=Role.COORDINATOR, area__code="juridica")
    )
    return [u for u in coordinators if can_view_case(u, case)] or list(
        User.objects.filter(is_active=True, role=Role.DIRECTOR)
    )


# Incidents and aggressors


@transaction.atomic
def aggressor_record(*, case: Case, by, relationship: str, alias: str = "", **fields) -> Aggressor:
    """Record a person who exercised violence against her, as she describes him or her."""
    _require(by, WRITE_ROLES, case)
    aggressor = Aggressor(case=case, relationship=relationship, alias=alias.strip(), recorded_by=by, **fields)
    aggressor.full_clean()
    aggressor.save()
    audit_record(actor=by, action=Action.CREATE, obj=aggressor, case_id=case.pk)
    case_event_record(
        case=case, by=by, kind=EventKind.VIOLENCE, description=_("Aggressor recorded"), area=by.area
    )
    return aggressor


@transaction.atomic
def incident_record(
    *,
    case: Case,
    by,
    occurred_on: date,
    place_kind: str,
    types: list[str],
    modality: str,
    narrative: str,
    date_precision: str = "exact",
    neighborhood=None,
    injuries: str = "none",
    reported_to_prosecutor: bool = False,
    reported_where: str = "",
    children_witnessed: bool = False,
    children_victims: bool = False,
    aggressors=(),
) -> ViolenceIncident:
    """Record an incident of violence with its LGAMVLV types and modality."""
    _require(by, WRITE_ROLES, case)
    errors = {}
    valid_types = set(ViolenceType.values)
    types = list(dict.fromkeys(types or []))
    if not types:
        errors["types"] = _("Choose at least one type of violence.")
    elif not set(types) <= valid_types:
        errors["types"] = _("Unknown type of violence.")
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if not (narrative or "").strip():
        errors["narrative"] = _("Write what happened, in her words.")
    if reported_to_prosecutor and not reported_where.strip():
        errors["reported_where"] = _("Say where it was reported.")
    aggressors = list(aggressors)
    if any(a.case_id != case.pk for a in aggressors):
        errors["aggressors"] = _("The aggressor does not belong to this case file.")
    if errors:
        raise ValidationError(errors)
    incident = ViolenceIncident(
        case=case,
        occurred_on=occurred_on,
        date_precision=date_precision,
        neighborhood=neighborhood,
        place_kind=place_kind,
        types=types,
        modality=modality,
        narrative=narrative.strip(),
        injuries=injuries,
        reported_to_prosecutor=reported_to_prosecutor,
        reported_where=reported_where.strip() if reported_to_prosecutor else "",
        children_witnessed=children_witnessed,
        children_victims=children_victims,
        recorded_by=by,
    )
    incident.full_clean()
    incident.save()
    if aggressors:
        incident.aggressors.set(aggressors)
    audit_record(actor=by, action=Action.CREATE, obj=incident, case_id=case.pk)
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.VIOLENCE,
        description=incident.get_modality_display(),
        area=by.area,
    )
    return incident


# Risk


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


def can_lift_priority(user, case: Case) -> bool:
    """Lifting lowers the protection she gets: the coordination of an area on the case, or the director."""
    if not (user.is_active and user.role in (Role.COORDINATOR, Role.DIRECTOR)):
        return False
    return can_manage_team(user, case)


def can_mark_priority(user, case: Case) -> bool:
    """Raising it costs little and errs on her side: any professional on the team, coordination, director."""
    if not (user.is_active and (user.role in WRITE_ROLES or user.role == Role.DIRECTOR)):
        return False
    return can_manage_team(user, case)


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
        url=_case_url(case),
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
    """
    _require(by, WRITE_ROLES, case)
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
            url=_case_url(case),
            key=f"violence.risk:{assessment.pk}",
            case=case,
        )
    return assessment


# Safety plan


_UNCHANGED = object()


def _plan_review_key(plan: SafetyPlan) -> str:
    return f"violence.plan_review:{plan.pk}"


@transaction.atomic
def safety_plan_save(*, case: Case, by, review_on=_UNCHANGED, **fields) -> SafetyPlan:
    """Create or update her safety plan (structured parts and free text).

    ``review_on`` (a date, or None to clear it) schedules a reminder to whoever set it, that morning, to go over
    the plan with her again; a new date moves it, clearing it withdraws it.
    """
    _require(by, WRITE_ROLES, case)
    unknown = set(fields) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown safety plan fields: {sorted(unknown)}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if not any(values.values()):
        raise ValidationError(_("The safety plan is empty: fill in at least one part."), code="empty")
    plan = SafetyPlan.objects.select_for_update().filter(case=case).first()
    created = plan is None
    if created:
        plan = SafetyPlan(case=case, updated_by=by)
    for name, value in values.items():
        setattr(plan, name, value)
    review_changed = review_on is not _UNCHANGED and review_on != plan.review_on
    if review_changed and review_on is not None:
        # only a new date is checked: a past one kept as it was does not stop her from updating the plan
        today = timezone.localdate()
        if review_on <= today:
            raise ValidationError({"review_on": _("The review date must be after today.")})
        if review_on > today + timedelta(days=PLAN_REVIEW_MAX_DAYS):
            raise ValidationError(
                {
                    "review_on": _("Choose a review date within %(days)s days.")
                    % {"days": PLAN_REVIEW_MAX_DAYS}
                }
            )
    if review_on is not _UNCHANGED:
        plan.review_on = review_on
    plan.updated_by = by
    plan.updated_at = timezone.now()
    plan.full_clean()
    plan.save()
    if review_changed:
        notifications_cancel(key=_plan_review_key(plan))
        if plan.review_on:
            notify(
                recipients=[by],
                kind="violence.plan_review",
                message=_("Review the safety plan of case file %(folio)s with her today.")
                % {"folio": case.folio},
                url=reverse("violence:safety_plan", kwargs={"folio": case.folio}),
                deliver_at=timezone.make_aware(datetime.combine(plan.review_on, time(REMINDER_HOUR))),
                key=_plan_review_key(plan),
                case=case,
            )
    audit_record(actor=by, action=Action.CREATE if created else Action.UPDATE, obj=plan, case_id=case.pk)
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.SAFETY_PLAN,
        description=_("Safety plan drawn up") if created else _("Safety plan updated"),
        area=by.area,
    )
    return plan


@transaction.atomic
def safety_plan_print_record(*, plan: SafetyPlan, by) -> None:
    """Printing the plan takes it out of the system: recorded and flagged for review."""
    audit_record(
        actor=by,
        action=Action.EXPORT,
        obj=plan,
        case_id=plan.case_id,
        detail="impresión del plan de seguridad",
    )


# Protection orders


def _order_errors(
    *, status: str, requested_on, granted_on, expires_on, extended_until, authority: str
) -> dict:
    today = timezone.localdate()
    errors = {}
    if not (authority or "").strip():
        errors["authority"] = _("Say which authority issued or will issue it.")
    if requested_on and requested_on > today:
        errors["requested_on"] = _("The request date cannot be in the future.")
    if status in (ProtectionOrder.Status.REQUESTED, ProtectionOrder.Status.DENIED):
        if granted_on or expires_on or extended_until:
            errors["granted_on"] = _("Only a granted order has grant and expiry dates.")
        return errors
    if status == ProtectionOrder.Status.GRANTED or granted_on or expires_on:
        if not granted_on:
            errors["granted_on"] = _("Give the date it was granted.")
        if not expires_on:
            errors["expires_on"] = _("Give the date it expires.")
    if granted_on and requested_on and granted_on < requested_on:
        errors["granted_on"] = _("It cannot be granted before it was requested.")
    if granted_on and granted_on > today:
        errors["granted_on"] = _("The grant date cannot be in the future.")
    if granted_on and expires_on:
        if expires_on < granted_on:
            errors["expires_on"] = _("It cannot expire before it was granted.")
        elif expires_on > granted_on + timedelta(days=ORDER_MAX_DAYS):
            errors["expires_on"] = _("A protection order lasts at most %(days)s days from the grant.") % {
                "days": ORDER_MAX_DAYS
            }
    if extended_until:
        if not expires_on:
            errors["extended_until"] = _("Only an order with an expiry date can be extended.")
        elif extended_until <= expires_on:
            errors["extended_until"] = _("The extension must end after the original expiry.")
        elif extended_until > expires_on + timedelta(days=ORDER_MAX_EXTENSION_DAYS):
            errors["extended_until"] = _("An order can be extended by at most %(days)s days.") % {
                "days": ORDER_MAX_EXTENSION_DAYS
            }
    return errors


def _reminder_key(order: ProtectionOrder, days: int) -> str:
    return f"violence.order:{order.pk}:{days}d"


def order_reminders_schedule(order: ProtectionOrder) -> None:
    """(Re)schedule the lawyers' reminders of the order's expiry; withdraw them if it is no longer in force.

    Each reminder has a stable key, so a changed expiry moves it instead of adding another. A reminder whose
    time has already passed (an order recorded late) is given now, once: only the nearest one.
    """
    for days in REMINDER_DAYS:
        notifications_cancel(key=_reminder_key(order, days))
    expiry = order.effective_expiry
    today = timezone.localdate()
    if order.status != ProtectionOrder.Status.GRANTED or expiry is None or expiry < today:
        return
    recipients = case_lawyers(order.case)
    now = timezone.now()
    message = _("The protection order of case file %(folio)s expires on %(date)s.") % {
        "folio": order.case.folio,
        "date": expiry.strftime("%d/%m/%Y"),
    }
    due_now = []
    for days in REMINDER_DAYS:
        at = timezone.make_aware(datetime.combine(expiry - timedelta(days=days), time(REMINDER_HOUR)))
        if at <= now:
            due_now.append(days)
            continue
        notify(
            recipients=recipients,
            kind="violence.order_expiry",
            message=message,
            url=_case_url(order.case),
            deliver_at=at,
            key=_reminder_key(order, days),
            case=order.case_id,
        )
    if due_now:
        notify(
            recipients=recipients,
            kind="violence.order_expiry",
            message=message,
            url=_case_url(order.case),
            key=_reminder_key(order, min(due_now)),
            case=order.case_id,
        )


def case_team_changed(*, case: Case) -> None:
    """Run on ``cases.signals.case_team_changed`` (someone joined or left the team), inside its transaction.

    The reminders of the orders still in force follow the team: a lawyer who joins gets the pending ones
    (the nearest past one at once, so she knows the order expires soon), one who leaves stops getting them,
    and the legal coordination's fallback reminders stop when a lawyer joins (and start when the last leaves).
    """
    today = timezone.localdate()
    orders = ProtectionOrder.objects.filter(case=case, status=ProtectionOrder.Status.GRANTED).select_related(
        "case"
    )
    for order in orders:
        if order.effective_expiry is not None and order.effective_expiry >= today:
            order_reminders_schedule(order)


@transaction.atomic
def protection_order_record(
    *,
    case: Case,
    by,
    kind: str,
    authority: str,
    requested_on: date,
    status: str = ProtectionOrder.Status.REQUESTED,
    measures: str = "",
    granted_on: date | None = None,
    expires_on: date | None = None,
    extended_until: date | None = None,
) -> ProtectionOrder:
    """Record a protection order requested for her (or already granted)."""
    _require(by, ORDER_ROLES, case)
    errors = _order_errors(
        status=status,
        requested_on=requested_on,
        granted_on=granted_on,
        expires_on=expires_on,
        extended_until=extended_until,
        authority=authority,
    )
    if errors:
        raise ValidationError(errors)
    order = ProtectionOrder(
        case=case,
        kind=kind,
        authority=authority.strip(),
        measures=measures.strip(),
        status=status,
        requested_on=requested_on,
        granted_on=granted_on,
        expires_on=expires_on,
        extended_until=extended_until,
        recorded_by=by,
    )
    order.full_clean()
    order.save()
    audit_record(actor=by, action=Action.CREATE, obj=order, case_id=case.pk)
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.PROTECTION_ORDER,
        description=f"{order.get_kind_display()} · {order.get_status_display()}",
        area=by.area,
    )
    order_reminders_schedule(order)
    return order


@transaction.atomic
def protection_order_update(*, order: ProtectionOrder, by, **changes) -> ProtectionOrder:
    """Change an order's status, dates, authority or measures; its reminders follow the new expiry."""
    _require(by, ORDER_ROLES, order.case)
    allowed = {
        "kind",
        "authority",
        "measures",
        "status",
        "requested_on",
        "granted_on",
        "expires_on",
        "extended_until",
    }
    if set(changes) - allowed:
        raise TypeError(f"cannot change {sorted(set(changes) - allowed)}")
    values = {name: getattr(order, name) for name in allowed} | changes
    errors = _order_errors(
        status=values["status"],
        requested_on=values["requested_on"],
        granted_on=values["granted_on"],
        expires_on=values["expires_on"],
        extended_until=values["extended_until"],
        authority=values["authority"],
    )
    if errors:
        raise ValidationError(errors)
    before = order.status
    for name, value in changes.items():
        setattr(order, name, value.strip() if isinstance(value, str) else value)
    order.updated_at = timezone.now()
    order.full_clean()
    order.save()
    audit_record(actor=by, action=Action.UPDATE, obj=order, case_id=order.case_id)
    if before != order.status or {"expires_on", "extended_until"} & set(changes):
        case_event_record(
            case=order.case,
            by=by,
            kind=EventKind.PROTECTION_ORDER,
            description=f"{order.get_kind_display()} · {order.get_status_display()}",
            area=by.area,
        )
    order_reminders_schedule(order)
    return order


# Trafficking


@transaction.atomic
def trafficking_screening_record(
    *, case: Case, by, indicators: list[str], notes: str = ""
) -> TraffickingScreening:
    """Record the trafficking checklist. Any indicator flags the case for specialised referral."""
    _require(by, WRITE_ROLES, case)
    indicators = list(dict.fromkeys(indicators or []))
    if not set(indicators) <= set(TraffickingIndicator.values):
        raise ValidationError({"indicators": _("Unknown indicator.")})
    screening = TraffickingScreening.objects.create(
        case=case, indicators=indicators, flagged=bool(indicators), notes=notes.strip(), screened_by=by
    )
    audit_record(actor=by, action=Action.CREATE, obj=screening, case_id=case.pk)
    if screening.flagged:
        case_event_record(
            case=case,
            by=by,
            # A line of the violence section (only its readers see it), though it calls for a referral.
            kind=EventKind.VIOLENCE,
            description=_("Trafficking indicators: specialised referral needed"),
            area=by.area,
        )
        notify(
            recipients=area_coordinators(case),
            kind="violence.trafficking",
            message=_("Case file %(folio)s shows trafficking indicators: it needs a specialised referral.")
            % {"folio": case.folio},
            url=_case_url(case),
            key=f"violence.trafficking:{screening.pk}",
            case=case,
        )
    else:
        case_event_record(
            case=case,
            by=by,
            kind=EventKind.VIOLENCE,
            description=_("Trafficking screening: no indicators"),
            area=by.area,
        )
    return screening
