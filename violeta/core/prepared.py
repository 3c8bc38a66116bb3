"""Named prepared statements on PostgreSQL, for the few fixed statements a hot path sends on every request.

The card validation's look-up and use, and the audit chain's lock and INSERT, are parsed and planned by
PostgreSQL on every execution when sent as text: for the card's look-up that is two thirds of its server CPU
(0.22 ms an execution as text, 0.07 prepared; measured 2026-12-07). ``statement`` turns one into ``EXECUTE name(…)``, prepared once per
connection. The parameters are still bound on the client, as every statement Django sends, so a caller may
still join several in one round trip (``"; ".join``).

``PREPARE`` lasts as long as the database session and is not transactional: once sent it stays, whatever
becomes of the transaction it was sent in (a rollback, a failed statement after it). Which names a connection
holds is kept beside its psycopg connection in a weak mapping, so a new connection (a restart of the server, a
connection closed for its age or for an error) starts with none and prepares them again.

Elsewhere the statement is sent as written: on SQLite, and with ``server_side_binding`` (psycopg then prepares
by itself). A bouncer in transaction mode in front of PostgreSQL would hand one client's prepared statements to
another session: docs/deployment.md asks for a direct connection (or session mode).
"""

import re
import weakref

from django.db import connection

NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_held: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def applies() -> bool:
    """Whether statements are prepared on the default connection: PostgreSQL with client-side binding."""
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    )


def numbered(sql: str) -> str:
    """``sql``'s ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``… (its ``%%`` as ``%``)."""
    parts = sql.split("%s")
    out = [part + f"${n}" for n, part in enumerate(parts[:-1], start=1)]
    return ("".join(out) + parts[-1]).replace("%%", "%")


def statement(name: str, sql: str, params) -> tuple[str, list]:
    """``sql`` with ``params``, to send on the default connection: ``EXECUTE name(%s, …)`` where statements are
    prepared (preparing it first, in a round trip of its own once per connection, if this one does not hold it
    yet), else ``sql`` itself. ``name`` must be unique to ``sql`` in the whole program."""
    params = list(params)
    if not applies():
        return sql, params
    if not NAME.fullmatch(name):
        raise ValueError(f"not a statement name: {name!r}")
    connection.ensure_connection()
    held = _held.setdefault(connection.connection, set())
    if name not in held:
        # On the driver's connection, as Django sends its own set-up of a connection (time zone, role): once per
        # connection, so not in the statements a request is counted to send.
        with connection.wrap_database_errors:
            connection.connection.execute(f"PREPARE {name} AS {numbered(sql)}").close()
        held.add(name)
    if not params:
        return f"EXECUTE {name}", params
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params


def held() -> set[str]:
    """The names the default connection holds (for tests)."""
    if connection.connection is None:
        return set()
    return set(_held.get(connection.connection, ()))
