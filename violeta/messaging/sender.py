"""The sender: a long-running process that empties the outbox (``manage.py messaging_sender``).

One main thread owns the database connection. It claims due messages (with a lease), hands each to a pool of
threads that only talk to the provider, and records each answer as soon as it comes back, one message at a time.
Between claims it writes a heartbeat, sweeps expired leases (recovering what a dead sender or a silent provider
left "sending"), asks about silent deliveries, and runs the periodic jobs other apps registered
(``violeta.core.periodic``), such as the escalation of unanswered alerts.

On PostgreSQL a listener thread LISTENs on the outbox's channel and wakes the main thread when a transaction that
queued messages commits; elsewhere the main thread polls every ``POLL_SECONDS``.

Any database error (the server restarting, a connection cut) is logged, the connections are closed, and the
sender waits (doubling up to ``RECONNECT_MAX_SECONDS``) and carries on: it never exits on its own. Answers it
could not record stay in memory and are recorded after the reconnection; if the process dies meanwhile, the
leases run out and the sweep asks the provider.
"""

import contextlib
import logging
import os
import queue
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from violeta.core import periodic
from violeta.messaging import services
from violeta.messaging.backends import Backends, BaseSmsBackend, SendResult, SmsError, SmsUnknown, backends_of
from violeta.messaging.models import Message, SenderHeartbeat

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the provider answered for one claimed message."""

    message_id: int
    attempt: int
    result: SendResult | None = None
    error: str = ""
    unknown: bool = False
    # Set when this is the answer to "did this attempt go out?" (a lease that ran out), not to a send.
    asked: Message | None = None
    # The backend's ``lookup_settles``: a "not there" is trusted only SETTLE_SECONDS after the claim.
    settles: bool = False
    # When the provider was asked: its "not there" is as old as the question, however late the answer is recorded.
    asked_at: datetime | None = None
    # Set when this is the answer to "what became of this sent message?" (no delivery report in time).
    status_of: str | None = None
    provider_status: str | None = None


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    refused: int = 0
    unknown: int = 0
    recovered: int = 0
    database_errors: int = 0
    errors: int = 0
    job_errors: dict = field(default_factory=dict)


def send_one(backends: Backends, message: Message) -> Outcome:
    """Hand one claimed message to its channel's provider (no database access: runs in the pool's threads)."""
    outcome = Outcome(message.pk, message.attempt)
    try:
        outcome.result = backends.get(message.channel).send(
            message.to_phone, message.body, message.idempotency_key
        )
    except SmsUnknown as exc:
        outcome.unknown, outcome.error = True, str(exc) or "no answer in time"
    except SmsError as exc:
        outcome.error = str(exc) or "refused"
    except Exception as exc:  # a bug in a backend must not kill the sender: treat as unknown, asked later
        logger.exception("sms backend raised %s", type(exc).__name__)
        outcome.unknown, outcome.error = True, type(exc).__name__
    return outcome


def lookup_one(backends: Backends, message: Message) -> Outcome:
    """Ask the provider whether an attempt whose fate is unknown went out (in the pool's threads)."""
    outcome = Outcome(message.pk, message.attempt, asked=message)
    try:
        backend = backends.get(message.channel)
        outcome.settles = backend.lookup_settles
        outcome.asked_at = timezone.now()
        outcome.result = backend.lookup(message.idempotency_key, to=message.to_phone, body=message.body)
    except SmsError as exc:
        outcome.unknown, outcome.error = True, str(exc)
    except Exception as exc:
        logger.exception("sms backend lookup raised %s", type(exc).__name__)
        outcome.unknown, outcome.error = True, type(exc).__name__
    return outcome


def status_one(backends: Backends, silent: tuple[int, str, str]) -> Outcome:
    """Ask the provider what became of a sent message with no delivery report (in the pool's threads)."""
    message_id, provider_message_id, channel = silent
    outcome = Outcome(message_id, 0, status_of=provider_message_id)
    try:
        outcome.provider_status = backends.get(channel).status(provider_message_id)
    except SmsError as exc:
        outcome.unknown, outcome.error = True, str(exc)
    except Exception as exc:
        logger.exception("sms backend status raised %s", type(exc).__name__)
        outcome.unknown, outcome.error = True, type(exc).__name__
    return outcome


class Sender:
    def __init__(
        self,
        *,
        backend: BaseSmsBackend | Backends | None = None,
        concurrency: int | None = None,
        name: str = "",
    ):
        # One backend per channel (``backend``: the SMS one, or a ``Backends``); the others from the settings.
        self.backends = backends_of(backend)
        self.backends.get("sms")  # a misconfigured SMS provider shows at start, not at the first alert
        # The channels whose provider reports delivery: their silent messages are asked about.
        self.reporting = services.reporting_channels(self.backends)
        self.concurrency = concurrency or services.conf("CONCURRENCY")
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"[:120]
        self.stats = Stats()
        self.outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self.unrecorded: list[Outcome] = []
        self.in_flight = 0
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.last_run: dict[str, float] = {}
        self.pool: ThreadPoolExecutor | None = None

    # --- one step at a time (also what tests drive) --------------------------------------------------------

    def record(self) -> int:
        """Record every answer that came back, in one transaction. Returns how many.

        One commit for the round, not one per message: each commit waits for its WAL flush, and one thread
        committing message after message could not record more than about 200 a second (issue 13's benchmark).
        Each message's own writes stay as ``services`` makes them (conditional on its attempt)."""
        while True:
            try:
                self.unrecorded.append(self.outcomes.get_nowait())
            except queue.Empty:
                break
        if not self.unrecorded:
            return 0
        batch = list(self.unrecorded)
        resent = 0
        with transaction.atomic():
            services.record_sent_many(
                [(outcome.message_id, outcome.attempt, outcome.result) for outcome in batch if outcome.result]
            )
            for outcome in batch:
                if outcome.result is not None:
                    continue
                if outcome.status_of is not None:  # the provider was asked about a silent delivery
                    if not outcome.unknown:
                        services.delivery_resolve(outcome.message_id, outcome.provider_status)
                    continue
                if outcome.asked is not None:  # the provider was asked about an attempt
                    if not outcome.unknown:  # (could not ask: asked again when the new lease runs out)
                        resent += services.lookup_resolve(
                            outcome.asked, None, settles=outcome.settles, now=outcome.asked_at
                        )
                    continue
                if outcome.unknown:
                    services.record_unknown(outcome.message_id, outcome.attempt, outcome.error)
                else:
                    services.record_refused(outcome.message_id, outcome.attempt, outcome.error)
        # Only once committed: a database error leaves the whole round for the next one.
        del self.unrecorded[: len(batch)]
        found = sum(1 for outcome in batch if outcome.asked is not None and outcome.result is not None)
        if found or resent:
            logger.warning(
                "sender %s: leases ran out: %s found at the provider (recorded as sent), %s not there (sent again)",
                self.name,
                found,
                resent,
            )
        for outcome in batch:
            if outcome.status_of is not None:
                continue
            if outcome.result is not None:
                self.stats.sent += 1
            elif outcome.unknown:
                self.stats.unknown += 1
            else:
                self.stats.refused += 1
        self.in_flight -= len(batch)
        return len(batch)

    def _due(self, key: str, every: float, now: float) -> bool:
        if now - self.last_run.get(key, 0) >= every:
            self.last_run[key] = now
            return True
        return False

    def housekeeping(self, *, force: bool = False) -> None:
        """Heartbeat, lease and delivery sweeps, and the registered periodic jobs, each when it is due."""
        now = time.monotonic()
        if force or self._due("heartbeat", services.conf("HEARTBEAT_SECONDS"), now):
            self.beat()
        if force or self._due("leases", services.conf("SWEEP_SECONDS"), now):
            if self.pool is None:
                self.stats.recovered += services.leases_sweep(self.backends)
            elif self.in_flight < self.concurrency:  # asked in the threads: the main loop never waits on it
                taken = services.leases_take(limit=min(self.concurrency - self.in_flight, 200))
                self.stats.recovered += len(taken)
                self.in_flight += len(taken)
                for message in taken:
                    self._submit(message, lookup_one)
        if (force or self._due("delivery", 60, now)) and self.reporting:
            if self.pool is None:
                services.delivery_sweep(self.backends)
            elif self.in_flight < self.concurrency:  # asked in the threads, like the leases
                silent = services.delivery_take(
                    limit=min(self.concurrency - self.in_flight, 100), channels=self.reporting
                )
                self.in_flight += len(silent)
                for one in silent:
                    self._submit(one, status_one)
        for job in periodic.jobs():
            if force or self._due(job.name, job.every_seconds, now):
                try:
                    job.func()
                except DatabaseError:
                    raise
                except Exception:  # one app's job failing must not stop the messages
                    self.stats.job_errors[job.name] = self.stats.job_errors.get(job.name, 0) + 1
                    logger.exception("periodic job %s failed", job.name)

    def beat(self) -> None:
        now = timezone.now()
        updated = SenderHeartbeat.objects.filter(name=self.name).update(
            beat_at=now, sent=self.stats.sent, stopped_at=None
        )
        if not updated:
            SenderHeartbeat.objects.create(name=self.name, started_at=now, beat_at=now, sent=self.stats.sent)

    def claim(self) -> list[Message]:
        free = self.concurrency - self.in_flight if self.pool else services.conf("CLAIM_MAX")
        if free <= 0:
            return []
        claimed = services.claim(limit=min(free, services.conf("CLAIM_MAX")))
        self.stats.claimed += len(claimed)
        self.in_flight += len(claimed)
        return claimed

    def run_once(self) -> int:
        """One synchronous round, without threads (tests and ``--once``): record, housekeeping, then claim every
        due message, send each and record it. Returns how many were claimed."""
        self.record()
        self.housekeeping(force=True)
        claimed = self.claim()
        for message in claimed:
            self.outcomes.put(send_one(self.backends, message))
        self.record()
        return len(claimed)

    # --- the process ---------------------------------------------------------------------------------------

    def _submit(self, message: Message, job=send_one) -> None:
        def done(future):
            self.outcomes.put(future.result())
            self.wake.set()

        self.pool.submit(job, self.backends, message).add_done_callback(done)

    def _sleep_seconds(self) -> float:
        poll = services.conf("POLL_SECONDS")
        due = services.next_due_at()
        if due is None:
            return poll
        return max(0.01, min(poll, (due - timezone.now()).total_seconds()))

    def run(self) -> None:
        """Until SIGTERM or SIGINT: claim, send, record, sweep. Never exits on a database error."""
        self.pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="sms")
        listener = None
        if connection.vendor == "postgresql":
            listener = threading.Thread(target=self._listen, name="listen", daemon=True)
            listener.start()
        delay = 0.0
        logger.info("sender %s started (concurrency %s)", self.name, self.concurrency)
        while not self.stopping.is_set():
            try:
                if delay:
                    close_old_connections()
                self.record()
                self.housekeeping()
                claimed = self.claim()
                for message in claimed:
                    self._submit(message)
                if delay:
                    logger.warning("sender %s: database reachable again", self.name)
                    delay = 0.0
                full = self.in_flight >= self.concurrency
                if claimed and not full:
                    continue  # there may be more due at once
                # Every thread busy: an answer wakes us. Otherwise until the next message falls due, at most a poll.
                wait = services.conf("POLL_SECONDS") if full else self._sleep_seconds()
            except DatabaseError as exc:
                self.stats.database_errors += 1
                delay = min(max(delay * 2, 0.25), services.conf("RECONNECT_MAX_SECONDS"))
                logger.error(
                    "sender %s: database error (%s); retrying in %.2f s", self.name, type(exc).__name__, delay
                )
                for alias in connections:
                    with contextlib.suppress(DatabaseError):
                        connections[alias].close()
                self.stopping.wait(delay)  # not cut short by wake-ups: the database needs the time
                continue
            except (
                Exception
            ):  # a bug must not stop every message: log it, wait, go on (the lease sweep recovers)
                self.stats.errors += 1
                delay = min(max(delay * 2, 0.25), services.conf("RECONNECT_MAX_SECONDS"))
                logger.exception("sender %s: unexpected error; retrying in %.2f s", self.name, delay)
                self.stopping.wait(delay)
                continue
            self.wake.wait(wait)
            self.wake.clear()
        self._drain()
        if listener:
            listener.join(timeout=2)

    def _drain(self) -> None:
        """Stopping: let the requests in flight finish, record their answers, say goodbye."""
        self.pool.shutdown(wait=True)
        for _attempt in range(20):
            try:
                self.record()
                SenderHeartbeat.objects.filter(name=self.name).update(
                    stopped_at=timezone.now(), sent=F("sent")
                )
                break
            except DatabaseError:
                connection.close()
                time.sleep(0.5)
        logger.info("sender %s stopped: %s", self.name, self.stats)

    def _listen(self) -> None:
        """LISTEN on the outbox's channel with a connection of its own; wake the main thread on each NOTIFY."""
        import psycopg
        import psycopg.sql

        delay = 0.25
        while not self.stopping.is_set():
            try:
                params = connection.get_connection_params()
                params.pop("cursor_factory", None)
                params.pop("context", None)
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(
                        psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(services.CHANNEL))
                    )
                    self.wake.set()  # anything queued while we were not listening
                    delay = 0.25
                    while not self.stopping.is_set():
                        for _notice in conn.notifies(timeout=1.0, stop_after=1):
                            self.wake.set()
            except Exception as exc:  # the server went away: try again, as the main thread does
                logger.warning("sender listener: %s; reconnecting in %.2f s", type(exc).__name__, delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, services.conf("RECONNECT_MAX_SECONDS"))

    def stop(self, *_args) -> None:
        self.stopping.set()
        self.wake.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)


def deliver_due(*, backend: BaseSmsBackend | None = None, rounds: int = 10) -> int:
    """Send every message that is due now, synchronously, as the sender would (tests, ``--once``)."""
    sender = Sender(backend=backend)
    total = 0
    for _round in range(rounds):
        claimed = sender.run_once()
        total += claimed
        if not claimed:
            break
    return total
