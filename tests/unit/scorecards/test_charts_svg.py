"""Unit tests for the hand-written trend-chart SVG: no matplotlib, well-formed XML, accessible name and
description, scoped ids, matplotlib's tick choice, determinism across processes, WeasyPrint."""

from __future__ import annotations

import ast
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from vendorportal.scorecards import charts
from vendorportal.scorecards.charts import TrendChart, TrendPoint, render_trend_svg

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PERIODS = [f"2025-{m:02d}" for m in range(5, 13)] + [f"2026-{m:02d}" for m in range(1, 5)]
VALUES = [82.1, 84.5, 79.2, None, 71.0, 65.2, 80.3, 83.0, 86.7, 88.1, 78.5, 81.2]
STATUSES = ["met", "met", "missed", "no_data", "breach", "breach", "relieved", "met", "met", "met", "missed", "met"]


def make_chart(**kwargs) -> TrendChart:
    points = tuple(TrendPoint(p, v, s) for p, v, s in zip(PERIODS, VALUES, STATUSES, strict=True))
    return TrendChart(**{"title": "Service level", "unit": "%", "points": points, "target": 80.0,
                         "minimum": 75.0, **kwargs})


def y_labels(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text") if el.get("text-anchor") == "end"]


EDGE_CASES = [
    make_chart(),
    make_chart(title="サービスレベル · 電話", target_label="目標", minimum_label="最低"),
    TrendChart("Empty", "%", ()),
    TrendChart("All none", "%", tuple(TrendPoint(p, None, "no_data") for p in PERIODS), target=80.0),
    TrendChart("Single", "score", (TrendPoint("2026-04", 4.2, "met"),), target=4.0, minimum=3.5),
    TrendChart("Seconds", "s", tuple(TrendPoint(p, 20.0 + i, "met") for i, p in enumerate(PERIODS)),
               target=20.0, minimum=30.0, higher_is_better=False),
    TrendChart("Negative", "points", tuple(TrendPoint(p, -40.0 + i, "breach") for i, p in enumerate(PERIODS)),
               target=30.0, minimum=10.0),
    TrendChart("Huge", "count", tuple(TrendPoint(p, 1e9, "met") for p in PERIODS), target=1.0),
    TrendChart("Very long title " * 20, "%", (TrendPoint("2025-01", 1.0, None),), target_label="Target " * 30),
]


def test_module_does_not_import_matplotlib():
    source = Path(charts.__file__).read_text(encoding="utf-8")
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ImportFrom)}
    assert "matplotlib" not in imported

    script = textwrap.dedent("""
        import sys
        from vendorportal.scorecards.charts import TrendChart, TrendPoint, render_trend_svg
        render_trend_svg(TrendChart("SL", "%", (TrendPoint("2025-01", 80.5, "met"),), target=80.0))
        print("matplotlib" in sys.modules, "numpy" in sys.modules)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("chart", EDGE_CASES, ids=lambda chart: chart.title[:20].strip())
def test_output_is_well_formed_svg_with_presentation_attributes_only(chart):
    svg = render_trend_svg(chart)
    root = ET.fromstring(svg)  # defusedxml refuses DTDs and entities: the SVG needs neither

    assert root.tag == f"{SVG}svg" and svg.endswith("</svg>\n")
    assert not {el.tag for el in root.iter()} - {f"{SVG}{tag}" for tag in (
        "svg", "title", "desc", "defs", "path", "rect", "g", "use", "text")}
    assert all("style" not in el.attrib and "class" not in el.attrib for el in root.iter())
    assert not re.search(r"\b(nan|inf)\b", svg, re.IGNORECASE)


@pytest.mark.parametrize("chart", EDGE_CASES, ids=lambda chart: chart.title[:20].strip())
def test_accessible_name_and_description(chart):
    root = ET.fromstring(render_trend_svg(chart))
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}

    assert root.get("role") == "img"
    assert root.get("aria-label") == chart.title
    title = ids[root.get("aria-labelledby")]
    assert title.tag == f"{SVG}title" and title.text == chart.title
    assert list(root)[0] is title  # the first child, where assistive technology looks for it
    if chart.points:
        desc = ids[root.get("aria-describedby")]
        assert desc.tag == f"{SVG}desc" and desc.text
    else:
        assert root.get("aria-describedby") is None and root.find(f"{SVG}desc") is None


def test_description_lists_every_month_and_the_reference_lines():
    desc = ET.fromstring(render_trend_svg(make_chart(target_label="目標"))).find(f"{SVG}desc").text

    assert desc.startswith("2025-05: 82.1% · 2025-06: 84.5% · 2025-07: 79.2% · 2025-08: – · 2025-09: 71%")
    assert desc.endswith("2026-04: 81.2% · 目標 80% · Minimum 75%")


def test_description_names_a_unit_other_than_percent_once():
    chart = TrendChart("ASA", "s", (TrendPoint("2025-01", 18.5, "met"), TrendPoint("2025-03", 1234.0, "breach")))
    desc = ET.fromstring(render_trend_svg(chart)).find(f"{SVG}desc").text

    assert desc == "(s) 2025-01: 18.5 · 2025-02: – · 2025-03: 1,234"


def test_every_id_is_scoped_unique_and_referenced():
    svg = render_trend_svg(make_chart())
    root = ET.fromstring(svg)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    prefixes = {i.rsplit("-", 1)[0] for i in ids}

    assert len(ids) == len(set(ids)) and len(prefixes) == 1 and re.fullmatch(r"vpc[0-9a-f]{10}", prefixes.pop())
    referenced = {root.get("aria-labelledby"), root.get("aria-describedby")}
    referenced |= {el.get(XLINK_HREF).removeprefix("#") for el in root.iter(f"{SVG}use")}
    assert referenced == set(ids)


def test_every_marker_uses_the_one_circle_and_keeps_its_white_edge():
    root = ET.fromstring(render_trend_svg(make_chart()))
    (dot,) = [el for el in root.iter(f"{SVG}path") if el.get("id")]
    uses = list(root.iter(f"{SVG}use"))

    assert len(uses) == sum(v is not None for v in VALUES)
    assert {u.get(XLINK_HREF) for u in uses} == {"#" + dot.get("id")}
    assert (dot.get("stroke"), dot.get("stroke-width"), dot.get("fill")) == ("#ffffff", "1.2", None)


@pytest.mark.parametrize(("low", "high", "expected"), [
    # what matplotlib's MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high) returned
    (0.0, 100.0, [0, 25, 50, 75, 100]),
    (0.0, 1.0, [0, 0.25, 0.5, 0.75, 1]),
    (61.1, 90.0, [60, 70, 80, 90]),
    (99.46, 100.0, [99.4, 99.6, 99.8, 100]),
    (0.0, 1.1e9, [0, 5e8, 1e9, 1.5e9]),
    (-48.0, 30.0, [-60, -40, -20, 0, 20, 40]),
    (14.2, 37.3, [10, 20, 30, 40]),
    (0.8, 1.0, [0.8, 0.85, 0.9, 0.95, 1]),
    (3.0, 5.2, [3, 4, 5, 6]),
    (1099.0, 1524.0, [1000, 1200, 1400, 1600]),
    (1.0, 1.0 + 1e-15, [0.9999999999999, 1, 1.0000000000001]),
    (1e15, 1e15 + 1, [1e15 - 100, 1e15, 1e15 + 100]),
])
def test_y_ticks_are_chosen_as_matplotlib_chose_them(low, high, expected):
    assert charts._nice_ticks(low, high) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_y_tick_labels_of_typical_charts():
    assert y_labels(render_trend_svg(make_chart())) == ["%", "70", "80", "90"]
    assert y_labels(render_trend_svg(TrendChart("Empty", "%", ()))) == ["%", "0", "25", "50", "75", "100"]
    uptime = TrendChart("Uptime", "%", tuple(TrendPoint(p, 99.9 + i % 3 * 0.03, "met") for i, p in enumerate(PERIODS)),
                        target=99.9, minimum=99.5)
    assert y_labels(render_trend_svg(uptime)) == ["%", "99.6", "99.8", "100.0"]


def test_grid_line_on_the_top_edge_is_cut_to_the_plot():
    root = ET.fromstring(render_trend_svg(TrendChart("Empty", "%", ())))
    (grid,) = [el for el in root.iter(f"{SVG}path") if el.get("fill") == "#e9ecef"]
    ys = [float(y) for y in re.findall(r"M [\d.]+ ([\d.]+) H", grid.get("d"))]

    assert min(ys) == 40  # the 100 line: its lower half only, as matplotlib's clip box showed it


def test_render_is_byte_identical_across_processes_for_a_japanese_chart():
    script = textwrap.dedent("""
        import sys
        from vendorportal.scorecards.charts import TrendChart, TrendPoint, render_trend_svg
        points = tuple(TrendPoint(f"2025-{m:02d}", 70.0 + m * 1.7 if m != 4 else None, "met") for m in range(1, 13))
        chart = TrendChart("サービスレベル", "%", points, target=80.0, minimum=75.0, target_label="目標")
        sys.stdout.buffer.write(render_trend_svg(chart).encode("utf-8"))
    """)
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("0", "1", "random")
    }

    assert len(outputs) == 1


def test_weasyprint_draws_every_edge_case_without_complaint(caplog):
    from weasyprint import HTML

    english = [c for c in EDGE_CASES if c.title.isascii() and c.target_label.isascii()]
    body = "".join(render_trend_svg(chart) for chart in english)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = HTML(string=f"<html><body>{body}</body></html>").write_pdf()

    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
