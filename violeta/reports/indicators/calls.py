"""Calls to the institute's public lines: by line, by hour of the day and by weekday, and the unmet demand.

A call counts in the period it was taken in (local time, America/Chihuahua). **Outside office hours** is what
the agenda decided when the call was logged, against the office hours and holidays of that moment
(``agenda.hours.is_office_time``, stored as ``PhoneCall.out_of_hours``): a change of hours later does not
rewrite the past. Those calls are the demand the institute is missing.

Most calls are anonymous: a first name or *anónima*, no record of the woman. Such calls are anonymous figures
and count under both rules; a call that became a case file (linked to it at the intake) is tied to the woman
who holds the case and counts under the statistics rule only with her consent. Colonia, age group, area and
program do not apply to calls.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext_lazy as _

from violeta.agenda.models import PhoneCall, PhoneLine, Weekday
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, indicator, statistics_allowed

SECTION = _("Calls")
FILTERS = ("period",)
NOTE = _(
    "Anonymous calls are counted under both rules; a call linked to a case file counts under the statistics "
    "rule only with her consent."
)


def taken(filters: Filters, rule: Rule):
    """The calls taken in the period that the rule lets count."""
    since, until = filters.bounds()
    rows = PhoneCall.objects.filter(at__gte=since, at__lt=until)
    if rule == Rule.STATISTICS:
        rows = rows.filter(Q(case__isnull=True) | Q(statistics_allowed("case__holder")))
    return rows


def _counted(filters: Filters, rule: Rule, by) -> dict:
    """``{value of by: (calls, outside office hours)}``, one grouped query."""
    grouped = (
        taken(filters, rule)
        .annotate(_group=by)
        .values("_group")
        .order_by()
        .annotate(n=Count("pk"), outside=Count("pk", filter=Q(out_of_hours=True)))
    )
    return {row["_group"]: (row["n"], row["outside"]) for row in grouped}


def _columns(first: Column) -> list[Column]:
    return [
        first,
        Column("calls", str(_("Calls")), sum_of=("within", "outside")),
        Column("within", str(_("Within office hours"))),
        Column("outside", str(_("Outside office hours"))),
    ]


def _row(label: str, counts: tuple[int, int]) -> list:
    calls, outside = counts
    return [label, calls, calls - outside, outside]


@indicator(
    "calls_by_line",
    _("Calls by line"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Calls taken in the period on each of the institute's lines, within and outside office hours (outside: "
        "a closed day, a holiday, or before or after the day's hours: the unmet demand)."
    ),
)
def calls_by_line(filters: Filters, rule: Rule) -> Table:
    counted = _counted(filters, rule, F("line_id"))
    lines = PhoneLine.objects.order_by("name")
    return Table(
        slug="calls_by_line",
        title=str(_("Calls by line")),
        columns=_columns(Column("line", str(_("Line")), Kind.LABEL)),
        rows=[
            _row(line.name, counted.get(line.pk, (0, 0)))
            for line in lines
            if line.is_active or line.pk in counted
        ],
        chart="stacked",
        note=str(NOTE),
    )


@indicator(
    "calls_by_hour",
    _("Calls by hour of the day"),
    SECTION,
    filters=FILTERS,
    description=_("Calls taken in the period by the hour of the day they came in (local time)."),
)
def calls_by_hour(filters: Filters, rule: Rule) -> Table:
    counted = _counted(filters, rule, ExtractHour("at"))
    return Table(
        slug="calls_by_hour",
        title=str(_("Calls by hour of the day")),
        columns=_columns(Column("hour", str(_("Hour")), Kind.LABEL)),
        rows=[_row(f"{hour:02d}:00", counted.get(hour, (0, 0))) for hour in range(24)],
        chart="stacked",
        note=str(NOTE),
    )


@indicator(
    "calls_by_weekday",
    _("Calls by day of the week"),
    SECTION,
    filters=FILTERS,
    description=_("Calls taken in the period by the day of the week they came in."),
)
def calls_by_weekday(filters: Filters, rule: Rule) -> Table:
    counted = _counted(filters, rule, ExtractIsoWeekDay("at"))  # 1 Monday … 7 Sunday
    return Table(
        slug="calls_by_weekday",
        title=str(_("Calls by day of the week")),
        columns=_columns(Column("weekday", str(_("Day of the week")), Kind.LABEL)),
        rows=[_row(str(day.label), counted.get(day.value + 1, (0, 0))) for day in Weekday],
        chart="stacked",
        note=str(NOTE),
    )
