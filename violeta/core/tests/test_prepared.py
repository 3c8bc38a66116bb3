"""Named prepared statements (violeta.core.prepared): prepared once per PostgreSQL connection, sent as written
elsewhere, and still correct after a rollback or on a new connection."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from violeta.core import prepared

SQL = "SELECT %s::int + %s::int, 'a%%b'"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def on_server() -> set[str]:
    """The statements the database session itself holds."""
    return set(run("SELECT array_agg(name::text) FROM pg_prepared_statements", None)[0] or [])


def run(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_placeholders_are_numbered_as_postgresql_numbers_them():
    assert prepared.numbered("SELECT %s = %s, x LIKE 'a%%'") == "SELECT $1 = $2, x LIKE 'a%'"
    assert prepared.numbered("SELECT 1") == "SELECT 1"


def test_a_name_that_could_carry_sql_is_refused(db, monkeypatch):
    monkeypatch.setattr(prepared, "applies", lambda: True)
    with pytest.raises(ValueError):
        prepared.statement("x; DROP TABLE y", SQL, [1, 2])


def test_with_server_side_binding_or_on_sqlite_the_statement_goes_as_written(db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"server_side_binding": True})
    assert prepared.statement("violeta_test_sum", SQL, [1, 2]) == (SQL, [1, 2])


@on_postgresql
def test_prepared_once_per_connection_then_executed_by_name(db):
    with CaptureQueriesContext(connection) as first:
        sql, params = prepared.statement("violeta_test_sum", SQL, [1, 2])
        assert run(sql, params) == (3, "a%b")
    # Prepared on the driver's connection, as Django sets a connection up: not among a request's statements.
    assert [q["sql"] for q in first.captured_queries] == ["EXECUTE violeta_test_sum(1, 2)"]
    assert "violeta_test_sum" in on_server() and "violeta_test_sum" in prepared.held()
    with CaptureQueriesContext(connection) as second:
        sql, params = prepared.statement("violeta_test_sum", SQL, [40, 2])
        assert run(sql, params) == (42, "a%b")
    assert [q["sql"] for q in second.captured_queries] == ["EXECUTE violeta_test_sum(40, 2)"]


@on_postgresql
def test_a_new_connection_prepares_again(transactional_db):
    assert run(*prepared.statement("violeta_test_sum", SQL, [1, 1])) == (2, "a%b")
    connection.close()  # a restart, a connection closed for its age or for an error
    assert prepared.held() == set()
    assert "violeta_test_sum" not in on_server()
    assert run(*prepared.statement("violeta_test_sum", SQL, [2, 2])) == (4, "a%b")
    assert "violeta_test_sum" in on_server()


@on_postgresql
def test_a_statement_prepared_in_a_transaction_that_rolled_back_is_still_there(transactional_db):
    """What the bookkeeping relies on: PREPARE is not undone with the transaction it was sent in."""

    class Undone(Exception):
        pass

    connection.close()
    with pytest.raises(Undone), transaction.atomic():
        prepared.statement("violeta_test_sum", SQL, [1, 1])
        raise Undone
    assert "violeta_test_sum" in prepared.held() and "violeta_test_sum" in on_server()
    assert run(*prepared.statement("violeta_test_sum", SQL, [5, 5])) == (10, "a%b")
