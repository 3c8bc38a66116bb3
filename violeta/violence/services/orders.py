"""Writes of protection orders, and their expiry reminders to the case's lawyers (keyed notices, rescheduled or
withdrawn when the order or the case's team changes)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.notifications.services import notifications_cancel, notify
from violeta.violence.models import ORDER_MAX_DAYS, ORDER_MAX_EXTENSION_DAYS, ProtectionOrder
from violeta.violence.permissions import ORDER_ROLES
from violeta.violence.services.common import REMINDER_HOUR, case_lawyers, case_url, require_writer

# Days before expiry on which the lawyers are reminded.
REMINDER_DAYS = (7, 1)


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
            url=case_url(order.case),
            deliver_at=at,
            key=_reminder_key(order, days),
            case=order.case_id,
        )
    if due_now:
        notify(
            recipients=recipients,
            kind="violence.order_expiry",
            message=message,
            url=case_url(order.case),
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
    require_writer(by, ORDER_ROLES, case)
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
    require_writer(by, ORDER_ROLES, order.case)
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
