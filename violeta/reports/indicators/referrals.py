"""Referrals (canalizaciones) to partner institutions: by institution, by state, and how long they take to answer.

Every referral counted here was **sent in the period** (drafts and drafts cancelled before sending never reached
an institution). A referral belongs to a case: the colonia, the age group and the consent rule are those of the
woman who holds the case (the person referred may be one of her children); the area is that of the professional
who made it.
"""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.referrals.models import Institution, Referral, ReferralStatus
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, case_q, indicator
from violeta.reports.indicators.timing import SecondsBetween, rounded, summary

SECTION = _("Referrals")
FILTERS = ("period", "area", "neighborhood", "age_group")
DAY = 86_400


def sent(filters: Filters, rule: Rule):
    """The referrals sent in the period by the area chosen, of the women in scope."""
    since, until = filters.bounds()
    rows = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until).filter(
        case_q(filters, rule, "case__")
    )
    if filters.area:
        rows = rows.filter(created_by__area__code=filters.area)
    return rows


def _institution_names() -> dict[int, str]:
    """Each institution's name with its acronym, once (some names already carry it: "… (CAPPSI)")."""
    return {
        institution.pk: institution.name
        if f"({institution.short_name})" in institution.name
        else str(institution)
        for institution in Institution.objects.only("name", "short_name")
    }


@indicator(
    "referrals_by_institution",
    _("Referrals by institution"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Referrals sent in the period to each partner institution, how many the institution has answered and "
        "how many still wait for its answer."
    ),
)
def referrals_by_institution(filters: Filters, rule: Rule) -> Table:
    counted = (
        sent(filters, rule)
        .values("institution_id")
        .order_by()
        .annotate(
            n=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    )
    names = _institution_names()
    rows = sorted(
        ([names[r["institution_id"]], r["n"], r["answered"], r["n"] - r["answered"]] for r in counted),
        key=lambda row: (-row[1], row[0]),
    )
    return Table(
        slug="referrals_by_institution",
        title=str(_("Referrals by institution")),
        columns=[
            Column("institution", str(_("Institution")), Kind.LABEL),
            Column("referrals", str(_("Referrals sent")), sum_of=("answered", "waiting")),
            Column("answered", str(pgettext_lazy("column of counts", "Answered"))),
            Column("waiting", str(_("Awaiting an answer"))),
        ],
        rows=rows,
    )


@indicator(
    "referrals_by_status",
    _("Referrals by state"),
    SECTION,
    filters=FILTERS,
    description=_("The referrals sent in the period, by the state each one is in today."),
)
def referrals_by_status(filters: Filters, rule: Rule) -> Table:
    counted = dict(
        sent(filters, rule).values("status").order_by().annotate(n=Count("pk")).values_list("status", "n")
    )
    # Every state a sent referral can be in, in the order of its life, even when none is in it.
    states = [s for s in ReferralStatus if s not in (ReferralStatus.DRAFT, ReferralStatus.CANCELLED)]
    return Table(
        slug="referrals_by_status",
        title=str(_("Referrals by state")),
        columns=[Column("status", str(_("State")), Kind.LABEL), Column("referrals", str(_("Referrals")))],
        rows=[[str(state.label), counted.get(state.value, 0)] for state in states],
        chart="pie",
    )


@indicator(
    "referral_answer_time",
    _("Time for institutions to answer a referral"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Days from sending a referral to the institution's first answer (received, rejected, attended or closed "
        "without contact), over the referrals sent in the period and answered: median and mean, by "
        "institution and for all of them."
    ),
)
def referral_answer_time(filters: Filters, rule: Rule) -> Table:
    rows = sent(filters, rule).filter(answered_at__isnull=False)
    seconds = SecondsBetween(F("answered_at"), F("sent_at"))
    by_institution = summary(rows, seconds, (0.5,), group_by="institution_id")
    overall = summary(rows, seconds, (0.5,))
    names = _institution_names()

    def line(label: str, figures: dict) -> list:
        return [label, figures["n"], _days(figures["p50"]), _days(figures["mean"])]

    lines = sorted(
        (line(names[pk], figures) for pk, figures in by_institution.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return Table(
        slug="referral_answer_time",
        title=str(_("Time for institutions to answer a referral")),
        columns=[
            Column("institution", str(_("Institution")), Kind.LABEL),
            Column("answered", str(_("Referrals answered"))),
            Column("median_days", str(_("Median (days)")), Kind.NUMBER),
            Column("mean_days", str(_("Mean (days)")), Kind.NUMBER),
        ],
        rows=[*lines, line(str(_("All institutions")), overall)],
        additive=False,
        note=str(
            _("The last row is over every institution: its median is not the median of the rows above.")
        ),
    )


def _days(seconds: float | None) -> float | None:
    return rounded(None if seconds is None else seconds / DAY)
