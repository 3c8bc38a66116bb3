"""MIA alerts: how many were raised and how they went, and how fast the first SMS and the first answer came.

An alert counts in the period it was **raised** in (its ``started_at``: the moment the server accepted it). An
alert is tied to a woman of the institute when her MIA account is linked to her record or the alert to a case
file: under the statistics rule such an alert counts only with her consent (both women's, in the rare case the
account and the case are different women's). An alert of an account linked to nobody is an anonymous figure and
counts under both rules. Colonia and age group are not applied: most accounts are linked to nobody, and
filtering would silently drop them.

**Acknowledgements.** MIA records an acknowledgement when one of her emergency contacts answers the alert (the
button on the live page, or a reply to the SMS): that is the first acknowledgement measured here. The monitors'
part is the console: an alert nobody acknowledges, or cancelled with the duress PIN, is escalated to them, and
they close it; the third time measured is from that escalation to its closing by staff.
"""

from django.db.models import Count, F, Min, Q
from django.utils.translation import gettext_lazy as _

from violeta.alerts.models import Alert, AlertStatus, Outcome
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, indicator, statistics_allowed
from violeta.reports.indicators.timing import SecondsBetween, rounded, summary

SECTION = _("MIA alerts")
FILTERS = ("period",)
ANONYMOUS_NOTE = _(
    "Alerts of MIA accounts not linked to a woman's record are anonymous and are counted under both rules."
)


def raised(filters: Filters, rule: Rule):
    """The alerts raised in the period that the rule lets count."""
    since, until = filters.bounds()
    rows = Alert.objects.filter(started_at__gte=since, started_at__lt=until)
    if rule == Rule.STATISTICS:
        rows = rows.filter(
            Q(account__person__isnull=True) | Q(statistics_allowed("account__person")),
            Q(case__isnull=True) | Q(statistics_allowed("case__holder")),
        )
    return rows


@indicator(
    "mia_alerts",
    _("MIA alerts"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Alerts raised in the period; of them, the ones she cancelled with her PIN, the ones closed as a false "
        "alarm, the ones cancelled with the duress PIN and the ones escalated to the monitors' console (nobody "
        "acknowledged them in time, or duress)."
    ),
)
def mia_alerts(filters: Filters, rule: Rule) -> Table:
    counted = raised(filters, rule).aggregate(
        total=Count("pk"),
        cancelled=Count("pk", filter=Q(status=AlertStatus.CANCELLED)),
        false_alarm=Count("pk", filter=Q(outcome=Outcome.FALSE_ALARM)),
        duress=Count("pk", filter=Q(is_duress=True)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
    )
    return Table(
        slug="mia_alerts",
        title=str(_("MIA alerts")),
        columns=[Column("kind", str(_("Alerts")), Kind.LABEL), Column("alerts", str(_("Number")))],
        rows=[
            [str(_("Raised")), counted["total"]],
            [str(_("Cancelled by her")), counted["cancelled"]],
            [str(_("False alarms")), counted["false_alarm"]],
            [str(_("Duress (cancelled with the duress PIN)")), counted["duress"]],
            [str(_("Escalated to the console")), counted["escalated"]],
        ],
        additive=False,
        note=str(ANONYMOUS_NOTE),
    )


@indicator(
    "mia_response_times",
    _("MIA response times"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Seconds from the moment an alert was accepted to the first of its text messages sent, to the first "
        "acknowledgement by one of her contacts, and, for escalated alerts, from the escalation to their "
        "closing by staff: median and 90th percentile, over the alerts raised in the period that have it."
    ),
)
def mia_response_times(filters: Filters, rule: Rule) -> Table:
    # Narrow rows (its id and start only): each first moment is one grouped join, not a subquery per alert.
    alerts = raised(filters, rule).values("pk", "started_at")
    measures = [
        (
            _("From the alert to its first text message sent"),
            alerts.annotate(first=Min("message_links__message__sent_at")),
            SecondsBetween(F("first"), F("started_at")),
        ),
        (
            _("From the alert to the first acknowledgement by a contact"),
            alerts.annotate(first=Min("recipients__acknowledged_at")),
            SecondsBetween(F("first"), F("started_at")),
        ),
        (
            _("From the escalation to the closing by staff"),
            raised(filters, rule).filter(escalated_at__isnull=False, closed_by__isnull=False),
            SecondsBetween(F("ended_at"), F("escalated_at")),
        ),
    ]
    rows = []
    for label, chosen, seconds in measures:
        figures = summary(chosen, seconds, (0.5, 0.9))
        rows.append([str(label), figures["n"], rounded(figures["p50"]), rounded(figures["p90"])])
    return Table(
        slug="mia_response_times",
        title=str(_("MIA response times")),
        columns=[
            Column("measure", str(_("Time measured")), Kind.LABEL),
            Column("alerts", str(_("Alerts measured"))),
            Column("median_seconds", str(_("Median (seconds)")), Kind.NUMBER),
            Column("p90_seconds", str(_("90th percentile (seconds)")), Kind.NUMBER),
        ],
        rows=rows,
        additive=False,
        note=str(ANONYMOUS_NOTE),
    )
