"""Durations between two moments, and their median, percentiles and mean, computed by the database.

**Seconds between two datetimes.** ``SecondsBetween(end, start)`` is a float expression, usable in
``annotate``, ``aggregate`` and ``order_by``: ``EXTRACT(EPOCH FROM end - start)`` on PostgreSQL,
``(julianday(end) - julianday(start)) * 86400`` on SQLite, rounded to milliseconds (a Julian day is a double:
the difference carries some 0.00003 s of noise, which the rounding takes away). Null when either moment is.

**Percentiles.** PostgreSQL has ``percentile_cont``; SQLite has no twin. ``summary`` asks PostgreSQL for it in
the same aggregate as the count and the mean (one query per figure, grouped if asked). Elsewhere it counts
first, then reads only the one or two values each percentile needs, in order, with ``LIMIT``/``OFFSET``: the
database sorts, Python never sees more than two values per percentile and group, and the answer is the same
linear interpolation as ``percentile_cont`` (rank ``p × (n − 1)`` between the values around it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, Q, QuerySet


class SecondsBetween(Func):
    """``end - start`` in seconds (float), ``None`` when either is null."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # pragma: no cover - other databases
        raise NotImplementedError(f"SecondsBetween has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))::float", arg_joiner=" - "
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def _key(fraction: float) -> str:
    return f"p{round(fraction * 100):d}"


def summary(
    rows: QuerySet, expression, fractions: Sequence[float] = (0.5,), *, group_by: str | None = None
) -> dict:
    """The count, the mean and the percentiles ``fractions`` of ``expression`` over ``rows`` (null values left
    out), as ``{"n": …, "mean": …, "p50": …, "p90": …}``; with ``group_by`` (a field path), one such dict per
    value of that field: ``{value: {...}}``. Means and percentiles are ``None`` when there is no value."""
    measured = rows.annotate(_seconds=expression).filter(_seconds__isnull=False)
    keys = {_key(f): f for f in fractions}
    if connection.vendor == "postgresql":
        aggregates = {"n": Count("pk"), "mean": Avg("_seconds")}
        aggregates |= {key: PercentileCont(F("_seconds"), f) for key, f in keys.items()}
        if group_by is None:
            return measured.aggregate(**aggregates)
        grouped = measured.values(group_by).order_by().annotate(**aggregates)
        return {row.pop(group_by): row for row in grouped}
    if group_by is None:
        return _portable(measured, keys)
    values = measured.values_list(group_by, flat=True).order_by().distinct()
    return {value: _portable(measured.filter(Q(**{group_by: value})), keys) for value in values}


def _portable(measured: QuerySet, keys: dict[str, float]) -> dict:
    result = measured.aggregate(n=Count("pk"), mean=Avg("_seconds"))
    n = result["n"]
    ordered = measured.order_by("_seconds", "pk").values_list("_seconds", flat=True)
    for key, fraction in keys.items():
        if not n:
            result[key] = None
            continue
        rank = fraction * (n - 1)
        low = math.floor(rank)
        around = list(ordered[low : low + 2])
        value = around[0]
        if rank > low:
            value += (rank - low) * (around[1] - around[0])
        result[key] = value
    return result


def rounded(value: float | None, digits: int = 1) -> float | None:
    """A figure as shown: tenths (``None`` stays ``None``: nothing was measured)."""
    return None if value is None else round(value, digits)
