"""Writes of MIA: sign-up, contacts, alerts, locations, acknowledgements, escalation and the SMS outbox.

Every function is one transaction. Tasks are enqueued inside it (violeta.core.tasks.enqueue), so an alert and
the messages that announce it commit together: nothing is lost between "accepted" and "queued".
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
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.alerts import sms
from violeta.alerts.models import (
    Alert,
    AlertLocation,
    AlertRecipient,
    AlertStatus,
    EmergencyContact,
    MiaAccount,
    MiaDevice,
    PhoneVerification,
    SmsKind,
    SmsMessage,
    SmsStatus,
)
from violeta.alerts.text import fit
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core import context, ratelimit
from violeta.core.tasks import enqueue, enqueue_many, is_database
from violeta.core.tokens import new_token, token_hash
from violeta.core.validators import parse_phone

logger = logging.getLogger(__name__)


def conf(key: str):
    return settings.MIA[key]


def _hash_token(raw: str) -> str:
    return token_hash(raw)


def _link(name: str, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": token})


# --- The outbox ------------------------------------------------------------------------------------------------


def sms_queue(*, kind: str, to: str, body: str, alert=None, recipient=None) -> SmsMessage:
    """Put a message in the outbox and enqueue its dispatch, in the caller's transaction."""
    from violeta.alerts import tasks

    message = SmsMessage.objects.create(kind=kind, to_phone=to, body=body, alert=alert, recipient=recipient)
    enqueue(tasks.sms_dispatch, message.pk)
    return message


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(conf("SMS_BACKOFF_SECONDS") * 2 ** (attempt - 1), 15 * 60))


def _schedule_retry(message: SmsMessage, error: str) -> None:
    from violeta.alerts import tasks

    message.last_error = error[:255]
    if message.attempt >= conf("SMS_MAX_ATTEMPTS"):
        message.status = SmsStatus.GAVE_UP
        message.save(update_fields=["status", "last_error"])
        logger.error("sms %s gave up after %s attempts", message.pk, message.attempt)
        return
    message.status = SmsStatus.FAILED
    message.next_attempt_at = timezone.now() + _backoff(message.attempt)
    message.save(update_fields=["status", "last_error", "next_attempt_at"])
    enqueue(tasks.sms_dispatch, message.pk, run_after=message.next_attempt_at)


def sms_dispatch_run(*, message_id: int) -> None:
    """Hand one message to the gateway. Safe to run twice: only a pending or failed message that is due is sent.

    The row is claimed (status "sending", attempt + 1) and a watchdog scheduled in one transaction before the
    gateway is called; the result is recorded in a second. If the worker dies in between, the watchdog asks the
    gateway whether that attempt went out, so the message is neither lost nor sent twice.
    """
    from violeta.alerts import tasks

    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status not in (SmsStatus.PENDING, SmsStatus.FAILED):
            return
        if message.next_attempt_at > timezone.now() + timedelta(seconds=1):
            return
        message.attempt += 1
        message.status = SmsStatus.SENDING
        message.claimed_at = timezone.now()
        message.save(update_fields=["attempt", "status", "claimed_at"])
        enqueue(
            tasks.sms_watchdog,
            message.pk,
            message.attempt,
            run_after=message.claimed_at + timedelta(seconds=conf("SMS_LEASE_SECONDS")),
        )
    _send_claimed(message, sms.get_backend())


CLAIM_SQL = """
WITH own AS (
    SELECT id FROM alerts_smsmessage
    WHERE id = ANY(%(ids)s::bigint[]) AND status IN (%(pending)s, %(failed)s) AND next_attempt_at <= %(due_by)s
    ORDER BY id FOR UPDATE
), other AS (
    SELECT id, alert_id FROM alerts_smsmessage
    WHERE status = %(pending)s AND next_attempt_at <= %(due_by)s AND id <> ALL(%(ids)s::bigint[])
      AND (SELECT count(*) FROM own) > 0
    ORDER BY next_attempt_at, id LIMIT %(drain)s FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE alerts_smsmessage AS m SET status = %(sending)s, attempt = m.attempt + 1, claimed_at = %(now)s
    WHERE m.id IN (SELECT id FROM own UNION ALL SELECT id FROM other)
    RETURNING m.id, m.to_phone, m.body, m.attempt
), settled AS (
    SELECT t.id FROM django_tasks_database_dbtaskresult AS t JOIN alerts_alert AS a ON a.dispatch_task_id = t.id
    WHERE a.id IN (SELECT alert_id FROM other) AND t.status = 'READY'
      AND NOT EXISTS (
          SELECT 1 FROM alerts_smsmessage AS p
          WHERE p.alert_id = a.id AND p.kind = %(alert_kind)s AND p.status = %(pending)s
            AND p.id NOT IN (SELECT id FROM other)
      )
    FOR UPDATE OF t SKIP LOCKED
), dropped AS (
    DELETE FROM django_tasks_database_dbtaskresult WHERE id IN (SELECT id FROM settled)
)
SELECT id, to_phone, body, attempt FROM claimed
"""


def _claim(message_ids: list[int], now) -> list[SmsMessage]:
    """Claim (in the caller's transaction) the due messages among ``message_ids`` and, if there are any, up to
    ``SMS_DRAIN_MAX`` in all with other due pending messages: "sending", attempt + 1. Returns them as claimed
    (their new attempt), the given ones first.

    An alert whose first messages are all among the others has its dispatch task deleted in the same
    transaction (unless a worker holds it: then it runs and finds nothing), so under load one task run sends
    for many alerts and the others never run. If this transaction rolls back, the task is back with the
    messages. On PostgreSQL one statement; elsewhere the ORM's.
    """
    due_by = now + timedelta(seconds=1)
    drain = conf("SMS_DRAIN_MAX")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                CLAIM_SQL,
                {
                    "ids": list(message_ids),
                    "pending": SmsStatus.PENDING.value,
                    "failed": SmsStatus.FAILED.value,
                    "sending": SmsStatus.SENDING.value,
                    "due_by": due_by,
                    "now": now,
                    "drain": max(drain - len(message_ids), 0),
                    "alert_kind": SmsKind.ALERT.value,
                },
            )
            rows = cursor.fetchall()
        body = SmsMessage._meta.get_field("body")
        own = set(message_ids)
        claimed = [
            SmsMessage(
                pk=pk,
                to_phone=to_phone,
                body=body.from_db_value(text, None, connection),
                attempt=attempt,
                status=SmsStatus.SENDING,
                claimed_at=now,
            )
            for pk, to_phone, text, attempt in rows
        ]
        return sorted(claimed, key=lambda message: (message.pk not in own, message.pk))
    due = list(
        SmsMessage.objects.select_for_update()
        .filter(
            pk__in=message_ids, status__in=(SmsStatus.PENDING, SmsStatus.FAILED), next_attempt_at__lte=due_by
        )
        .order_by("pk")
    )
    if not due:
        return []
    others = []
    if drain - len(due) > 0:
        others = list(
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(status=SmsStatus.PENDING, next_attempt_at__lte=due_by)
            .exclude(pk__in=message_ids)
            .order_by("next_attempt_at", "pk")[: drain - len(due)]
        )
        due += others
    SmsMessage.objects.filter(pk__in=[message.pk for message in due]).update(
        status=SmsStatus.SENDING, attempt=F("attempt") + 1, claimed_at=now
    )
    _drop_settled_dispatch_tasks(others)
    for message in due:
        message.attempt += 1
    return due


def _drop_settled_dispatch_tasks(others: list[SmsMessage]) -> None:
    """The ORM's form of CLAIM_SQL's last two parts: delete the dispatch task of each alert whose pending first
    messages were all just claimed among ``others``, unless a worker holds it."""
    from django_tasks_db.models import DBTaskResult

    claimed = {message.pk for message in others}
    alert_ids = {message.alert_id for message in others if message.alert_id}
    if not alert_ids:
        return
    left = set(
        SmsMessage.objects.filter(alert_id__in=alert_ids, kind=SmsKind.ALERT, status=SmsStatus.PENDING)
        .exclude(pk__in=claimed)
        .values_list("alert_id", flat=True)
    )
    task_ids = Alert.objects.filter(pk__in=alert_ids - left, dispatch_task_id__isnull=False).values_list(
        "dispatch_task_id", flat=True
    )
    settled = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
        pk__in=list(task_ids), status="READY"
    )
    DBTaskResult.objects.filter(pk__in=list(settled.values_list("pk", flat=True))).delete()


def sms_dispatch_many_run(*, message_ids: list[int]) -> None:
    """The messages of one alert, on the hot path, in two short transactions whatever their number.

    1. Claim every due message (one UPDATE: "sending", attempt + 1) and schedule one watchdog for all of them.
       Under load it also takes up to ``SMS_DRAIN_MAX`` other pending messages that are due (other alerts'),
       skipping rows another worker holds: one task run then sends for many alerts, and their own tasks are
       deleted in the same transaction (see ``_claim``). Its own messages it waits for (a worker that locked
       them may yet roll back).
    2. Hand them to the gateway (``send_many``: one after another, or several at once where the backend allows),
       with no transaction open.
    3. Record what the gateway accepted (one transaction). A failure is retried on its own. When every claimed
       message is settled (recorded or rescheduled), the watchdog is cancelled in that same transaction: it
       would have found nothing to do.
    If the worker dies anywhere in between, the watchdog asks the gateway about each claimed attempt. Safe to
    run twice: a claimed message is no longer due.
    """
    from violeta.alerts import tasks

    now = timezone.now()
    with transaction.atomic():
        due = _claim(message_ids, now)
        if not due:  # taken by another task's drain (or not due yet): that task sends them
            return
        watchdog = enqueue(
            tasks.sms_watchdog_many,
            [message.pk for message in due],
            run_after=now + timedelta(seconds=conf("SMS_LEASE_SECONDS")),
        )
    backend = sms.get_backend()
    accepted = []
    settled = 0
    results = backend.send_many(
        [(message.to_phone, message.body, message.idempotency_key) for message in due]
    )
    for message, result in zip(due, results, strict=True):
        if isinstance(result, sms.SendResult):
            accepted.append((message, result))
        else:
            exc = result
            with transaction.atomic():
                locked = SmsMessage.objects.select_for_update().get(pk=message.pk)
                if locked.status == SmsStatus.SENDING and locked.attempt == message.attempt:
                    _schedule_retry(locked, str(exc))
                    settled += 1
    with transaction.atomic():
        if accepted:
            settled += _record_sent_many(accepted, backend)
        if settled == len(due) and watchdog is not None:
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(pk=watchdog.id, status="READY").delete()


# Rows are locked in id order before they are updated, as CLAIM_SQL locks its own: two workers whose batches
# overlap (one recording, one claiming a message the other drained) then wait for each other in one order and
# cannot deadlock. CLAIM_SQL takes all its waiting locks first (the count(*) reads "own" to the end before
# "other" starts), and "other" and the task rows are taken with SKIP LOCKED, which never waits.
RECORD_SENT_SQL = """
WITH v AS (
    SELECT unnest(%(ids)s::bigint[]) AS id, unnest(%(attempts)s::integer[]) AS attempt,
           unnest(%(provider_ids)s::text[]) AS provider_id, unnest(%(statuses)s::text[]) AS provider_status
), locked AS (
    SELECT id FROM alerts_smsmessage WHERE id IN (SELECT id FROM v) ORDER BY id FOR UPDATE
)
UPDATE alerts_smsmessage AS m
SET status = %(sent)s, provider_message_id = v.provider_id, provider_status = v.provider_status, sent_at = %(now)s
FROM v
WHERE m.id = v.id AND m.id IN (SELECT id FROM locked) AND m.attempt = v.attempt AND m.status = %(sending)s
"""


def _record_sent_many(accepted: list[tuple[SmsMessage, sms.SendResult]], backend) -> int:
    """Record several submissions in the caller's transaction; each only if its attempt still holds the message.

    On PostgreSQL one UPDATE for all of them (the ORM's CASE for 20 rows costs more CPU than the sends), unless
    the backend reports delivery: then each gets its own UPDATE, to schedule a delivery check for exactly those
    recorded. Returns how many were recorded.
    """
    if getattr(backend, "reports_delivery", False) or connection.vendor != "postgresql":
        return sum(_record_sent(message.pk, message.attempt, result, backend) for message, result in accepted)
    with connection.cursor() as cursor:
        cursor.execute(
            RECORD_SENT_SQL,
            {
                "sent": SmsStatus.SENT.value,
                "sending": SmsStatus.SENDING.value,
                "now": timezone.now(),
                "ids": [message.pk for message, _result in accepted],
                "attempts": [message.attempt for message, _result in accepted],
                "provider_ids": [result.provider_message_id for _message, result in accepted],
                "statuses": [result.status for _message, result in accepted],
            },
        )
        return cursor.rowcount


def sms_watchdog_many_run(*, message_ids: list[int]) -> None:
    """The watchdog of a batch: recover what a dead worker left sending, and dispatch what it never claimed."""
    from violeta.alerts import tasks

    lease = timedelta(seconds=conf("SMS_LEASE_SECONDS"))
    now = timezone.now()
    for message in SmsMessage.objects.filter(pk__in=message_ids):
        if message.status == SmsStatus.SENDING:
            if message.claimed_at and message.claimed_at <= now - lease:
                sms_watchdog_run(message_id=message.pk, attempt=message.attempt)
            else:  # claimed late in the batch: look again when its own lease ends
                enqueue(tasks.sms_watchdog, message.pk, message.attempt, run_after=message.claimed_at + lease)
        elif message.status == SmsStatus.PENDING:
            enqueue(tasks.sms_dispatch, message.pk)


def _send_claimed(message: SmsMessage, backend) -> None:
    try:
        result = backend.send(message.to_phone, message.body, message.idempotency_key)
    except sms.SmsError as exc:
        with transaction.atomic():
            locked = SmsMessage.objects.select_for_update().get(pk=message.pk)
            if locked.status == SmsStatus.SENDING and locked.attempt == message.attempt:
                _schedule_retry(locked, str(exc))
        return
    _record_sent(message.pk, message.attempt, result, backend)


def _record_sent(message_id: int, attempt: int, result: sms.SendResult, backend) -> int:
    """Record a submission, only if this attempt still holds the message (one conditional UPDATE). Returns 1 if
    it did, else 0."""
    from violeta.alerts import tasks

    sent_at = timezone.now()
    with transaction.atomic():
        updated = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SENDING, attempt=attempt).update(
            status=SmsStatus.SENT,
            provider_message_id=result.provider_message_id,
            provider_status=result.status,
            sent_at=sent_at,
        )
        if updated and getattr(backend, "reports_delivery", False):
            enqueue(
                tasks.sms_delivery_check,
                message_id,
                attempt,
                run_after=sent_at + timedelta(seconds=conf("SMS_DELIVERY_TIMEOUT_SECONDS")),
            )
    return updated


def sms_watchdog_run(*, message_id: int, attempt: int) -> None:
    """Recover a message whose worker died while sending it: ask the gateway, then record or retry."""
    message = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SENDING, attempt=attempt).first()
    if message is None:
        return
    backend = sms.get_backend()
    backend.lookup_context = {"to": message.to_phone, "body": message.body}
    found = backend.lookup(message.idempotency_key)
    if found is not None:
        _record_sent(message_id, attempt, found, backend)
        return
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=message_id)
        if message.status == SmsStatus.SENDING and message.attempt == attempt:
            _schedule_retry(message, "worker stopped while sending; not found at the gateway")


def sms_delivery_check_run(*, message_id: int, attempt: int) -> None:
    """No delivery report in time: send again (a new attempt), unless it was delivered meanwhile."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message and message.status == SmsStatus.SENT and message.attempt == attempt:
            _schedule_retry(message, "no delivery report in time")


PROVIDER_STATUSES = {
    "queued": SmsStatus.SENT,
    "accepted": SmsStatus.SENT,
    "sending": SmsStatus.SENT,
    "sent": SmsStatus.SENT,
    "delivered": SmsStatus.DELIVERED,
    "failed": SmsStatus.FAILED,
    "undelivered": SmsStatus.UNDELIVERED,
}


@transaction.atomic
def sms_status_update(*, provider_message_id: str, provider_status: str) -> SmsMessage | None:
    """A delivery report from the provider. Failed and undelivered messages are retried."""
    message = SmsMessage.objects.select_for_update().filter(provider_message_id=provider_message_id).first()
    if message is None or message.status in (SmsStatus.DELIVERED, SmsStatus.GAVE_UP):
        return message
    status = PROVIDER_STATUSES.get(provider_status)
    if status is None:
        return message
    message.provider_status = provider_status
    if status == SmsStatus.DELIVERED:
        message.status = SmsStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.save(update_fields=["status", "provider_status", "delivered_at"])
    elif status in (SmsStatus.FAILED, SmsStatus.UNDELIVERED):
        message.save(update_fields=["provider_status"])
        _schedule_retry(message, f"provider reported {provider_status}")
    else:
        message.save(update_fields=["provider_status"])
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
    sms_queue(kind=SmsKind.OTP, to=phone, body=fit(_("Your verification code is {code}."), code=code))
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
    sms_queue(kind=SmsKind.INVITATION, to=phone, body=body)
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
    for message in recipient.messages.filter(kind=SmsKind.ALERT).order_by("id"):
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
# recipient and one outbox message per active contact, and the two task rows exactly as django-tasks-db writes
# them. Data-modifying CTEs run as one statement, so all of it commits together or not at all. The alert is
# inserted only if she has between 1 and ``slots`` contacts (a token and a body were made for each slot) and
# not for a press already recorded (ON CONFLICT on the (account, client_id) constraint).
ALERT_RAISE_SQL = """
WITH c AS (
    SELECT id, phone, row_number() OVER (ORDER BY invited_at, id) AS n
    FROM alerts_emergencycontact WHERE account_id = %(account)s AND removed_at IS NULL
), a AS (
    INSERT INTO alerts_alert (public_id, client_id, account_id, status, is_duress, started_at,
                              escalation_reason, outcome, outcome_note, dispatch_task_id)
    SELECT %(public_id)s, %(client_id)s, %(account)s, %(status)s, false, %(now)s, '', '', '', %(send_id)s
    WHERE (SELECT count(*) FROM c) BETWEEN 1 AND %(slots)s
    ON CONFLICT ON CONSTRAINT alert_unique_client_id DO NOTHING
    RETURNING id
), r AS (
    INSERT INTO alerts_alertrecipient (alert_id, contact_id, token_hash, acknowledged_via)
    SELECT a.id, c.id, (%(tokens)s::text[])[c.n], '' FROM a CROSS JOIN c
    RETURNING id, contact_id
), m AS (
    INSERT INTO alerts_smsmessage (kind, to_phone, body, alert_id, recipient_id, status, attempt,
                                   next_attempt_at, provider_message_id, provider_status, last_error, created_at)
    SELECT %(kind)s, c.phone, (%(bodies)s::text[])[c.n], a.id, r.id, %(pending)s, 0, %(now)s, '', '', '', %(now)s
    FROM a CROSS JOIN r JOIN c ON c.id = r.contact_id
    RETURNING id
), t AS (
    INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs, priority, task_path,
                                                    worker_ids, queue_name, backend_name, run_after,
                                                    exception_class_path, traceback)
    SELECT %(send_id)s, 'READY', %(now)s,
           jsonb_build_object('args', jsonb_build_array((SELECT jsonb_agg(id ORDER BY id) FROM m)),
                              'kwargs', '{}'::jsonb),
           %(send_priority)s, %(send_path)s, '[]'::jsonb, %(send_queue)s, %(send_backend)s, %(send_after)s, '', ''
    FROM a
    UNION ALL
    SELECT %(check_id)s, 'READY', %(now)s,
           jsonb_build_object('args', jsonb_build_array(a.id), 'kwargs', '{}'::jsonb),
           %(check_priority)s, %(check_path)s, '[]'::jsonb, %(check_queue)s, %(check_backend)s, %(check_after)s, '', ''
    FROM a
)
SELECT (SELECT id FROM a), (SELECT count(*) FROM c)
"""


def _window_end(when: datetime) -> datetime:
    """The end of the ``SMS_BATCH_WINDOW_MS`` window ``when`` falls in (at most that much later): the tasks of the
    alerts raised in one window are due together, and under load the first of them to run does the work of all
    (see ``_claim`` and ``alert_escalation_check_run``). ``when`` itself when the window is 0."""
    window = conf("SMS_BATCH_WINDOW_MS")
    if not window:
        return when
    epoch_ms = int(when.timestamp() * 1000) // window * window + window
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def _dispatch_after(now: datetime) -> datetime | None:
    """When an alert's dispatch task is due: the end of its window, or at once (None) when the window is 0."""
    return _window_end(now) if conf("SMS_BATCH_WINDOW_MS") else None


def _check_after(started: datetime) -> datetime:
    """When an alert's escalation check is due: ``ESCALATE_AFTER_SECONDS`` later, at the end of that window."""
    return _window_end(started + timedelta(seconds=conf("ESCALATE_AFTER_SECONDS")))


def _task_row_params(prefix: str, task, run_after) -> dict:
    from django_tasks_db.models import get_date_max

    backend = task.get_backend()
    return {
        f"{prefix}_id": backend._get_id(),
        f"{prefix}_priority": task.priority,
        f"{prefix}_path": task.module_path,
        f"{prefix}_queue": task.queue_name,
        f"{prefix}_backend": backend.alias,
        f"{prefix}_after": run_after or get_date_max(),
    }


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

    Returns None when the ORM path must decide: no contacts, more contacts than slots, or the task backend is
    not the database one (then tasks are enqueued on commit, which one statement cannot do).
    """
    from violeta.alerts import tasks

    if not is_database(tasks.sms_dispatch_batch):
        return None
    now = timezone.now()
    slots = max(conf("MAX_CONTACTS"), 5)
    tokens = [new_token(16) for _slot in range(slots)]
    body = SmsMessage._meta.get_field("body")
    bodies = [body.get_prep_value(text) for text in _alert_texts(account.display_name, tokens)]
    public_id = uuid.uuid4()
    params = {
        "account": account.pk,
        "public_id": public_id,
        "client_id": client_id,
        "status": AlertStatus.ACTIVE.value,
        "now": now,
        "slots": slots,
        "tokens": [token_hash(token) for token in tokens],
        "bodies": bodies,
        "kind": SmsKind.ALERT.value,
        "pending": SmsStatus.PENDING.value,
        **_task_row_params("send", tasks.sms_dispatch_batch, _dispatch_after(now)),
        **_task_row_params("check", tasks.alert_escalation_check, _check_after(now)),
    }
    with connection.cursor() as cursor:
        cursor.execute(ALERT_RAISE_SQL, params)
        alert_id, contacts = cursor.fetchone()
    if alert_id is None:
        if 1 <= contacts <= slots:  # the same press again
            return Alert.objects.get(client_id=client_id, account=account), False
        return None
    alert = Alert(
        pk=alert_id,
        dispatch_task_id=params["send_id"],
        public_id=public_id,
        client_id=client_id,
        account=account,
        status=AlertStatus.ACTIVE,
        started_at=now,
    )
    alert._state.adding = False
    alert._state.db = connection.alias
    return alert, True


@transaction.atomic
def _alert_raise(*, account: MiaAccount, client_id: str) -> tuple[Alert, bool]:
    """The hot path (benchmarked in bench/mia_alerts.py): a fixed number of statements whatever the contacts.

    One SELECT (her contacts) and four INSERTs: the alert, its recipients, its messages, and the two tasks
    (send now, check for an acknowledgement later). The same press again is caught by the unique constraint
    on (account, client_id), not by a SELECT before every insert: ``alert_raise`` then returns the first alert.
    """
    from violeta.alerts import tasks

    contacts = list(account.contacts.filter(removed_at__isnull=True))
    if not contacts:
        existing = Alert.objects.filter(client_id=client_id, account=account).first()
        if existing:
            return existing, False
        raise ValidationError(_("Add at least one contact before using the alert."), code="no_contacts")
    dispatch_task_id = None
    if is_database(tasks.sms_dispatch_batch):
        dispatch_task_id = tasks.sms_dispatch_batch.get_backend()._get_id()
    alert = Alert.objects.create(account=account, client_id=client_id, dispatch_task_id=dispatch_task_id)
    tokens = [new_token(16) for _contact in contacts]  # shown once: in each contact's SMS
    recipients = AlertRecipient.objects.bulk_create(
        [
            AlertRecipient(alert=alert, contact=contact, token_hash=token_hash(token))
            for contact, token in zip(contacts, tokens, strict=True)
        ]
    )
    messages = SmsMessage.objects.bulk_create(
        [
            SmsMessage(
                kind=SmsKind.ALERT,
                to_phone=contact.phone,
                body=body,
                alert=alert,
                recipient=recipient,
            )
            for contact, recipient, body in zip(
                contacts, recipients, _alert_texts(account.display_name, tokens), strict=True
            )
        ]
    )
    enqueue_many(
        [
            (
                tasks.sms_dispatch_batch,
                ([message.pk for message in messages],),
                _dispatch_after(alert.started_at),
                dispatch_task_id,
            ),
            (tasks.alert_escalation_check, (alert.pk,), _check_after(alert.started_at)),
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
                kind=SmsKind.LOCATION, to=recipient.contact.phone, body=body, alert=alert, recipient=recipient
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
                    kind=SmsKind.CANCELLED,
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
def alert_escalation_check_run(*, alert_id: int) -> None:
    """Raise the alert in the console when nobody acknowledged it in time.

    Under load it also takes the other escalation checks that are due (up to ``ESCALATION_DRAIN_MAX``, skipping
    those a worker holds), checks their alerts in the same way and deletes their tasks, in this transaction: one
    task run for the alerts of a batch window instead of one each. Alerts are locked in id order.
    """
    from violeta.alerts import tasks

    drained = []
    if is_database(tasks.alert_escalation_check):
        from django_tasks_db.models import DBTaskResult

        drained = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(
                task_path=tasks.alert_escalation_check.module_path,
                status="READY",
                run_after__lte=timezone.now(),
            )
            .order_by("run_after")[: conf("ESCALATION_DRAIN_MAX")]
        )
    ids = {alert_id, *(task.args_kwargs["args"][0] for task in drained)}
    silent = list(
        Alert.objects.select_for_update()
        .filter(pk__in=ids, status=AlertStatus.ACTIVE, escalated_at__isnull=True)
        .exclude(recipients__acknowledged_at__isnull=False)
        .order_by("pk")
    )
    on_duty = _on_duty_emails() if silent else []
    for alert in silent:
        _escalate(alert, reason="no_ack", on_duty=on_duty)
    if drained:
        DBTaskResult.objects.filter(pk__in=[task.pk for task in drained]).delete()


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
