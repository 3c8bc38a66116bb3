"""The case-management KPIs coordinators ask for (issue 18, item 1): case load per professional, time from intake
to first consultation, time to close, and open cases without a consultation in 30, 60 or 90 days.

These are internal figures about the institute's own work: staff names are shown (never a woman's). Durations
are in days with one decimal, summarised by ``casefile.durations`` (mean and median in the database; how the
median is computed on each database is said there).
"""

from datetime import timedelta

from django.db import models
from django.db.models import Count, F, FilteredRelation, Max, Min, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area, User
from violeta.cases.models import Case, CaseTeamMember, CloseReason
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, case_q, indicator
from violeta.reports.indicators.casefile import Summary, case_scope, durations, open_at

SECTION = _("Case management")
FILTERS = ("period", "area", "neighborhood", "age_group")


def _time_columns() -> list[Column]:
    return [
        Column("cases", str(_("Cases"))),
        Column("mean_days", str(_("Mean (days)")), Kind.NUMBER),
        Column("median_days", str(_("Median (days)")), Kind.NUMBER),
    ]


def _times(summary: Summary) -> list:
    return [summary.count, summary.mean_days, summary.median_days]


@indicator(
    "case_load",
    _("Case load per professional"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Open case files at the period's end on each staff member's team, by the area she attends them for "
        "(the team as it is now). A case with several professionals counts for each of them."
    ),
)
def case_load(filters: Filters, rule: Rule) -> Table:
    _since, until = filters.bounds()
    members = CaseTeamMember.objects.filter(open_at(until, "case__")).filter(case_q(filters, rule, "case__"))
    if filters.area:
        members = members.filter(area__code=filters.area)
    # One row per case and person (a unique constraint): counting rows counts cases.
    counted = list(members.values("area_id", "user_id").annotate(cases=Count("pk")).order_by())
    areas = dict(Area.objects.values_list("pk", "name"))
    names = dict(
        User.objects.filter(pk__in={row["user_id"] for row in counted}).values_list("pk", "full_name")
    )
    no_area = str(_("No area"))
    rows = sorted(
        [areas.get(row["area_id"], no_area), names[row["user_id"]], row["cases"]] for row in counted
    )
    return Table(
        slug="case_load",
        title=str(_("Case load per professional")),
        columns=[
            Column("area", str(_("Area")), Kind.LABEL),
            Column("staff", str(_("Professional")), Kind.LABEL),
            Column("cases", str(_("Open cases"))),
        ],
        rows=rows,
        additive=False,
    )


@indicator(
    "time_to_first_consultation",
    _("Time from intake to first consultation"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Case files opened in the period: days from the opening to the first consultation (with an area: the "
        "first of that area, in the cases with the area on their team), whenever it came; a consultation given "
        "before the file was typed in counts as no wait. Waiting: cases with no such consultation yet."
    ),
)
def time_to_first_consultation(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    in_area_chosen = Q(consultations__area__code=filters.area) if filters.area else None
    cases = (
        Case.objects.filter(opened_at__gte=since, opened_at__lt=until)
        .filter(case_scope(filters, rule))
        .annotate(first=Min("consultations__started_at", filter=in_area_chosen))
    )
    # Never before the opening; and null while she waits (PostgreSQL's GREATEST would skip a null).
    attended = models.Case(models.When(first__lt=F("opened_at"), then=F("opened_at")), default=F("first"))
    waiting = Count("pk", filter=Q(first__isnull=True))
    found = durations(cases, attended - F("opened_at"), waiting=waiting).get(None)
    area = Area.objects.filter(code=filters.area).first() if filters.area else None
    label = area.name if area else str(_("Any area"))
    return Table(
        slug="time_to_first_consultation",
        title=str(_("Time from intake to first consultation")),
        columns=[
            Column("area", str(_("Area")), Kind.LABEL),
            *_time_columns(),
            Column("waiting", str(_("Waiting"))),
        ],
        # No row when no case of the cohort has had its first consultation yet (a mean of nothing).
        rows=[[label, *_times(found), found.extra["waiting"]]] if found else [],
        additive=False,
    )


@indicator(
    "time_to_close",
    _("Time to close"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Case files closed in the period (and still closed): days from the opening to the closing, for all of "
        "them and by the reason for closing."
    ),
)
def time_to_close(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    closed = Case.objects.filter(closed_at__gte=since, closed_at__lt=until).filter(case_scope(filters, rule))
    duration = F("closed_at") - F("opened_at")
    overall = durations(closed, duration).get(None)
    by_reason = durations(closed, duration, group="close_reason")
    rows = [[str(_("All reasons")), *_times(overall)]] if overall else []
    rows += [
        [str(label), *_times(by_reason[code])] for code, label in CloseReason.choices if code in by_reason
    ]
    return Table(
        slug="time_to_close",
        title=str(_("Time to close")),
        columns=[Column("reason", str(_("Reason for closing")), Kind.LABEL), *_time_columns()],
        rows=rows,
        additive=False,
    )


WITHOUT_CONSULTATION_DAYS = (30, 60, 90)


@indicator(
    "without_consultation",
    _("Open cases without a consultation"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Case files open at the period's end whose last consultation (or, if none, their opening) was 30, 60 or "
        "90 days or more before it. With an area: that area's consultations, in the cases with the area on "
        "their team. The rows overlap: 90 days or more is also 30 or more."
    ),
)
def without_consultation(filters: Filters, rule: Rule) -> Table:
    _since, until = filters.bounds()
    # Only the consultations of the longest span matter: with none in it, her last contact is older than every
    # threshold whenever her opening is. The span goes in the join, so the database reads only those.
    window = Q(
        consultations__started_at__gte=until - timedelta(days=max(WITHOUT_CONSULTATION_DAYS)),
        consultations__started_at__lt=until,
    )
    if filters.area:
        window &= Q(consultations__area=Area.objects.filter(code=filters.area).first())
    counted = (
        Case.objects.filter(open_at(until))
        .filter(case_scope(filters, rule))
        .annotate(recent=FilteredRelation("consultations", condition=window))
        .annotate(last=Max("recent__started_at"))
        .annotate(last_contact=Greatest("opened_at", Coalesce("last", "opened_at")))
        .aggregate(
            **{
                f"days_{days}": Count("pk", filter=Q(last_contact__lt=until - timedelta(days=days)))
                for days in WITHOUT_CONSULTATION_DAYS
            }
        )
    )
    return Table(
        slug="without_consultation",
        title=str(_("Open cases without a consultation")),
        columns=[
            Column("days", str(_("Without a consultation for")), Kind.LABEL),
            Column("cases", str(_("Open cases"))),
        ],
        rows=[
            [str(_("%(days)s days or more") % {"days": days}), counted[f"days_{days}"]]
            for days in WITHOUT_CONSULTATION_DAYS
        ],
        additive=False,
    )
