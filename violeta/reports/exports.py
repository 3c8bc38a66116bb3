"""The aggregate exports: indicators as CSV or XLSX files, ready to leave the institute (issue 18, item 5).

What goes into a file is always a ``Protected`` table (``reports.disclosure``): every figure is computed with
``Rule.STATISTICS`` (only women who consented to statistical use) and passed through ``protect`` (small counts
and what would give them away are withheld and marked ``*``). ``protected_tables`` does both; the writers only
write. A file says what it is: the title, the filters used, the rule, the filters the figure ignores, the
suppression note, and the total row.

**Formula injection** (OWASP "CSV injection"): a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula. Every text cell of every export (these, and the BANAVIM export)
goes through ``cell()``, which puts a ``'`` before such a text; numbers stay numbers (``-3`` is a number, never
text).
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from violeta.accounts.models import Area
from violeta.people.models import Neighborhood
from violeta.programs.models import AgeGroup, Program
from violeta.reports.disclosure import HIDDEN_MARK, Protected, note, protect, threshold
from violeta.reports.indicators import INDICATORS, Filters, Kind, Rule, Table

logger = logging.getLogger(__name__)

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def cell(value):
    """One cell as it may leave the system: numbers as numbers, dates as dates, everything else as text with a
    ``'`` before a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return. ``None`` is the empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = str(value) if isinstance(value, Promise) or not isinstance(value, str) else value
    if text.startswith(DANGEROUS_STARTS):
        return "'" + text
    return text


def row_cells(values: Iterable) -> list:
    return [cell(value) for value in values]


# --- What the file says about the figures ---------------------------------------------------------------------


def describe_filters(filters: Filters) -> list[tuple[str, str]]:
    """The filters as a person reads them: ``[(name, value)]``, the period first, then each filter chosen."""
    lines = [(_("Period"), f"{filters.start:%d/%m/%Y} – {filters.end:%d/%m/%Y}")]
    if filters.area:
        name = Area.objects.filter(code=filters.area).values_list("name", flat=True).first()
        lines.append((_("Area"), name or filters.area))
    if filters.program:
        programs = {**dict(Program.choices), "superacion": _("Superación en acción courses")}
        lines.append((_("Program"), str(programs.get(filters.program, filters.program))))
    if filters.neighborhood is not None:
        hood = Neighborhood.objects.filter(pk=filters.neighborhood).first()
        lines.append((_("Neighborhood"), str(hood) if hood else str(filters.neighborhood)))
    if filters.age_group:
        lines.append((_("Age group"), str(dict(AgeGroup.choices).get(filters.age_group, filters.age_group))))
    return lines


def filters_summary(filters: Filters) -> str:
    """The filters in one line (for the audit log: no personal data, only what was chosen)."""
    parts = [f"{filters.start:%Y-%m-%d}..{filters.end:%Y-%m-%d}"]
    for name in filters.chosen():
        parts.append(f"{name}={getattr(filters, name)}")
    return " ".join(parts)


def about(protected: Protected, filters: Filters) -> list[tuple[str, str]]:
    """What a reader must know beside the figures: filters, rule, what the figure ignores, the note."""
    table = protected.table
    lines = describe_filters(filters)
    lines.append((_("Rule"), str(Rule(table.rule).label)))
    if table.ignored:
        lines.append(
            (_("Filters this figure does not apply"), ", ".join(_filter_label(n) for n in table.ignored))
        )
    if table.note:
        lines.append((_("Note"), table.note))
    lines.append((_("Withheld figures"), str(note(protected.threshold))))
    lines.append((_("Generated"), formats.date_format(timezone.localtime(), "d/m/Y H:i")))
    return lines


def _filter_label(name: str) -> str:
    return {
        "area": _("area"),
        "program": _("program"),
        "neighborhood": _("neighborhood"),
        "age_group": _("age group"),
        "period": _("period"),
    }.get(name, name)


# --- The figures ---------------------------------------------------------------------------------------------


def protected_tables(filters: Filters, slugs: Iterable[str] | None = None) -> list[Protected]:
    """The indicators asked for (every one when ``slugs`` is None), computed with the statistics rule and
    protected: the only way figures get into an export."""
    chosen = list(INDICATORS) if slugs is None else [slug for slug in slugs if slug in INDICATORS]
    return [_protected(INDICATORS[slug](filters, Rule.STATISTICS)) for slug in chosen]


def _protected(table: Table) -> Protected:
    """``protect``, failing closed: a table the disclosure control cannot settle leaves with every figure
    withheld (its labels only), and the failure is logged, rather than the whole export failing."""
    try:
        return protect(table)
    except ValueError:
        logger.exception("disclosure control failed on %s: every figure withheld", table.slug)
    labels = len(table.label_columns)
    rows = [[*row[:labels], *([None] * (len(row) - labels))] for row in table.rows]
    hidden = Protected(table=table, rows=rows, threshold=threshold())
    hidden.positions = {(r, c) for r in range(len(rows)) for c in range(labels, len(table.columns))}
    hidden.hidden = len(hidden.positions)
    if table.additive and rows:
        hidden.total_row = ["" if c < labels else None for c in range(len(table.columns))]
    return hidden


def header(protected: Protected) -> list[str]:
    labels = [column.label for column in protected.columns]
    if protected.row_total is not None:
        labels.append(_("Total"))
    return labels


def body(protected: Protected) -> Iterator[list]:
    """The rows as they are published: hidden cells read ``*``, then the total row (additive tables)."""
    for r, row in enumerate(protected.rows):
        values = [HIDDEN_MARK if value is None else value for value in row]
        if protected.row_total is not None:
            total = protected.row_total[r]
            values.append(HIDDEN_MARK if total is None else total)
        yield values
    if protected.total_row is not None:
        labels = len(protected.table.label_columns)
        values = [
            "" if c < labels else (HIDDEN_MARK if value is None else value)
            for c, value in enumerate(protected.total_row)
        ]
        if labels:
            values[0] = _("Total")
        if protected.row_total is not None:
            values.append(HIDDEN_MARK if protected.grand_total is None else protected.grand_total)
        yield values


# --- CSV -----------------------------------------------------------------------------------------------------


def to_csv(tables: list[Protected], filters: Filters) -> bytes:
    """One CSV for one or several indicators (one block each, a blank line between), UTF-8 with a BOM so that
    Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, protected in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow(row_cells([protected.table.title]))
        writer.writerow(row_cells(header(protected)))
        for values in body(protected):
            writer.writerow(row_cells(values))
        writer.writerow([])
        for name, value in about(protected, filters):
            writer.writerow(row_cells([name, value]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- XLSX ----------------------------------------------------------------------------------------------------


def sheet_name(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook
    (case-insensitively), with `` (2)``, `` (3)``… when two titles cut to the same name."""
    base = " ".join(str(title).translate(SHEET_NAME_FORBIDDEN).split()).strip("'") or _("Sheet")
    name, n = base[:SHEET_NAME_MAX].rstrip(), 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(name.lower())
    return name


def to_xlsx(tables: list[Protected], filters: Filters) -> bytes:
    """One workbook, one sheet per indicator: the header row (bold, frozen), the rows with numbers as numbers,
    the total row (bold), and below them what the figure is (filters, rule, note)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for protected in tables:
        sheet = workbook.create_sheet(sheet_name(protected.table.title, used))
        formats_by_column = [_number_format(column.kind) for column in protected.columns]
        if protected.row_total is not None:
            formats_by_column.append("#,##0")
        widths = [len(label) for label in header(protected)]
        sheet.append(row_cells(header(protected)))
        for c in range(1, len(widths) + 1):
            sheet.cell(row=1, column=c).font = bold
        rows = list(body(protected))
        for r, values in enumerate(rows, start=2):
            sheet.append(row_cells(values))
            for c, value in enumerate(values):
                target = sheet.cell(row=r, column=c + 1)
                if isinstance(value, int | float) and formats_by_column[c]:
                    target.number_format = formats_by_column[c]
                if protected.total_row is not None and r == len(rows) + 1:
                    target.font = bold
                widths[c] = max(
                    widths[c], len(f"{value:,}" if isinstance(value, int | float) else str(value))
                )
        sheet.freeze_panes = "A2"
        footer = len(rows) + 3
        sheet.cell(row=footer, column=1, value=cell(protected.table.title)).font = bold
        for k, (name, value) in enumerate(about(protected, filters), start=1):
            sheet.cell(row=footer + k, column=1, value=cell(name)).font = bold
            sheet.cell(row=footer + k, column=2, value=cell(value))
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_format(kind: str) -> str:
    return {Kind.COUNT: "#,##0", Kind.NUMBER: "#,##0.0", Kind.PERCENT: "0.0"}.get(kind, "")


# --- Long files, row by row (the BANAVIM export) --------------------------------------------------------------


class _Line:
    """A file for ``csv.writer`` that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[bytes]:
    """A CSV written as it is read (for a ``StreamingHttpResponse``): the BOM, then a line per row."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode()
    for values in rows:
        yield writer.writerow(row_cells(values)).encode("utf-8")


def xlsx_file(rows: Iterable[list], title: str, notes: list[tuple[str, str]]):
    """A workbook written row by row (openpyxl's write-only mode keeps no row in memory) into a temporary file,
    returned open at its start: the rows on a first sheet (the first row is the header), ``notes`` on a
    second."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    sheet = workbook.create_sheet(sheet_name(title, used))
    sheet.freeze_panes = "A2"
    for values in rows:
        sheet.append(row_cells(values))
    about_sheet = workbook.create_sheet(sheet_name(_("About this file"), used))
    about_sheet.column_dimensions["A"].width = 30
    about_sheet.column_dimensions["B"].width = 90
    for name, value in notes:
        about_sheet.append(row_cells([name, value]))
    out = tempfile.TemporaryFile()  # noqa: SIM115  (returned open: the FileResponse closes it)
    workbook.save(out)
    out.seek(0)
    return out


WRITERS = {"csv": (to_csv, CSV_CONTENT_TYPE), "xlsx": (to_xlsx, XLSX_CONTENT_TYPE)}


def filename(slug: str, filters: Filters, extension: str) -> str:
    """A file name without personal data: what, the period, and the format."""
    return f"violeta-{slug}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{extension}"
