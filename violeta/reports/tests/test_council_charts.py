"""The SVG charts of the council report: drawn from the protected table only, escaped, to scale."""

import re

from violeta.reports.council_charts import chart_svg
from violeta.reports.disclosure import protect
from violeta.reports.indicators.base import Column, Kind, Table


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]


def test_a_withheld_cell_has_no_bar_only_the_mark():
    table = Table(
        "t",
        "Mujeres",
        [Column("kind", "Tipo", Kind.LABEL), Column("n", "Mujeres")],
        [["Nuevas", 20], ["Seguimiento", 3], ["Otras", 40]],
    )
    protected = protect(table)
    assert protected.rows[1][1] is None
    svg = chart_svg(protected)
    bars = widths(svg)
    assert len(bars) == 2 - (protected.rows[0][1] is None) - (protected.rows[2][1] is None)
    assert ">*<" in svg
    assert ">3<" not in svg


def test_bars_are_to_scale_and_numbers_as_in_mexico():
    table = Table(
        "t",
        "Consultas",
        [Column("area", "Área", Kind.LABEL), Column("n", "Consultas")],
        [["Jurídica", 1200], ["Psicológica", 2400]],
    )
    svg = chart_svg(protect(table))
    first, second = widths(svg)
    assert abs(second / first - 2) < 0.01
    assert ">1,200<" in svg and ">2,400<" in svg


def test_labels_are_escaped():
    table = Table(
        "t",
        "<script>alert(1)</script>",
        [Column("x", "X", Kind.LABEL), Column("n", "N")],
        [['<script>alert("x")</script>', 12]],
    )
    svg = chart_svg(protect(table))
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_two_labels_are_stacked_by_the_second_with_a_legend():
    table = Table(
        "t",
        "Consultas",
        [
            Column("area", "Área", Kind.LABEL),
            Column("mod", "Modalidad", Kind.LABEL),
            Column("n", "Consultas"),
        ],
        [["Jurídica", "Presencial", 10], ["Jurídica", "Por teléfono", 30], ["Psicológica", "Presencial", 20]],
        chart="stacked",
    )
    svg = chart_svg(protect(table))
    assert len(widths(svg)) == 3 + 2  # three segments, two legend swatches
    assert ">Presencial<" in svg and ">Por teléfono<" in svg
    assert ">40<" in svg  # the stacked bar's published total


def test_a_line_breaks_at_a_withheld_point():
    table = Table(
        "t",
        "Llamadas por hora",
        [Column("hour", "Hora", Kind.LABEL), Column("n", "Llamadas")],
        [[f"{h}:00", n] for h, n in enumerate([10, 12, 2, 15, 11])],
        chart="line",
        additive=False,
    )
    svg = chart_svg(protect(table))
    assert svg.count("<polyline") == 2  # 10–12, then 15–11: no line through the withheld hour
    assert svg.count("<circle") == 4
    assert ">*<" in svg


def test_no_chart_when_the_table_asks_for_none_or_is_empty():
    table = Table("t", "T", [Column("x", "X", Kind.LABEL), Column("n", "N")], [["a", 9]], chart="none")
    assert chart_svg(protect(table)) == ""
    empty = Table("t", "T", [Column("x", "X", Kind.LABEL), Column("n", "N")], [])
    assert chart_svg(protect(empty)) == ""


def test_a_total_beside_its_parts_is_never_stacked_onto_them():
    table = Table(
        "calls",
        "Llamadas",
        [
            Column("line", "Línea", Kind.LABEL),
            Column("calls", "Llamadas"),
            Column("within", "En horario"),
            Column("outside", "Fuera de horario"),
        ],
        [["Violencia", 30, 20, 10], ["Jurídico", 16, 10, 6]],
        chart="stacked",
    )
    svg = chart_svg(protect(table))
    assert ">50<" not in svg and ">30<" in svg  # grouped bars: 30 calls, not 30 + 20 stacked
    assert len(widths(svg)) == 6 + 3


def test_a_column_declared_as_the_sum_of_others_is_drawn_as_its_parts_stacked():
    table = Table(
        "calls",
        "Llamadas",
        [
            Column("line", "Línea", Kind.LABEL),
            Column("calls", "Llamadas", sum_of=("within", "outside")),
            Column("within", "En horario"),
            Column("outside", "Fuera de horario"),
        ],
        [["Violencia", 30, 20, 10], ["Jurídico", 16, 10, 6]],
        chart="stacked",
    )
    svg = chart_svg(protect(table))
    assert ">30<" in svg and ">16<" in svg  # each bar: its parts stacked up to the whole
    assert (
        svg.count(">Llamadas<") == 1 and ">En horario<" in svg
    )  # the title only: the legend names the parts
    assert len(widths(svg)) == 4 + 2


def test_when_every_part_is_withheld_the_whole_is_drawn_alone():
    table = Table(
        "calls",
        "Llamadas",
        [
            Column("line", "Línea", Kind.LABEL),
            Column("calls", "Llamadas", sum_of=("within", "outside")),
            Column("within", "En horario"),
            Column("outside", "Fuera de horario"),
        ],
        [["Violencia", 18, 14, 4], ["Jurídico", 16, 14, 2]],
        chart="stacked",
    )
    protected = protect(table)
    assert all(row[2] is None and row[3] is None for row in protected.rows)
    svg = chart_svg(protected)
    assert len(widths(svg)) == 2 and ">18<" in svg and ">16<" in svg
    assert ">4<" not in svg and ">14<" not in svg
