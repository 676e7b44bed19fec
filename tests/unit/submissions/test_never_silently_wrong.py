"""The reading rules that keep a month from being silently wrong: channels, number formats, future dates,
plausibility (issue 11, part 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vendorportal.metrics.domain import implausible, resolve_channel
from vendorportal.submissions import numbers
from vendorportal.submissions.parsing import parse_upload


def parse(text: str, **options):
    options.setdefault("year", 2026)
    options.setdefault("month", 4)
    return parse_upload(text.encode("utf-8"), "april.tsv" if "\t" in text else "april.csv", **options)


def issues(found) -> list[tuple]:
    return [(i.row, i.column, str(i.message)) for i in found]


# --- channels ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "key"), [
    ("電話", "phone"), ("音声", "phone"), ("TEL", "phone"), ("Voice", "phone"), ("Inbound", "phone"),
    ("ｔｅｌ", "phone"), ("メール", "email"), ("E-mail", "email"), ("e mail", "email"), ("チャット", "chat"),
    ("Web chat", "chat"), ("WebChat", "chat"), ("SMS", "sms"), ("SNS", "social"),
])
def test_the_names_people_give_a_channel_are_read_as_the_channel(written: str, key: str) -> None:
    assert resolve_channel(written) == key


def test_a_japanese_channel_column_gives_the_contracts_channels() -> None:
    result = parse("日付,チャネル,受電数,応答数\n2026-04-01,電話,10,9\n2026-04-01,メール,5,5\n",
                   channels=("phone", "email"))
    assert result.ok, issues(result.errors)
    assert [r.channel for r in result.rows] == ["phone", "email"]


def test_an_unknown_channel_names_the_row_the_column_and_the_allowed_values() -> None:
    result = parse("date,channel,offered\n2026-04-01,Voice,10\n2026-04-02,FAX,3\n", channels=("phone", "email"))
    assert issues(result.errors) == [(3, "channel", "FAX is not a channel; use one of phone, email.")]
    assert result.rows == []


def test_a_channel_the_contract_does_not_have_is_an_error() -> None:
    result = parse("date,channel,offered\n2026-04-01,チャット,10\n", channels=("phone",))
    assert issues(result.errors) == [
        (2, "channel", "チャット is the channel chat, which this contract does not have; its channels are phone.")]


# --- number formats ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "whole", "says", "ambiguous"), [
    ("1,234.5", False, numbers.POINT, False), ("1.234,5", False, numbers.COMMA, False),
    ("1.234.567", True, numbers.COMMA, False), ("1,234,567", False, numbers.POINT, False),
    ("12.5", False, numbers.POINT, False), ("12,5", False, numbers.COMMA, False),
    ("8.052", False, None, True), ("8,052", False, None, True),
    ("8.052", True, numbers.COMMA, False), ("1,234", True, numbers.POINT, False),
    ("1,23", True, None, False), ("42", False, None, False), ("１，２３４．５", False, numbers.POINT, False),
])
def test_what_a_written_number_says_about_the_files_convention(text, whole, says, ambiguous) -> None:
    found = numbers.evidence(text, whole=whole)
    assert (found.says, found.ambiguous) == (says, ambiguous)


def test_a_european_file_is_read_with_its_decimal_comma_and_thousands_points() -> None:
    text = ("date\toffered\tanswered\thandle_time_total_s\n"
            "2026-04-01\t1.204\t1.100\t8.052\n"
            "2026-04-02\t90\t80\t1.234,5\n")
    result = parse(text)
    assert result.ok, issues(result.errors)
    assert [r.measures for r in result.rows] == [
        {"offered": 1204, "answered": 1100, "handle_time_total_s": Decimal("8052")},
        {"offered": 90, "answered": 80, "handle_time_total_s": Decimal("1234.5")},
    ]


def test_a_value_that_reads_two_ways_with_no_evidence_is_asked_showing_both_readings() -> None:
    result = parse("date\toffered\thandle_time_total_s\n2026-04-01\t10\t8.052\n2026-04-02\t9\t100\n")
    assert issues(result.errors) == [(2, "handle_time_total_s", (
        "8.052 can be read as 8.052 or as 8052, and nothing else in the file shows whether it writes numbers as "
        "1,234.5 or 1.234,5. Choose the number format when you upload the file."))]


@pytest.mark.parametrize(("given", "expected"), [(numbers.POINT, Decimal("8.052")), (numbers.COMMA, Decimal("8052"))])
def test_the_vendors_choice_of_number_format_decides(given: str, expected: Decimal) -> None:
    result = parse("date\toffered\thandle_time_total_s\n2026-04-01\t10\t8.052\n", number_format=given)
    assert result.ok and result.rows[0].measures["handle_time_total_s"] == expected


def test_a_file_that_writes_numbers_both_ways_is_an_error() -> None:
    result = parse('date,offered,handle_time_total_s\n2026-04-01,10,"1,234.5"\n2026-04-02,9,"2.345,5"\n')
    assert issues(result.errors)[0] == (3, "handle_time_total_s", (
        "2.345,5 is written as 1.234,5 but row 2 (handle_time_total_s) writes 1,234.5 as 1,234.5; use one way of "
        "writing numbers in the whole file."))


def test_a_plain_decimal_point_file_reads_as_before() -> None:
    result = parse("date,offered,handle_time_total_s\n2026-04-01,10,12.5\n2026-04-02,9,20.125\n")
    assert result.ok and [r.measures["handle_time_total_s"] for r in result.rows] == [Decimal("12.5"),
                                                                                       Decimal("20.125")]


# --- dates ---------------------------------------------------------------------------------------------

def test_a_date_after_today_is_an_error() -> None:
    result = parse("date,offered\n2026-04-01,1\n2026-04-20,1\n", today=dt.date(2026, 4, 19))
    assert issues(result.errors) == [(3, "date", "The date 2026-04-20 is after today (2026-04-19); a month's data "
                                                 "holds only days that have passed.")]
    assert parse("date,offered\n2026-04-19,1\n", today=dt.date(2026, 4, 19)).ok


# --- plausibility --------------------------------------------------------------------------------------

def test_an_aht_of_a_few_seconds_or_hours_is_implausible() -> None:
    assert [(f.metric, f.rule) for f in implausible({"aht": 0.37})] == [("aht", "aht_range")]
    assert [(f.metric, f.rule) for f in implausible({"aht": 9000.0})] == [("aht", "aht_range")]
    assert implausible({"aht": 300.0}) == []


def test_asa_far_above_aht_is_implausible() -> None:
    assert [(f.metric, f.rule) for f in implausible({"aht": 30.0, "asa": 400.0})] == [("asa", "asa_over_aht")]


def test_a_jump_of_more_than_three_spreads_from_the_recent_months_is_implausible() -> None:
    history = [{"service_level": v} for v in (80.0, 82.0, 81.0, 83.0, 79.0, 81.0)]
    assert implausible({"service_level": 84.0}, history) == []
    [jump] = implausible({"service_level": 40.0}, history)
    assert (jump.metric, jump.rule, jump.low, jump.high) == ("service_level", "jump", 79.0, 83.0)
    assert implausible({"service_level": 40.0}, history[:2]) == []  # too little history to judge


# --- values as people write them (issue 11, part 3) ----------------------------------------------------

@pytest.mark.parametrize("written", [
    "2026-04-01", "2026/4/1", "2026/04/01 0:00", "2026年4月1日", "2026年4月1日(水)", "令和8年4月1日", "令和八年四月一日",
    "R8.4.1", "r08/04/01", "4月1日", "２０２６／４／１",
])
def test_dates_are_read_as_people_write_them(written: str) -> None:
    result = parse(f"date,offered\n{written},1\n")
    assert result.ok, issues(result.errors)
    assert result.rows[0].date == dt.date(2026, 4, 1)


def test_an_era_date_outside_the_month_or_the_calendar_is_an_error() -> None:
    assert issues(parse("date,offered\n令和8年5月1日,1\n").errors) == [
        (2, "date", "The date 2026-05-01 is not in 2026-04, the month of this upload.")]
    assert issues(parse("date,offered\n4月31日,1\n").errors) == [(2, "date", "4月31日 is not a date of the calendar.")]


@pytest.mark.parametrize(("written", "start"), [
    ("9:00-9:30", dt.time(9)), ("9:00～9:30", dt.time(9)), ("09:00:00", dt.time(9)), ("9:30 AM", dt.time(9, 30)),
    ("1:00 PM", dt.time(13)), ("12:00 AM", dt.time(0)), ("21:45 - 22:00", dt.time(21, 45)),
])
def test_intervals_are_read_as_a_start_or_a_range(written: str, start: dt.time) -> None:
    result = parse(f"date,interval,offered\n2026-04-01,{written},1\n")
    assert result.ok, issues(result.errors)
    assert result.rows[0].interval == start


@pytest.mark.parametrize(("written", "seconds"), [
    ("125", Decimal(125)), ("0:02:05", Decimal(125)), ("02:05", Decimal(125)), ("27:00:00", Decimal(97200)),
    ("-", Decimal(0)),
])
def test_durations_are_read_as_seconds_or_clock_time(written: str, seconds: Decimal) -> None:
    result = parse(f"date,offered,answered,handle_time_total_s\n2026-04-01,100,100,{written}\n")
    assert result.ok, issues(result.errors)
    assert result.rows[0].measures["handle_time_total_s"] == seconds


def test_a_dash_is_zero_a_whole_float_is_a_count_and_a_blank_is_still_missing() -> None:
    result = parse("date,offered,answered,abandoned\n2026-04-01,66.0,－,-\n")
    assert result.ok and result.rows[0].measures == {"offered": 66, "answered": 0, "abandoned": 0}
    assert issues(parse("date,offered\n2026-04-01,\n").errors) == [
        (2, "offered", "A value is missing; enter 0 if there was none.")]


def test_excel_time_cells_in_a_duration_column_are_seconds() -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["date", "offered", "answered", "handle_time_total_s"])
    book.active.append([dt.datetime(2026, 4, 1), 10, 10, dt.time(0, 2, 5)])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_upload(buffer.getvalue(), "april.xlsx", year=2026, month=4)
    assert result.ok, issues(result.errors)
    assert result.rows[0].measures["handle_time_total_s"] == Decimal(125)


# --- names people use (issue 11, part 4) ---------------------------------------------------------------

@pytest.mark.parametrize(("header", "key"), [
    ("受電数", "offered"), ("受電数（件）", "offered"), ("応答呼", "answered"), ("放棄呼 (件)", "abandoned"),
    ("応答件数", "answered"), ("総処理時間(秒)", "handle_time_total_s"), ("handle_time_total_s (s)", "handle_time_total_s"),
    ("対象日", "date"), ("スキル", "queue"),
])
def test_the_headers_vendors_write_name_the_measures(header: str, key: str) -> None:
    from vendorportal.metrics.domain import resolve_header

    assert resolve_header(header) == key


def test_a_header_in_minutes_is_not_read_as_seconds() -> None:
    result = parse("日付,着信数,総処理時間(分)\n2026-04-01,2,3\n")
    assert issues(result.warnings) == [(1, "総処理時間(分)", (
        "総処理時間(分) is given in 分, which the portal does not convert; the column was ignored. Give "
        "handle_time_total_s in seconds."))]
    assert "handle_time_total_s" not in result.rows[0].measures


def test_did_you_mean_covers_japanese_names() -> None:
    result = parse("日付,応答件 数\n2026-04-01,1\n")
    assert issues(result.warnings) == [
        (1, "応答件 数", "Unknown column 応答件 数 was ignored. Did you mean 応答件数 (answered)?")]


# --- find the table the way a person does (issue 11, part 2) ------------------------------------------

def test_the_header_is_found_below_title_rows_and_the_titles_are_left_out() -> None:
    result = parse("月次実績報告書\n委託先: コールプラス\n\n日付,着信数,応答数\n2026-04-01,10,9\n")
    assert result.ok, issues(result.errors)
    assert [(r.row, r.measures) for r in result.rows] == [(5, {"offered": 10, "answered": 9})]
    assert issues(result.warnings) == [(1, None, "The table's header is row 4; the rows above it (1, 2) were read "
                                                 "as titles and left out.")]


def test_a_header_that_cannot_be_found_says_what_was_looked_at() -> None:
    result = parse("Monthly report\nfor April\n")
    assert (None, None, "No header row was found in the first 20 rows: a header names the date (日付) and the "
                        "measures (offered / 着信数 …); row 1 was read as the header.") in issues(result.errors)


def test_excels_sep_line_a_repeated_header_and_a_note_row_are_not_data() -> None:
    result = parse("sep=,\ndate,offered\n2026-04-01,10\ndate,offered\n2026-04-02,5\n※ 速報値です,\n")
    assert result.ok, issues(result.errors)
    assert [r.measures["offered"] for r in result.rows] == [10, 5]
    assert (6, None, "Row 6 is a note (※ 速報値です), not data; it was left out.") in issues(result.warnings)


def test_total_rows_are_left_out_and_checked_against_the_rows_they_add_up() -> None:
    text = ("date,queue,offered,answered\n2026-04-01,a,10,9\n2026-04-01,b,5,5\n2026-04-01,小計,15,14\n"
            "2026-04-02,a,7,7\n2026-04-02,小計,8,7\n合計,,22,21\n")
    result = parse(text)
    assert result.ok, issues(result.errors)
    assert sum(r.measures["offered"] for r in result.rows) == 22
    found = issues(result.warnings)
    assert (6, "offered", "Row 6 is a total (小計): its offered is 8 but the rows it adds up give 7. It was left out; "
                          "check the rows.") in found
    assert (4, None, "3 total row(s) (合計, 小計, Total …; the first is row 4) were left out; the portal adds the rows "
                     "up itself.") in found


@pytest.mark.parametrize("written", ["2026/4/1(水)", "2026-04-01 (Wed)", "2026.04.01"])
def test_dates_with_a_weekday_or_dots_are_dates(written: str) -> None:
    result = parse(f"date,offered\n{written},1\n")
    assert result.ok and result.rows[0].date == dt.date(2026, 4, 1), issues(result.errors)


def test_a_months_total_may_be_dated_by_its_month() -> None:
    result = parse("date,offered\n2026-04,300\n")
    assert result.ok and result.rows[0].date == dt.date(2026, 4, 1)


def test_a_one_channel_contract_fills_in_the_channel_and_a_two_channel_one_asks_for_it() -> None:
    one = parse("date,offered\n2026-04-01,10\n", channels=("phone",), channel_required=True)
    assert one.ok and one.rows[0].channel == "phone"
    two = parse("date,offered\n2026-04-01,10\n", channels=("phone", "email"), channel_required=True)
    assert issues(two.errors) == [(None, "channel", "The column channel (チャネル) is missing; the contract's targets are "
                                                    "per channel (phone, email), so every row needs its channel.")]
    blank = parse("date,channel,offered\n2026-04-01,電話,10\n2026-04-01,,5\n", channels=("phone", "email"),
                  channel_required=True)
    assert issues(blank.errors) == [(3, "channel", "The channel is empty; the contract's targets are per channel "
                                                   "(phone, email), so give each row its channel.")]


def test_a_comma_in_a_comma_separated_file_is_a_thousands_separator() -> None:
    result = parse('date,offered,handle_time_total_s\n2026-04-01,10,"1,725"\n')
    assert result.ok and result.rows[0].measures["handle_time_total_s"] == Decimal(1725)
    tab = parse("date\toffered\thandle_time_total_s\n2026-04-01\t10\t1,725\n")
    assert not tab.ok  # in a tab-separated file 1,725 may be 1.725: the vendor is asked


def test_the_catalogs_english_names_are_headers_too() -> None:
    result = parse("date,Offered,Answered,Total wait time (s)\n2026-04-01,10,9,90\n")
    assert result.ok and result.rows[0].measures == {"offered": 10, "answered": 9, "wait_time_total_s": Decimal(90)}


def _book(rows: list[list], merges: list[str] = (), sheets: int = 1) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    for n in range(1, sheets):
        other = book.create_sheet(f"sheet{n}")
        for row in rows:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_merged_date_cell_dates_every_row_it_spans_but_a_merged_count_is_not_copied() -> None:
    rows = [["date", "channel", "offered"], [dt.datetime(2026, 4, 1), "電話", 10], [None, "メール", 5],
            [dt.datetime(2026, 4, 2), "電話", 7]]
    result = parse_upload(_book(rows, ["A2:A3"]), "april.xlsx", year=2026, month=4)
    assert result.ok, issues(result.errors)
    assert [(r.date, r.channel) for r in result.rows] == [
        (dt.date(2026, 4, 1), "phone"), (dt.date(2026, 4, 1), "email"), (dt.date(2026, 4, 2), "phone")]
    counted = parse_upload(_book([["date", "offered"], [dt.datetime(2026, 4, 1), 10], [dt.datetime(2026, 4, 2), None]],
                                 ["B2:B3"]), "april.xlsx", year=2026, month=4)
    assert issues(counted.errors) == [(3, "offered", "A value is missing; enter 0 if there was none.")]


def test_tables_on_several_sheets_are_refused_naming_them() -> None:
    from vendorportal.submissions.parsing import UploadRejected

    rows = [["date", "offered"], [dt.datetime(2026, 4, 1), 10]]
    with pytest.raises(UploadRejected) as refused:
        parse_upload(_book(rows, sheets=2), "april.xlsx", year=2026, month=4)
    assert "more than one sheet (Sheet, sheet1)" in str(refused.value.issue.message)


def test_a_cell_at_xfd1048576_is_never_handed_to_a_reader_that_would_lay_out_the_whole_rectangle() -> None:
    import io

    from openpyxl import Workbook

    from vendorportal.submissions import fastpath, xlsx

    book = Workbook()
    book.active.append(["date", "offered"])
    book.active.append([dt.datetime(2026, 4, 1), 10])
    book.active["XFD1048576"] = 1
    book.create_sheet("other").append(["date", "offered"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert xlsx.Workbook(data).fits_in_memory() is False
    assert fastpath.try_fast(data, "april.xlsx", year=2026, month=4) is None  # python-calamine would abort here
    from vendorportal.submissions.parsing import UploadRejected

    with pytest.raises(UploadRejected) as refused:
        parse_upload(data, "april.xlsx", year=2026, month=4)
    assert "reaches far beyond its data" in str(refused.value.issue.message)


@pytest.mark.parametrize(("written", "message"), [
    ("令和99999999999年1月1日", "is not a date"),  # past any calendar: once an OverflowError, a 500
])
def test_an_impossible_era_date_is_a_clear_error(written: str, message: str) -> None:
    assert message in issues(parse(f"date,offered\n{written},1\n").errors)[0][2]


@pytest.mark.parametrize(("written", "message"), [
    ("9" * 5000 + ":00:00", "is not a number."),  # once int()'s digit limit, a 500
])
def test_an_absurd_duration_is_a_clear_error(written: str, message: str) -> None:
    found = issues(parse(f"date,offered,answered,handle_time_total_s\n2026-04-01,1,1,{written}\n").errors)
    assert found[0][1] == "handle_time_total_s" and found[0][2].endswith(message)
