"""Writes of her safety plan: saved with an optional review date (a reminder that morning), printed (audited)."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.notifications.services import notifications_cancel, notify
from violeta.violence.models import SafetyPlan
from violeta.violence.permissions import WRITE_ROLES
from violeta.violence.services.common import REMINDER_HOUR, require_writer

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

_UNCHANGED = object()


def _plan_review_key(plan: SafetyPlan) -> str:
    return f"violence.plan_review:{plan.pk}"


@transaction.atomic
def safety_plan_save(*, case: Case, by, review_on=_UNCHANGED, **fields) -> SafetyPlan:
    """Create or update her safety plan (structured parts and free text).

    ``review_on`` (a date, or None to clear it) schedules a reminder to whoever set it, that morning, to go over
    the plan with her again; a new date moves it, clearing it withdraws it.
    """
    require_writer(by, WRITE_ROLES, case)
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
