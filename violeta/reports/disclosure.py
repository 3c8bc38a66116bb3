"""Disclosure control: what leaves the system is aggregate, and no small count can be read or worked out.

Every figure that leaves Violeta (the exports, the council report, public figures) goes through ``protect``:

1. **Primary suppression**: a count cell from 1 to ``threshold - 1`` (``REPORTS_SUPPRESSION_THRESHOLD``, ``reports/conf.py``,
   5 by default) is not published. Zero is published (nobody to protect); so are totals at or above the
   threshold.
2. **Secondary suppression**: the published totals are equations (a column's cells add up to its total; with
   ``Table.row_totals``, a row's cells add up to the row's total, and the totals to the grand total; a column
   with ``Column.sum_of`` adds up other columns in every row). A hidden
   cell must not be recoverable from them — not only "the total minus the others" but through any combination
   of equations (two hidden cells joined only through a third row or column are still recoverable). The test is
   exact: a hidden value is determined exactly when its unit vector lies in the span of the equations' rows over
   the hidden unknowns (Gaussian elimination in fractions). While one is determined, the smallest published
   cell of its row or column is hidden too (the least information lost), and the check runs again.
3. A row's numbers that are not counts (a percentage, a median) are hidden with any count of that row: a
   percentage beside a hidden count would give it away.

What it does not do: protect against the same women counted in another figure (publish related figures with the
same threshold), or hide intervals (a hidden cell between two published totals keeps a range, never a value).
Only additive tables have totals; a non-additive table (a woman in several rows) gets primary suppression only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from violeta.reports import conf
from violeta.reports.indicators.base import Kind, Table

HIDDEN_MARK = "*"  # how a hidden cell reads; ``note()`` explains it under the table


def note(limit: int | None = None) -> str:
    return _(
        "* Withheld so that no one can be identified: fewer than %(limit)s people, or a figure from which such a "
        "count could be worked out."
    ) % {"limit": threshold() if limit is None else limit}


def threshold() -> int:
    return int(conf.get("REPORTS_SUPPRESSION_THRESHOLD"))


@dataclass
class Protected:
    """A table ready to leave the system: ``rows`` as in the table, hidden cells ``None``; ``total_row`` (one
    value per column, labels blank, ``None`` when hidden) for additive tables; ``row_total`` per row when the
    table has row totals; ``grand_total`` likewise."""

    table: Table
    rows: list[list]
    threshold: int
    total_row: list | None = None
    row_total: list | None = None
    grand_total: int | None = None
    hidden: int = 0  # how many cells (totals included) are hidden
    primary: int = 0  # of which below the threshold themselves
    positions: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of hidden body cells

    @property
    def columns(self):
        return self.table.columns


def protect(table: Table, limit: int | None = None) -> Protected:
    limit = threshold() if limit is None else limit
    counts = [i for i, column in enumerate(table.columns) if column.kind == Kind.COUNT]
    others = [i for i, column in enumerate(table.columns) if column.kind in (Kind.NUMBER, Kind.PERCENT)]
    rows = [list(row) for row in table.rows]
    with_totals = table.additive and bool(rows) and bool(counts)
    by_rows = with_totals and table.row_totals and len(counts) > 1

    keys = [column.key for column in table.columns]
    sums = [
        (i, [keys.index(part) for part in column.sum_of])
        for i, column in enumerate(table.columns)
        if column.sum_of
    ]
    grid = _Grid(rows, counts, with_totals, by_rows, sums)
    primary = {cell for cell, value in grid.values.items() if _small(value, limit)}
    hidden = set(primary)
    while True:
        determined = grid.determined(hidden)
        if not determined:
            break
        for cell in sorted(determined):
            if cell in grid.determined(hidden):
                hidden.add(grid.complement(cell, hidden))

    published = [list(row) for row in rows]
    positions = set()
    for kind, r, c in hidden:
        if kind == "cell":
            published[r][c] = None
            positions.add((r, c))
    for r in {r for kind, r, _c in hidden if kind == "cell"}:
        for c in others:
            published[r][c] = None
    result = Protected(table=table, rows=published, threshold=limit, hidden=len(hidden), primary=len(primary))
    result.positions = positions
    if with_totals:
        result.total_row = [
            None if ("coltotal", 0, c) in hidden else grid.values[("coltotal", 0, c)] if c in counts else ""
            for c in range(len(table.columns))
        ]
    if by_rows:
        result.row_total = [
            None if ("rowtotal", r, 0) in hidden else grid.values[("rowtotal", r, 0)]
            for r in range(len(rows))
        ]
        result.grand_total = None if ("grand", 0, 0) in hidden else grid.values[("grand", 0, 0)]
    return result


def _small(value, limit: int) -> bool:
    return isinstance(value, int) and 0 < value < limit


class _Grid:
    """The count cells and published totals of a table as unknowns and equations. A cell is
    ``(kind, row, column)``: ``("cell", r, c)``, ``("coltotal", 0, c)``, ``("rowtotal", r, 0)``, ``("grand", 0, 0)``."""

    def __init__(self, rows: list[list], counts: list[int], with_totals: bool, by_rows: bool, sums=()):
        self.values: dict[tuple, int] = {}
        self.equations: list[tuple[list[tuple], tuple]] = []  # (parts, total)
        for r, row in enumerate(rows):
            for c in counts:
                self.values[("cell", r, c)] = int(row[c] or 0)
            for whole, parts in sums:  # a column that adds up others, in every row
                self.equations.append(([("cell", r, c) for c in parts], ("cell", r, whole)))
        if with_totals:
            for c in counts:
                parts = [("cell", r, c) for r in range(len(rows))]
                self.values[("coltotal", 0, c)] = sum(self.values[p] for p in parts)
                self.equations.append((parts, ("coltotal", 0, c)))
        if by_rows:
            for r in range(len(rows)):
                parts = [("cell", r, c) for c in counts]
                self.values[("rowtotal", r, 0)] = sum(self.values[p] for p in parts)
                self.equations.append((parts, ("rowtotal", r, 0)))
            parts = [("rowtotal", r, 0) for r in range(len(rows))]
            self.values[("grand", 0, 0)] = sum(self.values[p] for p in parts)
            self.equations.append((parts, ("grand", 0, 0)))
            self.equations.append(([("coltotal", 0, c) for c in counts], ("grand", 0, 0)))

    @property
    def forced_zero(self) -> set[tuple]:
        """Cells of a line whose total is 0: everyone knows they are 0 (no count is negative), so hiding one
        protects nothing."""
        if not hasattr(self, "_forced_zero"):
            self._forced_zero = {
                part for parts, total in self.equations if self.values[total] == 0 for part in [*parts, total]
            }
        return self._forced_zero

    def determined(self, hidden: set[tuple]) -> set[tuple]:
        """The hidden cells whose value the published figures pin down exactly."""
        unknowns = sorted(hidden)
        if not unknowns:
            return set()
        index = {cell: i for i, cell in enumerate(unknowns)}
        matrix = []
        for parts, total in self.equations:
            row = [Fraction(0)] * len(unknowns)
            for part in parts:
                if part in index:
                    row[index[part]] += 1
            if total in index:
                row[index[total]] -= 1
            if any(row):
                matrix.append(row)
        basis = _reduced(matrix)
        found = set()
        for cell, i in index.items():
            vector = [Fraction(0)] * len(unknowns)
            vector[i] = Fraction(1)
            if _in_span(vector, basis):
                found.add(cell)
        return found

    def complement(self, cell: tuple, hidden: set[tuple]) -> tuple:
        """The published cell to hide beside ``cell``: the smallest one sharing an equation with it (a body cell
        before a total; the equation's total when nothing else is left), else the smallest anywhere that frees it."""
        candidates = []
        for parts, total in self.equations:
            members = [*parts, total]
            if cell not in members:
                continue
            for other in members:
                if other not in hidden and other != cell and other not in self.forced_zero:
                    candidates.append(
                        (
                            other == total,
                            other[0] != "cell",
                            self.values[other] == 0,
                            self.values[other],
                            other,
                        )
                    )
        if candidates:
            return min(candidates)[-1]
        # Every cell of its own lines is hidden, yet other lines pin it down (a total that is the difference of
        # two published totals): hide the smallest published cell anywhere that leaves it undetermined.
        elsewhere = sorted(
            (other[0] != "cell", self.values[other] == 0, self.values[other], other)
            for other in self.values
            if other not in hidden and other not in self.forced_zero
        )
        if not elsewhere:
            raise ValueError(
                f"no complementary cell for {cell}"
            )  # cannot happen: something published pins it
        for *_rank, other in elsewhere:
            if cell not in self.determined(hidden | {other}):
                return other
        return elsewhere[0][-1]


def _reduced(matrix: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Row-reduce; returns ``(pivot column, row)`` pairs with each pivot 1 and cleared from the other rows."""
    basis: list[tuple[int, list[Fraction]]] = []
    for original in matrix:
        row = list(original)
        for pivot, base in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        lead = next((i for i, value in enumerate(row) if value), None)
        if lead is None:
            continue
        row = [value / row[lead] for value in row]
        for k, (pivot, base) in enumerate(basis):
            if base[lead]:
                factor = base[lead]
                basis[k] = (pivot, [a - factor * b for a, b in zip(base, row, strict=True)])
        basis.append((lead, row))
    return basis


def _in_span(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> bool:
    row = list(vector)
    for pivot, base in basis:
        if row[pivot]:
            factor = row[pivot]
            row = [a - factor * b for a, b in zip(row, base, strict=True)]
    return not any(row)
