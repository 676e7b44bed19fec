"""Monthly trend charts as self-contained, deterministic SVG for the dashboard pages and the PDF review packs.

The SVG is written directly: a dozen paths and texts whose coordinates come from one small layout, so a chart
costs a fraction of a millisecond and the same chart is the same bytes in every process. The output is safe to
inline under a strict CSP (no scripts, no `style` attributes or elements, no external references: presentation
attributes only) and draws the same in browsers and in WeasyPrint, which embeds it in the review packs.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

STATUSES = frozenset({"met", "missed", "breach", "relieved", "no_data"})
STATUS_COLOURS = MappingProxyType({
    "met": "#198754",
    "missed": "#ffc107",
    "breach": "#dc3545",
    "relieved": "#6c757d",
    "no_data": "#adb5bd",
})
# The page or PDF supplies the font (the packs ship a Japanese one through @font-face); these are only names.
FONT_FAMILY = "'Noto Sans JP', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"

_LINE_COLOUR = "#2f5f98"
_NEUTRAL_MARKER = "#2f5f98"
_TARGET_COLOUR = "#146c43"
_MINIMUM_COLOUR = "#b02a37"
_AXIS_COLOUR = "#adb5bd"
_GRID_COLOUR = "#e9ecef"
_BREACH_ZONE = "#fcf1f2"
_LABEL_COLOUR = "#6c757d"
_TEXT_COLOUR = "#212529"

_TITLE_SIZE = 12.0
_TICK_SIZE = 9.0
_SMALL_SIZE = 8.5
_PAD = 6.0  # px between the SVG edge and any text
_TOP = 40.0  # title row plus the unit label above the y axis
_BOTTOM = 34.0  # month labels plus the year row
_MIN_LABEL_GAP = 11.0  # px between the target and minimum labels when their lines are close

_AXIS_WIDTH = 0.8
_GRID_WIDTH = 0.8
_TICK_LENGTH = 3.0  # month tick marks below the x axis
_LINE_WIDTH = 1.8
_REFERENCE_WIDTH = 1.1
# (dash, gap) in units of the line width, as matplotlib scales them: 5.5,3.3 for the target, 1.32,2.42 below
_DASHES = MappingProxyType({"dashed": (5.0, 3.0), "dotted": (1.2, 2.2)})
_MARKER_EDGE = "#ffffff"
_MARKER_EDGE_WIDTH = 1.2
# A circle of radius 3.5 (7 px markers) as eight cubic Béziers, the curve matplotlib draws for marker "o".
_DOT_PATH = ("M 0 3.5 C 0.928 3.5 1.819 3.131 2.475 2.475 C 3.131 1.819 3.5 0.928 3.5 0 "
             "C 3.5 -0.928 3.131 -1.819 2.475 -2.475 C 1.819 -3.131 0.928 -3.5 0 -3.5 "
             "C -0.928 -3.5 -1.819 -3.131 -2.475 -2.475 C -3.131 -1.819 -3.5 -0.928 -3.5 0 "
             "C -3.5 0.928 -3.131 1.819 -2.475 2.475 C -1.819 3.131 -0.928 3.5 0 3.5 Z")

# y ticks: matplotlib's MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]), which drew these charts before
_TICK_BINS = 4
_TICK_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
_EXTENDED_STEPS = tuple(0.1 * s for s in _TICK_STEPS[:-1]) + _TICK_STEPS + (10.0 * _TICK_STEPS[1],)
_MIN_TICKS = 2

# Stands for this chart's id prefix while the document is written; _clean keeps it out of every text.
_ID = "\x00"
_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TrendPoint:
    period: str  # "YYYY-MM"
    value: float | None  # None = no data that month (a gap, not zero)
    status: str | None  # "met" | "missed" | "breach" | "relieved" | "no_data" | None: colours the marker

    def __post_init__(self) -> None:
        if not isinstance(self.period, str) or not _PERIOD.fullmatch(self.period):
            raise ValueError(f"period must be YYYY-MM, got {self.period!r}")
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True)
class TrendChart:
    title: str  # already translated by the caller; may be Japanese
    unit: str  # "%", "s", "points", "score", "count", "ratio" ...
    points: tuple[TrendPoint, ...]  # oldest first
    target: float | None = None
    minimum: float | None = None
    higher_is_better: bool = True
    target_label: str = "Target"
    minimum_label: str = "Minimum"

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(self.points))
        periods = [p.period for p in self.points]
        if len(set(periods)) != len(periods):
            raise ValueError("points repeat a period")


@dataclass(frozen=True)
class _Layout:
    width: float
    height: float
    left: float
    right: float  # x of the plot's right edge
    top: float
    bottom: float  # y of the plot's bottom edge (SVG coordinates, downwards)
    y_low: float
    y_high: float
    y_ticks: tuple[float, ...]
    y_decimals: int
    slots: int  # months on the x axis (at least one, so an empty chart still has a width)
    x_ticks: tuple[tuple[int, str, str | None], ...]  # (month index, "04", year or None)

    def y_px(self, value: float) -> float:
        """Return the SVG y coordinate of a data value."""
        return self.top + (self.y_high - value) / (self.y_high - self.y_low) * (self.bottom - self.top)

    def x_px(self, index: int) -> float:
        """Return the SVG x coordinate of a month's index."""
        return self.left + (index + 0.5) / self.slots * (self.right - self.left)


def render_trend_svg(chart: TrendChart, *, width_px: int = 560, height_px: int = 220) -> str:
    """Render the chart as an inline-safe SVG document (no scripts, styles or external references)."""
    if width_px < 160 or height_px < 100:
        raise ValueError("a trend chart needs at least 160 x 100 px")
    months, values, statuses = _series(chart.points)
    references = _references(chart)
    layout = _layout(chart, months, values, references, float(width_px), float(height_px))
    plot = _plot(chart, layout, references, values, statuses)
    overlay = _overlay(chart, layout, references)
    return _document(chart, layout, plot + overlay, _description(chart, months, values, references),
                     markers=any(v is not None for v in values))


def _series(points: Sequence[TrendPoint]) -> tuple[list[tuple[int, int]], list[float | None], list[str | None]]:
    """Spread the points over every month from the first to the last, a missing month being a gap."""
    if not points:
        return [], [], []
    by_index = {_month_index(p.period): p for p in points}
    first, last = min(by_index), max(by_index)
    months, values, statuses = [], [], []
    for index in range(first, last + 1):
        months.append(divmod(index, 12))
        point = by_index.get(index)
        value = None if point is None or point.value is None else float(point.value)
        values.append(value if value is not None and math.isfinite(value) else None)
        statuses.append(None if point is None else point.status)
    return [(year, month + 1) for year, month in months], values, statuses


def _month_index(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def _references(chart: TrendChart) -> list[tuple[str, float, str, str]]:
    """Return (label, value, colour, dash) for the target and minimum lines that apply."""
    lines = []
    for label, value, colour, dash in (
        (chart.target_label, chart.target, _TARGET_COLOUR, "dashed"),
        (chart.minimum_label, chart.minimum, _MINIMUM_COLOUR, "dotted"),
    ):
        if value is not None and math.isfinite(value):
            lines.append((f"{label} {_format_value(float(value), chart.unit)}", float(value), colour, dash))
    return lines


def _layout(chart: TrendChart, months: list[tuple[int, int]], values: list[float | None],
            references: list[tuple[str, float, str, str]], width: float, height: float) -> _Layout:
    known = [v for v in values if v is not None] + [value for _, value, _, _ in references]
    low, high = _y_range(known, chart.unit)
    ticks = tuple(t for t in _nice_ticks(low, high)
                  if low - 1e-9 * (high - low) <= t <= high + 1e-9 * (high - low))
    decimals = _decimals(ticks)
    tick_width = max((_text_width(_format_number(t, decimals), _TICK_SIZE) for t in ticks), default=0.0)
    left = max(_PAD + tick_width + 6.0, _PAD + _text_width(chart.unit, _SMALL_SIZE), 30.0)
    label_width = max((_text_width(text, _SMALL_SIZE) for text, _, _, _ in references), default=0.0)
    right_margin = min(max(14.0, label_width + 6.0 + _PAD), width * 0.35)
    left, right = math.ceil(left), width - math.ceil(right_margin)
    return _Layout(width, height, left, right, _TOP, height - _BOTTOM, low, high, ticks, decimals,
                   max(len(months), 1), _x_ticks(months, right - left))


def _y_range(known: list[float], unit: str) -> tuple[float, float]:
    """Span every value and reference line, padded so markers and lines stay clear of the edges."""
    if not known:
        return (0.0, 100.0) if unit == "%" else (0.0, 1.0)
    low, high = min(known), max(known)
    span = high - low
    pad = span * 0.12 if span > 0 else max(abs(high) * 0.1, 1.0)
    padded_low, padded_high = low - pad, high + pad
    if low >= 0:  # counts, times and shares: an axis below zero would only puzzle the reader
        padded_low = max(padded_low, 0.0)
    if unit == "%" and low >= 0 and high <= 100 and span > 0:
        padded_high = min(padded_high, 100.0)
    if not math.isfinite(padded_high - padded_low):  # values near the float limit: no sensible axis
        return (0.0, 1.0)
    return padded_low, padded_high


def _nice_ticks(vmin: float, vmax: float) -> list[float]:
    """Return evenly spaced "nice" ticks covering vmin..vmax, at most five of them inside the range.

    The algorithm of matplotlib's MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]), the same float operations in
    the same order, so the axes look as they did when matplotlib drew them: the smallest step of 1, 2, 2.5 or
    5 times a power of ten that covers the range in four intervals, ticks at its multiples, and a smaller step
    if that leaves fewer than two ticks inside the range. Ticks just outside the range are trimmed by the caller.
    """
    vmin, vmax = _nonsingular(vmin, vmax)
    span = abs(vmax - vmin)
    middle = (vmax + vmin) / 2
    # a large common offset is taken out first, as matplotlib does, so the steps keep their precision
    offset = 0.0 if abs(middle) / span < 100 else math.copysign(10 ** (math.log10(abs(middle)) // 1), middle)
    scale = 10 ** (math.log10(span / _TICK_BINS) // 1)
    low, high = vmin - offset, vmax - offset
    steps = [s * scale for s in _EXTENDED_STEPS]
    raw_step = (high - low) / _TICK_BINS
    largest = next((i for i, step in enumerate(steps) if step >= raw_step), len(steps) - 1)
    ticks: list[float] = []
    for step in reversed(steps[:largest + 1]):
        best_low = (low // step) * step
        tolerance = _edge_tolerance(step, offset)
        first = _multiples_at_most(low - best_low, step, tolerance)
        last = _multiples_at_least(high - best_low, step, tolerance)
        ticks = [(first + i) * step + best_low for i in range(int(last - first) + 1)]
        if sum(1 for t in ticks if low <= t <= high) >= _MIN_TICKS:
            break
    return [t + offset for t in ticks]


def _nonsingular(vmin: float, vmax: float, expander: float = 1e-13, tiny: float = 1e-14) -> tuple[float, float]:
    """Widen a range too small for ticks (matplotlib's transforms._nonsingular with MaxNLocator's arguments)."""
    if not (math.isfinite(vmin) and math.isfinite(vmax)):
        return -expander, expander
    if vmax < vmin:
        vmin, vmax = vmax, vmin
    largest = max(abs(vmin), abs(vmax))
    if largest < (1e6 / tiny) * sys.float_info.min:
        return -expander, expander
    if vmax - vmin <= largest * tiny:
        if vmax == 0 and vmin == 0:
            return -expander, expander
        return vmin - expander * abs(vmin), vmax + expander * abs(vmax)
    return vmin, vmax


def _edge_tolerance(step: float, offset: float) -> float:
    """Allow more slop when the offset is large compared to the step (matplotlib's _Edge_integer)."""
    if offset == 0:
        return 1e-10
    return min(0.4999, max(1e-10, 10 ** (math.log10(abs(offset) / step) - 12)))


def _multiples_at_most(x: float, step: float, tolerance: float) -> float:
    """Return the largest n with n * step <= x, rounding a remainder of almost one step up."""
    d, m = divmod(x, step)
    return d + 1 if abs(m / step - 1) < tolerance else d


def _multiples_at_least(x: float, step: float, tolerance: float) -> float:
    """Return the smallest n with n * step >= x, rounding a remainder of almost nothing down."""
    d, m = divmod(x, step)
    return d if abs(m / step) < tolerance else d + 1


def _x_ticks(months: list[tuple[int, int]], plot_width: float) -> tuple[tuple[int, str, str | None], ...]:
    """Label months as "04", with the year beneath the first one shown and wherever the year changes."""
    if not months:
        return ()
    room = max(1, int(plot_width // 24))
    step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 60, 120, len(months)) if math.ceil(len(months) / s) <= room)
    ticks, previous_year = [], None
    for index in range(0, len(months), step):
        year, month = months[index]
        ticks.append((index, f"{month:02d}", str(year) if year != previous_year else None))
        previous_year = year
    return tuple(ticks)


def _plot(chart: TrendChart, layout: _Layout, references: list[tuple[str, float, str, str]],
          values: list[float | None], statuses: list[str | None]) -> str:
    """Draw the plot, back to front: breach zone, grid, month ticks, reference lines, axes, data line, markers."""
    left, right, top, bottom = _num(layout.left), _num(layout.right), layout.top, layout.bottom
    parts = []
    if chart.minimum is not None and math.isfinite(chart.minimum):
        # the side of the minimum where the month is a breach, tinted faintly
        edge = layout.y_low if chart.higher_is_better else layout.y_high
        upper, lower = sorted((layout.y_px(chart.minimum), layout.y_px(edge)))
        parts.append(f'\n <rect x="{left}" y="{_num(upper)}" width="{_num(layout.right - layout.left)}" '
                     f'height="{_num(lower - upper)}" fill="{_BREACH_ZONE}"/>')
    # Grid lines as thin filled bands cut at the plot's edges: a line on the top edge shows its lower half
    # only, as under matplotlib's clip box, with no clipPath to reference.
    bands = []
    for tick in layout.y_ticks:
        y = layout.y_px(tick)
        upper, lower = max(y - _GRID_WIDTH / 2, top), min(y + _GRID_WIDTH / 2, bottom)
        if lower > upper:
            bands.append(f"M {left} {_num(upper)} H {right} V {_num(lower)} H {left} Z")
    if bands:
        parts.append(f'\n <path d="{" ".join(bands)}" fill="{_GRID_COLOUR}"/>')
    if layout.x_ticks:
        marks = " ".join(f"M {_num(layout.x_px(index))} {_num(bottom)} v {_num(_TICK_LENGTH)}"
                         for index, _, _ in layout.x_ticks)
        parts.append(f'\n <path d="{marks}" fill="none" stroke="{_AXIS_COLOUR}" stroke-width="{_num(_AXIS_WIDTH)}"/>')
    for _, value, colour, dash in references:
        dashes = ",".join(_num(d * _REFERENCE_WIDTH) for d in _DASHES[dash])
        parts.append(f'\n <path d="M {left} {_num(layout.y_px(value))} H {right}" fill="none" stroke="{colour}" '
                     f'stroke-width="{_num(_REFERENCE_WIDTH)}" stroke-dasharray="{dashes}"/>')
    parts.append(f'\n <path d="M {left} {_num(top)} V {_num(bottom)} H {right}" fill="none" stroke="{_AXIS_COLOUR}" '
                 f'stroke-width="{_num(_AXIS_WIDTH)}" stroke-linejoin="miter" stroke-linecap="square"/>')

    dots = [(index, _num(layout.x_px(index)), _num(layout.y_px(value)))
            for index, value in enumerate(values) if value is not None]
    if dots:
        # a gap (a month without a value) starts a new subpath, so the line breaks there
        path = " ".join(f"{'L' if n and dots[n - 1][0] == index - 1 else 'M'} {x} {y}"
                        for n, (index, x, y) in enumerate(dots))
        parts.append(f'\n <path d="{path}" fill="none" stroke="{_LINE_COLOUR}" '
                     f'stroke-width="{_num(_LINE_WIDTH)}" stroke-linecap="round"/>')
        # a marker per month with a value, filled by its status, drawn colour by colour as matplotlib did
        parts.append("\n <g>")
        parts.extend(f'\n  <use xlink:href="#{_ID}dot" x="{x}" y="{y}" fill="{colour}"/>'
                     for colour, _, x, y in sorted((_marker_colour(statuses[index]), index, x, y)
                                                   for index, x, y in dots))
        parts.append("\n </g>")
    return "".join(parts)


def _marker_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", _NEUTRAL_MARKER)


def _overlay(chart: TrendChart, layout: _Layout, references: list[tuple[str, float, str, str]]) -> str:
    """Write every label as SVG text anchored where it belongs; the page or PDF picks the glyphs."""
    parts = []
    title = _fit(chart.title, _TITLE_SIZE, layout.width - 2 * _PAD)
    parts.append(_text(title, _PAD, 16.0, _TITLE_SIZE, _TEXT_COLOUR, weight="600"))
    if chart.unit:
        parts.append(_text(chart.unit, layout.left - 6.0, layout.top - 10.0, _SMALL_SIZE, _LABEL_COLOUR,
                           anchor="end"))
    for tick in layout.y_ticks:
        parts.append(_text(_format_number(tick, layout.y_decimals), layout.left - 6.0,
                           layout.y_px(tick) + _TICK_SIZE * 0.35, _TICK_SIZE, _LABEL_COLOUR, anchor="end"))
    for index, month, year in layout.x_ticks:
        x = layout.x_px(index)
        parts.append(_text(month, x, layout.bottom + 14.0, _TICK_SIZE, _LABEL_COLOUR, anchor="middle"))
        if year:
            parts.append(_text(year, x, layout.bottom + 26.0, _SMALL_SIZE, _LABEL_COLOUR, anchor="middle"))
    placed = _spread([layout.y_px(value) for _, value, _, _ in references])
    room = layout.width - layout.right - 6.0 - _PAD
    for (text, _, colour, _), y in zip(references, placed, strict=True):
        parts.append(_text(_fit(text, _SMALL_SIZE, room), layout.right + 6.0, y + _SMALL_SIZE * 0.35,
                           _SMALL_SIZE, colour))
    return "".join(parts)


def _spread(ys: list[float]) -> list[float]:
    """Move two line labels apart when their lines are closer than a label's height."""
    if len(ys) != 2 or abs(ys[0] - ys[1]) >= _MIN_LABEL_GAP:
        return ys
    middle = (ys[0] + ys[1]) / 2
    half = _MIN_LABEL_GAP / 2
    upper, lower = middle - half, middle + half
    return [upper, lower] if ys[0] <= ys[1] else [lower, upper]


def _text(content: str, x: float, y: float, size: float, colour: str, *, anchor: str = "start",
          weight: str | None = None) -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}px" fill="{colour}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"\n <text {attrs}>{escape(_clean(content))}</text>"


def _description(chart: TrendChart, months: list[tuple[int, int]], values: list[float | None],
                 references: list[tuple[str, float, str, str]]) -> str:
    """Return the chart's data as text for screen readers: "2025-05: 82.1% · 2025-06: – · … · Target 80%".

    Only periods, numbers and the caller's (translated) labels, so it reads the same in every language.
    """
    if not months:
        return ""
    entries = [f"{year}-{month:02d}: " + ("\u2013" if value is None else _format_value(value, chart.unit))
               for (year, month), value in zip(months, values, strict=True)]
    entries += [text for text, _, _, _ in references]
    unit = f"({chart.unit}) " if chart.unit and chart.unit != "%" else ""
    return unit + " \u00b7 ".join(entries)


def _document(chart: TrendChart, layout: _Layout, body: str, description: str, *, markers: bool) -> str:
    """Wrap the drawing in the root element, its accessible name and description, and the marker shape.

    Several charts share one HTML page, so every id starts with a digest of the chart: distinct across
    charts, identical across renders of the same chart.
    """
    title = _clean(chart.title)
    width, height = _num(layout.width), _num(layout.height)
    described = f' aria-describedby="{_ID}desc"' if description else ""
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label={quoteattr(title)} aria-labelledby="{_ID}title"{described} '
            f'font-family="{FONT_FAMILY}" stroke-linejoin="round" stroke-linecap="butt">',
            f'\n <title id="{_ID}title">{escape(title)}</title>']
    if description:
        head.append(f'\n <desc id="{_ID}desc">{escape(_clean(description))}</desc>')
    if markers:
        head.append(f'\n <defs>\n  <path id="{_ID}dot" d="{_DOT_PATH}" stroke="{_MARKER_EDGE}" '
                    f'stroke-width="{_num(_MARKER_EDGE_WIDTH)}"/>\n </defs>')
    svg = "".join(head) + body + "\n</svg>\n"
    prefix = "vpc" + hashlib.sha256(svg.encode()).hexdigest()[:10] + "-"
    return svg.replace(_ID, prefix)


def _clean(text: str) -> str:
    """Drop the characters XML cannot hold (a control character in a metric's name would break the page)."""
    return _NOT_XML.sub("", text)


def _format_value(value: float, unit: str) -> str:
    text = _format_number(value, 2, trim=True)
    return f"{text}%" if unit == "%" else text


def _format_number(value: float, decimals: int, *, trim: bool = False) -> str:
    text = f"{abs(value):,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    negative = value < 0 and text.strip("0.,") != ""
    return ("\u2212" if negative else "") + text


def _decimals(ticks: Sequence[float]) -> int:
    for decimals in range(7):
        if all(abs(round(t, decimals) - t) <= 1e-9 * max(1.0, abs(t)) for t in ticks):
            return decimals
    return 6


def _text_width(text: str, size: float) -> float:
    """Estimate a string's width generously: wide (CJK) characters are one em, the others 0.62 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.62 for c in text)


def _fit(text: str, size: float, room: float) -> str:
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "\u2026", size) > room:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
