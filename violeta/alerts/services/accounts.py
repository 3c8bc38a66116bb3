"""Writes of MIA accounts: sign-up by one-time code (OTP), PINs, device tokens, her settings, and the link
staff make between her account and her record.

One transaction each: ``otp_request``, ``account_register``, ``settings_update``, ``account_link_person`` (with
its audit record). ``otp_verify`` is one transaction too, but a wrong code raises its error after that
transaction commits, so the attempt is counted and guessing is cut off. ``otp_request``'s per-address counters
live in the shared cache (violeta.core.ratelimit): with Redis they are written outside the transaction.
``device_account`` is not a transaction: it runs on every API call of the app, reads the device and, at most
once a minute, writes ``last_seen_at`` with one UPDATE, its own transaction under Django's autocommit.
"""

import logging
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from violeta.alerts.models import MiaAccount, MiaDevice, PhoneVerification
from violeta.alerts.services.common import conf, phone_field, sms_queue
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core import context, ratelimit
from violeta.core.tokens import token_hash
from violeta.messaging.models import MessageKind
from violeta.messaging.text import fit
from violeta.people.consents import consent_refusal, latest_consent
from violeta.people.models import ConsentPurpose

logger = logging.getLogger(__name__)


def _otp_source_limit() -> None:
    """Count a code about to be sent against its source address and against everyone; refuse when over.

    Per number is not enough: one address could make the institute text any number of strangers. The address
    is the request's (violeta.core.context, which trusts the reverse proxy as configured); the hourly total of
    every address is a circuit breaker against a spread-out flood. Only codes actually sent are counted.
    """
    ip = context.current().ip
    total = ratelimit.key("total", 3600, prefix="mia:otp")
    hourly = [total] + ([ratelimit.key(f"ip:{ip}", 3600, prefix="mia:otp")] if ip else [])
    daily = [ratelimit.key(f"ip:{ip}", 86400, prefix="mia:otp")] if ip else []
    counts = ratelimit.read(hourly + daily)
    if counts[total] >= conf("OTP_MAX_PER_HOUR_TOTAL"):
        logger.warning("mia: hourly total of verification codes reached; refusing new ones")
        raise ValidationError(
            _("Too many codes are being requested right now. Try again in a few minutes."), code="otp_busy"
        )
    if ip and (
        counts[hourly[1]] >= conf("OTP_MAX_PER_HOUR_IP") or counts[daily[0]] >= conf("OTP_MAX_PER_DAY_IP")
    ):
        raise ValidationError(
            _("Too many codes were requested from this connection. Try again later."), code="otp_ip_rate"
        )
    ratelimit.bump(counts, hourly, 3600)
    if daily:
        ratelimit.bump(counts, daily, 86400)


@transaction.atomic
def otp_request(*, phone: str) -> PhoneVerification:
    """Send a one-time code to the phone. Rate-limited per number; the SMS says nothing about MIA."""
    phone = phone_field(phone)
    now = timezone.now()
    recent = PhoneVerification.objects.filter(phone=phone, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= conf("OTP_MAX_PER_HOUR"):
        raise ValidationError(
            _("Too many codes requested for this number. Try again in an hour."), code="otp_rate"
        )
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < conf("OTP_RESEND_SECONDS"):
        raise ValidationError(_("Wait a minute before asking for another code."), code="otp_wait")
    _otp_source_limit()
    code = f"{secrets.randbelow(10**6):06d}"
    verification = PhoneVerification.objects.create(
        phone=phone,
        code_hash=make_password(code),
        expires_at=now + timedelta(seconds=conf("OTP_TTL_SECONDS")),
    )
    sms_queue(kind=MessageKind.OTP, to=phone, body=fit(_("Your verification code is {code}."), code=code))
    return verification


def otp_verify(*, phone: str, code: str) -> PhoneVerification:
    """Check the latest code for the phone. Few attempts; a used or expired code never works again.

    A wrong code is counted (and committed) before the error is raised, so guessing is cut off.
    """
    phone = phone_field(phone)
    invalid = ValidationError({"code": _("The code is not valid or has expired. Ask for a new one.")})
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if verification is None or verification.expires_at < timezone.now():
            raise invalid
        if verification.attempts >= conf("OTP_MAX_ATTEMPTS"):
            # The code goes on the field's error: a dict-shaped ValidationError drops its own ``code``.
            raise ValidationError(
                {"code": ValidationError(_("Too many wrong codes. Ask for a new one."), code="otp_locked")}
            )
        verification.attempts += 1
        matches = check_password(str(code).strip(), verification.code_hash)
        if matches:
            verification.verified_at = timezone.now()
        verification.save(update_fields=["attempts", "verified_at"])
    if not matches:
        raise invalid
    return verification


def _check_pin(pin: str, field: str = "pin") -> str:
    pin = (pin or "").strip()
    if not (
        pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8
    ):  # 0-9 only: "١٢٣٤" and "²" are digits too
        raise ValidationError({field: _("The PIN must have 4 to 8 digits.")})
    return pin


def pin_verdict(account: MiaAccount, pin: str, *, locked: str) -> str:
    """Which of her PINs she typed to end something (an alert, a trip timer): "duress", "right" or "wrong".

    The caller holds ``account`` locked (select_for_update) in its transaction. A wrong PIN is counted and a
    right one resets the count; after PIN_MAX_FAILURES wrong ones, whatever she types is refused with the
    ``locked`` sentence (code ``pin_locked``): only staff can end it then.
    """
    if account.pin_failures >= conf("PIN_MAX_FAILURES"):
        raise ValidationError({"pin": ValidationError(locked, code="pin_locked")})
    if account.duress_pin_hash and check_password(pin or "", account.duress_pin_hash):
        return "duress"
    right = check_password(pin or "", account.pin_hash)
    account.pin_failures = 0 if right else account.pin_failures + 1
    account.save(update_fields=["pin_failures"])
    return "right" if right else "wrong"


@transaction.atomic
def account_register(
    *, phone: str, code: str, display_name: str, pin: str, duress_pin: str = "", disguise: str = "mia"
) -> tuple[MiaAccount, str]:
    """Create (or re-enter) her account after a verified code. Returns the account and a device token."""
    phone = phone_field(phone)
    verification = (
        PhoneVerification.objects.select_for_update()
        .filter(phone=phone, verified_at__isnull=False, used_at__isnull=True, expires_at__gte=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if verification is None or not check_password(str(code).strip(), verification.code_hash):
        raise ValidationError({"code": _("Verify your phone number first.")})
    display_name = " ".join((display_name or "").split())
    if not display_name or len(display_name) > 30:
        raise ValidationError(
            {"display_name": _("Write the name your contacts know you by (up to 30 letters).")}
        )
    pin = _check_pin(pin)
    if duress_pin:
        duress_pin = _check_pin(duress_pin, "duress_pin")
        if duress_pin == pin:
            raise ValidationError({"duress_pin": _("The emergency PIN must be different from your PIN.")})
    verification.used_at = timezone.now()
    verification.save(update_fields=["used_at"])
    account, _created = MiaAccount.objects.update_or_create(
        phone=phone,
        defaults={
            "display_name": display_name,
            "pin_hash": make_password(pin),
            "duress_pin_hash": make_password(duress_pin) if duress_pin else "",
            "disguise": disguise,
            "is_active": True,
            "pin_failures": 0,
        },
    )
    raw = secrets.token_urlsafe(32)
    MiaDevice.objects.create(account=account, token_hash=token_hash(raw))
    return account, raw


def _device_sql() -> tuple[str, list[str]]:
    columns = [field.attname for field in MiaAccount._meta.concrete_fields]
    sql = (  # noqa: S608 - identifiers from the models' metadata; the token hash is a parameter
        "SELECT d.id, d.last_seen_at, {columns} FROM {device} d JOIN {account} a ON a.id = d.account_id "
        "WHERE d.token_hash = %s AND d.revoked_at IS NULL AND a.is_active"
    ).format(
        columns=", ".join(f"a.{connection.ops.quote_name(column)}" for column in columns),
        device=MiaDevice._meta.db_table,
        account=MiaAccount._meta.db_table,
    )
    return sql, columns


def device_account(raw_token: str) -> MiaAccount | None:
    """The account of a bearer token, or None. Records when the device was last seen (at most once a minute).

    Every API call of the app runs this. On PostgreSQL it is one plain SELECT (psycopg returns the fields'
    Python types as they are: no converters needed for an account), elsewhere the ORM's.
    """
    hashed = token_hash(raw_token or "")
    if connection.vendor == "postgresql":
        sql, columns = _device_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [hashed])
            row = cursor.fetchone()
        if row is None:
            return None
        device_id, last_seen_at, values = row[0], row[1], row[2:]
        account = MiaAccount.from_db(connection.alias, columns, values)
    else:
        device = (
            MiaDevice.objects.select_related("account")
            .filter(token_hash=hashed, revoked_at__isnull=True, account__is_active=True)
            .first()
        )
        if device is None:
            return None
        device_id, last_seen_at, account = device.pk, device.last_seen_at, device.account
    now = timezone.now()
    if last_seen_at is None or now - last_seen_at > timedelta(minutes=1):
        MiaDevice.objects.filter(pk=device_id).update(last_seen_at=now)
    return account


@transaction.atomic
def settings_update(*, account: MiaAccount, **fields) -> MiaAccount:
    allowed = {"display_name", "disguise", "countdown_seconds", "update_interval_seconds"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(key)
        setattr(account, key, value)
    if not 3 <= account.countdown_seconds <= 30:
        raise ValidationError({"countdown_seconds": _("The countdown lasts between 3 and 30 seconds.")})
    if not 30 <= account.update_interval_seconds <= 900:
        raise ValidationError(
            {"update_interval_seconds": _("Send the location every 30 seconds to 15 minutes.")}
        )
    account.full_clean(exclude=["pin_hash", "duress_pin_hash"])
    account.save()
    return account


@transaction.atomic
def account_link_person(*, person, phone: str, by) -> MiaAccount:
    """Staff link her MIA account to her record, so her alerts reach her case team. Only with her consent."""
    # Her latest MIA consent must be in force now: not refused, withdrawn or expired (issue 20).
    latest = latest_consent(person, ConsentPurpose.MIA_LINK)
    if latest is None:
        raise ValidationError(
            _("First record her consent to link the MIA app to her case file."), code="consent_required"
        )
    refusal = consent_refusal(latest, ConsentPurpose.MIA_LINK, action=pgettext("before", "linking it"))
    if refusal:
        raise ValidationError(refusal, code="consent_required")
    account = MiaAccount.objects.select_for_update().filter(phone=phone_field(phone), is_active=True).first()
    if account is None:
        raise ValidationError({"phone": _("No MIA account uses that number.")})
    account.person = person
    account.linked_at = timezone.now()
    account.save(update_fields=["person", "linked_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=account, detail="vinculo con su registro")
    return account
