"""Reads for statistics on a PostgreSQL read replica, when one is configured (``DATABASE_REPLICA_URL``).

Only code that asks for it reads there: a block inside ``replica_reads()`` (the reports' indicators,
``violeta.reports.indicators.base``). Inside such a block a read goes to the replica alias ``replica`` unless

- the replica is not configured (the alias does not exist): everything stays on ``default``;
- the read is inside a transaction (``transaction.atomic``): it must see what the transaction sees;
- this request (or, outside a request, this block) has already written: it must see its own write.

A write never goes to the replica: ``db_for_write`` is always ``default``, and nothing is migrated there.
``replica_status()`` tells the dashboard how far behind the replica is (``pg_last_xact_replay_timestamp()``).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_wanted: ContextVar[int] = ContextVar("violeta_replica_reads", default=0)
_wrote: ContextVar[bool] = ContextVar("violeta_wrote", default=False)
_in_request: ContextVar[bool] = ContextVar("violeta_in_request", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Let the reads of this block go to the replica (see the module's rules). Nests. Outside a request (a task,
    a command) what was written before the block is committed or the block is in its transaction; inside a
    request a write before the block keeps its reads on ``default``."""
    outermost = _wanted.get() == 0
    token = _wanted.set(_wanted.get() + 1)
    wrote = _wrote.set(False) if outermost and not _in_request.get() else None
    try:
        yield
    finally:
        _wanted.reset(token)
        if wrote is not None:
            _wrote.reset(wrote)


def _request_started(**kwargs) -> None:
    """A new request has written nothing yet (a thread of a server serves one request after another)."""
    _wrote.set(False)
    _in_request.set(True)


def _request_finished(**kwargs) -> None:
    _in_request.set(False)


request_started.connect(_request_started, dispatch_uid="violeta_db_router_request_started")
request_finished.connect(_request_finished, dispatch_uid="violeta_db_router_request_finished")


def _in_transaction() -> bool:
    """Inside ``transaction.atomic`` on the default database; the atomic block a test case wraps each test in
    (Django marks it ``_from_testcase``) is not the application's transaction and does not count."""
    connection = connections[DEFAULT_DB_ALIAS]
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` in the settings; does nothing until a replica is configured."""

    def db_for_read(self, model, **hints):
        if _wanted.get() and not _wrote.get() and replica_configured() and not _in_transaction():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by replication


@dataclass(frozen=True)
class ReplicaStatus:
    configured: bool  # a replica alias exists
    standby: bool  # it is a PostgreSQL standby (in recovery)
    lag_seconds: float  # how far its last replayed transaction is behind (0 when it has replayed all it got)


def replica_status() -> ReplicaStatus:
    """Where the statistics are read from, and how far behind: asked of the replica itself."""
    if not replica_configured():
        return ReplicaStatus(configured=False, standby=False, lag_seconds=0.0)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), CASE WHEN NOT pg_is_in_recovery() "
            "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        standby, lag = cursor.fetchone()
    return ReplicaStatus(configured=True, standby=bool(standby), lag_seconds=max(float(lag), 0.0))
