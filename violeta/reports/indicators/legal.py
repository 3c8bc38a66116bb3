"""Legal matters by kind and outcome (issue 18, item 1): the matters the institute's lawyers opened in the period,
and those that ended in it (concluded, or withdrawn or abandoned).

Every matter belongs to the legal area, so the area filter says nothing about them and is not applied.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from violeta.legal.models import CLOSED_STAGES, LegalMatter, MatterKind, MatterStage, MatterStageChange
from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, case_q, indicator

SECTION = _("Legal matters")


@indicator(
    "legal_matters",
    _("Legal matters by kind and outcome"),
    SECTION,
    filters=("period", "neighborhood", "age_group"),
    description=_(
        "Legal matters opened in the period, and matters that ended in the period by outcome: concluded, or "
        "withdrawn or abandoned. A matter ended in the period when its last stage change in the period closed "
        "it (one appealed again within the period is not counted)."
    ),
)
def legal_matters(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    opened = dict(
        LegalMatter.objects.filter(opened_at__gte=since, opened_at__lt=until)
        .filter(case_q(filters, rule, "case__"))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )
    later = MatterStageChange.objects.filter(matter=OuterRef("matter"), at__lt=until).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    ended = {
        (row["matter__kind"], row["stage"]): row["n"]
        for row in MatterStageChange.objects.filter(at__gte=since, at__lt=until, stage__in=CLOSED_STAGES)
        .filter(~Exists(later))
        .filter(case_q(filters, rule, "matter__case__"))
        .values("matter__kind", "stage")
        .annotate(n=Count("matter", distinct=True))
        .order_by()
    }
    return Table(
        slug="legal_matters",
        title=str(_("Legal matters by kind and outcome")),
        columns=[
            Column("kind", str(_("Kind of matter")), Kind.LABEL),
            Column("opened", pgettext("statistics", "Opened")),
            Column("concluded", pgettext("statistics", "Concluded")),
            Column("withdrawn", pgettext("statistics", "Withdrawn or abandoned")),
        ],
        rows=[
            [
                str(label),
                opened.get(code, 0),
                ended.get((code, MatterStage.CONCLUDED), 0),
                ended.get((code, MatterStage.WITHDRAWN), 0),
            ]
            for code, label in MatterKind.choices
        ],
        chart="stacked",
    )
