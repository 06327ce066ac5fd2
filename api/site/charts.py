"""Charts drawn on the server as SVG (pygal), with the sentence that says what they show.

A chart is never the only carrier of its numbers: every page shows the table beside it
and a text summary; series differ by dash pattern as well as colour, and every colour
has at least 4.5:1 contrast on white. The SVG is served as an image with no script (the
library's own is removed), and its element ids are derived from the question, so the
same numbers always give the same bytes (and the same ETag).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import pygal
from pygal.style import Style

from publication.attributes import Dimension
from publication.statistics import StatisticsRow

COLOURS = ("#0a5a9c", "#b34700", "#1b7a3a", "#7a2e8e", "#a3123a", "#4d4d4d", "#00707a", "#6b5500")
DASHES = ("", "8,4", "2,3", "10,3,2,3", "14,6", "4,4,1,4", "1,2", "6,2,6,8")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#595959",
    opacity="1",
    opacity_hover="1",
    colors=COLOURS,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    tooltip_font_size=12,
)
Words = Callable[[Dimension, object], str]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[int | None]


@dataclass(frozen=True, slots=True)
class ChartData:
    """What a chart plots: categories along the axis, one or more series over them."""

    categories: list[str]
    series: list[Series]
    time: bool  # categories are periods, drawn as lines


def chart_data(rows: list[StatisticsRow], dims: list[Dimension], words: Words) -> ChartData | None:
    """The axis is the period if there is one, else the breakdown; the other dimension, if
    any, makes the series. Cells the tables do not hold (0, or a small count shown as 0)
    are gaps, not zeros."""
    if not dims or not rows or len(dims) > 2:  # three dimensions: a table, not a chart
        return None
    time_dims = [d for d in dims if d in (Dimension.YEAR, Dimension.QUARTER)]
    axis = time_dims[0] if time_dims else dims[-1]
    others = [d for d in dims if d is not axis]
    other = others[0] if others else None
    categories = list(dict.fromkeys(r.values[axis] for r in rows))
    if time_dims:
        categories.sort()
    else:  # the largest first
        totals: dict[object, int] = {}
        for r in rows:
            totals[r.values[axis]] = totals.get(r.values[axis], 0) + r.count
        categories.sort(key=lambda c: -totals[c])
    names = list(dict.fromkeys(r.values[other] for r in rows)) if other else [None]
    cells = {(r.values[axis], r.values[other] if other else None): r.count for r in rows}
    series = [
        Series(
            words(other, name) if other else "Outcomes",
            [cells.get((c, name)) for c in categories],
        )
        for name in names
    ]
    return ChartData([words(axis, c) for c in categories], series, bool(time_dims))


def summary(data: ChartData | None, *, k: int) -> str:
    """One or two sentences a screen-reader user (or anyone) can take instead of the chart."""
    if data is None:
        return "Nothing to chart: no published figures for this choice."
    parts: list[str] = []
    for s in data.series[:8]:
        shown = [(c, v) for c, v in zip(data.categories, s.values, strict=True) if v]
        if not shown:
            parts.append(f"{s.name}: no figure large enough to publish.")
            continue
        top = max(shown, key=lambda cv: cv[1])
        if data.time:
            first, last = shown[0], shown[-1]
            parts.append(
                f"{s.name}: {first[1]} in {first[0]}, {last[1]} in {last[0]}; "
                f"highest {top[1]} in {top[0]}."
            )
        else:
            low = min(shown, key=lambda cv: cv[1])
            parts.append(
                f"{s.name}: most in {top[0]} ({top[1]}), fewest shown in {low[0]} ({low[1]})."
            )
    if len(data.series) > 8:
        parts.append(f"And {len(data.series) - 8} more series in the table.")
    gaps = sum(v is None for s in data.series for v in s.values)
    if gaps:
        parts.append(f"{gaps} figure(s) are 0 or fewer than {k} and are not shown.")
    return " ".join(parts)


WIDTH = 760


def height(data: ChartData) -> int:
    """Bars get room for their labels; lines a fixed frame."""
    legend_rows = (len(data.series) + 2) // 3 if len(data.series) > 1 else 0
    body = (
        380
        if data.time
        else max(200, 30 * len(data.categories) * max(1, len(data.series) // 2) + 100)
    )
    return body + 24 * legend_rows


def svg(data: ChartData, *, title: str, key: str) -> str:
    """The chart as a standalone SVG document, deterministic for the same data."""
    many = len(data.categories) > 12
    common = dict(
        style=STYLE,
        js=(),
        width=WIDTH,
        height=height(data),
        title=title,
        show_legend=len(data.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        disable_xml_declaration=True,
        truncate_label=-1,
        truncate_legend=-1,
        x_label_rotation=40 if data.time and many else 0,
        show_minor_x_labels=not many,
        include_x_axis=True,
        margin=16,
    )
    chart: pygal.graph.graph.Graph
    if data.time:
        chart = pygal.Line(allow_interruptions=True, dots_size=3, **common)
        if many:
            chart.x_labels_major = data.categories[:: max(1, len(data.categories) // 8)]
    else:
        chart = pygal.HorizontalBar(**common)
    chart.x_labels = data.categories
    for n, s in enumerate(data.series):
        chart.add(
            s.name,
            s.values,
            stroke_style={"width": 2.5, "dasharray": DASHES[n % len(DASHES)]}
            if data.time
            else None,
        )
    return _clean(chart.render(is_unicode=True), key)


def _clean(drawn: str, key: str) -> str:
    chart_id = "chart-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    drawn = re.sub(r"<script\b.*?</script>", "", drawn, flags=re.S)
    drawn = re.sub(r"<!--.*?-->", "", drawn, flags=re.S)
    return re.sub(
        r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", chart_id, drawn
    )
