"""Keyset pagination: "siguiente / anterior" by where the page ends, not by how many rows come before it.

An offset (``?page=100``) makes the database read and throw away every row before the page, and a page number
needs the count of every row; at a state's 300,000 case files both grow with the institute. A keyset page asks
for the rows after (or before) the last (first) one shown, in the list's order, through the index of that
order: page 100 costs what page 1 does, and nothing is counted.

The position travels as an opaque, signed cursor (``?cursor=…``): the ordering values of the row at the edge of
the page (a case's priority, the moment it was opened and its id), never a name or anything about her. A
cursor that does not verify gives the first page.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime

SALT = "violeta.cases.keyset"
NEXT, PREVIOUS = "n", "p"


@dataclass
class KeysetPage:
    """One page: its rows and the cursors of the pages beside it ("" when there is none)."""

    object_list: list
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def _encode(direction: str, values: tuple) -> str:
    return signing.dumps(
        [direction, *(v.isoformat() if isinstance(v, datetime) else v for v in values)],
        salt=SALT,
        compress=True,
    )


def _decode(cursor: str | None, kinds: tuple) -> tuple[str, tuple] | None:
    if not cursor:
        return None
    try:
        direction, *raw = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if direction not in (NEXT, PREVIOUS) or len(raw) != len(kinds):
        return None
    values = []
    for kind, value in zip(kinds, raw, strict=True):
        if kind is datetime:
            value = parse_datetime(value) if isinstance(value, str) else None
        if value is None or (kind is not datetime and not isinstance(value, kind)):
            return None
        values.append(value)
    return direction, tuple(values)


def _beyond(rows: QuerySet, fields: tuple[str, ...], values: tuple, op: str) -> QuerySet:
    """``rows`` whose (fields) compare ``op`` to ``values`` as a row value: one range of the order's index."""
    model = rows.model
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        f"{table}.{connection.ops.quote_name(model._meta.get_field(f).column)}" for f in fields
    )
    params = []
    for name, value in zip(fields, values, strict=True):
        if isinstance(value, datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        elif isinstance(model._meta.get_field(name), BooleanField):
            value = bool(value)
        params.append(value)
    marks = ", ".join(["%s"] * len(params))
    # Column names from the model, quoted; values as parameters: nothing typed reaches the SQL text.
    return rows.filter(RawSQL(f"({columns}) {op} ({marks})", params, output_field=BooleanField()))  # noqa: S611


def keyset_page(rows: QuerySet, *, fields: tuple[str, ...], kinds: tuple, cursor: str | None, per_page: int):
    """The page of ``rows`` at ``cursor`` (the first page without one), ordered by ``fields`` descending (the
    last one unique, e.g. the id). ``kinds``: each field's Python type, to check a cursor's values."""
    position = _decode(cursor, kinds)
    descending = [f"-{f}" for f in fields]
    if position is None:
        shown = list(rows.order_by(*descending)[: per_page + 1])
        more_after, more_before = len(shown) > per_page, False
        shown = shown[:per_page]
    elif position[0] == NEXT:
        shown = list(_beyond(rows, fields, position[1], "<").order_by(*descending)[: per_page + 1])
        more_after, more_before = len(shown) > per_page, True
        shown = shown[:per_page]
    else:
        shown = list(_beyond(rows, fields, position[1], ">").order_by(*fields)[: per_page + 1])
        more_after, more_before = True, len(shown) > per_page
        shown = shown[:per_page][::-1]

    if not shown and position is not None:  # the rows beside the cursor are gone: start over
        return keyset_page(rows, fields=fields, kinds=kinds, cursor=None, per_page=per_page)

    def edge(row):
        return tuple(getattr(row, f) for f in fields)

    return KeysetPage(
        object_list=shown,
        next_cursor=_encode(NEXT, edge(shown[-1])) if shown and more_after else "",
        previous_cursor=_encode(PREVIOUS, edge(shown[0])) if shown and more_before else "",
    )
