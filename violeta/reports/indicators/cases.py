"""Case load: the women attended and the consultations given (issue 18, item 1)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from violeta.accounts.models import Area
from violeta.cases.models import Consultation, Modality
from violeta.people.models import Person
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, case_q, indicator

SECTION = _("Women attended")


def consultations(filters: Filters, rule: Rule):
    """The consultations of the period (by when they took place), in the area chosen, of the women in scope."""
    since, until = filters.bounds()
    rows = Consultation.objects.filter(started_at__gte=since, started_at__lt=until).filter(
        case_q(filters, rule, "case__")
    )
    if filters.area:
        rows = rows.filter(area__code=filters.area)
    return rows


@indicator(
    "women_attended",
    _("Women attended"),
    SECTION,
    filters=("period", "area", "neighborhood", "age_group"),
    description=_(
        "Women with at least one consultation in the period. New: her first consultation ever is in the period; "
        "follow-up: she had one before."
    ),
)
def women_attended(filters: Filters, rule: Rule) -> Table:
    since, _until = filters.bounds()
    attended = consultations(filters, rule).filter(case__holder_id=OuterRef("pk"))
    earlier = Consultation.objects.filter(case__holder_id=OuterRef("pk"), started_at__lt=since)
    if filters.area:
        earlier = earlier.filter(area__code=filters.area)
    counted = Person.objects.filter(Exists(attended)).aggregate(
        total=Count("pk"), returning=Count("pk", filter=Q(Exists(earlier)))
    )
    total, returning = counted["total"], counted["returning"]
    return Table(
        slug="women_attended",
        title=str(_("Women attended")),
        columns=[Column("kind", str(_("Attention")), Kind.LABEL), Column("women", str(_("Women")))],
        rows=[
            [pgettext("women attended", "New"), total - returning],
            [pgettext("women attended", "Follow-up"), returning],
        ],
    )


@indicator(
    "consultations",
    _("Consultations by area and modality"),
    SECTION,
    filters=("period", "area", "neighborhood", "age_group"),
    description=_(
        "Consultations given in the period (by the day they took place), by the area that gave them and how: in "
        "person, by phone, by video call or at her workplace."
    ),
)
def consultations_by_area(filters: Filters, rule: Rule) -> Table:
    counted = consultations(filters, rule).values("area_id", "modality").annotate(n=Count("pk"))
    areas = dict(Area.objects.values_list("pk", "name"))
    modalities = dict(Modality.choices)
    rows = sorted(
        (
            [areas[row["area_id"]], str(modalities.get(row["modality"], row["modality"])), row["n"]]
            for row in counted
        ),
        key=lambda row: (row[0], row[1]),
    )
    return Table(
        slug="consultations",
        title=str(_("Consultations by area and modality")),
        columns=[
            Column("area", str(_("Area")), Kind.LABEL),
            Column("modality", str(_("Modality")), Kind.LABEL),
            Column("consultations", str(_("Consultations"))),
        ],
        rows=rows,
        chart="stacked",
    )
