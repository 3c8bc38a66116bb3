"""The outbox for the journeys: the task worker and the SMS sender run in the test's own thread, between steps,
as their processes would run them (the card and MIA journeys)."""

import time

from django.db import OperationalError

from violeta.alerts.tests.factories import run_tasks
from violeta.messaging.models import Message
from violeta.testing.browser import database_turn


def run_outbox() -> None:
    """The task worker and the SMS sender, once, as their processes would run (one synchronous round each).

    On SQLite the test database is shared in memory with the live server's thread, and its tables lock without
    waiting: when a request holds one, try again a moment later (a bound on retrying, not a timing assertion)."""
    for _attempt in range(40):
        try:
            with database_turn():
                run_tasks()
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    raise AssertionError("the database stayed locked")


def outbox_state() -> str:
    """One line per message (kind, channel, status, attempt, what it falls back from, sent, last error): what a
    timed-out wait prints, so a failure says where the messages stood."""
    rows = Message.objects.order_by("id").values_list(
        "id", "kind", "channel", "status", "attempt", "fallback_of_id", "sent_at", "last_error"
    )
    return (
        "\n".join(
            f"  #{pk} {kind}/{channel} {status} attempt={attempt} fallback_of={of} sent={sent} {error}".rstrip()
            for pk, kind, channel, status, attempt, of, sent, error in rows
        )
        or "  (no messages)"
    )


def until(predicate, *, what: str, timeout: float = 30.0):
    """Run the outbox and check, until ``predicate()`` gives something truthy (bounded wait, not an assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        run_outbox()
        with database_turn():
            result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            with database_turn():
                held = outbox_state()
            raise AssertionError(f"timed out waiting for {what}; the outbox held:\n{held}")
        time.sleep(0.2)
