"""Configuration kept per process: what nearly every page reads and staff change a few times a year.

``kept_per_process(ttl)`` turns a function without arguments that reads such configuration (the follow-up days
per risk level, an area's id by its code, whether any custom intake field exists) into one that asks the
database at most once every ``ttl`` seconds per process. Each such read is a statement of its own, and every
statement costs a page 0.7-1.3 ms of the ORM's work whatever it returns (docs/performance.md).

What takes effect at once and what does not:

- a change made in this process: its app connects ``forget`` to the model's ``post_save`` and ``post_delete``,
  so the next read asks the database again;
- a change made in another process: seen there within ``ttl`` seconds;
- a value read inside a transaction of the application's (``transaction.atomic``) is returned but not kept: it
  may be a change that is never committed. Pages run outside one (no ``ATOMIC_REQUESTS``), so they keep it.

The tests forget every kept value before each test (``violeta/conftest.py``): a test's transaction rolls back
without any signal, and the next test may hold other rows under the same keys.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")

_ALL: list[KeptPerProcess] = []


class KeptPerProcess(Generic[T]):
    def __init__(self, read: Callable[[], T], ttl: float):
        self._read = read
        self.ttl = ttl
        self._value: T | None = None
        self._until = 0.0
        self._generation = 0  # bumped by forget(): a read that began before it is not kept
        functools.update_wrapper(self, read)

    def __call__(self) -> T:
        now = time.monotonic()
        if now < self._until:
            return self._value  # type: ignore[return-value]
        generation = self._generation
        value = self._read()
        if generation == self._generation and not _in_transaction():
            self._value, self._until = value, now + self.ttl
        return value

    def forget(self, **_signal_kwargs) -> None:
        """Read again at the next call (connected to the model's signals; called by the tests)."""
        self._generation += 1
        self._value, self._until = None, 0.0


def kept_per_process(ttl: float) -> Callable[[Callable[[], T]], KeptPerProcess[T]]:
    def decorate(read: Callable[[], T]) -> KeptPerProcess[T]:
        kept = KeptPerProcess(read, ttl)
        _ALL.append(kept)
        return kept

    return decorate


def forget_all() -> None:
    for kept in _ALL:
        kept.forget()


def _in_transaction() -> bool:
    """Whether the default connection is inside a transaction the application opened. The atomic blocks a
    test case wraps each test in (marked ``_from_testcase`` by Django, as its ``durable`` check reads them) do
    not count: in the tests a page reads and keeps as a server process does."""
    if not connection.in_atomic_block:
        return False
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
