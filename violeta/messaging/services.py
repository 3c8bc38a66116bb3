"""Writes of the outbox: queue messages, claim them with a lease, record what the provider said, recover.

The public API for other apps is ``message_queue`` and ``messages_queue`` (in the caller's transaction: a message
commits with the data it announces, or not at all) and ``status_update`` (a provider's delivery report). The rest
is called by the sender process (``violeta.messaging.sender``); each function is one short transaction and safe to
run twice: every write is conditional on the attempt that still holds the message.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from violeta.core.crypto import DecryptionError
from violeta.messaging.backends import Backends, BaseSmsBackend, SendResult, SmsError, backends_of
from violeta.messaging.models import (
    DUE_STATUSES,
    Channel,
    Message,
    MessageStatus,
    ProviderReport,
    SenderHeartbeat,
)
from violeta.messaging.signals import message_status_changed

logger = logging.getLogger(__name__)

CHANNEL = "violeta_messaging"
# ``last_error`` of an attempt the provider did not answer in time (``record_unknown``).
UNKNOWN = "no answer: "


def conf(key: str):
    return settings.MESSAGING[key]


def notify() -> None:
    """Wake the sender when the caller's transaction commits (PostgreSQL NOTIFY is delivered on commit, once per
    transaction however often it is called). Elsewhere the sender polls every ``POLL_SECONDS``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])


# --- Queueing (the API of the other apps) -----------------------------------------------------------------------


def message_queue(
    *, kind: str, to: str, body: str, channel: str = "sms", fallback_after: float | None = None
) -> Message:
    """Put one message in the outbox, in the caller's transaction. ``fallback_after``: seconds after which, not
    delivered, it goes again by SMS, once (``violeta.messaging.fallback``; its body keeps the SMS text)."""
    due = timezone.now() + timedelta(seconds=fallback_after) if fallback_after is not None else None
    message = Message.objects.create(kind=kind, to_phone=to, body=body, channel=channel, fallback_due_at=due)
    notify()
    return message


def messages_queue(messages: list[Message]) -> list[Message]:
    """Put several unsaved ``Message`` rows in the outbox with one INSERT, in the caller's transaction."""
    created = Message.objects.bulk_create(messages)
    notify()
    return created


def messages_withdraw(ids: list[int]) -> list[int]:
    """Take back messages the sender has not claimed (pending, or failed and waiting for a retry): they are never
    sent. One already claimed ("sending") or handed to the provider is left as it is, since it may be out. The
    update is conditional on the status, so a sender claiming the row at the same moment wins or loses cleanly
    (on PostgreSQL the claim's row lock makes this wait for it). Returns the ids withdrawn."""
    if not ids:
        return []
    with transaction.atomic():
        withdrawn = list(
            Message.objects.select_for_update()
            .filter(pk__in=ids, status__in=DUE_STATUSES)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=withdrawn, status__in=DUE_STATUSES).update(
            status=MessageStatus.WITHDRAWN, lease_until=None, last_error="withdrawn"
        )
    return withdrawn


# --- Claiming and recording (the sender) -------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    return timedelta(
        seconds=min(conf("BACKOFF_SECONDS") * 2 ** max(attempt - 1, 0), conf("BACKOFF_MAX_SECONDS"))
    )


def _raw_bodies(ids: list[int]) -> dict[int, str]:
    """The stored (encrypted) texts of these messages, not decrypted by the query."""
    return dict(
        Message.objects.filter(pk__in=ids)
        .annotate(raw_body=Cast("body", output_field=TextField()))
        .values_list("pk", "raw_body")
    )


def _decrypt(raw: str) -> str | None:
    """A stored text, or None when it cannot be decrypted (a key missing from ``VIOLETA_ENCRYPTION_KEYS``)."""
    try:
        return Message._meta.get_field("body").from_db_value(raw, None, connection)
    except DecryptionError:
        return None


def claim(*, limit: int, now: datetime | None = None) -> list[Message]:
    """Claim up to ``limit`` due messages, oldest first: "sending", attempt + 1, held until ``now + LEASE``.

    Rows another sender is claiming are skipped (``SKIP LOCKED`` on PostgreSQL; on SQLite the IMMEDIATE
    transaction serialises claimers). Committed before any of them is handed to the provider. A body that
    cannot be decrypted (a key missing from ``VIOLETA_ENCRYPTION_KEYS``) fails that message alone, retried with
    backoff until it gives up and the monitors are told: one unreadable row never stops the others.
    """
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=conf("LEASE_SECONDS"))
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", "to_phone", "attempt", "kind", "channel")[:limit]
        )
        if not due:
            return []
        ids = [row[0] for row in due]
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENDING, attempt=F("attempt") + 1, claimed_at=now, lease_until=lease_until
        )
        raw = _raw_bodies(ids)
        claimed = []
        for pk, to_phone, attempt, kind, channel in due:
            message = Message(
                pk=pk,
                kind=kind,
                channel=channel,
                to_phone=to_phone,
                attempt=attempt + 1,
                status=MessageStatus.SENDING,
                claimed_at=now,
                lease_until=lease_until,
            )
            message._state.adding = False
            message.body = _decrypt(raw[pk])
            if message.body is None:
                logger.error("message %s: its text cannot be decrypted (a key missing?)", pk)
                _schedule_retry(message, "cannot decrypt the text: is a key missing?", now)
                continue
            claimed.append(message)
    return claimed


def next_due_at() -> datetime | None:
    """When the next message falls due (the sender sleeps until then at most)."""
    return (
        Message.objects.filter(status__in=DUE_STATUSES)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


PROVIDER_STATUSES = {
    "queued": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "scheduled": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.UNDELIVERED,
    "canceled": MessageStatus.FAILED,
    # A voice call's progress (Twilio's Calls API): answered is its delivery; busy and no answer its failures.
    "initiated": MessageStatus.SENT,
    "ringing": MessageStatus.SENT,
    "in-progress": MessageStatus.DELIVERED,
    "completed": MessageStatus.DELIVERED,
    "busy": MessageStatus.UNDELIVERED,
    "no-answer": MessageStatus.UNDELIVERED,
}
# Channels whose reported failure is final, never retried: a voice call that was busy, not answered or failed is
# an answer (one call per alert; her contacts have the SMS and the console raises the alert anyway).
NOT_RETRIED = {Channel.VOICE}
# A later report never undoes a more final one (callbacks may arrive out of order).
FINALITY = {
    MessageStatus.SENT: 0,
    MessageStatus.FAILED: 1,
    MessageStatus.UNDELIVERED: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
}


def _schedule_retry(
    message: Message, error: str, now: datetime | None = None, *, at_once: bool = False
) -> None:
    """In the caller's transaction, on a locked row: try again after the backoff (``at_once``: now, when the
    provider never saw the attempt), or give up after ``MAX_ATTEMPTS``."""
    now = now or timezone.now()
    message.last_error = error[:255]
    message.lease_until = None
    if message.attempt >= conf("MAX_ATTEMPTS"):
        message.status = MessageStatus.GAVE_UP
        message.save(update_fields=["status", "last_error", "lease_until"])
        logger.error("message %s gave up after %s attempts", message.pk, message.attempt)
        return
    message.status = MessageStatus.FAILED
    message.next_attempt_at = now if at_once else now + backoff(message.attempt)
    message.save(update_fields=["status", "last_error", "next_attempt_at", "lease_until"])


def _apply_status(message: Message, provider_status: str) -> None:
    """Apply a provider's status to a sent (or delivered) message, on a locked row. When the message's state
    changes, ``signals.message_status_changed`` is sent (in the same transaction)."""
    before = message.status
    _apply(message, provider_status)
    if message.status != before:
        message_status_changed.send(sender=Message, message=message, provider_status=provider_status)


def _apply(message: Message, provider_status: str) -> None:
    status = PROVIDER_STATUSES.get(provider_status)
    if status is None or message.status not in (MessageStatus.SENT, MessageStatus.DELIVERED):
        return
    if message.status == MessageStatus.DELIVERED:
        if status == MessageStatus.READ:  # read after delivered; nothing else undoes a delivery
            message.status, message.provider_status, message.read_at = status, provider_status, timezone.now()
            message.save(update_fields=["status", "provider_status", "read_at"])
        return
    message.provider_status = provider_status
    if status == MessageStatus.READ:  # read implies delivered (the delivered report may come later, or never)
        message.status = MessageStatus.READ
        message.delivered_at = message.read_at = timezone.now()
        message.save(update_fields=["status", "provider_status", "delivered_at", "read_at"])
    elif status == MessageStatus.DELIVERED:
        message.status = MessageStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.save(update_fields=["status", "provider_status", "delivered_at"])
    elif status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED) and message.channel in NOT_RETRIED:
        message.status = MessageStatus.UNDELIVERED
        message.save(update_fields=["status", "provider_status"])
    elif status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED):
        message.save(update_fields=["provider_status"])
        _schedule_retry(message, f"provider reported {provider_status}")
    else:
        message.save(update_fields=["provider_status"])


# The key space of the locks that serialise a send's record with its delivery reports (any fixed 32-bit number).
REPORT_LOCK_SPACE = 0x6D736772


def _hold_reports_of(provider_ids: list[str]) -> None:
    """PostgreSQL: until this transaction ends, hold one lock per provider id, so recording a send and a report
    for the same id take turns. Otherwise a report arriving while the send's transaction is open sees no message
    with its id (not committed yet) and is kept for later, while the send has already looked for early reports
    and seen none: the report would stay stranded. Taken in a statement of its own, before the statements that
    read: those then see what the other side committed. (SQLite's IMMEDIATE transactions take turns already.)"""
    if connection.vendor != "postgresql" or not provider_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM"
            " (SELECT DISTINCT hashtext(id) AS k FROM unnest(%s::text[]) AS id ORDER BY k) AS keys",
            [REPORT_LOCK_SPACE, list(provider_ids)],
        )


def record_sent(message_id: int, attempt: int, result: SendResult) -> bool:
    """The provider accepted this attempt: record its id at once. A delivery report that arrived before it (kept
    in ``ProviderReport``) is applied in the same transaction. Returns False if the attempt no longer holds the
    message (recovered by a sweep meanwhile)."""
    with transaction.atomic():
        _hold_reports_of([result.provider_message_id])
        updated = Message.objects.filter(pk=message_id, attempt=attempt, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT,
            provider_message_id=result.provider_message_id,
            provider_status=result.status,
            sent_at=timezone.now(),
            lease_until=None,
            last_error="",
        )
        if not updated:
            return False
        _apply_final_answer(message_id, result)
        early = ProviderReport.objects.filter(provider_message_id=result.provider_message_id).first()
        if early is not None:
            message = Message.objects.select_for_update().defer("body").get(pk=message_id)
            _apply_status(message, early.provider_status)
            early.delete()
    return True


def _apply_final_answer(message_id: int, result: SendResult) -> None:
    """A provider whose answer is itself the delivery (a webhook's 2xx: the receiver has it) reports no more:
    the message is delivered as it is recorded, in the same transaction."""
    if PROVIDER_STATUSES.get(result.status) not in (MessageStatus.DELIVERED, MessageStatus.READ):
        return
    message = Message.objects.select_for_update().defer("body").get(pk=message_id)
    _apply_status(message, result.status)


# Rows are locked in id order before they are updated (as any two writers of the same rows must, not to deadlock);
# early delivery reports for the recorded ids come back in the same statement.
RECORD_SENT_SQL = """
WITH v AS (
    SELECT unnest(%(ids)s::bigint[]) AS id, unnest(%(attempts)s::integer[]) AS attempt,
           unnest(%(provider_ids)s::text[]) AS provider_id, unnest(%(statuses)s::text[]) AS provider_status
), locked AS (
    SELECT id FROM messaging_message WHERE id IN (SELECT id FROM v) ORDER BY id FOR UPDATE
), recorded AS (
    UPDATE messaging_message AS m
    SET status = %(sent)s, provider_message_id = v.provider_id, provider_status = v.provider_status,
        sent_at = %(now)s, lease_until = NULL, last_error = ''
    FROM v
    WHERE m.id = v.id AND m.id IN (SELECT id FROM locked) AND m.attempt = v.attempt AND m.status = %(sending)s
    RETURNING m.id, m.provider_message_id
)
SELECT recorded.id, r.provider_status
FROM recorded LEFT JOIN messaging_providerreport AS r ON r.provider_message_id = recorded.provider_message_id
"""


def record_sent_many(accepted: list[tuple[int, int, SendResult]]) -> int:
    """``record_sent`` for several ``(message_id, attempt, result)`` at once: on PostgreSQL one statement (and
    one more per early report, which is rare); elsewhere one by one. Returns how many were recorded."""
    if not accepted:
        return 0
    if connection.vendor != "postgresql":
        return sum(record_sent(*one) for one in accepted)
    with transaction.atomic(), connection.cursor() as cursor:
        _hold_reports_of([result.provider_message_id for _id, _attempt, result in accepted])
        cursor.execute(
            RECORD_SENT_SQL,
            {
                "ids": [message_id for message_id, _attempt, _result in accepted],
                "attempts": [attempt for _id, attempt, _result in accepted],
                "provider_ids": [result.provider_message_id for _id, _attempt, result in accepted],
                "statuses": [result.status for _id, _attempt, result in accepted],
                "sent": MessageStatus.SENT.value,
                "sending": MessageStatus.SENDING.value,
                "now": timezone.now(),
            },
        )
        rows = cursor.fetchall()
        results = {message_id: result for message_id, _attempt, result in accepted}
        for message_id, early in rows:
            _apply_final_answer(message_id, results[message_id])
            if early:
                message = Message.objects.select_for_update().defer("body").get(pk=message_id)
                _apply_status(message, early)
                ProviderReport.objects.filter(provider_message_id=message.provider_message_id).delete()
    return len(rows)


def record_refused(message_id: int, attempt: int, error: str, *, at_once: bool = False) -> bool:
    """The provider refused this attempt or could not be reached: retry after the backoff (or give up).
    ``at_once``: the provider says it never received the attempt (a sender died before handing it over)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .defer("body")
            .filter(pk=message_id, attempt=attempt, status=MessageStatus.SENDING)
            .first()
        )
        if message is None:
            return False
        _schedule_retry(message, error, at_once=at_once)
    return True


def record_unknown(message_id: int, attempt: int, error: str) -> bool:
    """No answer in time: keep the message "sending" and let its lease run out now, so the next sweep asks the
    provider whether it went out. It is never sent again before that answer."""
    return bool(
        Message.objects.filter(pk=message_id, attempt=attempt, status=MessageStatus.SENDING).update(
            lease_until=timezone.now(), last_error=(UNKNOWN + error)[:255]
        )
    )


def leases_take(*, now: datetime | None = None, limit: int = 200) -> list[Message]:
    """The messages whose lease ran out (a sender died, or the provider did not answer in time), held for one
    more lease while the provider is asked about them, so two sweeps never ask about one message at once."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.SENDING, lease_until__lte=now)
            .order_by("lease_until")
            .values_list("pk", "to_phone", "attempt", "last_error", "channel", "claimed_at")[:limit]
        )
        if not rows:
            return []
        ids = [row[0] for row in rows]
        Message.objects.filter(pk__in=ids).update(lease_until=now + timedelta(seconds=conf("LEASE_SECONDS")))
        raw = _raw_bodies(ids)
    taken = []
    for pk, to_phone, attempt, last_error, channel, claimed_at in rows:
        message = Message(
            pk=pk,
            to_phone=to_phone,
            attempt=attempt,
            last_error=last_error,
            channel=channel,
            claimed_at=claimed_at,
        )
        message.status = MessageStatus.SENDING
        message._state.adding = False
        message.body = _decrypt(raw[pk]) or ""
        taken.append(message)
    return taken


def lookup_resolve(
    message: Message, found: SendResult | None, *, settles: bool = False, now: datetime | None = None
) -> bool:
    """What the provider said about an attempt whose fate was unknown: record it if it went out, else send it
    again — at once if a sender died before handing it over, after the backoff if the provider did not answer in
    time (it may be struggling). Returns whether it was resolved.

    ``settles`` (the backend's ``lookup_settles``): the provider may take a request in after the client stopped
    waiting, so "not there" is trusted only ``SETTLE_SECONDS`` after the claim; asked earlier, the attempt keeps
    its lease until then and is asked again, never sent twice. ``now``: when it was asked, not when it answered."""
    if found is not None:
        return record_sent(message.pk, message.attempt, found)
    now = now or timezone.now()
    if settles and message.claimed_at is not None:
        settled_at = message.claimed_at + timedelta(seconds=conf("SETTLE_SECONDS"))
        if now < settled_at:
            Message.objects.filter(
                pk=message.pk, attempt=message.attempt, status=MessageStatus.SENDING
            ).update(lease_until=settled_at)
            return False
    return record_refused(
        message.pk,
        message.attempt,
        message.last_error or "sender stopped while sending; not at the provider",
        at_once=not message.last_error.startswith(UNKNOWN),
    )


def leases_sweep(
    backend: BaseSmsBackend | Backends | None, *, now: datetime | None = None, limit: int = 200
) -> int:
    """Recover, one after another, the messages whose lease ran out (``leases_take``, ``lookup_resolve``). If the
    provider cannot be asked, it is asked again when the new lease runs out: an unknown fate is never resent
    blindly. Returns how many were resolved. (The sender does the same with its threads.)"""
    backends = backends_of(backend)
    expired = leases_take(now=now, limit=limit)
    resolved = 0
    for message in expired:
        channel = backends.get(message.channel)
        asked_at = now or timezone.now()  # "not there" is as old as the question (``lookup_resolve``)
        try:
            found = channel.lookup(message.idempotency_key, to=message.to_phone, body=message.body)
        except SmsError:
            continue
        resolved += lookup_resolve(message, found, settles=channel.lookup_settles, now=asked_at)
    if expired:
        logger.warning("recovered %s of %s messages whose lease ran out", resolved, len(expired))
    return resolved


def delivery_take(
    *, now: datetime | None = None, limit: int = 100, channels: list[str] | None = None
) -> list[tuple[int, str, str]]:
    """Sent messages without a delivery report for ``DELIVERY_TIMEOUT``, marked as asked (``checked_at``) so each
    is asked about once: ``[(id, provider id, channel)]``. ``channels``: only those (the ones whose backend
    reports delivery)."""
    now = now or timezone.now()
    only = {"channel__in": channels} if channels is not None else {}
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                **only,
                status=MessageStatus.SENT,
                checked_at__isnull=True,
                sent_at__lte=now - timedelta(seconds=conf("DELIVERY_TIMEOUT_SECONDS")),
            )
            .order_by("sent_at")
            .values_list("pk", "provider_message_id", "channel")[:limit]
        )
        if rows:
            Message.objects.filter(pk__in=[row[0] for row in rows]).update(checked_at=now)
    return rows


def delivery_resolve(message_id: int, provider_status: str | None) -> None:
    """What the provider said of a silent message: only a failure it reports is sent again."""
    if not provider_status:
        return
    with transaction.atomic():
        message = Message.objects.select_for_update().defer("body").filter(pk=message_id).first()
        if message is not None:
            _apply_status(message, provider_status)


def reporting_channels(backends: Backends) -> list[str]:
    """The channels whose backend reports delivery (made ones only: a channel never used has nothing sent)."""
    reporting = []
    for channel in Channel.values:
        try:
            if backends.get(channel).reports_delivery:
                reporting.append(channel)
        except (SmsError, ImportError):
            continue
    return reporting


def delivery_sweep(
    backend: BaseSmsBackend | Backends | None, *, now: datetime | None = None, limit: int = 100
) -> int:
    """A provider that reports delivery said nothing for ``DELIVERY_TIMEOUT``: ask it for each message's status,
    once, one after another (the sender does the same in its threads). Returns how many were asked about."""
    backends = backends_of(backend)
    channels = reporting_channels(backends)
    if not channels:
        return 0
    taken = delivery_take(now=now, limit=limit, channels=channels)
    for message_id, provider_message_id, channel in taken:
        try:
            provider_status = backends.get(channel).status(provider_message_id)
        except SmsError:
            continue
        delivery_resolve(message_id, provider_status)
    return len(taken)


# --- Delivery reports ----------------------------------------------------------------------------------------


@transaction.atomic
def status_update(*, provider_message_id: str, provider_status: str) -> Message | None:
    """A delivery report from the provider. Failed and undelivered messages are retried. A report for an id
    not recorded yet (it can arrive before the provider's answer to the send) is kept and applied when the id
    is recorded, never dropped."""
    provider_message_id = provider_message_id.strip()[:64]
    if not provider_message_id or provider_status not in PROVIDER_STATUSES:
        return None
    _hold_reports_of([provider_message_id])
    message = (
        Message.objects.select_for_update()
        .defer("body")
        .filter(provider_message_id=provider_message_id)
        .first()
    )
    if message is not None:
        _apply_status(message, provider_status)
        return message
    report, created = ProviderReport.objects.select_for_update().get_or_create(
        provider_message_id=provider_message_id, defaults={"provider_status": provider_status}
    )
    new, old = PROVIDER_STATUSES[provider_status], PROVIDER_STATUSES.get(report.provider_status)
    if not created and FINALITY.get(new, 0) > FINALITY.get(old, 0):
        report.provider_status = provider_status
        report.save(update_fields=["provider_status"])
    return None


def whatsapp_report(*, provider_message_id: str, provider_status: str, idempotency_key: str = "") -> None:
    """A WhatsApp status report. It carries the submission's idempotency key (``biz_opaque_callback_data``): a
    submission whose answer never came (still "sending") is recorded as sent by its first report, so its fate
    is settled without asking the provider (the Cloud API cannot be asked). Then the status is applied.

    The common case first: the message's id is recorded, and the report is applied in one transaction (three
    reports arrive for every message — sent, delivered, read — so this path is the webhook's cost)."""
    if status_update(provider_message_id=provider_message_id, provider_status=provider_status) is not None:
        return
    message_id, _sep, attempt = idempotency_key.partition(":")
    if provider_message_id and message_id.isdigit() and attempt.isdigit():
        pk, attempt, wamid = int(message_id), int(attempt), provider_message_id.strip()[:64]
        # Kept as an early report by ``status_update`` above: ``record_sent`` applies it with the id.
        if not record_sent(pk, attempt, SendResult(provider_message_id=wamid)):
            # recorded with an unknown fate by ``lookup`` meanwhile: now its id is known, and the report applies
            updated = Message.objects.filter(
                pk=pk, attempt=attempt, status=MessageStatus.SENT, provider_message_id=""
            ).update(provider_message_id=wamid)
            if updated:
                status_update(provider_message_id=wamid, provider_status=provider_status)
                ProviderReport.objects.filter(provider_message_id=wamid).delete()


def reports_prune(*, now: datetime | None = None) -> int:
    """Delete early reports that never found their message (a day is far longer than any send takes), and the
    heartbeats of senders silent for a week (each start of a sender adds one). Returns how many reports."""
    now = now or timezone.now()
    deleted, _rows = ProviderReport.objects.filter(received_at__lt=now - timedelta(days=1)).delete()
    SenderHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=7)).delete()
    return deleted
