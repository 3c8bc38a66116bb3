"""Reads of the outbox's health: is the database there, is a sender beating, is anything waiting too long.

``outbox_state()`` is what ``/readyz``, ``/api/v1/health``, the console's banner and ``manage.py messaging_check``
all read, so the four never disagree. Only counts and ages: nothing in it says who a message was for.

The checks, each named in ``failing`` when it fails:

- ``database``: a query answered.
- ``sender``: the freshest heartbeat of any sender is at most ``HEARTBEAT_MAX_AGE_SECONDS`` old. A sender that
  stopped cleanly counts until its last beat grows old, so a restart (stop, start) is not an outage.
- ``outbox``: no message has been due (pending or failed, its next attempt reached) for longer than
  ``DUE_MAX_AGE_SECONDS``: the outbox is moving.

Messages that gave up are counted (and alarmed by ``violeta.messaging.alarms``) but do not make the service
unready: sending again would not help them, and the monitors are told.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.messaging.models import DUE_STATUSES, Message, MessageStatus, SenderHeartbeat

logger = logging.getLogger(__name__)

# Messages that gave up stay on the console's banner this long after the monitors were told.
GAVE_UP_SHOWN_FOR = timedelta(hours=24)

CHECKS = ("database", "sender", "outbox")


def _conf(key: str) -> float:
    return settings.MESSAGING[key]


def _age(then: datetime | None, now: datetime) -> float | None:
    return None if then is None else max(0.0, round((now - then).total_seconds(), 1))


@dataclass(frozen=True)
class OutboxState:
    """The outbox's health at ``checked_at``. Ages in seconds; ``None`` when there is nothing to measure."""

    checked_at: datetime
    database: bool
    heartbeat_max_age: float
    due_max_age: float
    # Seconds since the freshest heartbeat of any sender (None: no sender ever beat).
    heartbeat_age: float | None = None
    # Senders beating now (not stopped, beat within the maximum age).
    senders_running: int = 0
    # Messages due now (pending or failed, their next attempt reached), and how long the oldest has waited.
    due: int = 0
    oldest_due_age: float | None = None
    # "Sending" messages whose lease ran out (a sender died holding them; the next sweep recovers them).
    leases_expired: int = 0
    # Messages that gave up: not yet told to the monitors, and shown on the banner (recent ones).
    gave_up_unalarmed: int = 0
    gave_up_recent: int = 0

    @property
    def sender_ok(self) -> bool:
        return self.heartbeat_age is not None and self.heartbeat_age <= self.heartbeat_max_age

    @property
    def outbox_ok(self) -> bool:
        return self.oldest_due_age is None or self.oldest_due_age <= self.due_max_age

    @property
    def failing(self) -> list[str]:
        """The checks that fail, in the order of ``CHECKS``. With the database down, nothing else is known."""
        if not self.database:
            return ["database"]
        return [name for name, ok in (("sender", self.sender_ok), ("outbox", self.outbox_ok)) if not ok]

    @property
    def ok(self) -> bool:
        return not self.failing

    def as_json(self) -> dict:
        """The body of ``/readyz``: each check with its figures (counts and ages only)."""
        failing = self.failing
        checks = {"database": {"ok": self.database}}
        if self.database:
            checks["sender"] = {
                "ok": self.sender_ok,
                "heartbeat_age_seconds": self.heartbeat_age,
                "max_age_seconds": self.heartbeat_max_age,
                "running": self.senders_running,
            }
            checks["outbox"] = {
                "ok": self.outbox_ok,
                "due": self.due,
                "oldest_due_age_seconds": self.oldest_due_age,
                "max_age_seconds": self.due_max_age,
                "leases_expired": self.leases_expired,
                "gave_up_unalarmed": self.gave_up_unalarmed,
                "gave_up_last_24h": self.gave_up_recent,
            }
        return {
            "status": "ok" if not failing else "unavailable",
            "failing": failing,
            "checks": checks,
            "checked_at": self.checked_at.isoformat(),
        }

    def summary(self) -> str:
        """One line for a log or a cron mail: ``ok`` or ``unhealthy``, then every figure."""
        if not self.database:
            return "unhealthy: database unreachable"
        heartbeat = "never" if self.heartbeat_age is None else f"{self.heartbeat_age:.0f}s"
        oldest = "-" if self.oldest_due_age is None else f"{self.oldest_due_age:.0f}s"
        return (
            f"{'ok' if self.ok else 'unhealthy'}: "
            f"{' '.join(f'{name}=failing' for name in self.failing) + ' ' if self.failing else ''}"
            f"heartbeat={heartbeat} senders={self.senders_running} due={self.due} oldest_due={oldest} "
            f"leases_expired={self.leases_expired} gave_up_unalarmed={self.gave_up_unalarmed}"
        )


def outbox_state(*, now: datetime | None = None) -> OutboxState:
    """The outbox's health, in two small queries: the heartbeats (one row per sender process), and the messages
    not sent yet (through ``Message``'s status index). A database error gives ``database=False``, never raises."""
    now = now or timezone.now()
    limits = {
        "heartbeat_max_age": _conf("HEARTBEAT_MAX_AGE_SECONDS"),
        "due_max_age": _conf("DUE_MAX_AGE_SECONDS"),
    }
    try:
        beats = SenderHeartbeat.objects.aggregate(
            last=Max("beat_at"),
            running=Count(
                "pk",
                filter=Q(
                    stopped_at__isnull=True,
                    beat_at__gte=now - timedelta(seconds=limits["heartbeat_max_age"]),
                ),
            ),
        )
        # One pass over the rows that are not sent yet (the status index): the sent and delivered majority is
        # never read.
        due = Q(status__in=DUE_STATUSES, next_attempt_at__lte=now)
        unalarmed = Q(status=MessageStatus.GAVE_UP, alarm_sent_at__isnull=True)
        outbox = Message.objects.filter(
            status__in=[*DUE_STATUSES, MessageStatus.SENDING, MessageStatus.GAVE_UP]
        ).aggregate(
            due=Count("pk", filter=due),
            oldest=Min("next_attempt_at", filter=due),
            leases_expired=Count("pk", filter=Q(status=MessageStatus.SENDING, lease_until__lte=now)),
            gave_up_unalarmed=Count("pk", filter=unalarmed),
            gave_up_recent=Count(
                "pk",
                filter=unalarmed
                | Q(status=MessageStatus.GAVE_UP, alarm_sent_at__gte=now - GAVE_UP_SHOWN_FOR),
            ),
        )
    except DatabaseError as exc:
        logger.error("outbox health: database unreachable (%s)", type(exc).__name__)
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
        return OutboxState(checked_at=now, database=False, **limits)
    return OutboxState(
        checked_at=now,
        database=True,
        heartbeat_age=_age(beats["last"], now),
        senders_running=beats["running"],
        due=outbox["due"],
        oldest_due_age=_age(outbox["oldest"], now),
        leases_expired=outbox["leases_expired"],
        gave_up_unalarmed=outbox["gave_up_unalarmed"],
        gave_up_recent=outbox["gave_up_recent"],
        **limits,
    )


def duration(seconds: float | None) -> str:
    """A duration as staff read it: "45 s", "3 min", "1 h 5 min"."""
    seconds = int(seconds or 0)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    if seconds < 3600:
        return _("%(n)d min") % {"n": seconds // 60}
    return _("%(h)d h %(m)d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
