"""The card *Mi apoyo, Mi bienestar*: cards issued, cards active, and their uses at the till by category.

The card program keeps its own record of each woman (her application: CURP, birth date, colonia), not a link to
the case files. A card is tied to a woman of the institute when its application's CURP is the CURP of a person
registered in Violeta: under the statistics rule such a card (and its uses) counts only with her consent. The
cards of women known only to the card program are the program's own figures and count under both rules.

Colonia and age group are the holder's, as her application gives them (her age from her birth date, on the last
day of the period).
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from violeta.card.models import Card, CardStatus, CardUse, MerchantCategory, ValidationResult
from violeta.people.models import Person
from violeta.reports.indicators.base import (
    Column,
    Filters,
    Kind,
    Rule,
    Table,
    born_in_group_q,
    indicator,
    statistics_allowed,
)

SECTION = _("Card Mi apoyo, Mi bienestar")
FILTERS = ("period", "neighborhood", "age_group")
NOTE = _(
    "A card counts under the statistics rule without her consent only when its holder is not a person "
    "registered in Violeta (matched by CURP)."
)


def holder_q(filters: Filters, rule: Rule, card_prefix: str = "") -> Q:
    """The cards (at ``card_prefix``) whose holder is in scope: colonia, age group, consent."""
    application = f"{card_prefix}application__"
    condition = Q()
    if filters.neighborhood is not None:
        condition &= Q(**{f"{application}neighborhood_id": filters.neighborhood})
    if filters.age_group:
        condition &= born_in_group_q(f"{application}birth_date", filters.age_group, filters.age_on)
    if rule == Rule.STATISTICS:
        refused = Person.objects.filter(curp=OuterRef(f"{application}curp")).filter(~Q(statistics_allowed()))
        condition &= ~Exists(refused)
    return condition


@indicator(
    "cards",
    _("Cards issued and active"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Cards issued in the period (first cards, and new cards replacing a lost or damaged one), and cards "
        "active on the last day of the period (issued, valid that day, neither replaced nor cancelled)."
    ),
)
def cards(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    in_scope = Card.objects.filter(holder_q(filters, rule))
    issued = Q(issued_at__gte=since, issued_at__lt=until)
    active = Q(issued_at__lt=until, valid_from__lte=filters.end, valid_until__gte=filters.end) & (
        Q(status=CardStatus.ACTIVE, ended_at__isnull=True) | Q(ended_at__gte=until)
    )
    counted = in_scope.aggregate(
        first=Count("pk", filter=issued & Q(replaces__isnull=True)),
        replacements=Count("pk", filter=issued & Q(replaces__isnull=False)),
        active=Count("pk", filter=active),
    )
    return Table(
        slug="cards",
        title=str(_("Cards issued and active")),
        columns=[Column("kind", str(_("Cards")), Kind.LABEL), Column("cards", str(_("Number")))],
        rows=[
            [str(_("First cards issued")), counted["first"]],
            [str(_("Replacement cards issued")), counted["replacements"]],
            [str(_("Active at the end of the period")), counted["active"]],
        ],
        additive=False,
        note=str(NOTE),
    )


@indicator(
    "card_uses",
    _("Card uses by business category"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Validations at the till in the period that found a valid card, by the category of the business, "
        "and the attempts with an expired card."
    ),
)
def card_uses(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    counted = {
        row["merchant__category_id"]: row
        for row in CardUse.objects.filter(at__gte=since, at__lt=until, card__isnull=False)
        .filter(holder_q(filters, rule, "card__"))
        .values("merchant__category_id")
        .order_by()
        .annotate(
            valid=Count("pk", filter=Q(result=ValidationResult.VALID)),
            expired=Count("pk", filter=Q(result=ValidationResult.EXPIRED)),
        )
    }
    empty = {"valid": 0, "expired": 0}
    rows = [
        [category.name, counted.get(category.pk, empty)["valid"], counted.get(category.pk, empty)["expired"]]
        for category in MerchantCategory.objects.all()
    ]
    return Table(
        slug="card_uses",
        title=str(_("Card uses by business category")),
        columns=[
            Column("category", str(_("Business category")), Kind.LABEL),
            Column("uses", str(_("Uses"))),
            Column("expired", str(_("Attempts with an expired card"))),
        ],
        rows=rows,
        note=str(NOTE),
    )
