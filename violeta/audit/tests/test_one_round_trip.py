"""On PostgreSQL outside a transaction, one event is locked, chained, inserted and committed in one round trip
(issue 22): the chain's lock is held only while the database runs the statement, never across a round trip to
the app, which under load waits for its turn at the interpreter. The database computes the hash from the
canonical bytes the app sends; ``audit_verify`` recomputes every hash in Python."""

import threading

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections
from django.test.utils import CaptureQueriesContext

from violeta.audit import chain
from violeta.audit.models import Action, AuditEvent
from violeta.audit.services import audit_record
from violeta.core import context

pytestmark = [
    pytest.mark.skipif(
        not settings.USING_POSTGRES, reason="one statement is PostgreSQL's implicit transaction"
    ),
    pytest.mark.django_db(transaction=True),
]


def _record(actor, **extra):
    return audit_record(
        actor=actor,
        action=Action.VIEW,
        object_type="card.card",
        object_id=extra.pop("object_id", 7),
        detail=extra.pop("detail", "validación en comercio — señal ñ"),
        **extra,
    )


def test_one_event_is_one_statement_and_chains_as_python_would(lawyer):
    first = _record(lawyer)
    token = context.bind(context.RequestContext(request_id="abc-123", ip="2001:db8::1"))
    try:
        with CaptureQueriesContext(connection) as sent:
            event = _record(lawyer, case_id=42, flagged=True)
    finally:
        context.reset(token)
    assert len(sent.captured_queries) == 1
    assert not connection.in_atomic_block
    assert (event.seq, event.prev_hash) == (first.seq + 1, first.hash)
    assert event.hash == chain.event_hash(chain.values_of(event), first.hash)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (event.seq, event.prev_hash, event.hash)
    assert chain.event_hash(chain.values_of(stored), stored.prev_hash) == stored.hash
    assert chain.walk().ok


def test_the_first_event_links_to_the_genesis(lawyer):
    assert not AuditEvent.objects.exists()
    event = _record(lawyer)
    assert (event.seq, event.prev_hash) == (1, chain.GENESIS)
    assert chain.walk().ok


def test_each_statement_is_prepared_once_and_the_three_go_in_one_round_trip(lawyer):
    """A prepared write of the caller's (the card's use), the chain's lock and the event, each executed by name
    (violeta.core.prepared), in one statement that commits them together."""
    from violeta.core import prepared

    marker = prepared.statement(
        "violeta_test_marker",
        "INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, %s, %s)",
        ["marca", 1, 0],
    )
    with CaptureQueriesContext(connection) as sent:
        event = _record(lawyer, before=marker)
    [one] = [q["sql"] for q in sent.captured_queries]
    assert [part.split("(")[0] for part in one.split("; ")] == [
        "EXECUTE violeta_test_marker",
        "EXECUTE violeta_audit_lock",
        "EXECUTE violeta_audit_event",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name::text FROM pg_prepared_statements WHERE name LIKE 'violeta_%%'")
        assert {"violeta_test_marker", "violeta_audit_lock", "violeta_audit_event"} <= {n for (n,) in cursor}
        cursor.execute("SELECT count FROM core_ratecounter WHERE key = 'marca'")
        assert cursor.fetchall() == [(1,)]
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert chain.walk().ok


def test_the_write_sent_before_commits_with_the_event_or_not_at_all(lawyer):
    marker = ("INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, %s, %s)", ["marca", 1, 0])
    _record(lawyer, before=marker)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count FROM core_ratecounter WHERE key = 'marca'")
        assert cursor.fetchall() == [(1,)]
    # The event cannot commit (its actor does not exist: the foreign key is checked at commit), so neither does
    # the write sent with it.
    ghost = type(lawyer)(pk=987654, email="nadie@imm.test")
    other = ("INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, %s, %s)", ["otra", 1, 0])
    count = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):
        _record(ghost, before=other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_ratecounter WHERE key = 'otra'")
        assert cursor.fetchone() == (0,)
    assert AuditEvent.objects.count() == count
    assert chain.walk().ok


def _in_threads(count: int, write) -> None:
    """``write(n)`` in ``count`` threads at once, each on its own connection; then the chain must be whole, with
    no number missing or taken twice."""
    errors = []

    def run(n):
        try:
            write(n)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = chain.walk()
    assert report.ok, report.problems


def test_writers_in_many_threads_leave_one_unbroken_chain(lawyer):
    def write(n):
        for i in range(25):
            _record(lawyer, object_id=n * 100 + i)

    _in_threads(8, write)
    assert AuditEvent.objects.count() == 200


def test_inside_a_transaction_the_event_waits_for_its_commit(lawyer):
    from django.db import transaction

    with transaction.atomic():
        with CaptureQueriesContext(connection) as sent:
            event = _record(lawyer)
        assert len(sent.captured_queries) == 2  # the lock with the tail, then the INSERT: the caller commits
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert chain.walk().ok


# --- many events (a list's reads: ``audit_many``) --------------------------------------------------------------


def _many(actor, n, *, detail="listado — ñ", start=0):
    from violeta.audit.services import audit_many
    from violeta.cases.models import Case

    audit_many(
        actor=actor,
        action=Action.VIEW,
        objects=[Case(pk=start + i) for i in range(1, n + 1)],
        detail=detail,
        case_of=lambda case: case.pk,
    )


def test_a_list_of_events_is_one_statement_and_chains_as_python_would(lawyer):
    first = _record(lawyer)
    token = context.bind(context.RequestContext(request_id="req-ñ", ip="192.0.2.7"))
    try:
        with CaptureQueriesContext(connection) as sent:
            _many(lawyer, 50)
    finally:
        context.reset(token)
    assert len(sent.captured_queries) == 1
    assert not connection.in_atomic_block
    rows = list(AuditEvent.objects.filter(seq__gt=first.seq).order_by("seq"))
    assert [row.seq for row in rows] == list(range(first.seq + 1, first.seq + 51))
    assert [row.case_id for row in rows] == list(range(1, 51))  # in the order listed
    assert [row.object_id for row in rows] == [str(pk) for pk in range(1, 51)]
    assert {(row.request_id, str(row.ip), row.detail, row.actor_id) for row in rows} == {
        ("req-ñ", "192.0.2.7", "listado — ñ", lawyer.pk)
    }
    previous = first.hash
    for row in rows:
        assert row.prev_hash == previous
        assert row.hash == chain.event_hash(chain.values_of(row), previous)
        previous = row.hash
    report = chain.walk()
    assert report.ok, report.problems


def test_a_list_on_an_empty_chain_links_to_the_genesis(lawyer):
    assert not AuditEvent.objects.exists()
    _many(lawyer, 3)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash")[:1]) == [
        (1, chain.GENESIS)
    ]
    assert chain.walk().ok


def test_lists_and_single_events_from_many_threads_leave_one_unbroken_chain(lawyer):
    def write(n):
        for i in range(10):
            _many(lawyer, 7, start=n * 1000 + i * 10)
            _record(lawyer, object_id=n * 100 + i)

    _in_threads(6, write)
    assert AuditEvent.objects.count() == 6 * 10 * 8


def test_a_list_stores_each_line_as_it_was_written_whatever_its_text(lawyer):
    """The lines travel as one JSON parameter: every value must arrive as the model holds it, quotes,
    backslashes, line breaks, accents, emoji and an empty case or IP included, under any active time zone."""
    from django.utils import timezone

    from violeta.audit.services import audit_many
    from violeta.cases.models import Case

    detail = 'listado "urgente" \\ C:\\ruta\nñ 😀 "seq":0}'
    token = context.bind(context.RequestContext(request_id='r"\\ñ', ip="2001:db8::7"))
    try:
        with timezone.override("America/Chihuahua"):
            audit_many(
                actor=lawyer,
                action=Action.VIEW,
                objects=[Case(pk=pk) for pk in (11, 12, 13)],
                detail=detail,
                case_of=lambda case: None if case.pk == 12 else case.pk,
            )
        audit_many(actor=None, action=Action.VIEW, objects=[Case(pk=14)], detail="sin sesión")
    finally:
        context.reset(token)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [(row.object_type, row.object_id, row.case_id) for row in rows] == [
        ("cases.case", "11", 11),
        ("cases.case", "12", None),
        ("cases.case", "13", 13),
        ("cases.case", "14", None),
    ]
    assert {(row.detail, row.request_id, str(row.ip), row.actor_id, row.actor_label) for row in rows[:3]} == {
        (detail, 'r"\\ñ', "2001:db8::7", lawyer.pk, lawyer.email)
    }
    assert (rows[3].actor_id, rows[3].actor_label, rows[3].flagged) == (None, "", False)
    assert rows[0].at == rows[1].at == rows[2].at  # one read of a list: one moment
    assert abs((timezone.now() - rows[0].at).total_seconds()) < 60  # the moment itself, not shifted by a zone
    report = chain.walk()
    assert report.ok, report.problems
