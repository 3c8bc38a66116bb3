"""Where the women attended live: the figure by colonia (issue 18, items 1 and 3), drawn by the dashboard as a
table, a bar chart and, when the institute supplies its colonias' shapes, a map (``reports.colonias``)."""

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from violeta.people.models import Neighborhood, Person
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, indicator
from violeta.reports.indicators.cases import consultations

SECTION = _("Territory")


@indicator(
    "women_by_neighborhood",
    _("Women attended by colonia"),
    SECTION,
    filters=("period", "area", "neighborhood", "age_group"),
    description=_(
        "Women with at least one consultation in the period, by the colonia recorded in her file today. "
        "Each woman counts once, in one colonia."
    ),
)
def women_by_neighborhood(filters: Filters, rule: Rule) -> Table:
    attended = consultations(filters, rule).filter(case__holder_id=OuterRef("pk"))
    counted = Person.objects.filter(Exists(attended)).values("neighborhood_id").annotate(n=Count("pk"))
    counts = {row["neighborhood_id"]: row["n"] for row in counted}
    unknown = counts.pop(None, 0)
    names = Neighborhood.objects.filter(pk__in=counts).values_list("pk", "name", "postal_code")
    rows = sorted(([name, postal_code, counts[pk]] for pk, name, postal_code in names), key=_most_first)
    if unknown:
        rows.append([str(_("No colonia recorded")), "", unknown])
    return Table(
        slug="women_by_neighborhood",
        title=str(_("Women attended by colonia")),
        columns=[
            Column("neighborhood", str(_("Colonia")), Kind.LABEL),
            Column("postal_code", str(_("Postal code")), Kind.LABEL),
            Column("women", str(_("Women"))),
        ],
        rows=rows,
        chart="bar",
        note=str(_("The colonia is the one recorded in her file today, not where she lived at the time.")),
    )


def _most_first(row: list) -> tuple:
    name, postal_code, women = row
    return (-women, name, postal_code)
