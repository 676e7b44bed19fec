"""Turn the bytes of a monthly upload (CSV or XLSX) into validated rows, or into errors with row and column."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from flask_babel import lazy_gettext as _l
from jpdatetime import jpdatetime

from vendorportal.metrics.domain import (
    CHANNELS,
    DIMENSION_ALIASES_JA,
    MEASURES,
    MEASURES_BY_KEY,
    METRICS_BY_KEY,
    WAIT_BUCKETS,
    MeasureKind,
    header_names,
    header_unit,
    resolve_channel,
    resolve_header,
)
from vendorportal.submissions import numbers as number_formats
from vendorportal.submissions import profiles, xlsx
from vendorportal.submissions.issues import CellIssue

MAX_COUNT = 10**12  # beyond any contact centre's month; keeps values inside a BIGINT
MAX_SUM = 10**15
MAX_CHANNEL_LENGTH = 20  # as long as a target's channel may be
MAX_QUEUE_LENGTH = 100
CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx"})
MACRO_EXTENSIONS = frozenset({".xlsm", ".xltm", ".xlam"})

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_SIGNED = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EXPONENT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+")
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]0?0:00(?::00)?)?(?:\s*\(\w{1,3}\.?\))?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?(?:\s*\(.\))?")  # 2026年10月1日, 2026年10月1日(木)
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日?(?:\s*\(.\))?")  # 10月1日: the year is the upload's
_ERA_NAMES = ("明治", "大正", "昭和", "平成", "令和")
_ERA_LETTER = re.compile(r"[MTSHR]\d{1,2}[./-]\d{1,2}[./-]\d{1,2}", re.IGNORECASE)  # R8.10.1
_RANGE = re.compile(r"\s*[-~～〜–—]\s*")  # 9:00-9:30, 9:00～9:30: the interval is named by its start
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?")  # 9:00 AM
_DURATION = re.compile(r"(\d{1,9}):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?")  # h:mm:ss or mm:ss, hours past 24
_WHOLE_FLOAT = re.compile(r"(\d+)\.0+")  # 66.0, as pandas writes whole numbers
# A row labelled like this in a dimension column (or the first column) adds up other rows: it is left out and checked.
_TOTAL_WORDS = frozenset({"合計", "小計", "総計", "計", "総合計", "日計", "月計", "合計値", "total", "totals",
                          "subtotal", "sub total", "sub-total", "grand total", "sum", "all"})
_DASHES = frozenset({"-", "－", "‐", "—", "―", "ー"})  # "nothing" written as a dash in a count
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                          r"\ufff9-\ufffb]")
_FORMULA_START = ("=", "+", "-", "@")
_UNIT_SUFFIX = re.compile(r"\s*[(\[【（]\s*[^)\]】）]{1,12}?\s*[)\]】）]\s*$")
_CP932_STRAY = re.compile("[\u0080\uf8f0-\uf8f3]")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class ParsedRow:
    """One valid data row: its spreadsheet row number, what identifies it and its values."""

    row: int
    date: dt.date
    interval: dt.time | None
    channel: str | None
    queue: str | None
    measures: dict[str, int | Decimal]
    reported: dict[str, Decimal]
    custom: dict[str, Decimal]


@dataclass(frozen=True)
class ParseResult:
    """The rows of a file (empty when there is any error), its errors and warnings, and how it was read."""

    rows: list[ParsedRow]
    errors: list[CellIssue]
    warnings: list[CellIssue]
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    profile: Any = None  # the platform export's import profile the file was read with; None: the portal's layout
    derived: dict[str, str] | None = None  # measure -> how it was derived from the export (average × count …)
    derived_from_averages: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class UploadRejected(Exception):
    """The file as a whole cannot be read (empty, not a CSV/XLSX, a zip or XML bomb, too many rows …)."""

    def __init__(self, issue: CellIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class _Cut(Exception):
    """The error list is full."""


def _reject(message, row: int | None = None) -> UploadRejected:
    return UploadRejected(CellIssue(row, None, message))


def _extension(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    return name[name.rfind("."):].lower() if "." in name else ""


def _binary_kind(head: bytes):
    if head.startswith(b"MZ"):
        return _l("a Windows program")
    if head.startswith(b"\x7fELF"):
        return _l("a program")
    if head.startswith(b"%PDF"):
        return _l("a PDF document")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return _l("an image")
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"BZh")):
        return _l("a compressed archive")
    if b"\x00" in head:
        return _l("binary data")
    return None


def sniff_format(data: bytes, filename: str) -> str:
    """Return "csv" or "xlsx" from the file's content (and its name where they must agree).

    :raises UploadRejected: the file is empty, an old .xls, a macro workbook, a program or other binary data.
    """
    extension = _extension(filename)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise _reject(_l("The file is empty."))
    head = data[:65536]
    if head.startswith(b"PK\x03\x04"):
        if extension in MACRO_EXTENSIONS:
            raise _reject(_l("Macro-enabled workbooks (.xlsm) are not accepted; save the file as \"Excel Workbook "
                             "(.xlsx)\"."))
        if extension not in XLSX_EXTENSIONS | CSV_EXTENSIONS | {""}:
            raise _reject(_l("Upload a .csv or .xlsx file; %(name)s is neither.", name=filename))
        return "xlsx"
    if head.startswith(_OLE):
        raise _reject(_l("This is an Excel 97-2003 (.xls) file or a password-protected workbook. Save it as "
                         "\"Excel Workbook (.xlsx)\" without a password, or as CSV."))
    if head.startswith(b"PK"):
        raise _reject(_l("The file is a ZIP archive but not an Excel workbook; upload an .xlsx or .csv file."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        raise _reject(_l("The file is saved as UTF-16 (\"Unicode Text\"). Save it as \"CSV UTF-8\" or \"CSV "
                         "(comma delimited)\"."))
    kind = _binary_kind(head)
    if kind is not None:
        raise _reject(_l("This file is %(kind)s, not a CSV or XLSX file.", kind=kind))
    if extension in XLSX_EXTENSIONS | MACRO_EXTENSIONS:
        raise _reject(_l("The file is named %(name)s but is not an Excel workbook (was it renamed?). Save it "
                         "from Excel as \"Excel Workbook (.xlsx)\".", name=filename))
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table")):
        raise _reject(_l("This is a web page (HTML), not a CSV or XLSX file. Open it in Excel and save it as "
                         "\"Excel Workbook (.xlsx)\"."))
    if stripped.startswith(b"<?xml"):
        raise _reject(_l("This is an XML file, not a CSV or XLSX file. Open it in Excel and save it as "
                         "\"Excel Workbook (.xlsx)\"."))
    if extension not in CSV_EXTENSIONS | {""}:
        raise _reject(_l("Upload a .csv or .xlsx file; %(name)s is neither.", name=filename))
    return "csv"


def _decode(data: bytes) -> tuple[str, str]:
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError as cp932_error:
            # The encoding that read further is the one the file was meant to be in.
            offset = max(utf8_error.start, cp932_error.start)
        else:
            # Python's cp932 maps the stray single bytes 0x80, 0xA0 and 0xFD-0xFF to placeholders; no
            # Japanese text holds them, so a file with them is in some other encoding.
            stray = _CP932_STRAY.search(text)
            if stray is None:
                return text, "cp932"
            offset = max(utf8_error.start, len(text[:stray.start()].encode("cp932")))
    line = data.count(b"\n", 0, offset) + 1
    raise _reject(_l("The file is neither UTF-8 nor Shift_JIS (CP932): the bytes at offset %(offset)s (line "
                     "%(line)s) cannot be read. Save it from Excel as \"CSV UTF-8\".", offset=offset, line=line))


def _sniff_delimiter(text: str) -> str:
    header = text[:text.find("\n")] if "\n" in text else text
    return "\t" if header.count("\t") > header.count(",") else ","


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, xlsx.CellError):
        return value.code
    if isinstance(value, xlsx.FormulaWithoutValue):
        return "=" + value.formula
    text = str(value).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"  # show the invisible character by its code, not by its effect


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# Per-cell conversions for the slow path: each returns (value, None) or (None, message).

def _typed_problem(raw: Any):
    """Return the message for a cell that holds no usable value at all, or None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _l("A value is missing; enter 0 if there was none.")
    if isinstance(raw, xlsx.FormulaWithoutValue):
        return _l("The cell holds the formula =%(formula)s but no saved result. Open the file in Excel, let it "
                  "calculate and save it, or paste the values.", formula=raw.formula)
    if isinstance(raw, xlsx.CellError):
        return _l("The cell shows the Excel error %(code)s.", code=raw.code)
    if isinstance(raw, bool):
        return _l("%(value)s is not a number.", value=_display(raw))
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return _l("%(value)s is a date or time, not a number.", value=_display(raw))
    return None


def _number_text(raw: str, convention: str | None = None) -> str:
    text = raw.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()  # full-width digits, as Japanese IMEs type them
    if convention == number_formats.COMMA:
        return number_formats.normalise(text, convention)
    if "," in text and _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return text


def _text_problem(text: str, shown: str, whole: bool):
    if _EXPONENT.fullmatch(text):
        return _l("%(value)s is written with an exponent; write the number in full digits.", value=shown)
    if text.startswith("-") and _SIGNED.fullmatch(text):
        return _l("%(value)s is negative; only numbers of 0 or more are allowed.", value=shown)
    if whole and _SIGNED.fullmatch(text):
        return _l("%(value)s is not a whole number; counts have no decimals.", value=shown)
    return _l("%(value)s is not a number.", value=shown)


def _count(raw: Any, convention: str | None = None) -> tuple[int | None, Any]:
    problem = _typed_problem(raw)
    if problem is not None:
        return None, problem
    if isinstance(raw, str):
        text = _number_text(raw, convention)
        if text in _DASHES:
            return 0, None  # a report's "-" is none; a blank cell still means the value is missing
        whole = _WHOLE_FLOAT.fullmatch(text)
        if whole is not None:
            text = whole.group(1)
        if not (text.isdigit() and text.isascii()):
            return None, _text_problem(text, _display(raw), whole=True)
        if len(text) > 13:
            return None, _l("%(value)s is too large for a count.", value=_display(raw))
        value: Any = int(text)
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, Decimal) and raw.is_finite():
        if raw != raw.to_integral_value():
            return None, _l("%(value)s is not a whole number; counts have no decimals.", value=_display(raw))
        value = int(raw)
    else:
        return None, _l("%(value)s is not a number.", value=_display(raw))
    if value < 0:
        return None, _l("%(value)s is negative; only numbers of 0 or more are allowed.", value=_display(raw))
    if value > MAX_COUNT:
        return None, _l("%(value)s is too large for a count.", value=_display(raw))
    return value, None


def _sum(raw: Any, convention: str | None = None) -> tuple[Decimal | None, Any]:
    problem = _typed_problem(raw)
    if problem is not None:
        return None, problem
    if isinstance(raw, str):
        text = _number_text(raw, convention)
        if not _DECIMAL.fullmatch(text):
            return None, _text_problem(text, _display(raw), whole=False)
        value = Decimal(text)
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal) and raw.is_finite():
        value = Decimal(raw)  # a Percent in a sum column is the number it stores
    else:
        return None, _l("%(value)s is not a number.", value=_display(raw))
    if value < 0:
        return None, _l("%(value)s is negative; only numbers of 0 or more are allowed.", value=_display(raw))
    if value > MAX_SUM:
        return None, _l("%(value)s is too large.", value=_display(raw))
    return value, None


def _checked_seconds(value: Decimal, raw: Any) -> tuple[Decimal | None, Any]:
    if value < 0:
        return None, _l("%(value)s is negative; only numbers of 0 or more are allowed.", value=_display(raw))
    if value > MAX_SUM:
        return None, _l("%(value)s is too large.", value=_display(raw))
    return value, None


def _seconds(raw: Any, convention: str | None = None) -> tuple[Decimal | None, Any]:
    """Convert a duration cell: seconds as a number, h:mm:ss or mm:ss text, or an Excel time or duration cell."""
    if isinstance(raw, dt.time):
        return Decimal(raw.hour * 3600 + raw.minute * 60 + raw.second), None
    if isinstance(raw, dt.timedelta):
        return Decimal(int(raw.total_seconds())), None
    if isinstance(raw, dt.datetime) and raw.year in (1899, 1900, 1904) and raw.month == 1 or (
            isinstance(raw, dt.datetime) and raw.year == 1899 and raw.month == 12):
        # An Excel duration over 24 h ([h]:mm:ss) is a serial past 1, which reads as a day early in 1900 (or
        # 1904): no month of contact-centre data lies there, so it is the duration since the serial's zero.
        zero = dt.datetime(1904, 1, 1) if raw.year == 1904 else dt.datetime(1899, 12, 31)
        return _checked_seconds(Decimal(int((raw - zero).total_seconds())), raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text).strip()
        match = _DURATION.fullmatch(text)
        if match is not None:
            first, second, third = int(match.group(1)), int(match.group(2)), match.group(3)
            total = first * 3600 + second * 60 + int(third) if third is not None else first * 60 + second
            return _checked_seconds(Decimal(total), raw)
        if text in _DASHES:
            return Decimal(0), None
    return _sum(raw, convention)


def _signed(raw: Any) -> tuple[Decimal | None, Any]:
    """Convert a reported_ or custom_ cell: empty is fine (None, None); negatives and a trailing % are allowed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    problem = _typed_problem(raw)
    if problem is not None:
        return None, problem
    if isinstance(raw, xlsx.Percent):
        value = Decimal(raw) * 100  # the cell shows 85.3 % and stores 0.853; the vendor means 85.3
    elif isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = _number_text(raw).removesuffix("%").strip()
        if "," in text and _THOUSANDS.fullmatch(text.lstrip("+-")):
            text = text.replace(",", "")
        if not _SIGNED.fullmatch(text):
            return None, _l("%(value)s is not a number.", value=_display(raw))
        value = Decimal(text)
    else:
        return None, _l("%(value)s is not a number.", value=_display(raw))
    if not value.is_finite() or abs(value) > MAX_SUM:
        return None, _l("%(value)s is too large.", value=_display(raw))
    return value, None


def _fast_counts_text(values: tuple) -> list[int] | None:
    joined = "".join(values)
    if joined.isdigit() and joined.isascii():
        try:
            numbers = list(map(int, values))  # an empty cell raises: the slow path names it
        except ValueError:
            return None
        if max(numbers) <= MAX_COUNT:
            return numbers
    return None


def _fast_sums_text(values: tuple) -> list[Decimal] | None:
    joined = "".join(values)
    if joined.isascii() and joined.replace(".", "").isdigit():
        try:
            numbers = list(map(Decimal, values))
        except InvalidOperation:
            return None
        if max(numbers) <= MAX_SUM:
            return numbers
    return None


def _era_date(text: str) -> tuple[int, int, int] | None:
    """Read a date in a Japanese era (令和8年10月1日, 令和元年5月1日, R8.10.1) with jpdatetime's era table."""
    if _ERA_LETTER.fullmatch(text):
        text, form = re.sub(r"[/-]", ".", text.upper()), "%e.%m.%d"
    else:
        text, form = text.rstrip("日") + "日", "%G年%m月%d日"
    try:
        read = jpdatetime.strptime(text, form)
    except (ValueError, TypeError, OverflowError):  # 令和99999999999年: past any calendar
        return None
    return read.year, read.month, read.day


def _no_fast_path(values: tuple) -> None:
    return None


def _channel_list(keys: Collection[str]) -> str:
    return ", ".join(keys)


_INT_ONLY = {int}
_NUMBERS = ({int}, {Decimal}, {int, Decimal})


def _fast_counts_typed(values: tuple) -> list[int] | None:
    if set(map(type, values)) == _INT_ONLY and min(values) >= 0 and max(values) <= MAX_COUNT:
        return list(values)
    return None


def _fast_sums_typed(values: tuple) -> list[Decimal] | None:
    if set(map(type, values)) in _NUMBERS:
        numbers = [Decimal(v) if type(v) is int else v for v in values]
        if all(n.is_finite() for n in numbers) and min(numbers) >= 0 and max(numbers) <= MAX_SUM:
            return numbers
    return None


def _getter(indexes: list[int]) -> Callable[[list], tuple]:
    if not indexes:
        return lambda cells: ()
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indexes)


@dataclass
class _Column:
    index: int
    header: str  # as written, trimmed
    key: str  # canonical: a measure or dimension key, or the metric / custom key


class _Header:
    """Where each known column of the file is, and what the header row said about it."""

    def __init__(self, cells: list, *, required: Collection[str], custom_keys: Collection[str],
                 errors: _Issues, warnings: _Issues, row: int = 1) -> None:
        texts = ["" if cell is None else str(cell).strip() for cell in cells]
        while texts and not texts[-1]:
            texts.pop()
        self.width = len(texts)
        self.texts = [_normalise(t) for t in texts]
        self.row = row
        self.dimensions: dict[str, _Column] = {}
        self.measures: list[_Column] = []
        self.reported: list[_Column] = []
        self.custom: list[_Column] = []
        custom_by_name = {_normalise(key): key for key in custom_keys}
        seen: dict[str, str] = {}
        for index, text in enumerate(texts):
            if not text:
                warnings.add(row, _column_letter(index), _l(
                    "Column %(letter)s has no header; its values are ignored.", letter=_column_letter(index)))
                continue
            key = resolve_header(text)
            normalised = _normalise(text)
            group = None
            if key in DIMENSION_ALIASES_JA:
                group = "dimension"
            elif key is not None:
                group = "measure"
            elif normalised.startswith("reported_") and normalised[9:] in METRICS_BY_KEY:
                key, group = normalised, "reported"
            elif normalised.startswith("custom_") and normalised[7:] in custom_by_name:
                key, group = "custom_" + custom_by_name[normalised[7:]], "custom"
            else:
                self._unknown(text, normalised, custom_by_name, warnings, row)
                continue
            if key in seen:
                errors.add(row, text, _l("The columns %(first)s and %(second)s both mean %(key)s; keep one of them.",
                                       first=seen[key], second=text, key=key))
                continue
            seen[key] = text
            if group == "dimension":
                self.dimensions[key] = _Column(index, text, key)
            elif group == "measure":
                self.measures.append(_Column(index, text, key))
            elif group == "reported":
                self.reported.append(_Column(index, text, key[9:]))
            else:
                self.custom.append(_Column(index, text, key[7:]))
        if not texts:
            errors.add(1, None, _l("Row 1 must hold the column headers (date, offered, …); it is empty."))
            return
        if "date" not in self.dimensions:
            errors.add(None, "date", _l("The column %(column)s (%(alias)s) is missing; every row needs its date.",
                                        column="date", alias=DIMENSION_ALIASES_JA["date"][0]))
        present = {column.key for column in self.measures}
        for measure in MEASURES:
            if measure.key in required and measure.key not in present:
                errors.add(None, measure.key, _l(
                    "The column %(column)s (%(alias)s) is missing; the contract's targets need it.",
                    column=measure.key, alias=measure.name_ja))
        present_custom = {column.key for column in self.custom}
        for key in sorted(custom_keys):
            if key not in present_custom:
                warnings.add(None, f"custom_{key}", _l(
                    "The column %(column)s is missing, so the metric %(key)s has no value this month.",
                    column=f"custom_{key}", key=key))

    @staticmethod
    def _unknown(text: str, normalised: str, custom_by_name: dict[str, str], warnings: _Issues, row: int) -> None:
        if normalised.startswith("reported_"):
            warnings.add(row, text, _l("%(column)s names no metric of the catalog; the column was ignored.",
                                     column=text))
            return
        if normalised.startswith("custom_"):
            warnings.add(row, text, _l("%(column)s is not a reported metric of this contract; the column was "
                                     "ignored.", column=text))
            return
        if warnings.full:
            warnings.dropped = True  # a suggestion nobody sees is not worth computing
            return
        unit = header_unit(text)
        bare_key = resolve_header(_UNIT_SUFFIX.sub("", text)) if unit is not None else None
        if bare_key is not None:
            warnings.add(row, text, _l("%(column)s is given in %(unit)s, which the portal does not convert; the column "
                                     "was ignored. Give %(key)s in %(expected)s.", column=text, unit=unit, key=bare_key,
                                     expected=_l("seconds") if bare_key.endswith("_s") else _l("whole numbers")))
            return
        names = {name: name if name == key else f"{name} ({key})" for name, key in header_names().items()}
        names.update({f"custom_{key}": f"custom_{key}" for key in custom_by_name.values()})
        bare = _UNIT_SUFFIX.sub("", normalised)
        match = difflib.get_close_matches(bare, list(names), n=1, cutoff=0.75 if bare.isascii() else 0.6)
        if match:
            warnings.add(row, text, _l("Unknown column %(column)s was ignored. Did you mean %(suggestion)s?",
                                     column=text, suggestion=names[match[0]]))
        else:
            warnings.add(row, text, _l("Unknown column %(column)s was ignored.", column=text))


class _Issues:
    """A list of issues that stops at a limit: errors raise _Cut there, warnings are dropped."""

    def __init__(self, limit: int, *, raise_at_limit: bool) -> None:
        self.items: list[CellIssue] = []
        self.limit = limit
        self.raise_at_limit = raise_at_limit
        self.dropped = False

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def add(self, row: int | None, column: str | None, message) -> None:
        if len(self.items) >= self.limit:
            if self.raise_at_limit:
                raise _Cut
            self.dropped = True
            return
        self.items.append(CellIssue(row, column, message))


# Consistency rules: (smaller, larger) measures, checked when both columns exist; the second group only
# when a measure that would already imply them is missing (so one mistake gives one error).
_AT_MOST = (
    ("answered", "offered"), ("answered_within_sl", "answered"), ("abandoned_short", "abandoned"),
    ("abandoned_within_sl", "abandoned"), ("csat_satisfied", "csat_responses"),
    ("responded_within_target", "received"), ("resolved_first_contact", "resolved"), ("resolved", "answered"),
)
_AT_MOST_UNLESS = (
    ("abandoned_short", "offered", "abandoned"), ("abandoned_within_sl", "offered", "abandoned"),
    ("answered_within_sl", "offered", "answered"), ("abandoned", "offered", "answered"),
    ("resolved_first_contact", "answered", "resolved"),
)


class _Validator:
    """Check every data row against the header's columns; build ParsedRows while no error has been found."""

    def __init__(self, header: _Header, *, year: int, month: int, typed: bool, errors: _Issues,
                 warnings: _Issues, serial_to_date: Callable[[Any], Any] | None = None,
                 channels: Collection[str] | None = None, today: dt.date | None = None,
                 convention: str | None = None, channel_required: bool = False) -> None:
        self.header = header
        self.channel_required = channel_required
        # A one-channel contract's rows are that channel's, even when the file does not say so.
        self.default_channel = channels[0] if channel_required and channels and len(channels) == 1 else None
        self.year, self.month = year, month
        self.channels = tuple(channels) if channels is not None else None
        self.today = today
        self.convention = convention
        self.period = f"{year:04d}-{month:02d}"
        self.typed = typed
        self.errors = errors
        self.warnings = warnings
        self.serial_to_date = serial_to_date
        self.rows: list[ParsedRow] = []
        self.data_rows = 0
        self.extra_cells_row: int | None = None
        self._formula_warned: set[str] = set()
        counts = [c for c in header.measures if MEASURES_BY_KEY[c.key].kind is MeasureKind.COUNT]
        sums = [c for c in header.measures if MEASURES_BY_KEY[c.key].kind is MeasureKind.SUM]
        self.counts, self.sums = counts, sums
        self.measure_columns = counts + sums
        self.measure_keys = [c.key for c in self.measure_columns]
        position = {c.key: i for i, c in enumerate(self.measure_columns)}
        self.at_most = [(position[a], position[b]) for a, b in _AT_MOST if a in position and b in position]
        self.at_most += [(position[a], position[b]) for a, b, unless in _AT_MOST_UNLESS
                         if a in position and b in position and unless not in position]
        buckets = [position[f"wait_le_{n}"] for n in WAIT_BUCKETS if f"wait_le_{n}" in position]
        self.bucket_pairs = list(zip(buckets, buckets[1:], strict=False))
        if buckets and "answered" in position:
            self.at_most.append((buckets[-1], position["answered"]))
        self.answered_abandoned = tuple(position.get(k) for k in ("answered", "abandoned", "offered"))
        self.scales = [(position[total], position[count], low, high) for total, count, low, high in
                       (("ces_score_total", "ces_responses", 1, 5), ("qa_score_total", "qa_evaluations", 0, 100))
                       if total in position and count in position]
        self.first_value: dict[str, tuple[int, Decimal]] = {}
        self.total_rows: list[tuple[int, list]] = []
        self.note_row: int | None = None
        indexes = {c.index for c in header.dimensions.values()} | {0}
        self.total_indexes = sorted(i for i in indexes if i < header.width)

    # Dimension conversions, cached per distinct cell value by the caller.

    def _date(self, raw: Any) -> tuple[dt.date | None, Any]:
        if raw is None or raw == "":
            return None, _l("The date is missing.")
        value: Any = None
        if isinstance(raw, str):
            text = raw.strip()
            if not text.isascii():
                text = unicodedata.normalize("NFKC", text)
            parts = self._date_parts(text)
            if parts is None:
                return None, _l("%(value)s is not a date; write it as YYYY-MM-DD, e.g. %(example)s.",
                                value=_display(raw), example=f"{self.period}-01")
            try:
                value = dt.date(*parts)
            except ValueError:
                return None, _l("%(value)s is not a date of the calendar.", value=_display(raw))
        elif isinstance(raw, dt.datetime):
            value = raw.date()
        elif isinstance(raw, dt.date):
            value = raw
        elif isinstance(raw, int | Decimal) and not isinstance(raw, bool) and self.serial_to_date is not None:
            converted = self.serial_to_date(raw)
            if isinstance(converted, dt.datetime):
                value = converted.date()
        if value is None:
            if isinstance(raw, xlsx.CellError | xlsx.FormulaWithoutValue):
                return None, _typed_problem(raw)
            return None, _l("%(value)s is not a date; write it as YYYY-MM-DD, e.g. %(example)s.",
                            value=_display(raw), example=f"{self.period}-01")
        if value.year != self.year or value.month != self.month:
            return None, _l("The date %(value)s is not in %(period)s, the month of this upload.",
                            value=value.isoformat(), period=self.period)
        if self.today is not None and value > self.today:
            return None, _l("The date %(value)s is after today (%(today)s); a month's data holds only days that "
                            "have passed.", value=value.isoformat(), today=self.today.isoformat())
        return value, None

    def _date_parts(self, text: str) -> tuple[int, int, int] | None:
        """Read a date as people write it: 2026-10-01, 2026/10/1, 2026年10月1日, 令和8年10月1日, R8.10.1, 10月1日."""
        match = _DATE.fullmatch(text)
        if match is not None:
            return int(match.group(1)), int(match.group(3)), int(match.group(4))
        match = _JA_DATE.fullmatch(text)
        if match is not None:
            return int(match.group(1)), int(match.group(2)), int(match.group(3))
        match = _MONTH_DAY.fullmatch(text)
        if match is not None:
            return self.year, int(match.group(1)), int(match.group(2))
        if text in (self.period, self.period.replace("-", "/"), f"{self.year}年{self.month}月"):
            return self.year, self.month, 1  # a month's total, dated by its month
        if text.startswith(_ERA_NAMES) or _ERA_LETTER.fullmatch(text):
            return _era_date(text)
        return None

    def _interval(self, raw: Any) -> tuple[dt.time | None, Any]:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, None
        value: Any = None
        if isinstance(raw, str):
            text = raw.strip()
            if not text.isascii():
                text = unicodedata.normalize("NFKC", text)
            text = _RANGE.split(text, maxsplit=1)[0] if _RANGE.search(text) else text
            match = _TIME.fullmatch(text)
            clock = _CLOCK.fullmatch(text) if match is None else None
            if clock is not None:
                hour = int(clock.group(1)) % 12 + (12 if clock.group(4) in "Pp" else 0)
                match, text = _TIME.fullmatch(f"{hour}:{clock.group(2)}:{clock.group(3) or '00'}"), None
            if match is not None:
                hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
                if hour < 24 and minute < 60 and second < 60:
                    value = dt.time(hour, minute, second)
        elif isinstance(raw, dt.datetime):
            value = raw.time()
        elif isinstance(raw, dt.time):
            value = raw
        elif isinstance(raw, int | Decimal) and not isinstance(raw, bool) and self.serial_to_date is not None:
            converted = self.serial_to_date(raw) if 0 <= raw < 1 else None
            if isinstance(converted, dt.time):
                value = converted
        if value is None:
            if isinstance(raw, xlsx.CellError | xlsx.FormulaWithoutValue):
                return None, _typed_problem(raw)
            return None, _l("%(value)s is not a time; write the interval's start as HH:MM, e.g. 09:30.",
                            value=_display(raw))
        if value.second or value.microsecond or value.minute % 15:
            return None, _l("%(value)s does not start a 15-, 30- or 60-minute interval; use :00, :15, :30 or "
                            ":45.", value=value.strftime("%H:%M:%S" if value.second else "%H:%M"))
        return value, None

    def _text(self, raw: Any, *, max_length: int, lower: bool) -> tuple[str | None, Any]:
        if raw is None:
            return None, None
        if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
            if isinstance(raw, xlsx.CellError | xlsx.FormulaWithoutValue):
                return None, _typed_problem(raw)
            return None, _l("%(value)s is not text.", value=_display(raw))
        text = str(raw).strip()
        if lower:
            text = unicodedata.normalize("NFKC", text).lower()
        if not text:
            return None, None
        if "<" in text or ">" in text:
            return None, _l("The text %(value)s contains < or >; HTML is not accepted here. Use plain text.",
                            value=_display(text))
        if _UNSAFE_TEXT.search(text):
            return None, _l("The text %(value)s contains control or invisible characters (such as a line break); "
                            "use plain text.", value=_display(_UNSAFE_TEXT.sub(_escape, text)))
        if len(text) > max_length:
            return None, _l("The text %(value)s is longer than %(max)s characters.", value=_display(text),
                            max=max_length)
        return text, None

    def _channel(self, raw: Any) -> tuple[str | None, Any]:
        """Return the channel key a cell names (電話, Voice, E-mail …), checked against the contract's channels."""
        text, problem = self._text(raw, max_length=MAX_CHANNEL_LENGTH, lower=True)
        if problem is not None or text is None:
            return text, problem
        allowed = self.channels if self.channels is not None else CHANNELS
        key = resolve_channel(text)
        if key is None:
            return None, _l("%(value)s is not a channel; use one of %(allowed)s.", value=_display(raw),
                            allowed=_channel_list(allowed))
        if key not in allowed:
            return None, _l("%(value)s is the channel %(channel)s, which this contract does not have; its channels "
                            "are %(allowed)s.", value=_display(raw), channel=key, allowed=_channel_list(allowed))
        return key, None

    def _warn_formula_text(self, row: int, column: str, text: str | None) -> None:
        if text and text.startswith(_FORMULA_START) and text not in self._formula_warned:
            self._formula_warned.add(text)
            self.warnings.add(row, column, _l(
                "%(value)s starts with %(char)s; it is kept as plain text, but spreadsheets may read it as a "
                "formula.", value=_display(text), char=text[0]))

    def run(self, rows: Iterator[tuple[int, list]], max_rows: int) -> None:
        """Validate rows until they run out; raises _Cut when the error list is full."""
        header = self.header
        errors = self.errors
        add_error = errors.add
        error_items = errors.items
        width = header.width
        empty: Any = None if self.typed else ""
        dims = header.dimensions
        date_column = dims.get("date")
        interval_column = dims.get("interval")
        channel_column = dims.get("channel")
        queue_column = dims.get("queue")
        date_index = date_column.index if date_column else None
        interval_index = interval_column.index if interval_column else None
        channel_index = channel_column.index if channel_column else None
        queue_index = queue_column.index if queue_column else None
        date_cache: dict = {}
        interval_cache: dict = {}
        channel_cache: dict = {}
        queue_cache: dict = {}
        get_counts = _getter([c.index for c in self.counts])
        get_sums = _getter([c.index for c in self.sums])
        fast_counts = _fast_counts_typed if self.typed else _fast_counts_text
        fast_sums = _fast_sums_typed if self.typed else _fast_sums_text
        if self.convention == number_formats.COMMA and not self.typed:
            fast_sums = _no_fast_path  # 8.052 is 8052 in this file: every sum goes through the conversion
        convention = self.convention
        count = (lambda raw: _count(raw, convention)) if convention else _count
        add = [functools.partial(_seconds if c.key.endswith("_s") else _sum, convention=convention)
               for c in self.sums]
        measure_keys = self.measure_keys
        at_most = self.at_most
        bucket_pairs = self.bucket_pairs
        answered_i, abandoned_i, offered_i = self.answered_abandoned
        check_sum = answered_i is not None and abandoned_i is not None and offered_i is not None
        scales = self.scales
        has_extras = bool(header.reported or header.custom)
        seen: dict[tuple, int] = {}
        day_rows: dict[tuple, tuple[int | None, int | None]] = {}
        out = self.rows
        date = interval = channel = queue = None

        for row_number, cells in rows:
            if len(cells) != width:
                if not any(cells) and all(v is None or v == "" for v in cells):
                    continue
                cells = self._fit(cells, width, empty, row_number)
            elif not any(cells) and all(v is None or v == "" for v in cells):
                continue  # a blank row, e.g. the empty line at the end of a CSV
            first_text = cells[0] if cells and isinstance(cells[0], str) else None
            if first_text is not None and _normalise(first_text) == header.texts[0] and (
                    [_normalise(c) if isinstance(c, str) else c for c in cells] == header.texts):
                continue  # the header again (a report that repeats it per page or per day)
            if (first_text is not None and _normalise(first_text).startswith(_NOTE_STARTS)
                    and not any(v is not None and str(v).strip() for v in cells[1:])):
                if not self.note_row:
                    self.note_row = row_number
                    self.warnings.add(row_number, None, _l(
                        "Row %(row)s is a note (%(text)s), not data; it was left out.", row=row_number,
                        text=_display(first_text)))
                continue
            if any(isinstance(cells[i], str) and _normalise(cells[i]) in _TOTAL_WORDS for i in self.total_indexes):
                self.total_rows.append((row_number, cells))  # 合計 / 小計 / Total: checked after, never counted
                continue
            self.data_rows += 1
            if self.data_rows > max_rows:
                raise _reject(_l("The file has more than %(max)s data rows; split it or upload day totals.",
                                 max=f"{max_rows:,}"))
            errors_before = len(error_items)

            if date_index is not None:
                raw = cells[date_index]
                result = None if raw.__class__ is bool else date_cache.get(raw)
                if result is None:
                    result = date_cache[raw] = self._date(raw)
                date, problem = result
                if problem is not None:
                    add_error(row_number, date_column.header, problem)
            if interval_index is not None:
                raw = cells[interval_index]
                result = None if raw.__class__ is bool else interval_cache.get(raw)
                if result is None:
                    result = interval_cache[raw] = self._interval(raw)
                interval, problem = result
                if problem is not None:
                    add_error(row_number, interval_column.header, problem)
            if channel_index is not None:
                raw = cells[channel_index]
                result = None if raw.__class__ is bool else channel_cache.get(raw)
                if result is None:
                    result = channel_cache[raw] = self._channel(raw)
                channel, problem = result
                if problem is not None:
                    add_error(row_number, channel_column.header, problem)
                elif channel is None and self.channel_required:
                    channel = self.default_channel
                    if channel is None:
                        add_error(row_number, channel_column.header, _l(
                            "The channel is empty; the contract's targets are per channel (%(channels)s), so give "
                            "each row its channel.", channels=_channel_list(self.channels or CHANNELS)))
            elif self.default_channel is not None:
                channel = self.default_channel
            if queue_index is not None:
                raw = cells[queue_index]
                result = None if raw.__class__ is bool else queue_cache.get(raw)
                if result is None:
                    result = queue_cache[raw] = self._text(raw, max_length=MAX_QUEUE_LENGTH, lower=False)
                    self._warn_formula_text(row_number, queue_column.header, result[0])
                queue, problem = result
                if problem is not None:
                    add_error(row_number, queue_column.header, problem)
            dimensions_ok = len(error_items) == errors_before

            values = get_counts(cells)
            counts = fast_counts(values) if values else []
            if counts is None:
                counts = self._slow(values, self.counts, count, row_number)
            values = get_sums(cells)
            sums = fast_sums(values) if values else []
            if sums is None:
                sums = self._slow(values, self.sums, add, row_number)
            numbers = counts + sums

            for small, large in at_most:
                a, b = numbers[small], numbers[large]
                if a is not None and b is not None and a > b:
                    self._more_than(row_number, small, large, a, b)
            for small, large in bucket_pairs:
                a, b = numbers[small], numbers[large]
                if a is not None and b is not None and a > b:
                    self._bucket_error(row_number, small, large, a, b)
            if check_sum:
                a, b, c = numbers[answered_i], numbers[abandoned_i], numbers[offered_i]
                # answered > offered is already an error of its own; one mistake, one message.
                if a is not None and b is not None and c is not None and a + b > c >= a:
                    self._sum_error(row_number, a, b, c)
            for total_i, count_i, low, high in scales:
                total, count = numbers[total_i], numbers[count_i]
                if total is not None and count is not None and not low * count <= total <= high * count:
                    self._scale_error(row_number, total_i, count_i, total, count, low, high)

            reported = {}
            custom = {}
            if has_extras:
                reported, custom = self._extras(cells, row_number)

            if dimensions_ok and date_index is not None:
                key = (date, interval, channel, queue)
                first = seen.get(key)
                if first is None:
                    seen[key] = row_number
                else:
                    add_error(row_number, None, _l(
                        "Row %(row)s repeats %(key)s of row %(first)s; each date, interval, channel and queue may "
                        "appear once.", row=row_number, first=first, key=self._describe(key)))
                if interval_index is not None:
                    self._check_day_totals(day_rows, (date, channel, queue), interval is None, row_number)

            if not error_items:
                out.append(ParsedRow(row_number, date, interval, channel, queue,
                                     dict(zip(measure_keys, numbers, strict=True)), reported, custom))
            elif out:
                out.clear()  # all or nothing: the rows are no use once an error is found

    def check_totals(self) -> None:
        """Check each total row against the rows it adds up (a mismatch is a warning); say they were left out."""
        if not self.total_rows:
            return
        dims = self.header.dimensions
        for row_number, cells in self.total_rows:
            label = next(cells[i] for i in self.total_indexes if isinstance(cells[i], str)
                         and _normalise(cells[i]) in _TOTAL_WORDS)
            group = self._total_group(cells, dims)
            if group is None:
                continue
            members = [r for r in self.rows if all(getattr(r, key) == value for key, value in group.items())]
            for column in self.measure_columns:
                convert = _count if MEASURES_BY_KEY[column.key].kind is MeasureKind.COUNT else _sum
                value, problem = convert(cells[column.index], self.convention)
                if problem is not None or value is None:
                    continue
                added = sum(r.measures[column.key] for r in members)
                if value != added:
                    self.warnings.add(row_number, column.header, _l(
                        "Row %(row)s is a total (%(label)s): its %(column)s is %(value)s but the rows it adds up give "
                        "%(sum)s. It was left out; check the rows.", row=row_number, label=label.strip(),
                        column=column.header, value=value, sum=added))
                    break
        self.warnings.add(self.total_rows[0][0], None, _l(
            "%(count)s total row(s) (合計, 小計, Total …; the first is row %(row)s) were left out; the portal adds the "
            "rows up itself.", count=len(self.total_rows), row=self.total_rows[0][0]))

    def _total_group(self, cells: list, dims: dict) -> dict | None:
        """Return the dimension values a total row adds up (those that are not a total label), or None if unreadable."""
        group = {}
        for key, column in dims.items():
            raw = cells[column.index] if column.index < len(cells) else None
            if raw is None or raw == "" or (isinstance(raw, str) and _normalise(raw) in _TOTAL_WORDS):
                continue
            convert = {"date": self._date, "interval": self._interval, "channel": self._channel}.get(key)
            value, problem = convert(raw) if convert else self._text(raw, max_length=MAX_QUEUE_LENGTH, lower=False)
            if problem is not None:
                return None
            group[key] = value
        return group

    def _fit(self, cells: list, width: int, empty: Any, row_number: int) -> list:
        if len(cells) < width:
            return [*cells, *([empty] * (width - len(cells)))]
        if self.extra_cells_row is None and any(v is not None and str(v).strip() for v in cells[width:]):
            self.extra_cells_row = row_number
        return cells[:width]

    def _slow(self, values: tuple, columns: list[_Column], convert, row_number: int) -> list:
        numbers = []
        converters = convert if isinstance(convert, list) else [convert] * len(columns)
        for raw, column, conversion in zip(values, columns, converters, strict=True):
            value, problem = conversion(raw)
            if problem is not None:
                self.errors.add(row_number, column.header, problem)
            numbers.append(value)
        return numbers

    def _more_than(self, row: int, small: int, large: int, a, b) -> None:
        left, right = self.measure_columns[small], self.measure_columns[large]
        self.errors.add(row, left.header, _l("%(left)s (%(a)s) is more than %(right)s (%(b)s).",
                                             left=left.header, a=a, right=right.header, b=b))

    def _bucket_error(self, row: int, small: int, large: int, a, b) -> None:
        left, right = self.measure_columns[small], self.measure_columns[large]
        self.errors.add(row, right.header, _l(
            "%(right)s (%(b)s) is less than %(left)s (%(a)s); the wait_le_ columns are cumulative, so each must "
            "be at least the one before.", left=left.header, a=a, right=right.header, b=b))

    def _sum_error(self, row: int, answered, abandoned, offered) -> None:
        columns = {c.key: c.header for c in self.measure_columns}
        self.errors.add(row, columns["answered"], _l(
            "%(answered)s + %(abandoned)s (%(total)s) is more than %(offered)s (%(b)s).",
            answered=columns["answered"], abandoned=columns["abandoned"], total=answered + abandoned,
            offered=columns["offered"], b=offered))

    def _scale_error(self, row: int, total_i: int, count_i: int, total, count, low: int, high: int) -> None:
        total_column, count_column = self.measure_columns[total_i], self.measure_columns[count_i]
        self.errors.add(row, total_column.header, _l(
            "%(total)s (%(value)s) must be between %(low)s and %(high)s: %(count)s (%(n)s) times %(min)s to "
            "%(max)s, the lowest and highest score.", total=total_column.header, value=total, low=low * count,
            high=high * count, count=count_column.header, n=count, min=low, max=high))

    def _extras(self, cells: list, row_number: int) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        found: list[dict[str, Decimal]] = [{}, {}]
        for group, columns in enumerate((self.header.reported, self.header.custom)):
            for column in columns:
                value, problem = _signed(cells[column.index])
                if problem is not None:
                    self.errors.add(row_number, column.header, problem)
                    continue
                if value is None:
                    continue
                first = self.first_value.setdefault(column.header, (row_number, value))
                if first[1] != value:
                    self.errors.add(row_number, column.header, _l(
                        "%(column)s is %(value)s here but %(first_value)s in row %(first)s; give the month's value "
                        "once, or the same on every row.", column=column.header, value=value,
                        first_value=first[1], first=first[0]))
                found[group][column.key] = value
        return found[0], found[1]

    @staticmethod
    def _describe(key: tuple) -> str:
        date, interval, channel, queue = key
        parts = [date.isoformat() if date else "", interval.strftime("%H:%M") if interval else "",
                 channel or "", queue or ""]
        return " ".join(part for part in parts if part)

    def _check_day_totals(self, day_rows: dict, key: tuple, is_total: bool, row_number: int) -> None:
        total_row, interval_row = day_rows.get(key, (None, None))
        if is_total:
            total_row = total_row or row_number
        else:
            interval_row = interval_row or row_number
        day_rows[key] = (total_row, interval_row)
        if total_row is not None and interval_row is not None and row_number in (total_row, interval_row):
            self.errors.add(row_number, self.header.dimensions["interval"].header, _l(
                "Row %(total)s has no interval (a total for %(day)s) while row %(other)s gives an interval of the "
                "same day, channel and queue; send intervals or day totals, not both.",
                total=total_row, other=interval_row, day=self._describe((key[0], None, key[1], key[2]))))


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            yield row_number, cells
    except csv.Error as exc:
        raise _reject(_l("Row %(row)s cannot be read as CSV (%(detail)s); check its quotes.",
                         row=row_number + 1, detail=str(exc)), row=row_number + 1) from exc


def _xlsx_rows(book: xlsx.Workbook) -> Iterator[tuple[int, list]]:
    try:
        yield from book.rows()
    except xlsx.XlsxRejected as exc:
        raise _reject(exc.message) from exc


def _number_convention(rows: Iterator[tuple[int, list]], header: _Header, given: str | None,
                       errors: _Issues, *, comma_is_thousands: bool) -> tuple[Iterator[tuple[int, list]], str | None]:
    """Read the rows once to decide how the file writes numbers; report values the decision leaves open."""
    columns = [(c.index, c.header, MEASURES_BY_KEY[c.key].kind is MeasureKind.COUNT) for c in header.measures]
    if not columns:
        return rows, given
    kept = list(rows)

    def cells():
        for row_number, row in kept:
            for index, name, whole in columns:
                value = row[index] if index < len(row) else None
                if isinstance(value, str) and ("." in value or "," in value or not value.isascii()):
                    yield value, row_number, name, whole

    decision = number_formats.decide(cells(), given, comma_is_thousands=comma_is_thousands)
    if decision.conflict is not None:
        (point, row_a, column_a), (comma, row_b, column_b) = decision.conflict
        errors.add(row_b, column_b, _l(
            "%(comma)s is written as 1.234,5 but row %(row)s (%(column)s) writes %(point)s as 1,234.5; use one way "
            "of writing numbers in the whole file.", comma=comma, point=point, row=row_a, column=column_a))
    for value, row_number, column in decision.ambiguous:
        as_point, as_comma = number_formats.readings(value)
        errors.add(row_number, column, _l(
            "%(value)s can be read as %(point)s or as %(comma)s, and nothing else in the file shows whether it "
            "writes numbers as 1,234.5 or 1.234,5. Choose the number format when you upload the file.",
            value=value, point=as_point, comma=as_comma))
    return iter(kept), decision.convention


HEADER_SCAN = 20  # rows looked at for the header: title rows, a units row, blank rows may stand above it
_NOTE_STARTS = ("※", "注", "備考", "出典", "note", "notes", "source", "*", "#")


def _looks_like_header(cells: list) -> bool:
    keys = [resolve_header(c) for c in cells if isinstance(c, str) and c.strip()]
    return "date" in keys and sum(k is not None for k in keys) >= 2


def _find_header(rows: Iterator[tuple[int, list]]) -> tuple[tuple[int, list] | None, Iterator, list[int]]:
    """Find the header row as a person does: below title rows, blank rows or Excel's sep= line, in the first rows.

    Returns (the header row or the first row when none looks like one, the rows after it, the rows skipped above).
    """
    head = list(itertools.islice(rows, HEADER_SCAN))
    for index, (number, cells) in enumerate(head):
        if _looks_like_header(cells):
            skipped = [n for n, c in head[:index] if any(v is not None and str(v).strip() for v in c)]
            return (number, cells), itertools.chain(head[index + 1:], rows), skipped
    return (head[0] if head else None), itertools.chain(head[1:], rows), []


_FULL_CALC = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")
_CACHED_FORMULA = re.compile(rb"</f>\s*<v>|<f\b[^>]*/>\s*<v>")  # a formula followed by its saved result


def _check_workbook(data: bytes, book: xlsx.Workbook) -> None:
    """Refuse a workbook the first sheet alone would misread: saved formula results a program left for Excel to
    calculate (fullCalcOnLoad: xlsxwriter stores 0), or tables on more than one sheet (only one is read).

    Runs after the workbook's own safety checks, with its decompression budget.
    """
    workbook = b"".join(book._budget.stream(book._zip, book._members[book._workbook_part()]))
    if _FULL_CALC.search(workbook):
        sheet = b"".join(book._budget.stream(book._zip, book._members[book._sheet_part]))
        if _CACHED_FORMULA.search(sheet):  # (a formula without a saved result is named at its cell)
            raise _reject(_l("The workbook's formulas were never calculated: the program that wrote it left that to "
                             "Excel (its saved results, often 0, cannot be trusted). Open the file in Excel, let it "
                             "calculate and save it, or paste the values."))
    if workbook.count(b"<sheet ") + workbook.count(b":sheet ") < 2:
        return
    if not book.fits_in_memory():
        raise _reject(_l("A sheet of the workbook reaches far beyond its data (a cell near XFD1048576); delete the "
                         "unused rows and columns, or copy the data into a new workbook."))
    from python_calamine import CalamineWorkbook  # local import: only workbooks with several sheets need it

    with_tables = []
    try:
        found = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, meta in enumerate(found.sheets_metadata):
            if "WorkSheet" not in str(meta.typ):
                continue
            rows = found.get_sheet_by_index(index).iter_rows()
            head = [list(row) for row in itertools.islice(rows, HEADER_SCAN)]
            if any(_looks_like_header([c for c in row if isinstance(c, str)]) for row in head):
                with_tables.append((index, meta.name, "Hidden" not in str(meta.visible)))
    except Exception:  # noqa: BLE001 - calamine cannot read what our reader accepted: let our reader decide alone
        return
    if len(with_tables) > 1:
        raise _reject(_l("The workbook has a table on more than one sheet (%(sheets)s); the portal reads one sheet. "
                         "Put the month on one sheet (with a channel column) or upload one file per sheet.",
                         sheets=", ".join(name for _i, name, _v in with_tables)))
    if with_tables and with_tables[0][0] != 0:
        raise _reject(_l("The table is on the sheet %(sheet)s, not on the first sheet (%(first)s), which the portal "
                         "reads. Move %(sheet)s to the front, or delete the other sheets.", sheet=with_tables[0][1],
                         first=found.sheet_names[0]))


def _merged_ranges(data: bytes, book: xlsx.Workbook) -> list[tuple[int, int, int, int]]:
    """Return the first sheet's vertically merged cells as (top row, bottom row, first column, last column)."""
    sheet = b"".join(book._budget.stream(book._zip, book._members[book._sheet_part]))
    if b"mergeCell" not in sheet or not book.fits_in_memory():
        return []  # (a sheet reaching too far is refused by the reader itself, with its own message)
    from python_calamine import CalamineWorkbook  # local import: only sheets with merged cells need it

    try:
        ranges = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).merged_cell_ranges
    except Exception:  # noqa: BLE001 - calamine cannot read what our reader accepted: no merged cells then
        return []
    return [(top + 1, bottom + 1, left, right) for (top, left), (bottom, right) in ranges if bottom > top]


def _fill_merged(rows: Iterator[tuple[int, list]], ranges: list[tuple[int, int, int, int]],
                 columns: set[int]) -> Iterator[tuple[int, list]]:
    """Give the rows under a merged date, interval, channel or queue cell the value written once at its top, as
    the sheet shows them. A merged measure cell is left empty: a count written once for several rows is no count
    of each, so the row's missing value is reported instead of guessed."""
    starts: dict[int, list[tuple[int, int, int]]] = {}
    for top, bottom, left, right in ranges:
        starts.setdefault(top, []).append((bottom, left, right))
    active: dict[int, tuple[int, Any]] = {}
    for number, cells in rows:
        for c, (bottom, value) in list(active.items()):
            if number > bottom:
                del active[c]
            elif c < len(cells) and (cells[c] is None or cells[c] == ""):
                cells[c] = value
        for bottom, left, right in starts.get(number, ()):
            for c in range(left, right + 1):
                if c in columns and c < len(cells):
                    active[c] = (bottom, cells[c])
        yield number, cells


def _require_channel(header: _Header, channels: Collection[str] | None, required: bool, errors: _Issues) -> None:
    if not required or "channel" in header.dimensions or (channels is not None and len(channels) == 1):
        return
    errors.add(None, "channel", _l(
        "The column %(column)s (%(alias)s) is missing; the contract's targets are per channel (%(channels)s), so "
        "every row needs its channel.", column="channel", alias=DIMENSION_ALIASES_JA["channel"][0],
        channels=_channel_list(channels or CHANNELS)))


def _platform_export(rows: Iterator[tuple[int, list]], *, tz: str, sl_threshold_s: int, short_abandon_s: int,
                     required_measures: Collection[str]):
    """Recognise a contact-centre platform's standard export from its header and turn it into the portal's table.

    Returns (rows, table): the canonical rows and the ProfiledTable, or the file's own rows and None.
    """
    head = list(itertools.islice(rows, profiles.MAX_HEADER_SCAN))
    found = profiles.recognise_in(head)
    if found is None or found[2].is_template:
        return itertools.chain(head, rows), None
    number, header_cells, profile = found
    after = itertools.chain((row for row in head if row[0] > number), rows)
    table = profiles.apply(profile, header_cells, after, tz=tz, sl_threshold_s=sl_threshold_s,
                           short_abandon_s=short_abandon_s, required_measures=required_measures)
    return iter(table.rows), table


def _vendor_columns(items: list[CellIssue], table) -> list[CellIssue]:
    """Name each issue's column the way the vendor's export names it; a measure the export cannot give says why
    and which export of the platform to use instead."""
    missing = {m.measure: m.message for m in table.missing}
    return [CellIssue(i.row, i.column, missing[i.column]) if i.row is None and i.column in missing
            else CellIssue(i.row, table.source_column(i.column), i.message) for i in items]


def parse_upload(data: bytes, filename: str, *, year: int, month: int, required_measures: Collection[str] = (),
                 custom_keys: Collection[str] = (), max_rows: int = 500_000, max_errors: int = 200,
                 channels: Collection[str] | None = None, today: dt.date | None = None,
                 number_format: str | None = None, tz: str = "UTC", sl_threshold_s: int = 20,
                 short_abandon_s: int = 5, channel_required: bool = False) -> ParseResult:
    """Parse and check an uploaded CSV or XLSX file of one month's data; rows come back only when all is well.

    Every rule of SPEC §4 is checked and each failure reported with its row (as Excel numbers it, header = 1),
    column (as the vendor wrote it) and a translatable message; the first max_errors are kept. Where the
    rules leave room, this is what they mean here:

    - An empty cell in a measure column that exists is an error ("value missing"): a measure the file does
      not report is left out by leaving out its column. Empty interval, channel and queue cells mean none:
      a day or month total, all channels, no queue.
    - Counts are written in digits. "1,234" (a thousands separator, as Excel quotes it), surrounding spaces
      and full-width digits are accepted; "1.5", "-3", "abc" and "1e3" are not. In XLSX a numeric cell is a
      number whatever its display, so 12 and 12.0 are both the count 12, and numbers are read to Excel's 15
      significant digits. Sums take plain decimals ("12.5", "1,234.5"); neither takes an exponent or a
      decimal comma.
    - Dates are YYYY-MM-DD; YYYY/M/D as Japanese Excel writes dates into CSV is accepted too. In XLSX a date
      cell, a date-time cell (its date) or a serial number is a date.
    - Intervals are H:MM or HH:MM (an optional :00 second part is accepted) on a 15-minute boundary. A file
      must not mix a day's total with interval rows of the same day, channel and queue (that double counts).
    - Channel and queue are plain text: a value with < or >, or with control or invisible formatting
      characters, is refused (never interpreted, never silently cleaned); a value starting with = + - @ is
      kept with a warning, since such a cell turns into a formula when an export is opened in Excel.
      Channels are lower-cased after NFKC and at most 20 characters; queues keep their spelling, at most 100.
    - Channels are read by the names people use (電話, 音声, TEL, Voice, Inbound are phone; メール, E-mail are
      email; チャット, Web chat are chat …) and must be channels of the contract (`channels`); any other value
      is an error naming the allowed ones.
    - Numbers follow one convention per file, 1,234.5 or 1.234,5, decided from the values that tell them apart
      (or given as number_format, the vendor's choice or its import profile). A sum written 8.052 in a file
      that never says which is an error showing both readings; a file that writes both is an error too.
    - A date after `today` (the portal's time zone) is an error.
    - When the month's targets are per channel (channel_required), every row needs its channel: a contract with
      one channel fills it in; otherwise a missing channel column or an empty channel cell is an error (an empty
      channel would otherwise count the row for no channel and leave the channel's targets without data).
    - Fully blank rows are skipped anywhere (they still count in the row numbers the vendor sees).
    - reported_<metric> and custom_<key> cells may be empty; where several rows carry one, the values must
      agree. They take negative numbers and a trailing %; a percent-formatted XLSX cell gives its shown value.
    - A missing custom_<key> column of the contract is a warning, not an error: its metric has no value.
    - Unknown columns are warnings (with a "did you mean" hint); two columns that mean the same are an error.

    :raises UploadRejected: the file as a whole is refused (see sniff_format; encodings, bombs, too many rows).
    :raises ValueError: required_measures names something that is not a measure.
    """
    unknown = [key for key in required_measures if key not in MEASURES_BY_KEY]
    if unknown:
        raise ValueError(f"not measures: {unknown}")
    file_format = sniff_format(data, filename)
    encoding = delimiter = None
    serial_to_date = None
    book = None
    if file_format == "xlsx":
        try:
            book = xlsx.Workbook(data)
            _check_workbook(data, book)
        except xlsx.XlsxRejected as exc:
            raise _reject(exc.message) from exc
        rows: Iterator[tuple[int, list]] = _xlsx_rows(book)
        serial_to_date = book.serial_value
    else:
        text, encoding = _decode(data)
        if "\x00" in text:
            raise _reject(_l("The file contains NUL characters; it is not a text CSV file."))
        delimiter = _sniff_delimiter(text)
        rows = _csv_rows(text, delimiter)
    errors = _Issues(max_errors, raise_at_limit=True)
    warnings = _Issues(max_errors, raise_at_limit=False)
    validator = None
    rows, table = _platform_export(rows, tz=tz, sl_threshold_s=sl_threshold_s, short_abandon_s=short_abandon_s,
                                   required_measures=required_measures)
    if table is not None:
        if table.errors:
            return ParseResult([], table.errors[:max_errors], table.warnings, file_format, encoding, delimiter,
                               table.profile)
        rows = itertools.chain([(1, list(table.header))], rows)
        warnings.items.extend(table.warnings)
    try:
        first, rows, skipped = _find_header(rows) if table is None else (next(rows, None), rows, [])
        if first is None:
            raise _reject(_l("The file is empty."))
        row_number, cells = first
        if row_number != 1 and not skipped and not _looks_like_header(cells):
            cells, row_number = [], 1
        if delimiter == "," and len(cells) == 1 and ";" in cells[0]:
            raise _reject(_l("The columns are separated by semicolons; use commas or tabs."), row=1)
        header = _Header(cells, required=set(required_measures), custom_keys=custom_keys, errors=errors,
                         warnings=warnings, row=row_number)
        if skipped:
            warnings.add(skipped[0], None, _l(
                "The table's header is row %(row)s; the rows above it (%(rows)s) were read as titles and left out.",
                row=row_number, rows=", ".join(map(str, skipped[:5])) + (" …" if len(skipped) > 5 else "")))
        elif header.width and not header.measures and not header.dimensions:
            errors.add(None, None, _l(
                "No header row was found in the first %(n)s rows: a header names the date (日付) and the measures "
                "(offered / 着信数 …); row %(row)s was read as the header.", n=HEADER_SCAN, row=row_number))
        if book is not None:
            book.max_column = header.width
        if book is not None and header.width and (merged := _merged_ranges(data, book)):
            rows = _fill_merged(rows, merged, {c.index for c in header.dimensions.values()})
        if header.width:
            rows, convention = _number_convention(rows, header, number_format, errors,
                                                  comma_is_thousands=delimiter == "," or encoding == "cp932")
            _require_channel(header, channels, channel_required, errors)
            validator = _Validator(header, year=year, month=month, typed=book is not None or table is not None,
                                   errors=errors, channel_required=channel_required,
                                   warnings=warnings, serial_to_date=serial_to_date, channels=channels, today=today,
                                   convention=convention)
            validator.run(rows, max_rows)
            if not errors.items:
                validator.check_totals()
            if validator.data_rows == 0:
                errors.add(None, None, _l("The file has only a header row and no data rows."))
    except _Cut:
        errors.items.append(CellIssue(None, None, _l(
            "Only the first %(max)s problems are listed; fix them and upload again to see any others.",
            max=max_errors)))
        counted = validator.data_rows if validator is not None else 0
        for _row_number, cells in rows:  # still refuse an oversized file as such
            if any(cells):
                counted += 1
                if counted > max_rows:
                    raise _reject(_l("The file has more than %(max)s data rows; split it or upload day totals.",
                                     max=f"{max_rows:,}")) from None
    if validator is not None:
        extra_row = validator.extra_cells_row or (book.dropped_row if book is not None else None)
        if extra_row is not None:
            warnings.add(extra_row, None, _l("Row %(row)s has values right of the last column header; they were "
                                             "ignored.", row=extra_row))
    if warnings.dropped:
        warnings.items.append(CellIssue(None, None, _l("Only the first %(max)s warnings are listed.",
                                                       max=max_errors)))
    parsed = validator.rows if validator is not None and not errors.items else []
    if table is None:
        return ParseResult(parsed, errors.items, warnings.items, file_format, encoding, delimiter)
    return ParseResult(parsed, _vendor_columns(errors.items, table), _vendor_columns(warnings.items, table),
                       file_format, encoding, delimiter, table.profile, {k: str(v) for k, v in table.derived.items()},
                       table.derived_from_averages)
