"""What the dashboard shows of each indicator: its table with the numbers written as in Mexico (12,345 and
12.5 %), a total row when the table is additive, and the data of its chart.

Everything is drawn from the ``Table`` alone (label columns, value columns and their ``Kind``, the ``chart``
hint, ``additive``, ``rule``, ``note``, ``ignored``), so an indicator added to the registry appears on the
dashboard with nothing else to write. The chart's data goes to the page as JSON (``json_script``) and
``static/js/charts.js`` draws it: no script is ever written into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real

from django.utils.translation import gettext_lazy as _

from violeta.reports.colonias import map_for
from violeta.reports.indicators import INDICATORS, Column, Filters, Indicator, Kind, Rule, Table

# The figure drawn on the map of colonias as well, when the institute supplies their shapes.
MAPPED = "women_by_neighborhood"
# A bar chart with more categories than this shows the first ones only (the table beside it has them all).
MAX_CATEGORIES = 30
# More categories than this and the bars lie down, one line of label each.
HORIZONTAL_FROM = 12
CHARTS = {"bar", "stacked", "line", "pie"}
FILTER_LABELS = {
    "period": _("period"),
    "area": _("area"),
    "program": _("program"),
    "neighborhood": _("colonia"),
    "age_group": _("age group"),
}
DASH = "—"


@dataclass
class Cell:
    text: str
    numeric: bool = False


@dataclass
class Card:
    indicator: Indicator
    table: Table
    rows: list[list[Cell]]
    total: list[Cell] | None
    chart: dict | None
    chart_note: str = ""
    map: dict | None = None

    @property
    def slug(self) -> str:
        return self.indicator.slug

    # (the Indicator is callable: a template would call it, so the card says what the page needs of it)
    @property
    def title(self) -> str:
        return str(self.indicator.title)

    @property
    def description(self) -> str:
        return str(self.indicator.description)

    @property
    def wide(self) -> bool:
        """A table of many columns takes the larger share of the card, its chart the smaller."""
        return len(self.table.columns) > 3

    @property
    def chart_id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def map_id(self) -> str:
        return f"map-{self.slug}"

    @property
    def columns(self) -> list[Column]:
        return self.table.columns

    @property
    def rule_label(self) -> str:
        return str(Rule(self.table.rule).label)

    @property
    def ignored(self) -> list[str]:
        return [str(FILTER_LABELS.get(name, name)) for name in self.table.ignored]


@dataclass
class Section:
    title: str
    cards: list[Card] = field(default_factory=list)


def is_number(value) -> bool:
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def format_value(value, kind: str) -> str:
    """A cell as people in Mexico read it: 12,345 · 12.5 · 12.5 %. A cell that is not a number (a suppressed
    one, a word) is shown as it is; an empty one as a dash."""
    if value is None or value == "":
        return DASH
    if not is_number(value):
        return str(value)
    if kind == Kind.COUNT and value == int(value):
        return f"{int(value):,}"
    text = f"{value:,.1f}".removesuffix(".0")
    if text == "-0":
        text = "0"
    return f"{text} %" if kind == Kind.PERCENT else text


def format_row(table: Table, row: list) -> list[Cell]:
    return [
        Cell(str(value), False) if column.kind == Kind.LABEL else Cell(format_value(value, column.kind), True)
        for column, value in zip(table.columns, row, strict=True)
    ]


def total_row(table: Table) -> list[Cell] | None:
    """The totals of an additive table's counts (a woman is in one row only); nothing for other tables, whose
    rows overlap, nor for a table of one row."""
    if not table.additive or len(table.rows) < 2:
        return None
    counts = [i for i, column in enumerate(table.columns) if column.kind == Kind.COUNT]
    if not counts:
        return None
    labels = len(table.label_columns)
    cells = []
    for i, column in enumerate(table.columns):
        if i == 0 and labels:
            cells.append(Cell(str(_("Total"))))
        elif column.kind == Kind.LABEL:
            cells.append(Cell(""))
        elif i in counts and all(is_number(row[i]) for row in table.rows):
            cells.append(Cell(format_value(sum(row[i] for row in table.rows), Kind.COUNT), True))
        else:
            cells.append(Cell("", True))
    return cells


def _number(value):
    if not is_number(value):
        return None
    return int(value) if isinstance(value, int) else float(value)


def chart_data(table: Table) -> tuple[dict | None, str]:
    """The chart's data (``labels`` and ``datasets``) and a note when it shows only part of the table.

    The plotted columns are the value columns of the first one's kind (counts are not drawn beside
    percentages; a stacked chart leaves out a column that adds up others). A ``stacked`` chart of two label columns and one value (area × modality): a category per
    first label, a series (stacked) per second label. Otherwise a category per row, its labels joined
    (colonia · postal code), and a series per plotted column. No label column: a category per value column."""
    if table.chart not in CHARTS or not table.rows or not table.value_columns:
        return None, ""
    kind = table.value_columns[0].kind
    index = {column.key: i for i, column in enumerate(table.columns)}
    plotted = [c for c in table.value_columns if c.kind == kind]
    if table.chart == "stacked":
        # Stacked, the parts make up the whole: a column that adds up others (``sum_of``) would count twice.
        keys = {c.key for c in plotted}
        plotted = [c for c in plotted if not (c.sum_of and set(c.sum_of) <= keys)] or plotted
    label_at = [index[c.key] for c in table.label_columns]
    if not label_at:
        categories = [c.label for c in plotted]
        datasets = [
            {"label": table.title, "data": [_number(row[index[c.key]]) for c in plotted]}
            for row in table.rows
        ]
    elif len(label_at) == 2 and len(plotted) == 1 and table.chart == "stacked":
        categories, series, cells = [], [], {}
        for row in table.rows:
            first, second = str(row[label_at[0]]), str(row[label_at[1]])
            categories += [first] if first not in categories else []
            series += [second] if second not in series else []
            cells[first, second] = _number(row[index[plotted[0].key]])
        datasets = [{"label": s, "data": [cells.get((c, s)) for c in categories]} for s in series]
    else:
        categories = [" · ".join(str(row[i]) for i in label_at) for row in table.rows]
        datasets = [
            {"label": c.label, "data": [_number(row[index[c.key]]) for row in table.rows]} for c in plotted
        ]
    note = ""
    if len(categories) > MAX_CATEGORIES:
        note = str(_("The chart shows the first %(shown)s of %(all)s; the table has them all.")) % {
            "shown": MAX_CATEGORIES,
            "all": f"{len(categories):,}",
        }
        categories = categories[:MAX_CATEGORIES]
        for dataset in datasets:
            dataset["data"] = dataset["data"][:MAX_CATEGORIES]
    pie = table.chart == "pie"
    if pie:
        datasets = datasets[:1]
    stacked = table.chart == "stacked"
    return {
        "type": {"pie": "pie", "line": "line"}.get(table.chart, "bar"),
        "stacked": stacked and len(datasets) > 1,
        # the series need naming when there are several, or when they are the second label (modality)
        "legend": pie or len(datasets) > 1 or (stacked and len(label_at) == 2),
        "horizontal": not pie and table.chart != "line" and len(categories) > HORIZONTAL_FROM,
        "percent": kind == Kind.PERCENT,
        "title": table.title,
        "labels": categories,
        "datasets": datasets,
    }, note


def card_for(one: Indicator, filters: Filters, rule: Rule) -> Card:
    table = one(filters, rule)
    chart, note = chart_data(table)
    return Card(
        indicator=one,
        table=table,
        rows=[format_row(table, row) for row in table.rows],
        total=total_row(table),
        chart=chart,
        chart_note=note,
        map=map_for(table) if one.slug == MAPPED else None,
    )


def sections(filters: Filters, rule: Rule) -> list[Section]:
    """Every registered indicator as a card, in the registry's order, grouped by section."""
    grouped: dict[str, Section] = {}
    for one in INDICATORS.values():
        title = str(one.section)
        grouped.setdefault(title, Section(title)).cards.append(card_for(one, filters, rule))
    return list(grouped.values())
