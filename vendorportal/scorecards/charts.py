"""Monthly trend charts as self-contained, deterministic SVG for the dashboard pages and the PDF review packs."""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.markers import TICKDOWN
from matplotlib.ticker import MaxNLocator, NullLocator

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

_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_EMPTY_DEFS = re.compile(r"<defs>\s*</defs>\s*")
_NO_ROTATION = re.compile(r' transform="rotate\(-0 [^"]*\)"')
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#)([^)"]+)')
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# rcParams are process-wide and rc_context restores them on exit, so two threads rendering at once could
# see each other's settings (and matplotlib is not thread-safe anyway): one render at a time.
_RENDER_LOCK = threading.Lock()
_RC = MappingProxyType({
    "svg.fonttype": "none",
    "svg.hashsalt": "vendorportal-trend-chart",
    "path.simplify": False,
})
_METADATA = MappingProxyType({"Date": None, "Creator": None, "Format": None, "Type": None})


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
    with _RENDER_LOCK, matplotlib.rc_context(dict(_RC)):
        figure = _draw(chart, layout, references, values, statuses)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=dict(_METADATA))
    overlay = _overlay(chart, layout, references)
    return _finish(buffer.getvalue(), chart, layout, overlay)


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
    ticks = tuple(t for t in MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
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
    return padded_low, padded_high


def _draw(chart: TrendChart, layout: _Layout, references: list[tuple[str, float, str, str]],
          values: list[float | None], statuses: list[str | None]) -> Figure:
    figure = Figure(figsize=(layout.width / 72, layout.height / 72), dpi=72)
    FigureCanvasSVG(figure)
    figure.patch.set_visible(False)
    axes = figure.add_axes((layout.left / layout.width, 1 - layout.bottom / layout.height,
                            (layout.right - layout.left) / layout.width, (layout.bottom - layout.top) / layout.height))
    axes.patch.set_visible(False)
    axes.set_ylim(layout.y_low, layout.y_high)
    axes.set_xlim(-0.5, layout.slots - 0.5)
    _style_axes(axes, layout)

    if chart.minimum is not None and math.isfinite(chart.minimum):
        # the side of the minimum where the month is a breach, tinted faintly
        edge = layout.y_low if chart.higher_is_better else layout.y_high
        axes.axhspan(min(chart.minimum, edge), max(chart.minimum, edge), color=_BREACH_ZONE, linewidth=0, zorder=0,
                     clip_on=False)
    for _, value, colour, dash in references:
        axes.axhline(value, color=colour, linewidth=1.1, linestyle=dash, clip_on=False, zorder=2,
                     dashes=(5.0, 3.0) if dash == "dashed" else (1.2, 2.2))
    xs = list(range(len(values)))
    ys = [math.nan if v is None else v for v in values]
    axes.plot(xs, ys, color=_LINE_COLOUR, linewidth=1.8, solid_joinstyle="round", solid_capstyle="round",
              clip_on=False, zorder=3)
    groups: dict[str, list[int]] = {}
    for index, (value, status) in enumerate(zip(values, statuses, strict=True)):
        if value is not None:
            groups.setdefault(STATUS_COLOURS.get(status or "", _NEUTRAL_MARKER), []).append(index)
    for colour, indexes in sorted(groups.items()):
        axes.plot(indexes, [values[i] for i in indexes], linestyle="none", marker="o", markersize=7.0,
                  markerfacecolor=colour, markeredgecolor="#ffffff", markeredgewidth=1.2, clip_on=False, zorder=4)
    return figure


def _style_axes(axes, layout: _Layout) -> None:
    """Draw the frame, grid and month ticks as three plain artists.

    Matplotlib's own ticks cost a dozen artists each, most of the render time; the overlay writes the labels.
    """
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(_AXIS_COLOUR)
        axes.spines[side].set_linewidth(0.8)
    axes.xaxis.set_major_locator(NullLocator())
    axes.yaxis.set_major_locator(NullLocator())
    axes.xaxis.set_minor_locator(NullLocator())
    axes.yaxis.set_minor_locator(NullLocator())
    axes.hlines(layout.y_ticks, -0.5, layout.slots - 0.5, colors=_GRID_COLOUR, linewidths=0.8, zorder=1)
    marks = [index for index, _, _ in layout.x_ticks]
    axes.plot(marks, [layout.y_low] * len(marks), linestyle="none", marker=TICKDOWN, markersize=3.0,
              markeredgewidth=0.8, color=_AXIS_COLOUR, clip_on=False, zorder=1)


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


def _overlay(chart: TrendChart, layout: _Layout, references: list[tuple[str, float, str, str]]) -> str:
    """Write every label as SVG text anchored where it belongs; matplotlib never measures it.

    Matplotlib lays text out with the fonts it can find and warns on every glyph they lack (Japanese, on a
    server without CJK fonts); these strings need only an anchor, and the page or PDF picks the glyphs.
    """
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


def _finish(svg: str, chart: TrendChart, layout: _Layout, overlay: str) -> str:
    """Turn matplotlib's SVG file into an element that is safe to inline under a strict CSP and in WeasyPrint."""
    svg = svg[svg.index("<svg"):]  # the XML prolog and the DOCTYPE (a URL) mean nothing inline
    svg = svg.replace('<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>', "")
    svg = _EMPTY_DEFS.sub("", svg)
    # style-src 'self' blocks style attributes on an inline SVG; presentation attributes are not styles
    svg = _STYLE_ATTR.sub(lambda m: _presentation(m.group(1)), svg)
    svg = _NO_ROTATION.sub("", svg)
    svg = _scope_ids(svg)
    label = quoteattr(_clean(chart.title))
    root = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{_num(layout.width)}" height="{_num(layout.height)}" '
            f'viewBox="0 0 {_num(layout.width)} {_num(layout.height)}" role="img" aria-label={label} '
            f'font-family="{FONT_FAMILY}" stroke-linejoin="round" stroke-linecap="butt">'
            f"\n <title>{escape(_clean(chart.title))}</title>")
    svg = root + svg[svg.index(">") + 1:]
    return svg.replace("\n</svg>", overlay + "\n</svg>", 1).rstrip("\n") + "\n"


def _clean(text: str) -> str:
    """Drop the characters XML cannot hold (a control character in a metric's name would break the page)."""
    return _NOT_XML.sub("", text)


def _presentation(style: str) -> str:
    attrs = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or name == "font-family":  # the root names the family once for every text
            continue
        attrs.append(f" {name}={quoteattr(value)}")
    return "".join(attrs)


def _scope_ids(svg: str) -> str:
    """Drop ids nothing refers to and prefix the rest with this chart's digest.

    Several charts share one HTML page, so matplotlib's ids ("figure_1", marker hashes) would collide; a
    digest of the chart keeps them distinct across charts and identical across renders of the same chart.
    """
    referenced = {m.group(2) for m in _REFERENCE.finditer(svg)}
    prefix = "vpc" + hashlib.sha256(svg.encode()).hexdigest()[:10] + "-"
    svg = _ID_ATTR.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "", svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


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
    return f"{value:.2f}".rstrip("0").rstrip(".")
