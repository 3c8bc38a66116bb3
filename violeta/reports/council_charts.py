"""Charts for the council report, drawn as SVG on the server: no JavaScript in the PDF, no new dependency.

A chart is drawn from a **protected** table (``reports.disclosure.Protected``), never from the raw one: a
withheld cell has no bar or point, only the mark ``*`` where it would be, so the drawing gives away nothing the
table does not. Three kinds, after the table's ``chart`` hint: horizontal bars (grouped when there are several
series), stacked horizontal bars (``stacked``, additive tables) and lines (``line``: hours, weekdays, months).
A table with two label columns is pivoted: the first label is the bar, the second the series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from violeta.reports.disclosure import HIDDEN_MARK, Protected
from violeta.reports.indicators.base import Kind

WIDTH = 640
LABELS = 190  # room for the category labels at the left of a bar chart
FONT = 'font-family="DejaVu Sans, Liberation Sans, sans-serif"'
COLOURS = ("#5b2a86", "#d9822b", "#2a7f62", "#c0392b", "#3b6fb6", "#8e7cc3", "#7f6a00", "#6d6d6d")


def number(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


@dataclass
class Series:
    name: str
    values: list  # one per category; None when withheld


@dataclass
class Data:
    categories: list[str]
    series: list[Series]
    parts: bool = (
        False  # the series split one whole (a pivoted second label, row totals, ``sum_of``): they stack
    )


def chart_data(protected: Protected) -> Data | None:
    """Categories and series from the protected table; ``None`` when there is nothing to draw."""
    columns = protected.columns
    labels = [i for i, c in enumerate(columns) if c.kind == Kind.LABEL]
    counts = [i for i, c in enumerate(columns) if c.kind == Kind.COUNT]
    others = [i for i, c in enumerate(columns) if c.kind in (Kind.NUMBER, Kind.PERCENT)]
    values = counts or others[:1]
    if not protected.rows or not values:
        return None
    if len(labels) >= 2:
        first, second, value = labels[0], labels[1], values[0]
        categories = _unique(str(row[first]) for row in protected.rows)
        names = _unique(str(row[second]) for row in protected.rows)
        grid = {(str(row[first]), str(row[second])): row[value] for row in protected.rows}
        series = [Series(name, [grid.get((category, name), 0) for category in categories]) for name in names]
        return Data(categories, series, parts=True)
    categories = [str(row[labels[0]]) if labels else "" for row in protected.rows]
    # A column that adds up others (``Column.sum_of``: calls = within + outside office hours) is drawn as its
    # parts stacked, never beside them.
    whole = next((c for c in columns if c.kind == Kind.COUNT and c.sum_of), None)
    if whole is not None:
        keys = [c.key for c in columns]
        parts = [keys.index(key) for key in whole.sum_of if key in keys]
        if any(row[i] for row in protected.rows for i in parts):
            values = parts
        else:  # every part withheld (or zero): the whole alone, still worth a chart
            values, whole = [keys.index(whole.key)], None
    series = [Series(str(columns[i].label), [row[i] for row in protected.rows]) for i in values]
    return Data(categories, series, parts=protected.table.row_totals or whole is not None)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def chart_svg(protected: Protected, title: str = "") -> SafeString:
    """The table's chart as an inline ``<svg>``, or an empty string when the table is not drawn."""
    hint = protected.table.chart
    data = chart_data(protected)
    if hint == "none" or data is None or not any(v for s in data.series for v in s.values):
        return mark_safe("")  # nothing to draw: no published value above zero
    if hint == "line" and len(data.categories) > 2:
        body, height = _lines(data)
    else:
        # Stacking columns that do not split one whole (a total beside its parts) would add them up wrongly.
        stacked = hint == "stacked" and protected.table.additive and data.parts and len(data.series) > 1
        body, height = _bars(data, stacked=stacked)
    legend, legend_height = _legend(data, height)
    total = height + legend_height
    label = escape(title or protected.table.title)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{label}" '
        f'viewBox="0 0 {WIDTH} {total}" width="{WIDTH}" height="{total}" {FONT} font-size="11">'
        f"<title>{label}</title>{body}{legend}</svg>"
    )
    return mark_safe(svg)  # noqa: S308  every text in it is escaped


def _nice_step(top: float) -> float:
    if top <= 0:
        return 1
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            step = factor * magnitude
            return max(step, 1) if isinstance(top, int) else step
    return 10 * magnitude


def _axis_top(largest: float) -> tuple[float, float]:
    step = _nice_step(largest)
    return step * max(1, math.ceil(largest / step)), step


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bars(data: Data, *, stacked: bool) -> tuple[str, int]:
    n = len(data.series)
    per_category = 20 if stacked or n == 1 else 12 * n + 4
    gap = 10
    top_margin = 22
    plot = WIDTH - LABELS - 60
    if stacked:
        sums = [sum(s.values[i] or 0 for s in data.series) for i in range(len(data.categories))]
    else:
        sums = [v or 0 for s in data.series for v in s.values]
    largest = max(sums, default=0) or 1
    top, step = _axis_top(largest)
    height = top_margin + len(data.categories) * (per_category + gap) + 6
    parts = []
    tick = 0.0
    while tick <= top + 1e-9:
        x = LABELS + plot * tick / top
        parts.append(
            f'<line x1="{x:.1f}" y1="{top_margin - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="#ddd" '
            f'stroke-width="0.8"/><text x="{x:.1f}" y="{top_margin - 8}" text-anchor="middle" fill="#555" '
            f'font-size="9">{escape(number(int(tick) if float(tick).is_integer() else tick))}</text>'
        )
        tick += step
    for c, category in enumerate(data.categories):
        y = top_margin + c * (per_category + gap)
        parts.append(
            f'<text x="{LABELS - 6}" y="{y + per_category / 2 + 4:.1f}" text-anchor="end" fill="#222">'
            f"{escape(_short(category))}</text>"
        )
        x = LABELS
        hidden = False
        for s, series in enumerate(data.series):
            value = series.values[c]
            colour = COLOURS[s % len(COLOURS)]
            if stacked:
                if value is None:
                    hidden = True
                    continue
                if value:
                    width = plot * value / top
                    parts.append(_rect(x, y, width, per_category, colour))
                    x += width
                continue
            bar_y = y + (s * 12 if n > 1 else 0)
            bar_h = 10 if n > 1 else per_category
            if value is None:
                parts.append(_mark(LABELS + 3, bar_y + bar_h / 2 + 4))
                continue
            width = plot * value / top
            parts.append(_rect(LABELS, bar_y, width, bar_h, colour))
            parts.append(
                f'<text x="{LABELS + width + 3:.1f}" y="{bar_y + bar_h / 2 + 4:.1f}" fill="#222" '
                f'font-size="{9 if n > 1 else 10}">{escape(number(value))}</text>'
            )
        if stacked:
            shown = sum(series.values[c] or 0 for series in data.series)
            text = number(shown) + (f" {HIDDEN_MARK}" if hidden else "")
            if hidden and not shown:
                text = HIDDEN_MARK
            parts.append(
                f'<text x="{x + 3:.1f}" y="{y + per_category / 2 + 4:.1f}" fill="#222" font-size="10">'
                f"{escape(text)}</text>"
            )
    parts.append(
        f'<line x1="{LABELS}" y1="{top_margin - 4}" x2="{LABELS}" y2="{height - 6}" stroke="#444" '
        'stroke-width="1"/>'
    )
    return "".join(parts), height


def _lines(data: Data) -> tuple[str, int]:
    left, right, top_margin, plot_height = 44, 16, 14, 170
    plot = WIDTH - left - right
    largest = max((v for s in data.series for v in s.values if v is not None), default=0) or 1
    top, step = _axis_top(largest)
    height = top_margin + plot_height + 34
    base = top_margin + plot_height
    count = len(data.categories)

    def at(i, value):
        return left + plot * (i + 0.5) / count, base - plot_height * value / top

    parts = []
    tick = 0.0
    while tick <= top + 1e-9:
        y = base - plot_height * tick / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.8"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#555" font-size="9">'
            f"{escape(number(int(tick) if float(tick).is_integer() else tick))}</text>"
        )
        tick += step
    every = max(1, math.ceil(count / 12))
    for i, category in enumerate(data.categories):
        if i % every == 0:
            x, _y = at(i, 0)
            parts.append(
                f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle" fill="#222" font-size="9">'
                f"{escape(_short(category, 12))}</text>"
            )
    for s, series in enumerate(data.series):
        colour = COLOURS[s % len(COLOURS)]
        run: list[str] = []
        runs = []
        for i, value in enumerate(series.values):
            if value is None:
                x, _y = at(i, 0)
                parts.append(_mark(x - 3, base - 4))
                runs.append(run)
                run = []
                continue
            x, y = at(i, value)
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{colour}"/>')
        runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="1.8"/>'
                )
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="#444"/>')
    return "".join(parts), height


def _legend(data: Data, y: int) -> tuple[str, int]:
    if len(data.series) < 2:
        return "", 0
    parts, x, row = [], LABELS if len(data.series) < 4 else 10, 0
    for s, series in enumerate(data.series):
        name = _short(series.name, 34)
        width = 16 + 6.2 * len(name) + 14
        if x + width > WIDTH:
            x, row = 10, row + 1
        top = y + 4 + row * 16
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>'
            f'<text x="{x + 14:.1f}" y="{top + 9}" fill="#222" font-size="10">{escape(name)}</text>'
        )
        x += width
    return "".join(parts), (row + 1) * 16 + 8


def _rect(x, y, width, height, colour) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height}" fill="{colour}"/>'


def _mark(x, y) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" fill="#c0392b" font-weight="bold">{HIDDEN_MARK}</text>'
