"""Writes of MIA: sign-up, contacts, alerts, locations, acknowledgements and escalation.

Every function is one transaction. Messages are queued in the outbox (violeta.messaging) inside it, so an alert
and the messages that announce it commit together: nothing is lost between "accepted" and "queued". The sender
process sends them, and runs ``escalation_sweep`` every second (registered in ``AlertsConfig.ready``).
"""

import logging
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.alerts.models import (
    Alert,
    AlertLocation,
    AlertMessage,
    AlertRecipient,
    AlertStatus,
    EmergencyContact,
    MiaAccount,
    MiaDevice,
    PhoneVerification,
)
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core import context, ratelimit
from violeta.core.tokens import new_token, token_hash
from violeta.core.validators import parse_phone
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.messaging.services import CHANNEL, message_queue, messages_queue
from violeta.messaging.text import fit

logger = logging.getLogger(__name__)


def conf(key: str):
    return settings.MIA[key]


def _hash_token(raw: str) -> str:
    return token_hash(raw)


def _link(name: str, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": token})


# --- Messages ------------------------------------------------------------------------------------------------


def sms_queue(*, kind: str, to: str, body: str, alert=None, recipient=None) -> Message:
    """Put a message in the outbox (violeta.messaging), in the caller's transaction; link it to its alert."""
    message = message_queue(kind=kind, to=to, body=body)
    if alert is not None:
        AlertMessage.objects.create(message=message, alert=alert, recipient=recipient)
    return message


# --- Sign-up ---------------------------------------------------------------------------------------------------


def _phone(value: str) -> str:
    try:
        return parse_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


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
    phone = _phone(phone)
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
    phone = _phone(phone)
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


@transaction.atomic
def account_register(
    *, phone: str, code: str, display_name: str, pin: str, duress_pin: str = "", disguise: str = "mia"
) -> tuple[MiaAccount, str]:
    """Create (or re-enter) her account after a verified code. Returns the account and a device token."""
    phone = _phone(phone)
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
    MiaDevice.objects.create(account=account, token_hash=_hash_token(raw))
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
    token_hash = _hash_token(raw_token or "")
    if connection.vendor == "postgresql":
        sql, columns = _device_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [token_hash])
            row = cursor.fetchone()
        if row is None:
            return None
        device_id, last_seen_at, values = row[0], row[1], row[2:]
        account = MiaAccount.from_db(connection.alias, columns, values)
    else:
        device = (
            MiaDevice.objects.select_related("account")
            .filter(token_hash=token_hash, revoked_at__isnull=True, account__is_active=True)
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


# --- Contacts --------------------------------------------------------------------------------------------------


@transaction.atomic
def contact_add(*, account: MiaAccount, name: str, phone: str) -> EmergencyContact:
    """Add a person to her support network (up to 5) and send the invitation SMS."""
    MiaAccount.objects.select_for_update().filter(pk=account.pk).first()
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Write the contact's name.")})
    phone = _phone(phone)
    if phone == account.phone:
        raise ValidationError({"phone": _("Your own number cannot be one of your contacts.")})
    active = account.contacts.filter(removed_at__isnull=True)
    if active.count() >= conf("MAX_CONTACTS"):
        raise ValidationError(
            _("You can have up to %(n)d contacts.") % {"n": conf("MAX_CONTACTS")}, code="max"
        )
    if active.filter(phone=phone).exists():
        raise ValidationError({"phone": _("That number is already one of your contacts.")})
    invited = account.contacts.filter(invited_at__gte=timezone.now() - timedelta(days=1)).count()
    if invited >= conf("INVITATIONS_PER_DAY"):  # removing and adding again must not text strangers in bulk
        raise ValidationError(
            _("You added too many contacts today. Try again tomorrow."), code="invitation_rate"
        )
    token = new_token(16)  # shown once: in the invitation SMS
    contact = EmergencyContact.objects.create(
        account=account, name=name[:60], phone=phone, confirm_token_hash=token_hash(token)
    )
    body = fit(
        _("{name} added you to her support network in the MIA app. Confirm here: {link}"),
        name=account.display_name,
        link=_link("alerts:contact_confirm", token),
    )
    contact.confirm_token = token  # for the caller that gave it out (the demo data); never stored
    sms_queue(kind=MessageKind.INVITATION, to=phone, body=body)
    return contact


@transaction.atomic
def contact_remove(*, account: MiaAccount, contact_id: int) -> None:
    updated = account.contacts.filter(pk=contact_id, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("That contact does not exist."), code="not_found")


@transaction.atomic
def contact_confirm(*, token: str, via: str = "link") -> EmergencyContact | None:
    contact = EmergencyContact.objects.filter(
        confirm_token_hash=token_hash(token), removed_at__isnull=True
    ).first()
    if contact and contact.confirmed_at is None:
        contact.confirmed_at = timezone.now()
        contact.save(update_fields=["confirmed_at"])
    return contact


# --- Alerts ----------------------------------------------------------------------------------------------------


def _coordinates(lat, lon, accuracy) -> tuple[float, float, float]:
    try:
        lat, lon, accuracy = float(lat), float(lon), float(accuracy)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The location is not valid."), code="location") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not (0 <= accuracy <= 100_000) or lat != lat:
        raise ValidationError(_("The location is not valid."), code="location")
    return lat, lon, accuracy


def recipient_link(recipient: AlertRecipient) -> str | None:
    """The link of a contact's live page, as her alert SMS gave it.

    Only the token's hash is stored; the token itself is in that SMS, which the outbox keeps encrypted. The
    location SMS repeats the link from there (checked against the hash). None when it is no longer there.
    """
    prefix = _link("alerts:live", "TOKEN").split("TOKEN")[0]
    pattern = re.compile(re.escape(prefix) + r"([A-Za-z0-9_-]+)/")
    messages = Message.objects.filter(alert_link__recipient=recipient, kind=MessageKind.ALERT).order_by("id")
    for message in messages:
        found = pattern.search(message.body or "")
        if found and token_hash(found.group(1)) == recipient.token_hash:
            return _link("alerts:live", found.group(1))
    return None


def _captured_at(value: datetime | None, alert: Alert) -> datetime:
    """When the phone took the fix: now when absent; a zone-less time is UTC; a phone clock a little fast is
    now. A fix from before the alert (beyond the skew) or from the future beyond it is refused: a backdated or
    forward-dated position would show her somewhere she is not, in the console and on the live page."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    skew = timedelta(seconds=conf("LOCATION_CLOCK_SKEW_SECONDS"))
    if value < alert.started_at - skew or value > now + skew:
        raise ValidationError(_("The time of the location is not valid."), code="location")
    return min(value, now)


def alert_raise(*, account: MiaAccount, client_id: str) -> tuple[Alert, bool]:
    """She pressed the button. The first SMS to every contact is queued now, without waiting for a location.

    ``client_id`` comes from the app: the same press retried (bad network) returns the same alert, also when
    the two arrive at the same instant (the unique constraint decides, and the loser returns the winner's).
    Returns (alert, created).
    """
    client_id = (client_id or "").strip()[:64]
    if len(client_id) < 8:
        raise ValidationError({"client_id": _("Missing alert identifier.")})
    try:
        if connection.vendor == "postgresql":
            raised = _alert_raise_postgresql(account=account, client_id=client_id)
            if raised is not None:
                return raised
        return _alert_raise(account=account, client_id=client_id)
    except IntegrityError:
        return Alert.objects.get(client_id=client_id, account=account), False


# The same writes as ``_alert_raise`` in one PostgreSQL statement (one round trip, no ORM): the alert, one
# recipient, one outbox message and its link per active contact, and the NOTIFY that wakes the sender on commit.
# Data-modifying CTEs run as one statement, so all of it commits together or not at all. The alert is inserted
# only if she has between 1 and ``slots`` contacts (a token and a body were made for each slot) and not for a
# press already recorded (ON CONFLICT on the (account, client_id) constraint).
ALERT_RAISE_SQL = """
WITH c AS (
    SELECT id, phone, row_number() OVER (ORDER BY invited_at, id) AS n
    FROM alerts_emergencycontact WHERE account_id = %(account)s AND removed_at IS NULL
), a AS (
    INSERT INTO alerts_alert (public_id, client_id, account_id, status, is_duress, started_at,
                              escalation_reason, outcome, outcome_note, escalate_at)
    SELECT %(public_id)s, %(client_id)s, %(account)s, %(status)s, false, %(now)s, '', '', '', %(escalate_at)s
    WHERE (SELECT count(*) FROM c) BETWEEN 1 AND %(slots)s
    ON CONFLICT ON CONSTRAINT alert_unique_client_id DO NOTHING
    RETURNING id
), r AS (
    INSERT INTO alerts_alertrecipient (alert_id, contact_id, token_hash, acknowledged_via)
    SELECT a.id, c.id, (%(tokens)s::text[])[c.n], '' FROM a CROSS JOIN c
    RETURNING id, contact_id
), m AS (
    INSERT INTO messaging_message (kind, to_phone, body, status, attempt, next_attempt_at, provider_message_id,
                                   provider_status, last_error, created_at)
    SELECT %(kind)s, c.phone, (%(bodies)s::text[])[c.n], %(pending)s, 0, %(now)s, '', '', '', %(now)s
    FROM a CROSS JOIN c
    RETURNING id, to_phone
), l AS (
    INSERT INTO alerts_alertmessage (message_id, alert_id, recipient_id)
    SELECT m.id, a.id, r.id FROM a CROSS JOIN m JOIN c ON c.phone = m.to_phone JOIN r ON r.contact_id = c.id
)
SELECT (SELECT id FROM a), (SELECT count(*) FROM c), (SELECT count(*) FROM (SELECT pg_notify(%(channel)s, '') FROM a) n)
"""


def _escalate_at(started: datetime) -> datetime:
    return started + timedelta(seconds=conf("ESCALATE_AFTER_SECONDS"))


_TOKEN_MARK = "~" * 22  # as long as secrets.token_urlsafe(16); "~" is dropped from names by to_gsm7


def _alert_texts(name: str, tokens: list[str]) -> list[str]:
    """The alert SMS for each recipient token: fitted once (the tokens have one length), then filled in."""
    template = _("MIA ALERT: {name} needs help. Live location: {link}")
    text = fit(template, name=name, link=_link("alerts:live", _TOKEN_MARK))
    if any(len(token) != len(_TOKEN_MARK) for token in tokens) or text.count(_TOKEN_MARK) != 1:
        return [fit(template, name=name, link=_link("alerts:live", token)) for token in tokens]
    return [text.replace(_TOKEN_MARK, token) for token in tokens]


def _alert_raise_postgresql(*, account: MiaAccount, client_id: str) -> tuple[Alert, bool] | None:
    """The hot path on PostgreSQL (benchmarked in bench/mia_alerts.py): ``_alert_raise`` in one statement.

    Returns None when the ORM path must decide: no contacts, or more contacts than slots.
    """
    now = timezone.now()
    slots = max(conf("MAX_CONTACTS"), 5)
    tokens = [new_token(16) for _slot in range(slots)]
    body = Message._meta.get_field("body")
    bodies = [body.get_prep_value(text) for text in _alert_texts(account.display_name, tokens)]
    public_id = uuid.uuid4()
    params = {
        "account": account.pk,
        "public_id": public_id,
        "client_id": client_id,
        "status": AlertStatus.ACTIVE.value,
        "now": now,
        "escalate_at": _escalate_at(now),
        "slots": slots,
        "tokens": [token_hash(token) for token in tokens],
        "bodies": bodies,
        "kind": MessageKind.ALERT.value,
        "pending": MessageStatus.PENDING.value,
        "channel": CHANNEL,
    }
    with connection.cursor() as cursor:
        cursor.execute(ALERT_RAISE_SQL, params)
        alert_id, contacts, _notified = cursor.fetchone()
    if alert_id is None:
        if 1 <= contacts <= slots:  # the same press again
            return Alert.objects.get(client_id=client_id, account=account), False
        return None
    alert = Alert(
        pk=alert_id,
        public_id=public_id,
        client_id=client_id,
        account=account,
        status=AlertStatus.ACTIVE,
        started_at=now,
        escalate_at=params["escalate_at"],
    )
    alert._state.adding = False
    alert._state.db = connection.alias
    return alert, True


@transaction.atomic
def _alert_raise(*, account: MiaAccount, client_id: str) -> tuple[Alert, bool]:
    """The hot path (benchmarked in bench/mia_alerts.py): a fixed number of statements whatever the contacts.

    One SELECT (her contacts) and four INSERTs: the alert, its recipients, its messages and their links. The
    same press again is caught by the unique constraint on (account, client_id), not by a SELECT before every
    insert: ``alert_raise`` then returns the first alert. Its escalation is the sender's sweep past
    ``escalate_at``, not a task.
    """
    contacts = list(account.contacts.filter(removed_at__isnull=True))
    if not contacts:
        existing = Alert.objects.filter(client_id=client_id, account=account).first()
        if existing:
            return existing, False
        raise ValidationError(_("Add at least one contact before using the alert."), code="no_contacts")
    now = timezone.now()
    alert = Alert.objects.create(
        account=account, client_id=client_id, started_at=now, escalate_at=_escalate_at(now)
    )
    tokens = [new_token(16) for _contact in contacts]  # shown once: in each contact's SMS
    recipients = AlertRecipient.objects.bulk_create(
        [
            AlertRecipient(alert=alert, contact=contact, token_hash=token_hash(token))
            for contact, token in zip(contacts, tokens, strict=True)
        ]
    )
    messages = messages_queue(
        [
            Message(kind=MessageKind.ALERT, to_phone=contact.phone, body=body)
            for contact, body in zip(contacts, _alert_texts(account.display_name, tokens), strict=True)
        ]
    )
    AlertMessage.objects.bulk_create(
        [
            AlertMessage(message=message, alert=alert, recipient=recipient)
            for message, recipient in zip(messages, recipients, strict=True)
        ]
    )
    return alert, True


@transaction.atomic
def alert_locate(*, alert: Alert, lat, lon, accuracy, captured_at: datetime | None = None) -> AlertLocation:
    """A position from her phone. The first one tells her contacts that the live page now shows where she is."""
    lat, lon, accuracy = _coordinates(lat, lon, accuracy)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_active:
        raise ValidationError(_("The alert is no longer active."), code="inactive")
    captured_at = _captured_at(captured_at, alert)
    first = not alert.locations.exists()
    location = AlertLocation.objects.create(
        alert=alert, coordinates=f"{lat:.6f},{lon:.6f}", accuracy_m=accuracy, captured_at=captured_at
    )
    if first:
        for recipient in alert.recipients.select_related("contact"):
            link = recipient_link(recipient)
            if link:
                body = fit(
                    _("MIA: the location of {name} is now on her page: {link}"),
                    name=alert.account.display_name,
                    link=link,
                )
            else:
                body = fit(
                    _("MIA: the location of {name} is now on her page (the link of the first message)."),
                    name=alert.account.display_name,
                )
            sms_queue(
                kind=MessageKind.LOCATION,
                to=recipient.contact.phone,
                body=body,
                alert=alert,
                recipient=recipient,
            )
    return location


def alert_cancel(*, alert: Alert, pin: str) -> Alert:
    """Cancel with her PIN. With the duress PIN the app shows "cancelled" but the alert stays active, flagged.

    The response is the same in both cases, so whoever forces her to cancel cannot tell. Wrong PINs are counted
    (and committed) before the error, and after PIN_MAX_FAILURES only staff can end the alert.
    """
    with transaction.atomic():
        account = MiaAccount.objects.select_for_update().get(pk=alert.account_id)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if account.pin_failures >= conf("PIN_MAX_FAILURES"):
            raise ValidationError(
                {"pin": ValidationError(_("Too many wrong PINs. The alert stays active."), code="pin_locked")}
            )
        if account.duress_pin_hash and check_password(pin or "", account.duress_pin_hash):
            if alert.is_active and not alert.is_duress:
                alert.is_duress = True
                alert.save(update_fields=["is_duress"])
                _escalate(alert, reason="duress")
            return alert
        right = check_password(pin or "", account.pin_hash)
        account.pin_failures = 0 if right else account.pin_failures + 1
        account.save(update_fields=["pin_failures"])
        if right and alert.is_active and not alert.is_duress:
            alert.status = AlertStatus.CANCELLED
            alert.ended_at = timezone.now()
            alert.purge_after = alert.ended_at + timedelta(days=conf("LOCATION_RETENTION_DAYS"))
            alert.save(update_fields=["status", "ended_at", "purge_after"])
            for recipient in alert.recipients.select_related("contact"):
                body = fit(_("MIA: {name} cancelled her alert."), name=account.display_name)
                sms_queue(
                    kind=MessageKind.CANCELLED,
                    to=recipient.contact.phone,
                    body=body,
                    alert=alert,
                    recipient=recipient,
                )
    if not right:
        raise ValidationError({"pin": _("Wrong PIN.")})
    return alert


@transaction.atomic
def alert_acknowledge(*, recipient: AlertRecipient, via: str) -> AlertRecipient:
    """A contact says "I'm on my way / I'm contacting her" (live page button or SMS reply)."""
    recipient = AlertRecipient.objects.select_for_update().select_related("alert").get(pk=recipient.pk)
    if not recipient.alert.is_active:
        raise ValidationError(_("The alert is no longer active."), code="inactive")
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = timezone.now()
        recipient.acknowledged_via = via
        recipient.save(update_fields=["acknowledged_at", "acknowledged_via"])
        EmergencyContact.objects.filter(pk=recipient.contact_id, confirmed_at__isnull=True).update(
            confirmed_at=recipient.acknowledged_at
        )
    return recipient


@transaction.atomic
def sms_inbound(*, from_phone: str, body: str) -> int:
    """A reply by SMS: confirms the contact, and acknowledges the active alerts she is a recipient of."""
    try:
        phone = parse_phone(from_phone)
    except ValidationError:
        return 0
    now = timezone.now()
    EmergencyContact.objects.filter(phone=phone, confirmed_at__isnull=True, removed_at__isnull=True).update(
        confirmed_at=now
    )
    recipients = AlertRecipient.objects.filter(
        contact__phone=phone, alert__status=AlertStatus.ACTIVE, acknowledged_at__isnull=True
    )
    return recipients.update(acknowledged_at=now, acknowledged_via="sms")


def _on_duty_emails() -> list[str]:
    return list(
        User.objects.filter(is_active=True, is_on_duty=True, role=Role.ALERT_MONITOR)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _escalate(alert: Alert, *, reason: str, on_duty: list[str] | None = None) -> None:
    # Duress outranks "no acknowledgement": an alert already raised for silence is raised again, as duress.
    if alert.escalated_at and not (reason == "duress" and alert.escalation_reason != "duress"):
        return
    alert.escalated_at = timezone.now()
    alert.escalation_reason = reason
    alert.save(update_fields=["escalated_at", "escalation_reason"])
    on_duty = _on_duty_emails() if on_duty is None else on_duty
    if on_duty:
        link = settings.SITE_URL.rstrip("/") + reverse(
            "alerts:console_detail", kwargs={"public_id": alert.public_id}
        )
        transaction.on_commit(
            lambda: send_mail(
                _("Violeta: an alert needs attention"),
                _("An alert needs attention in the console: %(link)s") % {"link": link},
                None,
                on_duty,
                fail_silently=True,
            )
        )


@transaction.atomic
def escalation_sweep(*, now: datetime | None = None) -> int:
    """Raise in the console every active alert past its ``escalate_at`` that nobody has acknowledged.

    Run every second by the sender (and by ``messaging_check`` when the sender is down). Alerts another sweep
    holds are skipped; each is locked in id order. Returns how many were raised.
    """
    now = now or timezone.now()
    silent = list(
        Alert.objects.select_for_update(skip_locked=True)
        .filter(status=AlertStatus.ACTIVE, escalated_at__isnull=True, escalate_at__lte=now)
        .exclude(recipients__acknowledged_at__isnull=False)
        .order_by("pk")[: conf("ESCALATION_SWEEP_MAX")]
    )
    on_duty = _on_duty_emails() if silent else []
    for alert in silent:
        _escalate(alert, reason="no_ack", on_duty=on_duty)
    return len(silent)


@transaction.atomic
def alert_close(*, alert: Alert, by, outcome: str, note: str = "", case=None) -> Alert:
    """Staff close an alert with its outcome; locations are then kept for the retention period only."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError(_("The alert is already closed."), code="closed")
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.outcome_note = note
    alert.closed_by = by
    alert.ended_at = alert.ended_at or timezone.now()
    alert.purge_after = timezone.now() + timedelta(days=conf("LOCATION_RETENTION_DAYS"))
    if case is not None:
        alert.case = case
    alert.full_clean(exclude=["client_id"])
    alert.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=alert, case_id=case.pk if case else None, detail="cierre"
    )
    return alert


def locations_purge(*, now: datetime | None = None) -> int:
    """Delete the locations of alerts whose retention period is over. Returns how many were deleted."""
    now = now or timezone.now()
    deleted, _rows = AlertLocation.objects.filter(alert__purge_after__lte=now).delete()
    return deleted


@transaction.atomic
def account_link_person(*, person, phone: str, by) -> MiaAccount:
    """Staff link her MIA account to her record, so her alerts reach her case team. Only with her consent."""
    from violeta.people.models import ConsentPurpose

    consented = person.consents.filter(
        purpose=ConsentPurpose.MIA_LINK, granted=True, revoked_at__isnull=True
    ).exists()
    if not consented:
        raise ValidationError(
            _("First record her consent to link the MIA app to her case file."), code="consent_required"
        )
    account = MiaAccount.objects.select_for_update().filter(phone=_phone(phone), is_active=True).first()
    if account is None:
        raise ValidationError({"phone": _("No MIA account uses that number.")})
    account.person = person
    account.linked_at = timezone.now()
    account.save(update_fields=["person", "linked_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=account, detail="vinculo con su registro")
    return account
