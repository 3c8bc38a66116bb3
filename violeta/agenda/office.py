"""Staff edit the institute's office hours, holidays and phone lines: data the public site reads live
(``hours.opening_status``), so no deploy is needed to change a number. One transaction each, audited."""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.agenda.models import Holiday, OfficeHours, PhoneLine
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.validators import parse_phone

# Who edits them: the director and the coordinators.
OFFICE_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})


def _require(by) -> None:
    if not (by.is_authenticated and by.is_active and by.role in OFFICE_ROLES):
        raise PermissionDenied


@transaction.atomic
def office_hours_set(*, by, weekday: int, is_open: bool, opens: time | None, closes: time | None):
    """Open a weekday from ``opens`` to ``closes``, or close it (no row). Returns the row, or None if closed."""
    _require(by)
    current = OfficeHours.objects.select_for_update().filter(weekday=weekday).first()
    if not is_open:
        if current is not None:
            audit_record(actor=by, action=Action.DELETE, obj=current, detail="día cerrado")
            current.delete()
        return None
    if opens is None or closes is None:
        raise ValidationError({"opens": _("Give the opening and the closing time.")}, code="hours_missing")
    if closes <= opens:
        raise ValidationError({"closes": _("The closing time must be after the opening time.")}, code="order")
    row = current or OfficeHours(weekday=weekday)
    if current is not None and (current.opens, current.closes) == (opens, closes):
        return current
    row.opens, row.closes = opens, closes
    row.full_clean()
    row.save()
    audit_record(actor=by, action=Action.UPDATE if current else Action.CREATE, obj=row, detail="horario")
    return row


@transaction.atomic
def holiday_add(*, by, day: date, name: str) -> Holiday:
    _require(by)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write the name of the holiday.")}, code="name")
    if day < timezone.localdate():
        raise ValidationError({"date": _("A holiday cannot be added in the past.")}, code="past")
    if Holiday.objects.filter(date=day).exists():
        raise ValidationError({"date": _("That day is already a holiday.")}, code="duplicate")
    holiday = Holiday(date=day, name=name)
    holiday.full_clean()
    holiday.save()
    audit_record(actor=by, action=Action.CREATE, obj=holiday)
    return holiday


@transaction.atomic
def holiday_remove(*, by, holiday: Holiday) -> None:
    _require(by)
    audit_record(actor=by, action=Action.DELETE, obj=holiday)
    holiday.delete()


def _unique_code(name: str) -> str:
    base = slugify(name)[:24] or "linea"
    code, n = base, 2
    while PhoneLine.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def phone_line_save(*, by, number: str, name: str, is_active: bool = True, line: PhoneLine | None = None):
    """Add a line or change one (its number, name, whether it is shown and used). The number in E.164."""
    _require(by)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write the name of the line.")}, code="name")
    try:
        number = parse_phone(number)
    except ValidationError as exc:
        raise ValidationError({"number": exc.messages}, code="phone") from exc
    created = line is None
    if created:
        line = PhoneLine(code=_unique_code(name))
    line.number, line.name, line.is_active = number, name, is_active
    line.full_clean()
    line.save()
    audit_record(actor=by, action=Action.CREATE if created else Action.UPDATE, obj=line)
    return line
