import datetime
import functools
import json
import logging

from django.core.paginator import Page, Paginator
from django.db import connection, models, transaction
from django.utils import timezone

from violeta.audit import chain
from violeta.audit.models import Action, AuditEvent
from violeta.core import context, prepared

# A copy of each event, as one JSON line, for a file or syslog outside the database (settings: AUDIT_LOG_FILE,
# AUDIT_SYSLOG_ADDRESS). Rows hold no personal data by design, so neither does the copy.
copy_logger = logging.getLogger("violeta.audit")


def _copy_line(event: AuditEvent) -> str:
    values = chain.values_of(event)
    values["at"] = event.at.isoformat()
    values["ip"] = str(event.ip) if event.ip else ""
    values["prev_hash"] = event.prev_hash
    values["hash"] = event.hash
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def _copy_on_commit(events) -> None:
    """Send the events to the configured copy once their transaction commits (a rolled-back event never was)."""
    if not copy_logger.hasHandlers():
        return
    lines = [_copy_line(event) for event in events]

    def send():
        for line in lines:
            copy_logger.info(line)

    transaction.on_commit(send, robust=True)


@functools.cache
def _insert_sql(vendor: str) -> tuple[str, tuple]:
    """One event's INSERT … RETURNING id, written once: what ``save()`` sends, without building it each time."""
    fields = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    table, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    columns, marks = ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    # Quoted names from the model's own metadata; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608
    return sql, fields


def _insert_one(event: AuditEvent) -> None:
    sql, fields = _insert_sql(connection.vendor)
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


# The chain's own columns: filled by the database in ``_chained_insert_sql``.
CHAIN_COLUMNS = ("seq", "prev_hash", "hash")


def _chained_parts() -> tuple:
    """What the chained INSERTs name: the fields the app sends (all but the key and the chain's own columns),
    the quoted table, key and columns, and the chain's columns (filled by the database)."""
    fields = tuple(
        f for f in AuditEvent._meta.concrete_fields if not f.primary_key and f.attname not in CHAIN_COLUMNS
    )
    quote = connection.ops.quote_name
    table, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    return fields, table, pk, columns, tuple(quote(c) for c in CHAIN_COLUMNS)


def _locked(name: str, sql: str, params: list) -> tuple[str, list]:
    """The chain's lock, then ``sql`` (prepared as ``name``): two statements to send as one round trip, each
    planned once per connection (``violeta.core.prepared``)."""
    lock, lock_params = prepared.statement("violeta_audit_lock", chain.LOCK_SQL, [chain.ADVISORY_LOCK_KEY])
    insert, insert_params = prepared.statement(name, sql, params)
    return f"{lock}; {insert}", [*lock_params, *insert_params]


@functools.cache
def _chained_insert_sql() -> tuple[str, tuple]:
    """PostgreSQL: one event's INSERT, chained by the database; sent after the chain's lock (``_locked``) in the
    same round trip.

    The INSERT runs after the lock, in a statement of its own (so with a snapshot that sees the previous writer's
    committed row): it reads the tail and computes ``sha256(canonical + prev_hash)`` from the canonical bytes up
    to the sequence number (``chain.canonical_prefix``): the bytes ``chain.event_hash`` hashes, as ``audit_verify``
    checks. Parameters: the genesis hash, the event's other fields, the canonical prefix.
    """
    fields, table, pk, columns, (seq, prev_hash, digest) = _chained_parts()
    marks = ", ".join(["%s"] * len(fields))
    # Quoted names from the model's own metadata; every value is a parameter.
    sql = (
        "WITH n AS (SELECT COALESCE(t.seq, 0) + 1 AS seq, COALESCE(t.hash, %s) AS prev"  # noqa: S608
        f" FROM (SELECT 1) AS one LEFT JOIN LATERAL ({chain.TAIL_SQL}) AS t ON true) "
        f"INSERT INTO {table} ({columns}, {seq}, {prev_hash}, {digest}) VALUES ({marks},"
        " (SELECT seq FROM n), (SELECT prev FROM n),"
        " (SELECT encode(sha256(%s || convert_to(n.seq::text || '}' || n.prev, 'UTF8')), 'hex') FROM n))"
        f" RETURNING {pk}, {seq}, {prev_hash}, {digest}"
    )
    return sql, fields


@functools.cache
def _chained_insert_many_sql() -> tuple[str, tuple]:
    """PostgreSQL: N events' INSERT, chained by the database; sent after the chain's lock (``_locked``) in the
    same round trip.

    As ``_chained_insert_sql`` for one event: after the lock, one statement reads the tail, then a recursive
    query walks the events in their order, each hashed as ``sha256(canonical prefix + seq + "}" + previous
    hash)``: the bytes ``chain.event_hash`` hashes and ``audit_verify`` checks. The events go as one JSON
    array of objects (``json_to_recordset … WITH ORDINALITY``: each column typed as the model's own
    ``db_type``, the events' order kept), so the statement is the same for any number, and one text parameter
    is all psycopg has to send: a dozen arrays of fifty values each cost the app more than the database's
    whole INSERT. Parameters: the genesis hash, the events as JSON.
    """
    fields, table, pk, columns, (seq, prev_hash, digest) = _chained_parts()
    quote = connection.ops.quote_name
    # The record's columns are the model's, typed as the model types them, plus the canonical prefix ("p").
    defs = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    names = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(f"e.{quote(f.column)}" for f in fields)
    sql = (
        "WITH RECURSIVE tail AS (SELECT COALESCE(t.seq, 0) AS seq, COALESCE(t.hash, %s) AS hash"  # noqa: S608
        f" FROM (SELECT 1) AS one LEFT JOIN LATERAL ({chain.TAIL_SQL}) AS t ON true),"
        f" e AS (SELECT r.*, convert_to(r.p, 'UTF8') AS prefix FROM ROWS FROM"
        f" (json_to_recordset(%s::json) AS ({defs}, p text)) WITH ORDINALITY AS r({names}, p, n)),"
        " c AS (SELECT 0::bigint AS n, seq::bigint, hash::text, ''::text AS prev FROM tail UNION ALL"
        " SELECT c.n + 1, c.seq + 1,"
        " encode(sha256(e.prefix || convert_to((c.seq + 1)::text || '}' || c.hash, 'UTF8')), 'hex'), c.hash"
        " FROM c JOIN e ON e.n = c.n + 1) "
        f"INSERT INTO {table} ({columns}, {seq}, {prev_hash}, {digest})"
        f" SELECT {values}, c.seq, c.prev, c.hash FROM e JOIN c ON c.n = e.n ORDER BY e.n"
        f" RETURNING {pk}, {seq}, {prev_hash}, {digest}"
    )
    return sql, fields


def _prepared(field, values: list) -> list:
    """``field.get_db_prep_save`` of each value, each distinct value prepared once: a list's events share their
    moment, actor, action, detail, request and IP (the IP is parsed to be prepared), and differ in a few fields
    only."""
    done: dict = {}
    prepared = []
    for value in values:
        try:
            prepared.append(done[value])
        except KeyError:
            done[value] = field.get_db_prep_save(value, connection)
            prepared.append(done[value])
        except TypeError:  # unhashable: prepared as it is
            prepared.append(field.get_db_prep_save(value, connection))
    return prepared


def _json_ready(value):
    """A prepared value JSON has no type for, as PostgreSQL reads it back: a datetime (aware: USE_TZ) in ISO 8601
    with its offset and microseconds, an IP address (``Inet``) as its text."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def _events_json(events: list[AuditEvent], fields) -> str:
    """The events as ``_chained_insert_many_sql`` reads them: one JSON object per event, its columns' prepared
    values and its canonical prefix ("p", the UTF-8 text the database converts back to the same bytes)."""
    keys = [f.column for f in fields]
    columns = [_prepared(f, [getattr(event, f.attname) for event in events]) for f in fields]
    rows = []
    for event, row in zip(events, zip(*columns, strict=True), strict=True):
        record = dict(zip(keys, row, strict=True))
        record["p"] = chain.canonical_prefix(chain.values_of(event)).decode()
        rows.append(record)
    return json.dumps(rows, default=_json_ready, ensure_ascii=False, separators=(",", ":"))


def _insert_many_chained(events: list[AuditEvent]) -> None:
    """Lock, chain, insert and commit the events in one round trip (``_chained_insert_many_sql``)."""
    sql, fields = _chained_insert_many_sql()
    sql, params = _locked("violeta_audit_events", sql, [chain.GENESIS, _events_json(events, fields)])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.nextset()
        rows = sorted(cursor.fetchall(), key=lambda row: row[1])  # by seq: the events' order
    if len(rows) != len(events):
        raise RuntimeError(f"{len(events)} audit events sent, {len(rows)} written")
    for event, row in zip(events, rows, strict=True):
        event.pk, event.seq, event.prev_hash, event.hash = row
        event._state.adding, event._state.db = False, connection.alias


def _in_one_statement() -> bool:
    """Whether an event can be chained and committed by one round trip: on PostgreSQL, outside a transaction
    (several statements sent as one are one transaction there, committed at their end), with the client-side
    binding that sends them as one."""
    return (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and not connection.in_atomic_block
        and not connection.settings_dict["OPTIONS"].get("server_side_binding")
    )


def _insert_chained(event: AuditEvent, before: tuple[str, list] | None) -> None:
    """Lock, chain, insert and commit one event (and ``before``) in one round trip: the chain's lock is held
    only while the database runs them, never across a round trip to this process."""
    sql, fields = _chained_insert_sql()
    values = [
        chain.GENESIS,
        *(f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields),
        chain.canonical_prefix(chain.values_of(event)),
    ]
    sql, params = _locked("violeta_audit_event", sql, values)
    if before is not None:
        sql, params = f"{before[0]}; {sql}", [*before[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for _ in range(2 if before is not None else 1):
            cursor.nextset()
        event.pk, event.seq, event.prev_hash, event.hash = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias


def _append(events: list[AuditEvent], before: tuple[str, list] | None = None) -> None:
    """Chain the events onto the tail and insert them in one statement, holding the chain's lock.

    ``before``: one write of the caller's sent in the same round trip as the lock (``chain.lock_tail``), and
    committed with the events. Outside a transaction on PostgreSQL: one round trip in all, for one event (with
    ``before``) or for many (without).
    """
    if not events:
        return
    if _in_one_statement() and (len(events) == 1 or before is None):
        if len(events) == 1:
            _insert_chained(events[0], before)
        else:
            _insert_many_chained(events)
        _copy_on_commit(events)  # committed already: sent at once
        return
    with transaction.atomic(savepoint=False):
        chain.link(events, chain.lock_tail(before))
        if len(events) > 1:
            AuditEvent.objects.bulk_create(events)
        elif connection.features.can_return_columns_from_insert:
            _insert_one(events[0])
        else:
            events[0].save()
        _copy_on_commit(events)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    case_id: int | None = None,
    detail: str = "",
    flagged: bool = False,
    actor_label: str = "",
    before: tuple[str, list] | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction, with the request id and IP of the current request.

    Callers pass the case an object belongs to, so "who saw or changed this case" is one indexed query.
    ``detail`` must never hold personal data: it says *what part* was read ("notas de psicología"), not what
    it said. ``before``: one write of the caller's (SQL, parameters) to send in the same round trip as the
    chain's lock, e.g. the row the event is about.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=user,
        actor_label=actor_label or (user.email if user else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        case_id=case_id,
        detail=detail[:255],
        flagged=flagged,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )
    _append([event], before)
    return event


def audit_denied(
    *, actor, object_type: str, object_id: str | int, case_id: int | None = None, detail=""
) -> None:
    """Record a refused access. Callers must not be inside a transaction that the 404 will roll back."""
    audit_record(
        actor=actor,
        action=Action.ACCESS_DENIED,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        detail=detail,
        flagged=True,
    )


@functools.cache
def _field_order() -> tuple:
    """The event's columns in the model's order, as ``AuditEvent(*values)`` takes them: (attribute, field)."""
    return tuple((f.attname, f) for f in AuditEvent._meta.concrete_fields)


def audit_many(*, actor, action: str, objects, detail: str = "", case_of=None) -> None:
    """One event per object in a single INSERT (one segment of the chain): for lists and search results that
    show personal data."""
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    # The lines differ in their object and case only. Each is built from the model's columns in order (Django's
    # fast path, as rows read from the database are): by keywords, 50 lines cost half a millisecond more.
    shared = {
        "at": timezone.now(),  # one read of a list: one moment for all its lines
        "actor_id": user.pk if user else None,
        "actor_label": user.email if user else "",
        "action": action,
        "detail": detail[:255],
        "flagged": False,
        "request_id": ctx.request_id,
        "ip": ctx.ip,
        "prev_hash": "",
        "hash": "",
    }
    order = _field_order()
    events = []
    for obj in objects:
        values = {
            **shared,
            "object_type": obj._meta.label_lower,
            "object_id": str(obj.pk),
            "case_id": case_of(obj) if case_of else None,
        }
        # A column not named here (the key, the sequence, any added later) takes the model's own default.
        events.append(AuditEvent(*(values[name] if name in values else f.get_default() for name, f in order)))
    _append(events)


def audited_page(*, actor, rows, page, per_page: int, detail: str, audited=None, case_of=None) -> Page:
    """One page of ``rows`` (``Paginator.get_page``: a bad or out-of-range number gives the first or last page),
    its reads audited: one VIEW event per row shown, or per ``audited(row)`` (e.g. the case of a plan). For the
    selectors behind list pages, so a list view cannot forget to audit what it shows."""
    shown = Paginator(rows, per_page).get_page(page)
    objects = [audited(row) for row in shown.object_list] if audited else shown.object_list
    audit_many(actor=actor, action=Action.VIEW, objects=objects, detail=detail, case_of=case_of)
    return shown
