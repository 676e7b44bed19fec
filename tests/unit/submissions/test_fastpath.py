"""The column-at-a-time path accepts only what the row-by-row parser accepts, and gives the same month."""

from __future__ import annotations

import csv
import io
import zlib
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from vendorportal.submissions import fastpath, services
from vendorportal.submissions.parsing import UploadRejected, parse_upload

BAD_FILES = Path(__file__).parent / "bad_files"
NO_CALL_TARGETS = {"ces_total_out_of_scale.csv", "csat_satisfied_more_than_responses.csv",
                   "qa_total_out_of_scale.csv", "wait_buckets_decreasing.csv"}
REQUIRED = ("offered", "answered", "answered_within_sl", "abandoned", "abandoned_short")
HEADER = ["date", "interval", "channel", "queue", "offered", "answered", "answered_within_sl", "abandoned",
          "abandoned_short", "wait_time_total_s", "csat_responses", "csat_satisfied"]


def test_no_bad_file_of_the_corpus_takes_the_fast_path():
    files = sorted(p for p in BAD_FILES.iterdir() if p.is_file())
    assert len(files) >= 30
    for path in files:
        # The same contract set-up as test_bad_files: survey-only files have no call targets.
        required = () if path.name in NO_CALL_TARGETS else REQUIRED
        assert fastpath.try_fast(path.read_bytes(), path.name, year=2026, month=4,
                                 required_measures=required) is None, path.name


@st.composite
def months(draw):
    rows = []
    seen = set()
    for _ in range(draw(st.integers(1, 25))):
        day, slot = draw(st.integers(1, 30)), draw(st.integers(0, 95))
        channel, queue = draw(st.sampled_from(["phone", "chat"])), draw(st.sampled_from(["main", "vip", "q-2"]))
        if (day, slot, channel, queue) in seen:
            continue
        seen.add((day, slot, channel, queue))
        offered = draw(st.integers(0, 500))
        answered = draw(st.integers(0, offered))
        abandoned = draw(st.integers(0, offered - answered))
        within = draw(st.integers(0, answered))
        short = draw(st.integers(0, abandoned))
        wait = draw(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
        responses = draw(st.integers(0, 50))
        rows.append([f"2026-04-{day:02d}", f"{slot // 4:02d}:{slot % 4 * 15:02d}", channel, queue, offered,
                     answered, within, abandoned, short, wait, responses, draw(st.integers(0, responses))])
    return rows


def _csv(rows: list[list], *, delimiter: str = ",", bom: bool = False, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([*row[:9], row[9], *row[10:]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _slow(data: bytes, name: str):
    result = parse_upload(data, name, year=2026, month=4, required_measures=REQUIRED)
    assert result.ok, result.errors
    return services._totals(result.rows), services._rows_blob(result.rows)


def _fast(data: bytes, name: str):
    result = fastpath.try_fast(data, name, year=2026, month=4, required_measures=REQUIRED)
    assert result is not None
    totals = {"measures": {g: {m: services._dump_number(__import__("fractions").Fraction(v)) for m, v in t.items()}
                           for g, t in result.totals.items()}, "reported": {}, "custom": {}}
    return totals, zlib.compress(result.rows_csv.encode(), 1)


def _rows(blob: bytes) -> list:
    class Holder:
        rows_blob = blob

    return [[r[0], r[1], r[2], r[3], r[4], {k: Decimal(v) for k, v in r[5].items()}]
            for r in services.read_rows(Holder())]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=months())
def test_fast_and_careful_paths_agree_on_every_clean_file(rows):
    for data, name in ((_csv(rows), "m.csv"), (_csv(rows, delimiter="\t", bom=True), "m.txt"),
                       (_xlsx(rows), "m.xlsx")):
        slow_totals, slow_blob = _slow(data, name)
        fast_totals, fast_blob = _fast(data, name)
        assert fast_totals == slow_totals, name
        assert _rows(fast_blob) == _rows(slow_blob), name


def test_a_file_the_fast_path_declines_still_gets_its_precise_message():
    rows = [["2026-04-01", "09:00", "phone", "main", 10, 12, 5, 0, 0, "1", 0, 0]]
    data = _csv(rows)
    assert fastpath.try_fast(data, "m.csv", year=2026, month=4, required_measures=REQUIRED) is None
    result = parse_upload(data, "m.csv", year=2026, month=4, required_measures=REQUIRED)
    assert [(e.row, e.column) for e in result.errors] == [(2, "answered")]


def test_unusual_but_valid_spellings_go_the_careful_way():
    for tweak in (lambda r: r.__setitem__(0, "2026/4/1"), lambda r: r.__setitem__(1, "9:00"),
                  lambda r: r.__setitem__(2, "Phone"), lambda r: r.__setitem__(4, "1,000")):
        row = ["2026-04-01", "09:00", "phone", "main", 1000, 900, 800, 50, 5, "10", 1, 1]
        tweak(row)
        data = _csv([row])
        assert fastpath.try_fast(data, "m.csv", year=2026, month=4, required_measures=REQUIRED) is None
        try:
            assert parse_upload(data, "m.csv", year=2026, month=4, required_measures=REQUIRED).ok
        except UploadRejected as rejected:  # pragma: no cover - shows the message if it ever happens
            raise AssertionError(rejected.issue.message) from None
