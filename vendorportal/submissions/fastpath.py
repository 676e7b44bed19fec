"""A column-at-a-time path for clean CSV files: validates and sums 100,000 rows without a Python loop per cell.

It only ever says yes to a file in canonical form that breaks no rule: plain digits, YYYY-MM-DD dates,
HH:MM intervals, known headers, plain-text channels and queues. For anything else — an error, a
warning, an unusual spelling — it returns None and the row-by-row parser (parsing.parse_upload) decides
and explains. So it can make a clean file fast but can never change what is accepted.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import repeat

from vendorportal.metrics.domain import MEASURES_BY_KEY, WAIT_BUCKETS, MeasureKind, resolve_header, sum_columns
from vendorportal.submissions import numbers as number_formats
from vendorportal.submissions import parsing, xlsx

DIMENSIONS = ("date", "interval", "channel", "queue")
# Anything that would make the row-by-row parser warn or refuse a text cell.
_PLAIN_TEXT = re.compile(r"^[^<>\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff=+\-@\s]"
                         r"[^<>\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]*(?<!\s)$")


@dataclass(frozen=True)
class FastResult:
    row_count: int
    measure_keys: list[str]
    totals: dict[str, dict[str, int | Decimal]]  # "*" and each channel -> measure -> total
    rows_csv: str  # the parsed rows in the stored-rows format (see services.ROWS_HEADER)
    encoding: str
    delimiter: str


def _month_days(year: int, month: int) -> set[str]:
    return {f"{year:04d}-{month:02d}-{d:02d}" for d in range(1, calendar.monthrange(year, month)[1] + 1)}


_INTERVALS = {f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)}


def _texts_ok(values: set[str], max_length: int, lower: bool) -> bool:
    for value in values:
        if value == "":
            continue
        if len(value) > max_length or not _PLAIN_TEXT.match(value):
            return False
        if lower and value != value.lower():
            return False
        if not value.isascii():
            return False  # the row-by-row parser normalises non-ASCII text (NFKC); let it
    return True


def _counts(column: Sequence[str]) -> list[int] | None:
    joined = "".join(column)
    if not joined.isascii() or not joined.isdigit() or not all(column):
        return None
    values = list(map(int, column))
    return values if max(values) <= parsing.MAX_COUNT else None


_PLAIN_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def _sums(column: Sequence[str]) -> list[Decimal] | None:
    if not "".join(column).isascii():
        return None
    distinct = set(column)
    if not all(map(_PLAIN_DECIMAL.match, distinct)):
        return None
    try:
        values = list(map(Decimal, column))
    except InvalidOperation:
        return None
    return values if max(values) <= parsing.MAX_SUM else None


def _at_most(small: list, large: list) -> bool:
    return all(map(operator.le, small, large))


def _rules_hold(m: dict[str, list]) -> bool:
    """Check every consistency rule of SPEC §4 column by column."""
    for a, b in parsing._AT_MOST:
        if a in m and b in m and not _at_most(m[a], m[b]):
            return False
    for a, b, _unless in parsing._AT_MOST_UNLESS:
        if a in m and b in m and not _at_most(m[a], m[b]):
            return False
    if "answered" in m and "abandoned" in m and "offered" in m \
            and not _at_most(list(map(operator.add, m["answered"], m["abandoned"])), m["offered"]):
        return False
    buckets = [m[f"wait_le_{n}"] for n in WAIT_BUCKETS if f"wait_le_{n}" in m]
    for lower, upper in zip(buckets, buckets[1:], strict=False):
        if not _at_most(lower, upper):
            return False
    if buckets and "answered" in m and not _at_most(buckets[-1], m["answered"]):
        return False
    for total, count, low, high in (("ces_score_total", "ces_responses", 1, 5),
                                    ("qa_score_total", "qa_evaluations", 0, 100)):
        if total in m and count in m:
            if not _at_most([n * low for n in m[count]], m[total]):
                return False
            if not _at_most(m[total], [n * high for n in m[count]]):
                return False
    return True


def _header(cells: list, required_measures: Collection[str]) -> list[str] | None:
    if not all(isinstance(c, str) for c in cells):
        return None
    keys = [resolve_header(cell) for cell in cells]
    if None in keys or len(set(keys)) != len(keys) or "date" not in keys:
        return None
    measure_keys = [k for k in keys if k not in DIMENSIONS]
    if not set(required_measures) <= set(measure_keys) or not all(k in MEASURES_BY_KEY for k in measure_keys):
        return None
    return keys


def _typed_dates(column: Sequence, days: set[str]) -> list[str] | None:
    spelled = {}
    for value in set(column):  # a month has at most 31 distinct dates: convert those, then map
        text = value
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            text = value.date().isoformat()
        if not isinstance(text, str) or text not in days:
            return None
        spelled[value] = text
    return list(map(spelled.__getitem__, column))


def _typed_intervals(column: Sequence) -> list[str] | None:
    spelled = {}
    for value in set(column):
        if isinstance(value, dt.time) and not value.second and not value.microsecond:
            text = value.strftime("%H:%M")
        elif isinstance(value, str):
            text = value
        else:
            return None
        if text not in _INTERVALS:
            return None
        spelled[value] = text
    return list(map(spelled.__getitem__, column))


def _typed_counts(column: Sequence) -> list[int] | None:
    if set(map(type, column)) != {int}:
        return None
    return list(column) if min(column) >= 0 and max(column) <= parsing.MAX_COUNT else None


def _typed_sums(column: Sequence) -> list | None:
    if not set(map(type, column)) <= {int, Decimal}:
        return None
    return list(column) if min(column) >= 0 and max(column) <= parsing.MAX_SUM else None


@dataclass(frozen=True)
class Rules:
    """What the contract and the day add to a file's own rules: its channels, today, a given number format."""

    channels: Collection[str] | None = None
    today: dt.date | None = None
    number_format: str | None = None
    channel_required: bool = False


def _needs_care(columns: dict, measure_keys: list[str], typed: bool, rules: Rules) -> bool:
    """Say whether a clean-looking file still needs the careful reader: a channel to map or the contract does
    not have, a day after today, or numbers whose reading depends on the file's convention."""
    channel = columns.get("channel")
    if channel is not None and rules.channels is not None and not set(channel) <= {*rules.channels, ""}:
        return True
    if rules.channel_required and (channel is None or "" in set(channel)):
        return True  # the careful reader fills in a one-channel contract's channel, or says which rows lack it
    if rules.today is not None and max(columns["date"]) > rules.today.isoformat():
        return True
    if typed:
        return False
    if rules.number_format == number_formats.COMMA:
        return True
    written = [(v, 0, key, False) for key in measure_keys if MEASURES_BY_KEY[key].kind is MeasureKind.SUM
               for v in set(columns[key]) if "." in v]
    decision = number_formats.decide(written, rules.number_format)
    return decision.convention == number_formats.COMMA or bool(decision.ambiguous)


def _finish(keys: list[str], body: list, *, year: int, month: int, typed: bool, encoding: str | None,
            delimiter: str | None, rules: Rules) -> FastResult | None:
    width = len(keys)
    if any(len(row) != width for row in body):
        return None  # blank lines, ragged rows: the row-by-row parser numbers and explains them
    columns = dict(zip(keys, zip(*body, strict=True), strict=True))
    days = _month_days(year, month)
    if typed:
        dates = _typed_dates(columns["date"], days)
        if dates is None:
            return None
        columns["date"] = dates
    elif not set(columns["date"]) <= days:
        return None
    intervals = columns.get("interval")
    if intervals is not None:
        if typed:
            intervals = columns["interval"] = _typed_intervals(intervals)
            if intervals is None:
                return None
        elif not set(intervals) <= _INTERVALS:
            return None  # day totals (empty interval) and odd spellings go the careful way
    for key, limit, lower in (("channel", parsing.MAX_CHANNEL_LENGTH, True),
                              ("queue", parsing.MAX_QUEUE_LENGTH, False)):
        if key in columns:
            if typed and not all(isinstance(v, str) for v in columns[key]):
                return None
            if not _texts_ok(set(columns[key]), limit, lower):
                return None
    measure_keys = [k for k in keys if k not in DIMENSIONS]
    if _needs_care(columns, measure_keys, typed, rules):
        return None
    measures: dict[str, list] = {}
    for key in measure_keys:
        is_count = MEASURES_BY_KEY[key].kind is MeasureKind.COUNT
        if typed:
            values = (_typed_counts if is_count else _typed_sums)(columns[key])
        else:
            values = (_counts if is_count else _sums)(columns[key])
        if values is None:
            return None
        measures[key] = values
    if not _rules_hold(measures):
        return None
    identity = list(zip(columns["date"], intervals or repeat(""), columns.get("channel") or repeat(""),
                        columns.get("queue") or repeat(""), strict=False))
    if len(set(identity)) != len(identity):
        return None
    n = len(body)
    channel_column = columns.get("channel")
    totals = sum_columns(measures, channel_column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", *DIMENSIONS, *measure_keys])
    empty = repeat("")
    writer.writerows(zip(range(2, n + 2), columns["date"], intervals or empty, channel_column or empty,
                         columns.get("queue") or empty, *(columns[k] for k in measure_keys), strict=False))
    return FastResult(n, measure_keys, totals, out.getvalue(), encoding, delimiter)


def try_fast(data: bytes, filename: str, *, year: int, month: int, required_measures: Collection[str] = (),
             custom_keys: Collection[str] = (), max_rows: int = 500_000, rules: Rules = Rules()) -> FastResult | None:
    """Validate and total a clean CSV or XLSX file column by column; None means "let parse_upload decide"."""
    if custom_keys:
        return None
    try:
        file_format = parsing.sniff_format(data, filename)
        if file_format == "xlsx":
            return _fast_xlsx(data, year=year, month=month, required_measures=required_measures,
                              max_rows=max_rows, rules=rules)
        text, encoding = parsing._decode(data)
    except (parsing.UploadRejected, xlsx.XlsxRejected):
        return None
    if "\x00" in text:
        return None
    delimiter = parsing._sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    if len(rows) < 2 or len(rows) - 1 > max_rows:
        return None
    keys = _header(rows[0], required_measures)
    if keys is None:
        return None
    return _finish(keys, rows[1:], year=year, month=month, typed=False, encoding=encoding, delimiter=delimiter,
                   rules=rules)


def _sheet_is_plain(book: xlsx.Workbook) -> bool:
    """Say whether the first sheet holds only plain values (no formulas, rich text, DTDs, comments, percents)."""
    if any(kind == xlsx._PERCENT for kind in book._style_kinds):
        return False
    # Decompress through the workbook's budget, so a bomb is refused here as in the careful reader.
    sheet = b"".join(book._budget.stream(book._zip, book._members[book._sheet_part]))
    return not any(marker in sheet for marker in (b"<!", b"<?xml-", b"<f>", b"<f ", b"<f/", b"<r>", b"<rPh"))


def _calamine_rows(data: bytes) -> list[list] | None:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; the careful reader still works without it
        return None
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        if tuple(sheet.start or (0, 0)) != (0, 0):
            return None  # the data does not start at A1: let the careful reader number the rows
        return sheet.to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - calamine cannot read what our reader accepted: the careful reader decides
        return None


def _from_calamine(value):
    # Calamine gives every number as float; Excel stores them as 15-digit decimals, which is how the
    # careful reader reads them too (int when whole).
    if type(value) is float:
        if value.is_integer():
            return int(value)
        return Decimal(format(value, ".15g"))
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _fast_xlsx(data: bytes, *, year: int, month: int, required_measures: Collection[str],
               max_rows: int, rules: Rules) -> FastResult | None:
    book = xlsx.Workbook(data)
    if not _sheet_is_plain(book):
        return None
    try:
        parsing._check_workbook(data, book)  # several sheets with tables: the careful reader says so
    except parsing.UploadRejected:
        return None
    rows = _calamine_rows(data)
    if not rows or len(rows) < 2 or len(rows) - 1 > max_rows:
        return None
    header = [c.strip() if isinstance(c, str) else c for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    keys = _header(header, required_measures)
    if keys is None:
        return None
    width = len(keys)
    body = []
    for row in rows[1:]:
        if any(v != "" for v in row[width:]):
            return None  # values right of the header: the careful reader warns about them
        body.append([_from_calamine(v) for v in row[:width]])
    return _finish(keys, body, year=year, month=month, typed=True, encoding=None, delimiter=None, rules=rules)
