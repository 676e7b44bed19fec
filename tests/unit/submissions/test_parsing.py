"""Unit tests for upload parsing and validation: every rule with its row and column, encodings and formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from flask_babel.speaklater import LazyString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from vendorportal.metrics.domain import MEASURES
from vendorportal.submissions.parsing import (
    CellIssue,
    ParsedRow,
    ParseResult,
    UploadRejected,
    parse_upload,
    sniff_format,
)

CALLS = "date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short"
REQUIRED = ("offered", "answered", "answered_within_sl", "abandoned", "abandoned_short")


def parse(text: str, filename: str = "april.csv", **options) -> ParseResult:
    options.setdefault("year", 2026)
    options.setdefault("month", 4)
    return parse_upload(text.encode("utf-8"), filename, **options)


def issues(found: list[CellIssue]) -> list[tuple[int | None, str | None, str]]:
    return [(issue.row, issue.column, str(issue.message)) for issue in found]


def only_error(result: ParseResult) -> tuple[int | None, str | None, str]:
    assert result.rows == [] and not result.ok
    assert len(result.errors) == 1, issues(result.errors)
    return issues(result.errors)[0]


def rejection(data: bytes, filename: str = "april.csv", **options) -> CellIssue:
    options.setdefault("year", 2026)
    options.setdefault("month", 4)
    with pytest.raises(UploadRejected) as caught:
        parse_upload(data, filename, **options)
    return caught.value.issue


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- a valid file --------------------------------------------------------------------------------------


def test_valid_interval_file_gives_typed_rows() -> None:
    result = parse(f"{CALLS},wait_time_total_s\n2026-04-01,09:00,Phone,Main,100,90,80,10,2,1234.5\n"
                   "2026-04-01,09:15,phone,Main,0,0,0,0,0,0\n\n", required_measures=REQUIRED)
    assert result.ok and result.errors == [] and result.warnings == []
    assert (result.file_format, result.encoding, result.delimiter) == ("csv", "utf-8", ",")
    first = result.rows[0]
    assert first == ParsedRow(
        row=2, date=dt.date(2026, 4, 1), interval=dt.time(9, 0), channel="phone", queue="Main",
        measures={"offered": 100, "answered": 90, "answered_within_sl": 80, "abandoned": 10, "abandoned_short": 2,
                  "wait_time_total_s": Decimal("1234.5")}, reported={}, custom={})
    assert type(first.measures["offered"]) is int and type(first.measures["wait_time_total_s"]) is Decimal
    assert result.rows[1].row == 3


def test_monthly_row_without_interval_channel_or_queue() -> None:
    result = parse("date,offered,answered\n2026-04-30,5000,4800\n")
    assert result.ok
    assert result.rows == [ParsedRow(2, dt.date(2026, 4, 30), None, None, None,
                                     {"offered": 5000, "answered": 4800}, {}, {})]


def test_headers_match_case_spaces_full_width_and_japanese_aliases() -> None:
    result = parse(" DATE ,Interval,ＣＨＡＮＮＥＬ,キュー,着信数, Answered \n2026-04-01,09:00,chat,q1,5,4\n")
    assert result.ok
    assert result.rows[0].measures == {"offered": 5, "answered": 4}
    assert (result.rows[0].channel, result.rows[0].queue) == ("chat", "q1")


def test_messages_stay_lazy_for_the_web_layer() -> None:
    result = parse("date,offered\n2026-05-01,-1\n")
    assert all(isinstance(issue.message, LazyString) for issue in result.errors)


# --- header checks -------------------------------------------------------------------------------------


def test_missing_required_columns_are_file_level_errors_naming_each_column() -> None:
    result = parse("date,offered\n2026-04-01,5\n", required_measures=REQUIRED)
    assert [(row, column) for row, column, _message in issues(result.errors)] == [
        (None, "answered"), (None, "answered_within_sl"), (None, "abandoned"), (None, "abandoned_short")]
    assert "応答数" in issues(result.errors)[0][2]


def test_missing_date_column_is_an_error() -> None:
    row, column, message = only_error(parse("day,offered\n2026-04-01,5\n"))
    assert (row, column) == (None, "date") and "date" in message


def test_unknown_columns_are_warnings_with_a_suggestion() -> None:
    result = parse("date,offered,answerd,remarks\n2026-04-01,5,4,x\n")
    assert result.ok
    assert issues(result.warnings) == [
        (1, "answerd", "Unknown column answerd was ignored. Did you mean answered?"),
        (1, "remarks", "Unknown column remarks was ignored."),
    ]


def test_warnings_are_cut_at_max_errors() -> None:
    header = ",".join(f"extra{n}" for n in range(50))
    result = parse(f"date,offered,{header}\n2026-04-01,1\n", max_errors=10)
    assert result.ok and len(result.warnings) == 11
    assert issues(result.warnings)[-1] == (None, None, "Only the first 10 warnings are listed.")


def test_two_columns_with_the_same_meaning_are_an_error() -> None:
    assert only_error(parse("date,offered,着信数\n2026-04-01,5,5\n")) == (
        1, "着信数", "The columns offered and 着信数 both mean offered; keep one of them.")


def test_column_without_header_is_ignored_with_a_warning() -> None:
    result = parse("date,,offered\n2026-04-01,x,5\n")
    assert result.ok and issues(result.warnings) == [(1, "B", "Column B has no header; its values are ignored.")]


def test_empty_header_row_is_an_error() -> None:
    result = parse(",,\n2026-04-01,5,\n")
    assert issues(result.errors)[0] == (1, None, "Row 1 must hold the column headers (date, offered, …); it is empty.")


def test_header_only_file_is_an_error() -> None:
    assert only_error(parse(f"{CALLS}\n\n")) == (None, None, "The file has only a header row and no data rows.")


# --- cell values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), [
    ("1.5", "1.5 is not a whole number; counts have no decimals."),
    ("-3", "-3 is negative; only numbers of 0 or more are allowed."),
    ("abc", "abc is not a number."),
    ("1e3", "1e3 is written with an exponent; write the number in full digits."),
    ("", "A value is missing; enter 0 if there was none."),
    ("   ", "A value is missing; enter 0 if there was none."),
    ("1,23", "1,23 is not a number."),
    ("10000000000000", "10000000000000 is too large for a count."),
    ("1" * 5000, "is too large for a count."),
])
def test_bad_counts_are_errors_at_their_cell(value: str, message: str) -> None:
    row, column, text = only_error(parse(f'date,offered,answered\n2026-04-01,5,5\n2026-04-02,5,"{value}"\n'))
    assert (row, column) == (3, "answered")
    assert text.endswith(message)


@pytest.mark.parametrize(("value", "expected"), [
    ("1,234", 1234), ("12,345,678", 12345678), (" 7 ", 7), ("１２", 12), ("007", 7), ("0", 0),
])
def test_counts_accept_thousands_separators_spaces_and_full_width_digits(value: str, expected: int) -> None:
    result = parse(f'date,offered\n2026-04-01,"{value}"\n')
    assert result.ok and result.rows[0].measures == {"offered": expected}


@pytest.mark.parametrize(("value", "expected"), [
    ("12.5", Decimal("12.5")), ("1,234.75", Decimal("1234.75")), ("0", Decimal(0)), (".5", Decimal("0.5")),
])
def test_sums_accept_decimals(value: str, expected: Decimal) -> None:
    result = parse(f'date,handle_time_total_s\n2026-04-01,"{value}"\n')
    assert result.ok and result.rows[0].measures == {"handle_time_total_s": expected}


@pytest.mark.parametrize(("value", "message"), [
    ("-0.5", "-0.5 is negative; only numbers of 0 or more are allowed."),
    ("1e3", "1e3 is written with an exponent; write the number in full digits."),
    ("12,5x", "12,5x is not a number."),
    ("NaN", "NaN is not a number."),
    ("", "A value is missing; enter 0 if there was none."),
])
def test_bad_sums_are_errors(value: str, message: str) -> None:
    assert only_error(parse(f'date,wait_time_total_s\n2026-04-01,"{value}"\n')) == (2, "wait_time_total_s", message)


@pytest.mark.parametrize("value", ["2026-04-01", "2026/04/01", "2026/4/1", "2026-4-1", " 2026-04-01 ",
                                   "2026/4/1 0:00", "2026-04-01 00:00:00", "２０２６-０４-０１"])
def test_dates_accept_iso_and_what_excel_writes_to_csv(value: str) -> None:
    result = parse(f"date,offered\n{value},1\n")
    assert result.ok and result.rows[0].date == dt.date(2026, 4, 1)


@pytest.mark.parametrize(("value", "message"), [
    ("2026-05-01", "The date 2026-05-01 is not in 2026-04, the month of this upload."),
    ("2025-04-30", "The date 2025-04-30 is not in 2026-04, the month of this upload."),
    ("2026-04-31", "2026-04-31 is not a date of the calendar."),
    ("01/04/2026", "01/04/2026 is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01."),
    ("2026-04-01 09:00", "2026-04-01 09:00 is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01."),
    ("", "The date is missing."),
])
def test_bad_dates_are_errors(value: str, message: str) -> None:
    assert only_error(parse(f"date,offered\n{value},1\n")) == (2, "date", message)


@pytest.mark.parametrize(("value", "expected"), [
    ("09:00", dt.time(9)), ("9:15", dt.time(9, 15)), ("23:45", dt.time(23, 45)), ("00:30:00", dt.time(0, 30)),
    ("", None),
])
def test_intervals_accept_quarter_hour_starts(value: str, expected: dt.time | None) -> None:
    result = parse(f"date,interval,offered\n2026-04-01,{value},1\n")
    assert result.ok and result.rows[0].interval == expected


@pytest.mark.parametrize(("value", "message"), [
    ("09:10", "09:10 does not start a 15-, 30- or 60-minute interval; use :00, :15, :30 or :45."),
    ("09:00:30", "09:00:30 does not start a 15-, 30- or 60-minute interval; use :00, :15, :30 or :45."),
    ("24:00", "24:00 is not a time; write the interval's start as HH:MM, e.g. 09:30."),
    ("9h", "9h is not a time; write the interval's start as HH:MM, e.g. 09:30."),
    ("09:00 or so", "09:00 or so is not a time; write the interval's start as HH:MM, e.g. 09:30."),
])
def test_bad_intervals_are_errors(value: str, message: str) -> None:
    assert only_error(parse(f"date,interval,offered\n2026-04-01,{value},1\n")) == (2, "interval", message)


def test_channel_is_lower_cased_and_queue_kept_as_written() -> None:
    result = parse("date,channel,queue,offered\n2026-04-01, ＰＨＯＮＥ ,Tokyo ①髙﨑 & Co,1\n")
    assert result.ok and (result.rows[0].channel, result.rows[0].queue) == ("phone", "Tokyo ①髙﨑 & Co")


@pytest.mark.parametrize(("column", "value", "message"), [
    ("queue", "<b>vip</b>", "The text <b>vip</b> contains < or >; HTML is not accepted here. Use plain text."),
    ("queue", "a\u202eb", "The text a\\u202eb contains control or invisible characters (such as a line break); "
                          "use plain text."),
    ("channel", "line\nbreak", "The text line\\u000abreak contains control or invisible characters (such as a "
                               "line break); use plain text."),
    ("queue", "①髙﨑\x07", "The text ①髙﨑\\u0007 contains control or invisible characters (such as a line break); "
                          "use plain text."),
    ("channel", "x" * 21, "is longer than 20 characters."),
    ("channel", "＜b＞", "The text <b> contains < or >; HTML is not accepted here. Use plain text."),
    ("queue", "q" * 101, "is longer than 100 characters."),
])
def test_text_with_html_or_control_characters_is_refused(column: str, value: str, message: str) -> None:
    out = io.StringIO()
    fine = "phone" if column == "channel" else "ok"
    csv.writer(out).writerows([["date", column, "offered"], ["2026-04-01", fine, 1], ["2026-04-02", value, 1]])
    row, found_column, text = only_error(parse(out.getvalue()))
    assert (row, found_column) == (3, column)
    assert text.endswith(message)


def test_text_that_looks_like_a_formula_is_kept_with_one_warning() -> None:
    result = parse("date,interval,queue,offered\n2026-04-01,09:00,=HYPERLINK(1),1\n2026-04-01,09:15,=HYPERLINK(1),1\n")
    assert result.ok and result.rows[0].queue == "=HYPERLINK(1)"
    assert issues(result.warnings) == [(2, "queue", "=HYPERLINK(1) starts with =; it is kept as plain text, but "
                                                    "spreadsheets may read it as a formula.")]


# --- consistency rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "values", "column", "message"), [
    ("offered,answered", "10,11", "answered", "answered (11) is more than offered (10)."),
    ("answered,answered_within_sl", "10,11", "answered_within_sl", "answered_within_sl (11) is more than answered (10)."),
    ("abandoned,abandoned_short", "3,4", "abandoned_short", "abandoned_short (4) is more than abandoned (3)."),
    ("abandoned,abandoned_within_sl", "3,4", "abandoned_within_sl",
     "abandoned_within_sl (4) is more than abandoned (3)."),
    ("offered,answered,abandoned", "10,8,3", "answered", "answered + abandoned (11) is more than offered (10)."),
    ("csat_responses,csat_satisfied", "5,6", "csat_satisfied", "csat_satisfied (6) is more than csat_responses (5)."),
    ("received,responded_within_target", "5,6", "responded_within_target",
     "responded_within_target (6) is more than received (5)."),
    ("resolved,resolved_first_contact", "5,6", "resolved_first_contact",
     "resolved_first_contact (6) is more than resolved (5)."),
    ("answered,resolved", "5,6", "resolved", "resolved (6) is more than answered (5)."),
    ("answered,resolved_first_contact", "5,6", "resolved_first_contact",
     "resolved_first_contact (6) is more than answered (5)."),
    ("offered,abandoned_short", "5,6", "abandoned_short", "abandoned_short (6) is more than offered (5)."),
    ("offered,answered_within_sl", "5,6", "answered_within_sl", "answered_within_sl (6) is more than offered (5)."),
    ("answered,wait_le_10,wait_le_20", "10,6,5", "wait_le_20",
     "wait_le_20 (5) is less than wait_le_10 (6); the wait_le_ columns are cumulative, so each must be at least "
     "the one before."),
    ("answered,wait_le_20,wait_le_300", "10,6,11", "wait_le_300", "wait_le_300 (11) is more than answered (10)."),
    ("ces_responses,ces_score_total", "10,9", "ces_score_total",
     "ces_score_total (9) must be between 10 and 50: ces_responses (10) times 1 to 5, the lowest and highest score."),
    ("ces_responses,ces_score_total", "10,50.5", "ces_score_total",
     "ces_score_total (50.5) must be between 10 and 50: ces_responses (10) times 1 to 5, the lowest and highest "
     "score."),
    ("qa_evaluations,qa_score_total", "2,200.5", "qa_score_total",
     "qa_score_total (200.5) must be between 0 and 200: qa_evaluations (2) times 0 to 100, the lowest and highest "
     "score."),
])
def test_impossible_counts_are_errors(header: str, values: str, column: str, message: str) -> None:
    result = parse(f"date,{header}\n2026-04-01,{values}\n")
    assert only_error(result) == (2, column, message)


def test_consistency_rules_pass_on_the_bounds() -> None:
    result = parse("date,offered,answered,abandoned,answered_within_sl,abandoned_short,abandoned_within_sl,"
                   "ces_responses,ces_score_total,qa_evaluations,qa_score_total,wait_le_10,wait_le_20\n"
                   "2026-04-01,10,8,2,8,2,2,4,20,2,200,8,8\n2026-04-02,0,0,0,0,0,0,3,3,1,0,0,0\n")
    assert result.ok, issues(result.errors)


def test_rules_are_skipped_when_a_value_is_already_wrong() -> None:
    assert only_error(parse("date,offered,answered\n2026-04-01,x,11\n")) == (2, "offered", "x is not a number.")


def test_duplicate_rows_name_both_rows() -> None:
    result = parse("date,interval,channel,queue,offered\n2026-04-01,09:00,phone,a,1\n2026-04-01,09:00,chat,a,1\n"
                   "2026-04-01,9:00,Phone,a,1\n")
    assert only_error(result) == (4, None, "Row 4 repeats 2026-04-01 09:00 phone a of row 2; each date, interval, "
                                           "channel and queue may appear once.")


def test_day_total_mixed_with_intervals_is_an_error() -> None:
    result = parse("date,interval,queue,offered\n2026-04-01,,a,10\n2026-04-01,09:00,a,1\n2026-04-01,09:15,a,1\n"
                   "2026-04-02,,a,10\n")
    assert only_error(result) == (3, "interval", "Row 2 has no interval (a total for 2026-04-01 a) while row 3 "
                                                 "gives an interval of the same day, channel and queue; send "
                                                 "intervals or day totals, not both.")


# --- reported and custom values ------------------------------------------------------------------------


def test_reported_and_custom_values_are_read() -> None:
    result = parse("date,offered,reported_service_level,Reported_NPS,custom_attrition,custom_other\n"
                   '2026-04-01,1,81.5%,-12,"1,234.5",7\n2026-04-02,1,,,,\n', custom_keys={"attrition"})
    assert result.ok
    assert result.rows[0].reported == {"service_level": Decimal("81.5"), "nps": Decimal(-12)}
    assert result.rows[0].custom == {"attrition": Decimal("1234.5")}
    assert result.rows[1].reported == {} and result.rows[1].custom == {}
    assert issues(result.warnings) == [
        (1, "custom_other", "custom_other is not a reported metric of this contract; the column was ignored.")]


def test_reported_value_given_twice_must_agree() -> None:
    result = parse("date,offered,reported_csat\n2026-04-01,1,90\n2026-04-02,1,90.0\n2026-04-03,1,91\n")
    assert only_error(result) == (4, "reported_csat", "reported_csat is 91 here but 90 in row 2; give the month's "
                                                      "value once, or the same on every row.")


def test_missing_custom_column_is_a_warning() -> None:
    result = parse("date,offered\n2026-04-01,1\n", custom_keys={"attrition"})
    assert result.ok and issues(result.warnings) == [(None, "custom_attrition", "The column custom_attrition is "
                                                      "missing, so the metric attrition has no value this month.")]


def test_unknown_reported_metric_is_a_warning() -> None:
    result = parse("date,offered,reported_speed\n2026-04-01,1,3\n")
    assert result.ok
    assert issues(result.warnings) == [(1, "reported_speed", "reported_speed names no metric of the catalog; the "
                                                             "column was ignored.")]


# --- rows, limits, all or nothing ----------------------------------------------------------------------


def test_blank_rows_are_skipped_but_counted_in_row_numbers() -> None:
    result = parse("date,offered\n\n2026-04-01,1\n,\n2026-04-02,x\n\n\n")
    assert only_error(result) == (5, "offered", "x is not a number.")


def test_short_rows_miss_values_and_long_rows_warn() -> None:
    result = parse("date,offered,answered\n2026-04-01,2\n")
    assert only_error(result) == (2, "answered", "A value is missing; enter 0 if there was none.")
    result = parse("date,offered\n2026-04-01,2,,\n2026-04-02,2,9\n")
    assert result.ok and issues(result.warnings) == [
        (3, None, "Row 3 has values right of the last column header; they were ignored.")]


def test_any_error_returns_no_rows() -> None:
    result = parse("date,offered\n2026-04-01,1\n2026-04-02,1\n2026-04-03,-1\n2026-04-04,1\n")
    assert result.rows == [] and not result.ok and len(result.errors) == 1


def test_error_list_is_cut_at_max_errors() -> None:
    body = "".join(f"2026-04-{day:02d},x,y\n" for day in range(1, 11))
    result = parse("date,offered,answered\n" + body, max_errors=5)
    assert len(result.errors) == 6
    assert issues(result.errors)[:2] == [(2, "offered", "x is not a number."), (2, "answered", "y is not a number.")]
    assert issues(result.errors)[-1] == (None, None, "Only the first 5 problems are listed; fix them and upload "
                                                     "again to see any others.")


def test_too_many_rows_is_refused_even_after_the_error_list_is_full() -> None:
    body = "".join(f"2026-04-{day:02d},x\n" for day in range(1, 31))
    assert rejection(("date,offered\n" + body).encode(), max_rows=20, max_errors=3).message == (
        "The file has more than 20 data rows; split it or upload day totals.")
    assert parse("date,offered\n" + body, max_rows=30).errors


def test_required_measures_must_be_measures() -> None:
    with pytest.raises(ValueError, match="not measures"):
        parse("date,offered\n2026-04-01,1\n", required_measures={"service_level"})


# --- encodings and formats -----------------------------------------------------------------------------

JA_HEADER = "日付\t時間帯\tチャネル\tキュー\t着信数\t応答数\t時間内応答数\t放棄数\t短時間放棄数\t総処理時間(秒)"
ROWS = [
    ["2026-04-01", "09:00", "phone", "①髙﨑", 120, 110, 100, 10, 3, 33600],
    ["2026-04-01", "09:15", "phone", "①髙﨑", 80, 78, 75, 2, 1, 21012.5],
    ["2026-04-02", "18:45", "chat", "本社", 1, 0, 0, 1, 1, 0],
]


def test_cp932_tab_bom_utf8_and_xlsx_give_identical_rows() -> None:
    cp932 = (JA_HEADER + "\r\n" + "".join("\t".join(map(str, row)) + "\r\n" for row in ROWS)).encode("cp932")
    english = ("date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short,"
               "handle_time_total_s\r\n" + "".join(",".join(map(str, row)) + "\r\n" for row in ROWS))
    bom = english.encode("utf-8-sig")
    book = xlsx_bytes([JA_HEADER.split("\t"), *[[dt.datetime.fromisoformat(row[0]),
                                                 dt.time.fromisoformat(row[1]), *row[2:]] for row in ROWS]])
    results = {name: parse_upload(data, name, year=2026, month=4, required_measures=REQUIRED)
               for name, data in (("excel.csv", cp932), ("utf8.csv", bom), ("book.xlsx", book))}
    assert [(r.file_format, r.encoding, r.delimiter) for r in results.values()] == [
        ("csv", "cp932", "\t"), ("csv", "utf-8-sig", ","), ("xlsx", None, None)]
    assert all(r.ok and r.warnings == [] for r in results.values())
    first, *others = [r.rows for r in results.values()]
    assert all(rows == first for rows in others)
    assert first[1].queue == "①髙﨑" and first[1].measures["handle_time_total_s"] == Decimal("21012.5")


def test_undecodable_bytes_are_refused_with_their_offset() -> None:
    data = b"date,queue,offered\n2026-04-01,caf" + b"\xe9,1\n"
    issue = rejection(data)
    assert (issue.row, issue.column) == (None, None)
    assert str(issue.message) == ("The file is neither UTF-8 nor Shift_JIS (CP932): the bytes at offset 33 (line 2) "
                                  "cannot be read. Save it from Excel as \"CSV UTF-8\".")


def test_stray_cp932_single_bytes_are_refused() -> None:
    assert "offset 12" in str(rejection(b"date,offered\xfd\n2026-04-01,1\n").message)


def test_tab_delimiter_is_sniffed_from_the_header() -> None:
    result = parse('date\toffered\tqueue\n2026-04-01\t"1,234"\ta,b\n')
    assert result.ok and result.delimiter == "\t" and result.rows[0].queue == "a,b"
    assert result.rows[0].measures == {"offered": 1234}


def test_unbalanced_quotes_are_refused_with_the_row() -> None:
    issue = rejection(b'date,offered\n2026-04-01,1\n2026-04-02,"1\n')
    assert (issue.row, str(issue.message)) == (3, "Row 3 cannot be read as CSV (unexpected end of data); check its "
                                                  "quotes.")


def test_xlsx_dates_serials_times_and_percentages() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "interval", "offered", "reported_service_level", "custom_attrition", "queue"])
    sheet.append([dt.datetime(2026, 4, 1, 0, 0), dt.time(9, 30), 12.0, 0.853, 0.5, 101])
    sheet.append([46114, 0.40625, 3, "85.3 %", None, None])
    sheet.append(["2026-04-03", "10:00", "7", None, None, "q"])
    sheet["D2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_upload(buffer.getvalue(), "april.xlsx", year=2026, month=4, custom_keys={"attrition"})
    assert result.ok, issues(result.errors)
    assert [(r.date, r.interval, r.measures["offered"], r.queue) for r in result.rows] == [
        (dt.date(2026, 4, 1), dt.time(9, 30), 12, "101"), (dt.date(2026, 4, 2), dt.time(9, 45), 3, None),
        (dt.date(2026, 4, 3), dt.time(10), 7, "q")]
    assert result.rows[0].reported == {"service_level": Decimal("85.300")}
    assert result.rows[0].custom == {"attrition": Decimal("0.5")}


def test_xlsx_cells_that_hold_no_usable_value() -> None:
    data = xlsx_bytes([["date", "interval", "channel", "offered", "answered", "abandoned"],
                       [dt.datetime(2026, 4, 1), True, "phone", "=1+1", "#N/A", dt.datetime(2026, 4, 1)],
                       [dt.time(9), None, 3.5, 1.5, True, 1]])
    result = parse_upload(data, "april.xlsx", year=2026, month=4)
    assert issues(result.errors) == [
        (2, "interval", "TRUE is not a time; write the interval's start as HH:MM, e.g. 09:30."),
        (2, "offered", "The cell holds the formula =1+1 but no saved result. Open the file in Excel, let it "
                       "calculate and save it, or paste the values."),
        (2, "answered", "The cell shows the Excel error #N/A."),
        (2, "abandoned", "2026-04-01 00:00:00 is a date or time, not a number."),
        (3, "date", "09:00:00 is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01."),
        (3, "channel", "3.5 is not a channel; use one of phone, email, chat, sms, social."),
        (3, "offered", "1.5 is not a whole number; counts have no decimals."),
        (3, "answered", "TRUE is not a number."),
    ]
    assert result.rows == []


def test_xlsx_header_must_be_in_row_one() -> None:
    book = Workbook()
    book.active["A3"] = "date"
    book.active["A4"] = "2026-04-01"
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_upload(buffer.getvalue(), "april.xlsx", year=2026, month=4)
    assert issues(result.errors)[0] == (1, None, "Row 1 must hold the column headers (date, offered, …); it is "
                                                 "empty.")


# --- sniffing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (b"date,offered\n", "a.csv", "csv"), (b"date\toffered\n", "a.TSV", "csv"), (b"date\n", "a.txt", "csv"),
    (b"date\n", "", "csv"), (b"date\n", "C:\\fakepath\\\u6708\u6b21.csv", "csv"), (b"PK\x03\x04rest", "a.xlsx", "xlsx"),
    (b"PK\x03\x04rest", "a.csv", "xlsx"),
])
def test_sniff_format_reads_the_content(data: bytes, filename: str, expected: str) -> None:
    assert sniff_format(data, filename) == expected


@pytest.mark.parametrize(("data", "filename", "fragment"), [
    (b"", "a.csv", "The file is empty."),
    (b"\xef\xbb\xbf \r\n", "a.csv", "The file is empty."),
    (b"PK\x03\x04rest", "a.xlsm", "Macro-enabled"),
    (b"PK\x03\x04rest", "a.docx", "neither"),
    (b"PK\x05\x06" + b"\x00" * 18, "a.xlsx", "ZIP archive but not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xlsx", "Excel 97-2003"),
    (b"MZ\x90\x00", "a.csv", "a Windows program"),
    (b"\x7fELF\x02", "a.csv", "a program"),
    (b"\x89PNG\r\n", "a.csv", "an image"),
    (b"\x1f\x8b\x08\x00", "a.csv", "a compressed archive"),
    (b"date,\x00offered\n", "a.csv", "binary data"),
    (b"\xff\xfed\x00a\x00", "a.csv", "UTF-16"),
    (b"date,offered\n", "a.xlsx", "is not an Excel workbook (was it renamed?)"),
    (b"date,offered\n", "a.xls", "neither"),
    (b"<?xml version='1.0'?><Workbook/>", "a.xml", "XML file"),
    (b"  <!DOCTYPE html><html>", "a.xls", "web page"),
])
def test_sniff_format_refuses_what_is_not_csv_or_xlsx(data: bytes, filename: str, fragment: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        sniff_format(data, filename)
    assert fragment in str(caught.value.issue.message)
    assert caught.value.issue.row is None


# --- round trip ----------------------------------------------------------------------------------------

COUNT_KEYS = [m.key for m in MEASURES if m.kind == "count"]


@st.composite
def months(draw) -> list[dict]:
    """Draw interval rows that satisfy every rule: consistent counts, unique keys, dates in April 2026."""
    keys = draw(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 95), st.sampled_from(["phone", "chat"]),
                                   st.sampled_from(["main", "①髙﨑", "vip team"])), min_size=1, max_size=8,
                         unique=True))
    rows = []
    for day, slot, channel, queue in keys:
        offered = draw(st.integers(0, 10**6))
        answered = draw(st.integers(0, offered))
        abandoned = draw(st.integers(0, offered - answered))
        rows.append({
            "date": dt.date(2026, 4, day), "interval": dt.time(slot // 4, slot % 4 * 15), "channel": channel,
            "queue": queue, "offered": offered, "answered": answered,
            "answered_within_sl": draw(st.integers(0, answered)), "abandoned": abandoned,
            "abandoned_short": draw(st.integers(0, abandoned)),
            "handle_time_total_s": draw(st.decimals(0, 10**7, places=2)),
        })
    return rows


COLUMNS = ["date", "interval", "channel", "queue", "offered", "answered", "answered_within_sl", "abandoned",
           "abandoned_short", "handle_time_total_s"]


def write(rows: list[dict], fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return xlsx_bytes([COLUMNS, *[[row[c] for c in COLUMNS] for row in rows]]), "x.xlsx"
    delimiter, encoding = {"csv-utf8": (",", "utf-8"), "csv-bom": (",", "utf-8-sig"),
                           "tsv-cp932": ("\t", "cp932")}[fmt]
    lines = [delimiter.join(COLUMNS)]
    for row in rows:
        cells = [row["date"].isoformat(), row["interval"].strftime("%H:%M"), *(str(row[c]) for c in COLUMNS[2:])]
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding), "x.csv"


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=months(), fmt=st.sampled_from(["csv-utf8", "csv-bom", "tsv-cp932", "xlsx"]))
def test_a_valid_random_file_round_trips(rows: list[dict], fmt: str) -> None:
    data, filename = write(rows, fmt)
    result = parse_upload(data, filename, year=2026, month=4, required_measures=REQUIRED)
    assert result.ok, issues(result.errors)
    assert [(r.date, r.interval, r.channel, r.queue, r.measures) for r in result.rows] == [
        (row["date"], row["interval"], row["channel"], row["queue"], {c: row[c] for c in COLUMNS[4:]})
        for row in rows]
    assert [r.row for r in result.rows] == list(range(2, len(rows) + 2))
