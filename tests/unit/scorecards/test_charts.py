"""Unit tests for the trend-chart SVG: determinism, inline safety, text, gaps, reference lines, edge cases."""

from __future__ import annotations

import logging
import math
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
import pytest

from vendorportal.scorecards.charts import (
    FONT_FAMILY,
    STATUS_COLOURS,
    TrendChart,
    TrendPoint,
    render_trend_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
LINE_COLOUR = "#2f5f98"
PERIODS = [f"2025-{m:02d}" for m in range(5, 13)] + [f"2026-{m:02d}" for m in range(1, 5)]
VALUES = [82.1, 84.5, 79.2, None, 71.0, 65.2, 80.3, 83.0, 86.7, 88.1, 78.5, 81.2]
STATUSES = ["met", "met", "missed", "no_data", "breach", "breach", "relieved", "met", "met", "met", "missed", "met"]


def make_chart(values=VALUES, statuses=STATUSES, periods=PERIODS, **kwargs) -> TrendChart:
    points = tuple(TrendPoint(p, v, s) for p, v, s in zip(periods, values, statuses, strict=True))
    return TrendChart(**{"title": "Service level", "unit": "%", "points": points, "target": 80.0,
                         "minimum": 75.0, **kwargs})


def parse(svg: str) -> ET.Element:
    return SafeET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [el.text or "" for el in parse(svg).iter(f"{SVG}text")]


def x_labels(svg: str) -> list[str]:
    """Return the month and year labels, the texts centred under the x axis."""
    return [el.text or "" for el in parse(svg).iter(f"{SVG}text") if el.get("text-anchor") == "middle"]


def data_line(root: ET.Element) -> ET.Element:
    (line,) = [el for el in root.iter(f"{SVG}path") if el.get("stroke") == LINE_COLOUR]
    return line


def markers(root: ET.Element) -> list[ET.Element]:
    ids = {el.get("id") for el in root.iter(f"{SVG}path") if el.get("d", "").count("C ") >= 8}  # circles
    return [el for el in root.iter(f"{SVG}use") if el.get(XLINK_HREF, "").lstrip("#") in ids]


def test_render_is_byte_identical_when_repeated():
    chart = make_chart(title="サービスレベル")

    assert render_trend_svg(chart) == render_trend_svg(chart)


def test_render_is_byte_identical_across_processes():
    script = textwrap.dedent("""
        import sys
        from vendorportal.scorecards.charts import TrendChart, TrendPoint, render_trend_svg
        chart = TrendChart("SL", "%", (TrendPoint("2025-01", 80.5, "met"), TrendPoint("2025-02", None, None),
                                       TrendPoint("2025-03", 70.0, "breach")), target=80.0, minimum=75.0)
        sys.stdout.write(render_trend_svg(chart))
    """)
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    chart = TrendChart("SL", "%", (TrendPoint("2025-01", 80.5, "met"), TrendPoint("2025-02", None, None),
                                   TrendPoint("2025-03", 70.0, "breach")), target=80.0, minimum=75.0)

    assert outputs == {render_trend_svg(chart)}


def test_svg_has_no_scripts_styles_or_external_references():
    svg = render_trend_svg(make_chart(title='<script>alert(1)</script> "x" & y'))
    root = parse(svg)

    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "style", "foreignObject", "image", "a", "iframe"}
    assert all(el.get("style") is None for el in root.iter())  # blocked by style-src 'self' when inlined
    assert all(not name.lower().startswith("on") for el in root.iter() for name in el.attrib)
    hrefs = [el.get(XLINK_HREF) or el.get("href") for el in root.iter() if el.get(XLINK_HREF) or el.get("href")]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert "http" not in without_namespaces and "file:" not in without_namespaces
    assert not svg.startswith("<?xml") and "<!DOCTYPE" not in svg


def test_every_internal_reference_resolves_within_the_chart():
    svg = render_trend_svg(make_chart())
    ids = set(re.findall(r' id="([^"]+)"', svg))
    refs = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))

    assert refs and refs <= ids


def test_ids_differ_between_charts_that_share_a_page():
    first = render_trend_svg(make_chart(title="Service level"))
    second = render_trend_svg(make_chart(title="Answer rate", target=90.0))

    ids_first = set(re.findall(r' id="([^"]+)"', first))
    ids_second = set(re.findall(r' id="([^"]+)"', second))
    assert ids_first and ids_second and not ids_first & ids_second


def test_size_maps_to_width_height_and_viewbox():
    root = parse(render_trend_svg(make_chart(), width_px=720, height_px=260))

    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("720", "260", "0 0 720 260")


def test_japanese_title_appears_as_text():
    svg = render_trend_svg(make_chart(title="サービスレベル"))

    assert "サービスレベル" in texts(svg)
    assert parse(svg).find(f"{SVG}title").text == "サービスレベル"


def test_title_markup_is_escaped_as_plain_text():
    title = '<b onclick="x()">A & B</b>'
    svg = render_trend_svg(make_chart(title=title))

    assert title in texts(svg)
    assert parse(svg).get("aria-label") == title


def test_characters_xml_cannot_hold_are_dropped():
    svg = render_trend_svg(make_chart(title="SL\x00\x1b day", target_label="Target\x07"))

    assert "SL day" in texts(svg) and "Target 80%" in texts(svg)


def test_font_family_starts_with_a_japanese_family_and_falls_back_to_sans_serif():
    root = parse(render_trend_svg(make_chart()))

    assert root.get("font-family") == FONT_FAMILY
    assert FONT_FAMILY.startswith("'Noto Sans JP'") and FONT_FAMILY.endswith("sans-serif")
    assert all(el.get("font-family") is None for el in root.iter(f"{SVG}text"))  # every text inherits it


def test_none_value_draws_a_gap_not_zero():
    values = [80.0, 82.0, None, 84.0, 85.0]
    root = parse(render_trend_svg(make_chart(values=values, statuses=["met"] * 5, periods=PERIODS[:5])))

    assert data_line(root).get("d").count("M ") == 2
    assert len(markers(root)) == 4


def test_missing_month_is_a_gap_with_its_tick():
    periods = ["2025-01", "2025-02", "2025-04"]
    svg = render_trend_svg(make_chart(values=[80.0, 81.0, 82.0], statuses=["met"] * 3, periods=periods))

    assert data_line(parse(svg)).get("d").count("M ") == 2
    assert x_labels(svg) == ["01", "2025", "02", "03", "04"]


def test_months_are_labelled_with_the_year_where_it_changes():
    labels = x_labels(render_trend_svg(make_chart()))

    assert labels == ["05", "2025", "06", "07", "08", "09", "10", "11", "12", "01", "2026", "02", "03", "04"]


def test_markers_are_coloured_by_status():
    root = parse(render_trend_svg(make_chart()))

    fills = [el.get("fill") for el in markers(root)]
    expected = [STATUS_COLOURS[s] for v, s in zip(VALUES, STATUSES, strict=True) if v is not None]
    assert sorted(fills) == sorted(expected)
    assert {"#198754", "#ffc107", "#dc3545"} <= set(fills)


def test_marker_without_status_uses_the_line_colour():
    root = parse(render_trend_svg(make_chart(values=[1.0], statuses=[None], periods=["2025-01"])))

    assert [el.get("fill") for el in markers(root)] == [LINE_COLOUR]


def test_target_and_minimum_lines_are_drawn_with_labels():
    svg = render_trend_svg(make_chart(target_label="目標", minimum_label="最低"))
    root = parse(svg)

    assert "目標 80%" in texts(svg) and "最低 75%" in texts(svg)
    dashed = [el for el in root.iter(f"{SVG}path") if el.get("stroke-dasharray")]
    assert len(dashed) == 2
    assert len({el.get("stroke-dasharray") for el in dashed}) == 2  # dashed target, dotted minimum


def test_reference_lines_are_left_out_when_not_set():
    svg = render_trend_svg(make_chart(target=None, minimum=None))

    assert not [t for t in texts(svg) if t.startswith(("Target", "Minimum"))]
    assert "stroke-dasharray" not in svg


def test_close_reference_labels_do_not_overlap():
    svg = render_trend_svg(make_chart(target=80.0, minimum=79.9))
    ys = [float(el.get("y")) for el in parse(svg).iter(f"{SVG}text") if (el.text or "").startswith(("Tar", "Min"))]

    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= 10


def test_lines_far_from_the_values_stay_inside_the_chart():
    svg = render_trend_svg(make_chart(values=[5000.0] * 12, statuses=["met"] * 12, target=80.0, minimum=-20.0))
    root = parse(svg)

    labels = [el for el in root.iter(f"{SVG}text") if (el.text or "").startswith(("Target", "Minimum"))]
    assert len(labels) == 2 and all(0 < float(el.get("y")) < 220 for el in labels)
    assert all(0 <= float(el.get("y")) <= 220 for el in markers(root))


@pytest.mark.parametrize(
    "chart",
    [
        TrendChart("Empty", "%", ()),
        TrendChart("Empty with lines", "s", (), target=120.0, minimum=180.0, higher_is_better=False),
        TrendChart("All none", "%", tuple(TrendPoint(p, None, "no_data") for p in PERIODS), target=80.0),
        TrendChart("Single", "score", (TrendPoint("2026-04", 4.2, "met"),), target=4.0, minimum=3.5),
        TrendChart("Single none", "count", (TrendPoint("2026-04", None, None),)),
        TrendChart("Constant", "ratio", tuple(TrendPoint(p, 0.9, "met") for p in PERIODS), target=0.9, minimum=0.9),
        TrendChart("Zeros", "count", tuple(TrendPoint(p, 0.0, "met") for p in PERIODS)),
        TrendChart("Negative", "points", tuple(TrendPoint(p, -40.0 + i, "breach") for i, p in enumerate(PERIODS)),
                   target=30.0, minimum=10.0),
        TrendChart("Huge", "count", tuple(TrendPoint(p, 1e9, "met") for p in PERIODS), target=1.0),
        TrendChart("Not finite", "%", (TrendPoint("2025-01", math.nan, None), TrendPoint("2025-02", math.inf, None))),
        TrendChart("Ten years", "%", tuple(TrendPoint(f"{2016 + i // 12}-{i % 12 + 1:02d}", 80.0 + i % 7, "met")
                                           for i in range(120)), target=80.0),
        TrendChart("Very long title " * 20, "%", (TrendPoint("2025-01", 1.0, "met"),), target=1.0,
                   target_label="Target " * 30),
    ],
    ids=lambda chart: chart.title[:20].strip(),
)
def test_edge_cases_render_well_formed_svg(chart):
    svg = render_trend_svg(chart)
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert all(re.fullmatch(r"[0-9.\-]+", el.get(a)) for el in root.iter(f"{SVG}text") for a in ("x", "y"))
    assert not re.search(r"\b(nan|inf)\b", svg, re.IGNORECASE)


def test_long_text_is_shortened_with_an_ellipsis():
    svg = render_trend_svg(make_chart(title="Service level " * 20, target_label="Target " * 30))

    long_texts = [t for t in texts(svg) if t.endswith("…")]
    assert len(long_texts) == 2
    assert parse(svg).find(f"{SVG}title").text == "Service level " * 20


def test_points_out_of_order_are_placed_by_period():
    ordered = make_chart(values=[1.0, 2.0, 3.0], statuses=["met"] * 3, periods=PERIODS[:3])
    shuffled = TrendChart(ordered.title, ordered.unit, tuple(reversed(ordered.points)), ordered.target,
                          ordered.minimum)

    assert render_trend_svg(shuffled) == render_trend_svg(ordered)


@pytest.mark.parametrize("period", ["2025-13", "2025-1", "25-01", "2025/01", ""])
def test_bad_period_is_rejected(period):
    with pytest.raises(ValueError, match="YYYY-MM"):
        TrendPoint(period, 1.0, None)


def test_unknown_status_is_rejected():
    with pytest.raises(ValueError, match="status"):
        TrendPoint("2025-01", 1.0, "green")


def test_repeated_period_is_rejected():
    with pytest.raises(ValueError, match="repeat"):
        TrendChart("x", "%", (TrendPoint("2025-01", 1.0, None), TrendPoint("2025-01", 2.0, None)))



def test_weasyprint_draws_the_chart_without_complaint(caplog):
    from weasyprint import HTML

    # Japanese glyphs come from the font the packs ship, so this machine-independent check stays in English
    svg = render_trend_svg(make_chart(title="Service level"))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()

    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
