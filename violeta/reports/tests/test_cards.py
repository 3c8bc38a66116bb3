"""What the dashboard draws of any Table: numbers as in Mexico, the total row, and the chart's data."""

from decimal import Decimal

import pytest

from violeta.reports.cards import MAX_CATEGORIES, chart_data, format_row, format_value, total_row
from violeta.reports.indicators import Column, Kind, Table


def table(columns, rows, **kwargs) -> Table:
    return Table(slug="t", title="Una cifra", columns=columns, rows=rows, **kwargs)


LABEL = Column("area", "Área", Kind.LABEL)
SECOND = Column("modality", "Modalidad", Kind.LABEL)
COUNT = Column("n", "Casos")
PERCENT = Column("pct", "Porcentaje", Kind.PERCENT)
DAYS = Column("days", "Días", Kind.NUMBER)


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (12345, Kind.COUNT, "12,345"),
        (1234567, Kind.COUNT, "1,234,567"),
        (0, Kind.COUNT, "0"),
        (12.5, Kind.PERCENT, "12.5 %"),
        (100, Kind.PERCENT, "100 %"),
        (Decimal("33.333"), Kind.PERCENT, "33.3 %"),
        (1234.56, Kind.NUMBER, "1,234.6"),
        (7.0, Kind.NUMBER, "7"),
        (None, Kind.COUNT, "—"),
        ("<5", Kind.COUNT, "<5"),  # a suppressed cell is shown as it comes
    ],
)
def test_numbers_are_written_as_in_mexico(value, kind, shown):
    assert format_value(value, kind) == shown


def test_a_row_keeps_its_labels_and_formats_its_numbers():
    one = table([LABEL, COUNT, PERCENT], [["Jurídica", 1500, 37.5]])
    assert [(c.text, c.numeric) for c in format_row(one, one.rows[0])] == [
        ("Jurídica", False),
        ("1,500", True),
        ("37.5 %", True),
    ]


def test_only_an_additive_table_of_counts_gets_a_total_row():
    rows = [["Jurídica", 1200, 40.0], ["Psicológica", 800, 60.0]]
    total = total_row(table([LABEL, COUNT, PERCENT], rows))
    assert [c.text for c in total] == ["Total", "2,000", ""]  # percentages are not summed
    assert total_row(table([LABEL, COUNT, PERCENT], rows, additive=False)) is None
    assert total_row(table([LABEL, DAYS], [["Jurídica", 3.5], ["Psicológica", 2]])) is None
    assert total_row(table([LABEL, COUNT], [["Jurídica", 1]])) is None  # one row: its own total
    # a cell that is not a number (suppressed) leaves its column without a total
    assert [c.text for c in total_row(table([LABEL, COUNT], [["A", 3], ["B", "<5"]]))] == ["Total", ""]


def test_one_label_column_makes_a_category_per_row_and_a_series_per_column_of_the_first_kind():
    one = table(
        [LABEL, COUNT, Column("m", "Mujeres"), PERCENT],
        [["Jurídica", 4, 3, 75.0], ["Psicológica", 2, 2, 100]],
    )
    chart, note = chart_data(one)
    assert chart["labels"] == ["Jurídica", "Psicológica"]
    assert chart["datasets"] == [{"label": "Casos", "data": [4, 2]}, {"label": "Mujeres", "data": [3, 2]}]
    assert (chart["type"], chart["stacked"], chart["horizontal"], chart["percent"]) == (
        "bar",
        False,
        False,
        False,
    )
    assert note == ""


def test_two_label_columns_and_one_value_pivot_into_stacked_series():
    one = table(
        [LABEL, SECOND, COUNT],
        [["Jurídica", "Presencial", 5], ["Jurídica", "Por teléfono", 2], ["Psicológica", "Por teléfono", 1]],
        chart="stacked",
    )
    chart, _note = chart_data(one)
    assert chart["labels"] == ["Jurídica", "Psicológica"]
    assert chart["datasets"] == [
        {"label": "Presencial", "data": [5, None]},
        {"label": "Por teléfono", "data": [2, 1]},
    ]
    assert chart["stacked"] is True
    assert chart["legend"] is True  # the series are the modalities: they are named


def test_two_label_columns_of_a_plain_bar_chart_are_joined_into_one_category():
    one = table(
        [LABEL, Column("cp", "C.P.", Kind.LABEL), COUNT], [["Centro", "31000", 2], ["Dale", "31050", 1]]
    )
    chart, _note = chart_data(one)
    assert chart["labels"] == ["Centro · 31000", "Dale · 31050"]
    assert chart["datasets"] == [{"label": "Casos", "data": [2, 1]}]
    assert chart["legend"] is False


def test_no_label_column_makes_a_category_per_value_column():
    chart, _note = chart_data(
        table([PERCENT, Column("other", "Otro", Kind.PERCENT)], [[12.5, 87.5]], chart="pie")
    )
    assert chart["labels"] == ["Porcentaje", "Otro"]
    assert chart["datasets"] == [{"label": "Una cifra", "data": [12.5, 87.5]}]
    assert (chart["type"], chart["percent"]) == ("pie", True)


def test_many_categories_lie_down_and_the_chart_shows_the_first_ones_saying_so():
    rows = [[f"Colonia {i}", 100 - i] for i in range(45)]
    chart, note = chart_data(table([LABEL, COUNT], rows))
    assert chart["horizontal"] is True
    assert len(chart["labels"]) == len(chart["datasets"][0]["data"]) == MAX_CATEGORIES
    assert chart["labels"][0] == "Colonia 0"
    assert note == "La gráfica muestra las primeras 30 de 45; la tabla las tiene todas."


def test_no_chart_when_the_table_asks_for_none_or_is_empty():
    assert chart_data(table([LABEL, COUNT], [["A", 1]], chart="none")) == (None, "")
    assert chart_data(table([LABEL, COUNT], [])) == (None, "")


def test_a_stacked_chart_stacks_the_parts_and_leaves_out_the_column_that_is_their_sum():
    calls = Column("calls", "Llamadas", sum_of=("within", "outside"))
    parts = [Column("within", "En horario"), Column("outside", "Fuera del horario")]
    one = table([LABEL, calls, *parts], [["09:00", 6, 6, 0], ["20:00", 2, 0, 2]], chart="stacked")
    chart, _note = chart_data(one)
    assert [d["label"] for d in chart["datasets"]] == ["En horario", "Fuera del horario"]
    assert chart["stacked"] is True
    # side by side (not stacked) the whole is drawn beside its parts
    one.chart = "bar"
    assert [d["label"] for d in chart_data(one)[0]["datasets"]] == [
        "Llamadas",
        "En horario",
        "Fuera del horario",
    ]
