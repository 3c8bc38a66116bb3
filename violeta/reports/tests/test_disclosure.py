"""Primary and secondary suppression, checked by an attacker who tries every table the published figures allow."""

import itertools
import random

import pytest

from violeta.reports.disclosure import protect
from violeta.reports.indicators.base import Column, Kind, Table


def table(rows, *, counts=2, row_totals=True, additive=True, extra=()):
    columns = [Column("group", "Grupo", Kind.LABEL)]
    columns += [Column(f"c{i}", f"C{i}", Kind.COUNT) for i in range(counts)]
    columns += [Column(key, key, kind) for key, kind in extra]
    return Table("t", "T", columns, [list(row) for row in rows], additive=additive, row_totals=row_totals)


class Unrecoverable(Exception):
    pass


def recoverable(protected, original: Table, limit: int = 40) -> set[tuple[int, int]]:
    """The hidden body cells an attacker can pin down: every way of filling the hidden cells with 0..limit that
    reproduces each published total is found (depth first, cutting a branch as soon as a total is exceeded or a
    completed line misses its total), and a cell that takes one value only in all of them is recovered. Hidden
    totals are unknowns too: they only have to agree with their cells."""
    counts = [i for i, c in enumerate(original.columns) if c.kind == Kind.COUNT]
    hidden = sorted(protected.positions)
    n_rows = len(protected.rows)
    column_total = {c: protected.total_row[c] if protected.total_row else None for c in counts}
    row_total = {r: protected.row_total[r] if protected.row_total else None for r in range(n_rows)}
    grid = [list(row) for row in protected.rows]
    seen = {cell: set() for cell in hidden}
    last_in_column = {c: max((i for i, (_r, cc) in enumerate(hidden) if cc == c), default=-1) for c in counts}
    last_in_row = {
        r: max((i for i, (rr, _c) in enumerate(hidden) if rr == r), default=-1) for r in range(n_rows)
    }

    def partial(values):
        return sum(v for v in values if v is not None)

    def breaks(values, total, closed: bool) -> bool:
        return total is not None and (partial(values) > total or (closed and partial(values) != total))

    def fits(i, r, c) -> bool:
        column = [grid[k][c] for k in range(n_rows)]
        line = [grid[r][k] for k in counts]
        return not (
            breaks(column, column_total[c], i >= last_in_column[c])
            or breaks(line, row_total[r], i >= last_in_row[r])
        )

    def search(i):
        if i == len(hidden):
            everything = sum(grid[r][c] for r in range(n_rows) for c in counts)
            if protected.grand_total is not None and everything != protected.grand_total:
                return
            for r, c in hidden:
                seen[(r, c)].add(grid[r][c])
            if all(len(values) > 1 for values in seen.values()):
                raise Unrecoverable  # every hidden cell has two possible values already: nothing to recover
            return
        r, c = hidden[i]
        upper = limit
        if column_total[c] is not None:
            upper = min(upper, column_total[c] - partial(grid[k][c] for k in range(n_rows) if k != r))
        if row_total[r] is not None:
            upper = min(upper, row_total[r] - partial(grid[r][k] for k in counts if k != c))
        choices = range(upper + 1)
        # The last hidden cell of a line with a published total can take one value only.
        if i == last_in_column[c] and column_total[c] is not None:
            rest = column_total[c] - partial(grid[k][c] for k in range(n_rows) if k != r)
            choices = [rest] if rest >= 0 else []
        elif i == last_in_row[r] and row_total[r] is not None:
            rest = row_total[r] - partial(grid[r][k] for k in counts if k != c)
            choices = [rest] if rest >= 0 else []
        for value in choices:
            grid[r][c] = value
            if fits(i, r, c):
                search(i + 1)
        grid[r][c] = None

    try:
        search(0)
    except Unrecoverable:
        return set()
    # A hidden zero that can be worked out tells nothing (zeros are published anyway).
    return {(r, c) for (r, c), values in seen.items() if len(values) == 1 and original.rows[r][c] != 0}


def test_a_small_count_is_hidden_and_so_are_the_cells_that_would_give_it_away():
    original = table([("A", 2, 10), ("B", 8, 9)])
    naive_total_row = [sum(row[1] for row in original.rows), sum(row[2] for row in original.rows)]
    # Naive suppression (the small cell alone) leaks: its column total minus the other cell gives it back.
    assert naive_total_row[0] - original.rows[1][1] == 2

    protected = protect(original, 5)
    assert protected.rows[0][1] is None
    assert protected.primary == 1
    assert protected.hidden > 1
    assert recoverable(protected, original) == set()
    assert protected.total_row[1:] == [10, 19]  # the totals themselves stay published
    assert protected.grand_total == 29


def test_cells_joined_only_through_other_rows_and_columns_are_not_recoverable_either():
    # Two small cells in different rows and columns: hiding one partner in each row and column is not enough when
    # the partners form a chain that the totals close (the check is exact, not "two per line").
    original = table([("A", 3, 20, 30), ("B", 25, 4, 35), ("C", 40, 45, 2), ("D", 50, 55, 60)], counts=3)
    protected = protect(original, 5)
    assert {(0, 1), (1, 2), (2, 3)} <= protected.positions
    assert recoverable(protected, original, limit=60) == set()


def test_without_row_totals_only_the_column_totals_are_equations():
    original = table([("A", 1, 7), ("B", 12, 9), ("C", 30, 2)], row_totals=False)
    protected = protect(original, 5)
    assert protected.row_total is None and protected.grand_total is None
    assert protected.total_row[1:] == [43, 18]
    assert {(0, 1), (2, 2)} <= protected.positions
    assert recoverable(protected, original) == set()


def test_a_total_below_the_threshold_is_hidden_and_zero_is_published():
    original = table([("A", 0, 1), ("B", 0, 2)], row_totals=False)
    protected = protect(original, 5)
    assert protected.rows[0][1] == 0 and protected.rows[1][1] == 0
    assert protected.total_row[2] is None  # 3 women in all: below 5
    assert recoverable(protected, original) == set()


def test_a_percentage_beside_a_hidden_count_is_hidden_with_it():
    original = table(
        [("Alta", 3, 1, 33.3), ("Media", 40, 20, 50.0)],
        row_totals=False,
        extra=[("percent", Kind.PERCENT)],
    )
    protected = protect(original, 5)
    assert protected.rows[0][3] is None
    row_hidden = any((1, c) in protected.positions for c in (1, 2))
    assert protected.rows[1][3] == (None if row_hidden else 50.0)


def test_a_table_that_is_not_additive_gets_primary_suppression_only():
    original = table([("Física", 3, 10), ("Psicológica", 12, 9)], additive=False)
    protected = protect(original, 5)
    assert protected.total_row is None
    assert protected.positions == {(0, 1)}


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_never_leak(seed):
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    rows = [(f"R{r}", *(rng.choice([0, 1, 2, 3, 4, 6, 9]) for _ in range(3))) for r in range(3)]
    original = table(rows, counts=3, row_totals=bool(seed % 2))
    limit = max(sum(row[c] for row in rows) for c in (1, 2, 3))
    protected = protect(original, 5)
    for r, row in enumerate(original.rows):
        for c in (1, 2, 3):
            if 0 < row[c] < 5:
                assert (r, c) in protected.positions
    assert recoverable(protected, original, limit=limit) == set()


def test_a_column_that_adds_up_others_is_an_equation_too():
    # Calls = within + outside office hours, in every row: hiding "outside = 2" alone leaks (7 - 5).
    columns = [
        Column("line", "Línea", Kind.LABEL),
        Column("calls", "Llamadas", sum_of=("within", "outside")),
        Column("within", "En horario"),
        Column("outside", "Fuera de horario"),
    ]
    original = Table("calls", "Llamadas", columns, [["Línea 1", 7, 5, 2], ["Línea 2", 30, 20, 10]])
    protected = protect(original, 5)
    assert (0, 3) in protected.positions
    hidden_in_row = {c for r, c in protected.positions if r == 0}
    assert len(hidden_in_row) >= 2  # the small part and at least one more of its row
    # An attacker using the row's sum as well as the column totals recovers nothing.
    assert _recoverable_with_row_sums(protected, original) == set()


def _recoverable_with_row_sums(protected, original, limit: int = 40):
    """Every filling of the hidden cells (0..limit) consistent with the column totals and whole = sum of parts."""
    hidden = sorted(protected.positions)
    seen = {cell: set() for cell in hidden}
    for values in itertools.product(range(limit + 1), repeat=len(hidden)):
        grid = [list(row) for row in protected.rows]
        for (r, c), value in zip(hidden, values, strict=True):
            grid[r][c] = value
        if any(row[1] != row[2] + row[3] for row in grid):
            continue
        if any(
            protected.total_row[c] is not None and sum(row[c] for row in grid) != protected.total_row[c]
            for c in (1, 2, 3)
        ):
            continue
        for cell, value in zip(hidden, values, strict=True):
            seen[cell].add(value)
    return {(r, c) for (r, c), found in seen.items() if len(found) == 1 and original.rows[r][c] != 0}


def test_a_total_pinned_down_only_through_other_columns_gets_a_complement_elsewhere():
    # waiting = referrals - answered in every row, so its total (1, hidden) is 13 - 12 from the other two
    # totals, although every cell of its own column is hidden or forced: the complement comes from elsewhere.
    columns = [
        Column("institution", "Institución", Kind.LABEL),
        Column("referrals", "Enviadas", sum_of=("answered", "waiting")),
        Column("answered", "Respondidas"),
        Column("waiting", "En espera"),
    ]
    original = Table("r", "Canalizaciones", columns, [["A", 6, 5, 1], ["B", 7, 7, 0]])
    protected = protect(original, 5)
    assert protected.total_row[3] is None
    assert (0, 3) in protected.positions
    assert _recoverable_with_row_sums(protected, original, limit=13) == set()
