"""The SMS fallback: a message not delivered (nor read) by its ``fallback_due_at``, or reported failed before,
is sent again by SMS, once.

``fallbacks_sweep`` runs every second in the sender (registered in ``MessagingConfig.ready``; a safety net, so
``messaging_check`` runs it too when the sender is down). It is one transaction for its batch: the messages are
locked with SKIP LOCKED (two sweeps never take the same one), and the SMS points at the message it replaces
through ``Message.fallback_of``, which is unique: a message falls back once even if two sweeps, or a sweep on a
database without SKIP LOCKED, get to it together. The message replaced, if still waiting to be sent or retried,
is withdrawn: she is reached by SMS now, and not later twice.

The outbox knows nothing of alerts: ``fallback_queued`` (a signal, sent inside the transaction) lets the app
that queued the message link the SMS to what it announces (MIA links it to the alert and writes its timeline).
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from violeta.messaging.backends.whatsapp import body_text
from violeta.messaging.models import DUE_STATUSES, Channel, Message, MessageStatus
from violeta.messaging.services import notify

logger = logging.getLogger(__name__)

# Sent with ``original`` and ``fallback`` (the new SMS) in the sweep's transaction.
fallback_queued = Signal()

# Reported failed (or given up): the fallback goes at once, without waiting for the deadline.
FAILED_NOW = (MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.GAVE_UP)
# Reached her, or taken back: no fallback.
SETTLED = (MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.WITHDRAWN)


def fallbacks_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Queue the SMS of every message past its fallback deadline, or failed, and not delivered. Returns how many
    SMS were queued."""
    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(fallback_due_at__isnull=False)
            .filter(Q(fallback_due_at__lte=now) | Q(status__in=FAILED_NOW))
            .order_by("fallback_due_at", "id")[:limit]
        )
        for message in due:
            if message.status not in SETTLED and _fallback(message):
                queued += 1
        Message.objects.filter(pk__in=[m.pk for m in due]).update(fallback_due_at=None)
        if queued:
            notify()
    return queued


def _fallback(message: Message) -> bool:
    """One message's SMS, in the sweep's transaction; False when there is none to send (or it exists)."""
    text = body_text(message.body or "") if message.channel != Channel.SMS else message.body
    if not text:
        logger.error("message %s: no text to send again by SMS", message.pk)
        return False
    try:
        with transaction.atomic():  # a savepoint: a fallback already there must not undo the batch
            sms = Message.objects.create(
                kind=message.kind,
                to_phone=message.to_phone,
                body=text,
                channel=Channel.SMS,
                fallback_of=message,
            )
    except IntegrityError:
        return False
    Message.objects.filter(pk=message.pk, status__in=DUE_STATUSES).update(
        status=MessageStatus.WITHDRAWN, lease_until=None, last_error="sent again by SMS"
    )
    fallback_queued.send(sender=Message, original=message, fallback=sms)
    return True
