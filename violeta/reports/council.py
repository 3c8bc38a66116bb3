"""The monthly report to the municipal council (*Cabildo*): a PDF drawn by WeasyPrint (issue 18, item 5).

It leaves the institute, so every figure in it is counted with ``Rule.STATISTICS`` (only women who consented
to the statistical use of their data) and published through ``reports.disclosure.protect`` (small counts and
whatever would give them away are withheld). The charts are SVG drawn here from the protected tables
(``council_charts``), the narrative is the director's text with the month's figures (``council_narrative``).

Pages: a cover (institute, month, date of generation), the narrative, one block per indicator of
``COUNCIL_FIGURES`` that is registered (title, what it counts, chart, table with the mark and the note), and a
note on methods (the consent rule, the threshold, where the figures come from, the narrative's version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.reports.council_charts import chart_svg
from violeta.reports.council_narrative import (
    Narrative,
    current_narrative,
    figures,
    format_count,
    month_name,
    render,
)
from violeta.reports.disclosure import HIDDEN_MARK, Protected, note, protect, threshold
from violeta.reports.indicators import INDICATORS, Filters, Kind, Rule

# The figures of the report, in its order; one that is not registered is left out.
COUNCIL_FIGURES = (
    "women_attended",
    "consultations",
    "violence_types",
    "violence_modalities",
    "protection_orders",
    "mia_alerts",
    "referrals_by_institution",
    "program_reach",
    "calls_by_line",
)
# The figures the narrative's fields read (council_narrative.PLACEHOLDERS).
NARRATIVE_SOURCES = (
    "women_attended",
    "consultations",
    "violence_types",
    "mia_alerts",
    "referrals_by_institution",
    "program_reach",
)


def council_tables(filters: Filters, slugs=COUNCIL_FIGURES) -> dict[str, Protected]:
    """The protected tables of ``slugs`` that are registered, counted under the statistics rule."""
    return {slug: protect(INDICATORS[slug](filters, Rule.STATISTICS)) for slug in slugs if slug in INDICATORS}


def last_month(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def narrative_preview(text: str, today: date | None = None):
    """``text`` rendered with last month's figures (the narrative editor's preview), and that month's name."""
    year, month = last_month(today)
    filters = Filters.month(year, month)
    values = figures(council_tables(filters, NARRATIVE_SOURCES), filters.start)
    return render(text, values), month_name(year, month)


# --- The figures as the PDF shows them -------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator as the PDF shows it. ``header``, each row and ``total`` are ``(text, numeric)`` pairs."""

    slug: str
    title: str
    description: str
    svg: str
    header: list[tuple[str, bool]]
    rows: list[list[tuple[str, bool]]]
    total: list[tuple[str, bool]] | None
    notes: list[str] = field(default_factory=list)


def _text(value, kind: str, hidden: bool) -> str:
    if value is None:
        return HIDDEN_MARK if hidden else "—"
    if kind == Kind.LABEL:
        return str(value)
    if kind == Kind.PERCENT:
        return f"{format_count(float(value))} %"
    return format_count(value)


def figure(slug: str, protected: Protected) -> Figure:
    table = protected.table
    kinds = [c.kind for c in table.columns]
    numeric = [kind != Kind.LABEL for kind in kinds]
    hidden_rows = {r for r, _c in protected.positions}
    header = [(str(c.label), numeric[i]) for i, c in enumerate(table.columns)]
    rows = [
        [(_text(value, kinds[c], r in hidden_rows), numeric[c]) for c, value in enumerate(row)]
        for r, row in enumerate(protected.rows)
    ]
    if protected.row_total is not None:
        header.append((_("Total"), True))
        for r, value in enumerate(protected.row_total):
            rows[r].append((_text(value, Kind.COUNT, True), True))
    total = None
    if protected.total_row is not None:
        total = [
            (_text(value, kinds[c], True) if kinds[c] == Kind.COUNT else "", numeric[c])
            for c, value in enumerate(protected.total_row)
        ]
        total[0] = (_("Total"), False)
        if protected.row_total is not None:
            total.append((_text(protected.grand_total, Kind.COUNT, True), True))
    notes = [str(table.note)] if table.note else []
    if protected.hidden:
        notes.append(str(note(protected.threshold)))
    indicator = INDICATORS[slug]
    return Figure(
        slug=slug,
        title=str(indicator.title),
        description=str(indicator.description),
        svg=chart_svg(protected, str(indicator.title)),
        header=header,
        rows=rows,
        total=total,
        notes=notes,
    )


# --- The report ------------------------------------------------------------------------------------------------


@dataclass
class CouncilReport:
    year: int
    month: int
    generated_at: datetime
    narrative: Narrative
    html: str


def council_context(
    year: int, month: int, *, now: datetime | None = None, narrative: Narrative | None = None
):
    now = timezone.localtime(now)
    narrative = narrative or current_narrative()
    filters = Filters.month(year, month)
    tables = council_tables(filters)
    return {
        "institute": settings.INSTITUTE,
        "month_name": month_name(year, month),
        "start": filters.start,
        "end": filters.end,
        "in_progress": filters.end >= now.date(),
        "generated_at": now,
        "narrative": narrative,
        "narrative_html": render(narrative.text, figures(tables, filters.start)),
        "figures": [figure(slug, protected) for slug, protected in tables.items()],
        "rule": Rule.STATISTICS.label,
        "threshold": threshold(),
        "smallest_published": format_count(threshold()),
        "largest_withheld": format_count(threshold() - 1),
        "time_zone": settings.TIME_ZONE,
    }


def council_report(year: int, month: int, *, now: datetime | None = None) -> CouncilReport:
    narrative = current_narrative()
    context = council_context(year, month, now=now, narrative=narrative)
    html = render_to_string("reports/council/report.html", context)
    return CouncilReport(year, month, context["generated_at"], narrative, html)


def pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
