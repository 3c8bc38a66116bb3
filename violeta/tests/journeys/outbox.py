"""The outbox for the journeys: the task worker and the SMS sender run in the test's own thread, between steps,
as their processes would run them (the card and MIA journeys)."""

import time

from django.db import OperationalError

from violeta.alerts.tests.factories import run_tasks
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
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
