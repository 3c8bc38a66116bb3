"""Parsing at the edge: CURP and phone numbers become proper values once, with Spanish errors; dates a person
types are checked against sense (a birth date not in the future nor more than 110 years ago, an event that
already happened not in the future). Forms use these as field validators and services call them again, raising
a ValidationError keyed by the field, so the message shows on the field either way."""

from datetime import date, datetime

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.mx import curp as stdnum_curp

# Dialling prefixes that Mexicans still write but the numbering plan dropped in 2019-2020:
# "+52 1 614…" (mobile from abroad) and "044 / 045 614…" (mobile from a landline).
_OLD_MOBILE_PREFIXES = ("044", "045")


def parse_curp(value: str) -> str:
    """Return the CURP in its compact upper-case form, or raise a ValidationError saying what is wrong."""
    compact = stdnum_curp.compact(value or "")
    try:
        return stdnum_curp.validate(compact)
    except InvalidLength as exc:
        raise ValidationError(
            _("The CURP must have 18 characters; it has %(n)d.") % {"n": len(compact)}, code="curp_length"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The CURP is not valid: the check digit does not match. Check each character."),
            code="curp_checksum",
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(
            _("The CURP is not valid: the date of birth, sex or state do not match."),
            code="curp_component",
        ) from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("The CURP does not have the right format (4 letters, 6 date digits, 8 more characters)."),
            code="curp_format",
        ) from exc


def parse_phone(value: str, region: str | None = None) -> str:
    """Return the number in E.164 (``+526144900789``) from the ways people write it, or raise ValidationError."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Enter a phone number."), code="phone_empty")
    region = region or settings.INSTITUTE["default_region"]
    digits = "".join(ch for ch in raw if ch.isdigit())
    if region == "MX" and not raw.startswith("+") and digits.startswith(_OLD_MOBILE_PREFIXES):
        raw = digits[3:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number. Enter 10 digits, for example 614 490 0789.")
            % {"value": value},
            code="phone_format",
        ) from exc
    national = str(number.national_number)
    if number.country_code == 52 and len(national) == 11 and national.startswith("1"):
        number = phonenumbers.parse(f"+52{national[1:]}")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number. Enter 10 digits, for example 614 490 0789.")
            % {"value": value},
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Show a number as people in Mexico write it: ``614 490 0789``; foreign numbers in international form."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 52:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """``*** *** 0789``: enough to recognise a number without exposing it."""
    return f"*** *** {e164[-4:]}" if e164 else ""


# The oldest age a birth date may give: older than any living person, so a typo in the year (1925 for 2025,
# 1900 for a default) is refused instead of stored.
MAX_AGE_YEARS = 110


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def validate_birth_date(value: date | None, today: date | None = None) -> None:
    """A birth date is not in the future and not more than ``MAX_AGE_YEARS`` years ago."""
    if value is None:
        return
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(_("The date of birth cannot be later than today."), code="birth_future")
    if value < years_before(today, MAX_AGE_YEARS):
        raise ValidationError(
            _("The date of birth cannot be more than %(years)d years ago.") % {"years": MAX_AGE_YEARS},
            code="birth_too_old",
        )


def validate_not_future(value: date | datetime | None, today: date | None = None) -> None:
    """Something that already happened (an incident, a session held, a document received) is not in the future.

    A date is compared with today's local date, a date and time with now."""
    if value is None:
        return
    if isinstance(value, datetime):
        future = value > timezone.now()
    else:
        future = value > (today or timezone.localdate())
    if future:
        raise ValidationError(_("The date cannot be in the future."), code="date_future")


def check_dates(checks: dict) -> None:
    """Run ``{field: (validator, value, ...extra args)}`` and raise one ValidationError keyed by field."""
    errors = {}
    for field, (validator, value, *args) in checks.items():
        try:
            validator(value, *args)
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
