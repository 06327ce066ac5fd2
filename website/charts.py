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
    if time_dims:  # every period between the first and the last: a missing one is a gap
        categories = _every_period(axis, categories)
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


def _ticks(top: int) -> list[int]:
    """0 and round steps up to the largest value: a third of it, rounded to 1, 2 or 5."""
    if top <= 0:
        return [0]
    rough = top / 3
    magnitude = 10 ** max(0, len(str(int(rough))) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    return list(range(0, top + step, step))


def _every_period(axis: Dimension, found: list[object]) -> list[object]:
    if axis is Dimension.YEAR:
        years = [int(str(y)) for y in found]
        return list(range(min(years), max(years) + 1))
    indices = [int(str(q)[:4]) * 4 + int(str(q)[-1]) - 1 for q in found]
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(min(indices), max(indices) + 1)]


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
NARROW = 340  # a phone's column (390 px less margins): drawn for it, never shrunk to it
MAX_SERIES = 8  # more than this is a table, not a chart (issue 22)


def height(data: ChartData, *, narrow: bool = False) -> int:
    """Bars get room for their labels; lines a fixed frame; the legend a row per entry
    when narrow (one column), else per three."""
    columns = 1 if narrow else 3
    legend_rows = (len(data.series) + columns - 1) // columns if len(data.series) > 1 else 0
    per_bar = 30 * max(1, len(data.series) // 2)
    if data.time:
        body = 300 if narrow else 380
    else:
        body = max(200, per_bar * len(data.categories) + 100)
    return body + (22 if narrow else 24) * legend_rows


def svg(data: ChartData, *, title: str, key: str, narrow: bool = False) -> str:
    """The chart as a standalone SVG document, deterministic for the same data.

    ``narrow``: drawn for a phone at its own size (text stays 13 px on screen): fewer
    axis labels, the legend in one column, bar labels on the bars' own lines."""
    if len(data.series) > MAX_SERIES:
        raise ValueError(f"{len(data.series)} series: a table, not a chart")
    many = len(data.categories) > (6 if narrow else 12)
    common = dict(
        style=STYLE,
        js=(),
        width=NARROW if narrow else WIDTH,
        height=height(data, narrow=narrow),
        title=title,
        show_legend=len(data.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=1 if narrow else 3,
        print_values=False,
        disable_xml_declaration=True,
        truncate_label=-1,
        truncate_legend=-1,
        x_label_rotation=40 if data.time and many else 0,
        show_minor_x_labels=not many,
        include_x_axis=True,
        margin=8 if narrow else 16,
    )
    if narrow:  # three or four value labels, far enough apart to read
        common["y_labels"] = _ticks(max((v or 0 for s in data.series for v in s.values), default=0))
    chart: pygal.graph.graph.Graph
    if data.time:
        chart = pygal.Line(allow_interruptions=True, dots_size=3, **common)
        if many:
            step = max(1, len(data.categories) // (4 if narrow else 8))
            chart.x_labels_major = data.categories[::step]
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
    return _patterned(_clean(chart.render(is_unicode=True), key), len(data.series), data.time)


PATTERNS = (  # drawn over a series' colour, so bars differ by more than colour
    "",
    '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,4 L8,4" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8" stroke="#fff" stroke-width="2"/>',
    '<path d="M4,0 L4,8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8 M0,8 L8,0" stroke="#fff" stroke-width="1.5"/>',
    '<rect x="2" y="2" width="4" height="4" fill="#fff"/>',
)


def _patterned(drawn: str, count: int, time: bool) -> str:
    """Bars (and their legend boxes) of the second series on get a white pattern over
    their colour: readable without telling colours apart, in print too."""
    if time or count < 2:
        return drawn
    defs = "".join(
        f'<pattern id="jc-p{n}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{COLOURS[n]}"/>{PATTERNS[n]}</pattern>'
        for n in range(1, count)
    )
    rules = "".join(
        f".color-{n} .rect, .color-{n}.reactive, .legend .color-{n}, rect.color-{n}"
        f"{{fill:url(#jc-p{n}) !important}}"
        for n in range(1, count)
    )
    return re.sub(
        r"(<svg\b[^>]*>)", rf"\1<defs>{defs}</defs><style>{rules}</style>", drawn, count=1
    )


def _clean(drawn: str, key: str) -> str:
    chart_id = "chart-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    drawn = re.sub(r"<script\b.*?</script>", "", drawn, flags=re.S)
    drawn = re.sub(r"<!--.*?-->", "", drawn, flags=re.S)
    return re.sub(
        r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", chart_id, drawn
    )
