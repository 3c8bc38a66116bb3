"""What the care indicators (violence, legal, case management) share: the cases in scope, a case open at a moment,
and durations summarised in the database as a count, a mean and a median.

**The area filter** on a case-level figure means the cases whose team includes a member of that area (the team
as it is now: the team's history is not kept).

**Open at a moment.** A case is open at ``moment`` when it was opened before it and not closed then. ``closed_at``
holds only the latest closing (a reopening clears it), so a case closed and later reopened is looked up in its
timeline (``CaseEvent`` lines *closed* and *reopened*): only cases changed since the moment that were reopened, or
closed after it, need that look.

**Medians.** On PostgreSQL the median is ``percentile_cont(0.5)``, in the same query as the count and the mean.
SQLite has no percentile function: there the median is read from the durations ordered by the database, the one
or two rows at the middle (``ORDER BY … LIMIT 2 OFFSET (n-1)/2``), one small query per group. Neither reads every
row into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import Exact, GreaterThanOrEqual

from violeta.cases.models import CaseEvent, CaseStatus, CaseTeamMember, EventKind
from violeta.reports.indicators.base import Filters, Rule, case_q


def in_area(area_code: str, case_prefix: str = "") -> Exists:
    """The case (at ``case_prefix``) has a member of the area on its team."""
    return Exists(CaseTeamMember.objects.filter(case=OuterRef(f"{case_prefix}pk"), area__code=area_code))


def case_scope(filters: Filters, rule: Rule, case_prefix: str = "") -> Q:
    """``case_q`` (colonia, age group, consent) and, when chosen, the area (the case's team)."""
    condition = case_q(filters, rule, case_prefix)
    if filters.area:
        condition &= Q(in_area(filters.area, case_prefix))
    return condition


def open_at(moment: datetime, case_prefix: str = "") -> Q:
    """Cases (at ``case_prefix``) open at ``moment``: opened before it, and not closed at it."""
    p = case_prefix
    reopened_since = CaseEvent.objects.filter(
        case=OuterRef("case"), kind=EventKind.REOPENED, at__gt=OuterRef("at"), at__lt=moment
    )
    # Only a case reopened since, or closed again after the moment, can have been closed at it by its timeline;
    # and only if it changed after the moment (closing and reopening save ``updated_at``). The others are decided
    # by their row. The timeline is the largest table there is, so it is read only for those cases: the test
    # comes first in an OR, and is repeated inside the subquery on the outer row, which keeps PostgreSQL from
    # turning the subquery into a join (or a hash) over every closing ever recorded.
    decided_by_row = Q(**{f"{p}updated_at__lt": moment}) | (
        ~Q(**{f"{p}status": CaseStatus.REOPENED})
        & (Q(**{f"{p}closed_at__isnull": True}) | Q(**{f"{p}closed_at__lt": moment}))
    )
    may_have_been_closed = Q(GreaterThanOrEqual(OuterRef(f"{p}updated_at"), moment)) & (
        Q(Exact(OuterRef(f"{p}status"), CaseStatus.REOPENED))
        | Q(GreaterThanOrEqual(OuterRef(f"{p}closed_at"), moment))
    )
    closed_then = (
        CaseEvent.objects.filter(case=OuterRef(f"{p}pk"), kind=EventKind.CLOSED, at__lt=moment)
        .filter(may_have_been_closed)
        .filter(~Exists(reopened_since))
    )
    return (
        Q(**{f"{p}opened_at__lt": moment})
        & (Q(**{f"{p}closed_at__isnull": True}) | Q(**{f"{p}closed_at__gte": moment}))
        & (decided_by_row | ~Q(Exists(closed_then)))
    )


# --- Durations -----------------------------------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's continuous median (of an interval, here)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class Summary:
    """How many durations, their mean and median in days (one decimal), and any ``extra`` aggregates asked for."""

    count: int
    mean_days: float
    median_days: float
    extra: dict = field(default_factory=dict)


def days(value: timedelta) -> float:
    return round(value.total_seconds() / 86400, 1)


def durations(rows: QuerySet, duration, group: str | None = None, **extra) -> dict[object, Summary]:
    """Summarise ``duration`` (an expression: the difference of two datetimes) over ``rows``, by ``group`` (a
    field path) or as one group keyed ``None``; a null duration is not counted. ``rows`` may carry aggregate
    annotations (e.g. each case's first consultation): the database then summarises over that grouped query.
    ``extra`` are more aggregates over the same rows (only without ``group``). Groups without a duration are
    left out (never a mean of nothing)."""
    rows = rows.annotate(_duration=ExpressionWrapper(duration, output_field=DurationField())).order_by()
    postgres = connection.vendor == "postgresql"
    measures = {"n": Count("_duration"), "mean": Avg("_duration")}
    if postgres:
        measures["median"] = _Median("_duration")
    if group is None:
        found = [{"key": None, **rows.aggregate(**measures, **extra)}]
    else:
        found = [
            {"key": row[group], **row} for row in rows.values(group).annotate(**measures).order_by(group)
        ]
    summaries = {}
    for row in found:
        if not row["n"]:
            continue
        median = row["median"] if postgres else _middle(rows, group, row["key"], row["n"])
        summaries[row["key"]] = Summary(
            row["n"], days(row["mean"]), days(median), {name: row[name] for name in extra}
        )
    return summaries


def _middle(rows: QuerySet, group: str | None, key, n: int) -> timedelta:
    """The median of ``n`` durations, read at the middle of their order (one row if ``n`` is odd, else two)."""
    rows = rows.filter(_duration__isnull=False)
    if group is not None:
        rows = rows.filter(**{group: key})
    first = (n - 1) // 2
    middle = list(rows.order_by("_duration").values_list("_duration", flat=True)[first : first + 2 - n % 2])
    return sum(middle, timedelta()) / len(middle)
