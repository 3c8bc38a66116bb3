"""Test helpers that look under the ORM: what is really stored in a column."""

from django.db import connection


def raw_column(table: str, column: str, pk: int):
    """The stored value of ``table.column`` for row ``pk``, as the database holds it (e.g. ciphertext)."""
    quote = connection.ops.quote_name
    sql = "SELECT " + quote(column) + " FROM " + quote(table) + " WHERE id = %s"  # noqa: S608 (quoted identifiers)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


def raw_row(table: str, pk: int) -> list:
    """Every stored value of row ``pk`` of ``table``, as the database holds them."""
    sql = "SELECT * FROM " + connection.ops.quote_name(table) + " WHERE id = %s"  # noqa: S608 (quoted identifier)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return list(cursor.fetchone())
