"""Parsing at the edge: CURP and phone numbers become proper values once, with Spanish errors."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
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
