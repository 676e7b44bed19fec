"""The corpus files made with Python (csv, openpyxl, xlsxwriter, pandas, jaconv) and with LibreOffice headless.

Each maker writes one file with exactly the reference counts; the decorator records its tool, its shape and
what a mature product should do with it. The files the node script writes (SheetJS, exceljs) are listed at
the end.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import jaconv
import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from reference import (
    CHANNELS_JA,
    CHANNELS_TEL,
    CHANNELS_TITLE,
    CHANNELS_VOICE,
    COLUMNS,
    HEADERS_EN,
    HEADERS_EN_DISPLAY,
    HEADERS_EN_TITLE,
    HEADERS_JA,
    HEADERS_JA_ALT,
    MEASURES,
    PERIOD,
    iso_interval,
    text_row,
    totals,
)
from registry import node_variant, variant

CSV_LO = "csv:Text - txt - csv (StarCalc):{}"  # LibreOffice's CSV export filter and its options
UTF8_CSV = CSV_LO.format("44,34,76,1")
SJIS_CSV = CSV_LO.format("44,34,64,1")  # 64 = RTL_TEXTENCODING_SHIFT_JIS (LibreOffice 7.4 ignores the name SJIS)
QUEUES_JA = {"general": "総合窓口①", "support": "メール窓口②"}  # ① ② exist in CP932, not in plain Shift_JIS
PY = "Python {python} csv module"


def write_csv(path: Path, header: list | None, body: list[list], *, delimiter: str = ",", newline: str = "\n",
              encoding: str = "utf-8", bom: bool = False, quoting: int = csv.QUOTE_MINIMAL,
              before: list[list] = ()) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows(before)
    if header is not None:
        writer.writerow(header)
    writer.writerows(body)
    data = out.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)


def plain(rows: list[dict], **spelling) -> list[list[str]]:
    return [text_row(r, **spelling) for r in rows]


def typed(row: dict, channel: dict | None = None, queue: dict | None = None) -> list:
    return [row["date"], row["interval"], (channel or {}).get(row["channel"], row["channel"]),
            (queue or {}).get(row["queue"], row["queue"]), *(row[m] for m in MEASURES)]


def openpyxl_sheet(ws, rows: list[dict], headers: list[str], *, start_row: int = 1, date_format="yyyy-mm-dd",
                   time_format="hh:mm", number_format=None, channel=None, queue=None) -> None:
    """Write a header and typed rows (date cells, time cells, numbers) from start_row."""
    for col, text in enumerate(headers, start=1):
        ws.cell(start_row, col, text)
    for offset, row in enumerate(rows, start=1):
        for col, value in enumerate(typed(row, channel, queue), start=1):
            cell = ws.cell(start_row + offset, col, value)
            if col == 1:
                cell.number_format = date_format
            elif col == 2 and value is not None:
                cell.number_format = time_format
            elif col > 4 and number_format:
                cell.number_format = number_format


def openpyxl_book(rows, headers, **options) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    openpyxl_sheet(book.active, rows, headers, **options)
    book.active.title = "data"
    return book


def lo_csv_from_formats(ctx, path: Path, filter_options: str, *, headers=HEADERS_EN, **formats) -> None:
    """Write typed cells with the given number formats (openpyxl), then export them as shown (LibreOffice)."""
    source = ctx.scratch(path.stem + ".xlsx")
    openpyxl_book(ctx.rows, headers, **formats).save(source)
    ctx.soffice(source, CSV_LO.format(filter_options), path)


# --- Python's csv module --------------------------------------------------------------------------------------

@variant("reference.csv", tool=PY, expect="accept",
         shape="THE REFERENCE: the portal's template layout, English column keys, UTF-8 without BOM, LF, ISO dates, "
               "HH:MM intervals, phone intervals + e-mail day totals",
         why="the portal's own template")
def reference_csv(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows))


@variant("template_utf8_bom_crlf.csv", tool=PY, expect="accept",
         shape="as the portal's CSV template download writes it: UTF-8 with BOM, CRLF line ends",
         why="the portal's own download format")
def template_bom_crlf(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), newline="\r\n", bom=True)


@variant("crlf_no_bom.csv", tool=PY, expect="accept", shape="UTF-8 without BOM, CRLF line ends (Windows tools)",
         why="SPEC §4: UTF-8 with or without BOM")
def crlf(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), newline="\r\n")


@variant("mac_cr_line_endings.csv", tool=PY, expect="accept",
         shape="bare CR line ends, as Excel for Mac's \"CSV (Macintosh)\" writes", why="only the line ends differ")
def mac_cr(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), newline="\r")


@variant("tab_separated.tsv", tool=PY, expect="accept", shape="tab-separated, .tsv", why="SPEC §4: comma or tab")
def tab(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), delimiter="\t")


@variant("excel_text_tab_ja_cp932.txt", tool=PY, expect="accept",
         shape="Japanese Excel's \"テキスト (タブ区切り)\": CP932, tab-separated, .txt, CRLF, Japanese headers",
         why="SPEC §4: CP932 and tab are accepted")
def text_tab_cp932(ctx, path):
    write_csv(path, HEADERS_JA, plain(ctx.rows, queue=QUEUES_JA), delimiter="\t", newline="\r\n", encoding="cp932")


@variant("ja_headers_cp932.csv", tool=PY, expect="accept",
         shape="Japanese headers (first aliases), CP932 as Japanese Excel saves \"CSV (コンマ区切り)\", CRLF, "
               "queue names with CP932-only characters ①②",
         why="SPEC §4: Japanese header aliases and CP932")
def ja_cp932(ctx, path):
    write_csv(path, HEADERS_JA, plain(ctx.rows, queue=QUEUES_JA), newline="\r\n", encoding="cp932")


@variant("ja_alias_headers_fullwidth_brackets_bom.csv", tool=PY, expect="accept",
         shape="the other Japanese aliases (年月日, 開始時刻, 入電数, SL内応答数, 待ち時間合計（秒） with full-width "
               "brackets …), UTF-8 with BOM (Excel's \"CSV UTF-8\")",
         why="all are aliases in metrics/domain.py; NFKC folds the brackets")
def ja_alias(ctx, path):
    write_csv(path, HEADERS_JA_ALT, plain(ctx.rows), newline="\r\n", bom=True)


@variant("ja_channel_values_denwa_mail_cp932.csv", tool=PY, expect="accept",
         shape="Japanese headers and channel values 電話 / メール, CP932",
         why="SPEC §4: channel values are mapped from the names people use to the contract's channels")
def ja_channels(ctx, path):
    write_csv(path, HEADERS_JA, plain(ctx.rows, channel=CHANNELS_JA, queue=QUEUES_JA), newline="\r\n",
              encoding="cp932")


@variant("channel_values_voice_email.csv", tool=PY, expect="accept", shape="channel values Voice / Email",
         why="SPEC §4: channel names people use are mapped")
def voice(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows, channel=CHANNELS_VOICE))


@variant("channel_values_tel_mail.csv", tool=PY, expect="accept", shape="channel values TEL / MAIL",
         why="SPEC §4: channel names people use are mapped")
def tel(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows, channel=CHANNELS_TEL))


@variant("channel_values_titlecase_e-mail.csv", tool=PY, expect="accept", shape="channel values Phone / E-mail",
         why="SPEC §4: channel names people use are mapped")
def titlecase_channels(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows, channel=CHANNELS_TITLE))


@variant("channel_header_baitai.csv", tool=PY, expect="accept",
         shape="Japanese headers with the channel column headed 媒体 (medium), channel values 電話 / メール, CP932",
         why="媒体 is what many Japanese reports call the channel; without a recognised channel column every row "
             "would count for no channel and the per-channel targets would have no data")
def baitai(ctx, path):
    headers = list(HEADERS_JA)
    headers[2] = "媒体"
    write_csv(path, headers, plain(ctx.rows, channel=CHANNELS_JA), newline="\r\n", encoding="cp932")


@variant("queue_header_skill.csv", tool=PY, expect="accept",
         shape="the queue column is headed スキル (skill), as ACD reports name queues",
         why="the queue identifies nothing the scorecard uses; スキル is a common name for it")
def skill(ctx, path):
    headers = list(HEADERS_JA)
    headers[3] = "スキル"
    write_csv(path, headers, plain(ctx.rows), newline="\r\n", encoding="cp932")


@variant("en_display_name_headers.csv", tool=PY, expect="accept",
         shape="headers are the catalog's English display names (Offered, Answered within service level, Total wait "
               "time (s), CSAT satisfied (4–5) …)",
         why="the portal shows these names itself; each names exactly one measure")
def display_names(ctx, path):
    write_csv(path, HEADERS_EN_DISPLAY, plain(ctx.rows))


@variant("en_titlecase_headers.csv", tool=PY, expect="accept", shape="headers in Title_Case (Answered_Within_SL …)",
         why="SPEC §4: header names are matched case-insensitively")
def title_headers(ctx, path):
    write_csv(path, HEADERS_EN_TITLE, plain(ctx.rows))


@variant("ja_headers_with_count_units.csv", tool=PY, expect="accept",
         shape="Japanese headers with a unit suffix on counts: 着信数(件), 応答数(件) …",
         why="a count unit (件) changes nothing; (a time unit other than 秒 must never be dropped)")
def count_units(ctx, path):
    headers = [h if i < 4 or "秒" in h else h + "(件)" for i, h in enumerate(HEADERS_JA)]
    write_csv(path, headers, plain(ctx.rows), newline="\r\n", encoding="cp932")


@variant("columns_shuffled_rows_sorted_by_channel.csv", tool=PY, expect="accept",
         shape="columns in another order (measures first, date last) and rows sorted by channel, then date",
         why="columns are found by header; the order of rows means nothing")
def shuffled(ctx, path):
    order = [*reversed(MEASURES), "queue", "channel", "interval", "date"]
    index = [COLUMNS.index(c) for c in order]
    rows = sorted(ctx.rows, key=lambda r: (r["channel"], r["date"], iso_interval(r)))
    write_csv(path, order, [[cells[i] for i in index] for cells in plain(rows)])


@variant("extra_kpi_columns.csv", tool=PY, expect="accept",
         shape="three extra columns the vendor's report has: SL %, ASA, AHT (averages, \"79.5%\")",
         why="SPEC §4: unknown columns are warnings and ignored")
def extra_kpis(ctx, path):
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        base = r["offered"] - r["abandoned_short"]
        sl = f"{100 * r['answered_within_sl'] / base:.1f}%" if base else ""
        asa = f"{r['wait_time_total_s'] / r['answered']:.1f}" if r["answered"] else ""
        aht = f"{r['handle_time_total_s'] / r['answered']:.1f}" if r["answered"] else ""
        body.append([*cells, sl, asa, aht])
    write_csv(path, [*HEADERS_EN, "SL %", "ASA", "AHT"], body)


@variant("trailing_empty_columns.csv", tool=PY, expect="accept",
         shape="every line ends with three empty cells (,,,) as Excel writes after a deleted column",
         why="empty cells right of the last header carry nothing")
def trailing(ctx, path):
    write_csv(path, [*HEADERS_EN, "", "", ""], [[*cells, "", "", ""] for cells in plain(ctx.rows)],
              newline="\r\n")


@variant("blank_rows_between_days.csv", tool=PY, expect="accept", shape="an empty line after each day's rows",
         why="blank rows carry nothing")
def blank_rows(ctx, path):
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        body.append(cells)
        if r["channel"] == "email":
            body.append([])
    write_csv(path, HEADERS_EN, body)


@variant("padded_whitespace.csv", tool=PY, expect="accept",
         shape="cells padded with spaces (\" 66\", \"phone \") as fixed-width report tools write",
         why="surrounding spaces mean nothing")
def padded(ctx, path):
    body = [[f" {c} " if i != 1 or c else c for i, c in enumerate(cells)] for cells in plain(ctx.rows)]
    write_csv(path, [f" {h} " for h in HEADERS_EN], body)


@variant("quote_all_cells.csv", tool=PY, expect="accept", shape="every cell quoted, numbers too (\"66\")",
         why="quotes are CSV syntax, not data")
def quote_all(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), quoting=csv.QUOTE_ALL)


@variant("fullwidth_digits.csv", tool="jaconv {jaconv} h2z(digit=True) + " + PY, expect="accept",
         shape="dates, intervals and numbers in full-width digits (２０２６-１０-０１, ６６) as typed with a Japanese IME",
         why="NFKC makes them plain digits; nothing is ambiguous")
def fullwidth(ctx, path):
    body = [[jaconv.h2z(c, digit=True, ascii=False, kana=False) if i != 2 and i != 3 else c
             for i, c in enumerate(cells)] for cells in plain(ctx.rows)]
    write_csv(path, HEADERS_JA, body, bom=True)


@variant("sep_hint_first_line.csv", tool=PY, expect="accept",
         shape="a first line sep=, (the hint Excel reads to pick the delimiter)",
         why="sep= is a well-known Excel convention, not data")
def sep_hint(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows), before=[["sep="]], newline="\r\n")
    path.write_bytes(path.read_bytes().replace(b'"sep="', b"sep=,", 1).replace(b"sep=\r\n", b"sep=,\r\n", 1))


@variant("repeated_header_per_day.csv", tool=PY, expect="accept",
         shape="31 daily exports concatenated: the header line repeats before each day",
         why="a row identical to the header is a header, not data")
def repeated_header(ctx, path):
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        if r["interval"] == ctx.rows[0]["interval"]:
            body.append(HEADERS_EN)
        body.append(cells)
    write_csv(path, None, body)


@variant("title_rows_above_header_cp932.csv", tool=PY, expect="accept",
         shape="a title line, a vendor line and an empty line above the Japanese header row, CP932",
         why="exactly one row is a header of known columns; the lines above it are a title")
def title_rows_csv(ctx, path):
    before = [["2026年10月度 コンタクトセンター実績報告"], ["委託先：株式会社サンプルコール"], []]
    write_csv(path, HEADERS_JA, plain(ctx.rows), before=before, newline="\r\n", encoding="cp932")


@variant("daily_subtotal_rows_queue_shoukei.csv", tool=PY, expect="refuse",
         shape="after each day's phone intervals a 小計 (subtotal) row: date and channel filled, interval empty, "
               "queue = 小計, the day's sums",
         why="the subtotal repeats the intervals' counts; taking it as a queue double counts the day")
def subtotal_queue(ctx, path):
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        if r["channel"] == "email":
            day = [x for x in ctx.rows if x["date"] == r["date"] and x["channel"] == "phone"]
            sums = totals(day)
            body.append([r["date"].isoformat(), "", "phone", "小計", *(str(sums[m]) for m in MEASURES)])
        body.append(cells)
    write_csv(path, HEADERS_EN, body)


@variant("daily_subtotal_rows_interval_shoukei.csv", tool=PY, expect="refuse",
         shape="after each day's phone intervals a 小計 row with 小計 in the interval column",
         why="the subtotal repeats the intervals' counts")
def subtotal_interval(ctx, path):
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        if r["channel"] == "email":
            day = [x for x in ctx.rows if x["date"] == r["date"] and x["channel"] == "phone"]
            sums = totals(day)
            body.append([r["date"].isoformat(), "小計", "phone", "general", *(str(sums[m]) for m in MEASURES)])
        body.append(cells)
    write_csv(path, HEADERS_EN, body)


@variant("email_rows_blank_phone_measures.csv", tool=PY, expect="accept",
         shape="measures that do not apply to a row's channel left blank (abandons and wait on e-mail rows, "
               "received and responded_within_target on phone rows)",
         why="a blank cell in a measure that cannot apply to the channel means nothing to report (0); refusing "
             "makes vendors type thousands of zeros")
def blank_not_applicable(ctx, path):
    email_blank = {"abandoned", "abandoned_short", "wait_time_total_s"}
    phone_blank = {"received", "responded_within_target"}
    body = []
    for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True):
        blank = email_blank if r["channel"] == "email" else phone_blank
        body.append([("" if COLUMNS[i] in blank else c) for i, c in enumerate(cells)])
    write_csv(path, HEADERS_EN, body)


@variant("interval_as_range.csv", tool=PY, expect="accept",
         shape="intervals written as ranges 09:00-09:30, as ACD interval reports label them",
         why="the start of a 30-minute range is unambiguous")
def interval_range(ctx, path):
    def spell(r):
        if not r["interval"]:
            return ""
        end = (dt.datetime.combine(r["date"], r["interval"]) + dt.timedelta(minutes=30)).time()
        return f"{r['interval']:%H:%M}-{end:%H:%M}"

    write_csv(path, HEADERS_EN, plain(ctx.rows, interval=spell))


@variant("iso_datetime_dates.csv", tool=PY, expect="accept",
         shape="dates as ISO date-times at midnight (2026-10-01T00:00:00) as JSON-minded tools write them",
         why="midnight of the day is the day")
def iso_datetime(ctx, path):
    write_csv(path, HEADERS_EN, plain(ctx.rows, date=lambda d: dt.datetime.combine(d, dt.time()).isoformat()))


def _day_totals(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        if r["channel"] == "email":
            phone = [x for x in rows if x["date"] == r["date"] and x["channel"] == "phone"]
            out.append({**r, **totals(phone), "interval": None, "channel": "phone", "queue": phone[0]["queue"]})
            out.append(r)
    return out


@variant("daily_totals.csv", tool=PY, expect="accept",
         shape="one row per day and channel (the phone intervals summed per day) instead of interval rows",
         why="SPEC §4: day totals give the same monthly figures when the counts agree")
def daily_totals(ctx, path):
    write_csv(path, HEADERS_EN, plain(_day_totals(ctx.rows)))


@variant("monthly_totals_two_rows.csv", tool=PY, expect="accept",
         shape="the whole month as one row per channel, dated the first of the month, no interval",
         why="SPEC §4: a file may hold one row for the whole month")
def monthly_rows(ctx, path):
    body = []
    for channel, queue in (("phone", "general"), ("email", "support")):
        sums = totals(ctx.rows, channel)
        body.append([f"{PERIOD}-01", "", channel, queue, *(str(sums[m]) for m in MEASURES)])
    write_csv(path, HEADERS_EN, body)


@variant("monthly_totals_month_as_date.csv", tool=PY, expect="accept",
         shape="the whole month as one row per channel with the date written as the month 2026-10",
         why="a month total naturally carries the month; it names exactly the upload's period")
def monthly_period(ctx, path):
    body = []
    for channel, queue in (("phone", "general"), ("email", "support")):
        sums = totals(ctx.rows, channel)
        body.append([PERIOD, "", channel, queue, *(str(sums[m]) for m in MEASURES)])
    write_csv(path, HEADERS_EN, body)


@variant("halfwidth_kana_headers_cp932.csv", tool="jaconv {jaconv} z2h(kana=True) + " + PY, expect="accept",
         shape="Japanese headers and channel values in half-width katakana (ﾁｬﾈﾙ, ｷｭｰ, ﾒｰﾙ) as old host systems "
               "export, CP932",
         why="NFKC folds half-width katakana into the aliases")
def halfwidth_kana(ctx, path):
    headers = [jaconv.z2h(h, kana=True, ascii=False, digit=False) for h in HEADERS_JA]
    channels = {k: jaconv.z2h(v, kana=True, ascii=False, digit=False) for k, v in CHANNELS_JA.items()}
    write_csv(path, headers, plain(ctx.rows, channel=channels), newline="\r\n", encoding="cp932")


@variant("notes_rows_below_table_cp932.csv", tool=PY, expect="accept",
         shape="an empty line and two notes (※ …) in column A below the table, CP932",
         why="rows after the table with text in column A only and no measure are notes, not data")
def notes_rows(ctx, path):
    body = [*plain(ctx.rows), [], ["※ 10/15 14:00-15:00 は電話システム障害のため一部欠測"],
            ["※ メールは日次集計"]]
    write_csv(path, HEADERS_JA, body, newline="\r\n", encoding="cp932")


@variant("weekday_column_ja.csv", tool=PY, expect="accept",
         shape="an extra 曜日 (weekday) column after the date, as Japanese daily reports carry",
         why="SPEC §4: unknown columns are warnings and ignored")
def weekday_column(ctx, path):
    names = "月火水木金土日"
    body = [[cells[0], names[r["date"].weekday()], *cells[1:]] for r, cells in zip(ctx.rows, plain(ctx.rows),
                                                                                    strict=True)]
    write_csv(path, [HEADERS_JA[0], "曜日", *HEADERS_JA[1:]], body, bom=True)


@variant("no_channel_column_queue_names_imply_channel.csv", tool=PY, expect="refuse",
         shape="no channel column: the queue names 電話_総合 / メール_サポート tell the channel, as many vendor reports do",
         why="the contract's targets are per channel and no row names one; scoring would leave every target "
             "without data")
def no_channel(ctx, path):
    queues = {"phone": "電話_総合", "email": "メール_サポート"}
    index = [i for i, c in enumerate(COLUMNS) if c != "channel"]
    body = [[cells[i] if COLUMNS[i] != "queue" else queues[r["channel"]] for i in index]
            for r, cells in zip(ctx.rows, plain(ctx.rows), strict=True)]
    write_csv(path, [HEADERS_JA[i] for i in index], body, newline="\r\n", encoding="cp932")


# --- pandas --------------------------------------------------------------------------------------------------

def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["date"] = df["date"].map(dt.date.isoformat)
    df["interval"] = df["interval"].map(lambda t: t.strftime("%H:%M") if t else None)
    return df


@variant("pandas_float_counts.csv", tool="pandas {pandas} DataFrame.to_csv(index=False)", expect="accept",
         shape="whole numbers written as 66.0 (the columns became float64 in pandas)",
         why="66.0 is the whole number 66; the XLSX path already reads 66.0 as 66")
def pandas_float(ctx, path):
    df = frame(ctx.rows)
    df[MEASURES] = df[MEASURES].astype(float)
    df.to_csv(path, index=False)


@variant("pandas_default_index.csv", tool="pandas {pandas} DataFrame.to_csv() with its default index=True",
         expect="accept", shape="a first column without header holding the row index 0, 1, 2 …",
         why="a column without header is ignored with a warning")
def pandas_index(ctx, path):
    frame(ctx.rows).to_csv(path)


@variant("pandas_cp932_ja.csv", tool="pandas {pandas} DataFrame.to_csv(encoding='cp932', index=False)",
         expect="accept", shape="Japanese headers, CP932, LF (pandas' line end)", why="SPEC §4")
def pandas_cp932(ctx, path):
    df = frame(ctx.rows)
    df.columns = HEADERS_JA
    df.to_csv(path, index=False, encoding="cp932")


@variant("pandas_to_excel_default.xlsx", tool="pandas {pandas} DataFrame.to_excel() (openpyxl {openpyxl} engine)",
         expect="accept",
         shape="pandas' defaults: an index column without header in A, bold bordered header, dates as datetime "
               "cells (YYYY-MM-DD HH:MM:SS), intervals as text",
         why="the index column has no header and is ignored; the rest is the template")
def pandas_excel(ctx, path):
    df = frame(ctx.rows)
    df["date"] = pd.to_datetime(df["date"])
    df.to_excel(path, sheet_name=PERIOD)


@variant("pandas_to_excel_xlsxwriter_ja.xlsx",
         tool="pandas {pandas} DataFrame.to_excel(index=False, engine='xlsxwriter') (xlsxwriter {xlsxwriter})",
         expect="accept", shape="Japanese headers, dates as datetime cells, empty cells for the e-mail intervals",
         why="SPEC §4")
def pandas_xlsxwriter(ctx, path):
    df = frame(ctx.rows)
    df["date"] = pd.to_datetime(df["date"])
    df.columns = HEADERS_JA
    df.to_excel(path, index=False, engine="xlsxwriter", sheet_name="実績")


# --- openpyxl ------------------------------------------------------------------------------------------------

OPX = "openpyxl {openpyxl}"


@variant("openpyxl_typed_cells.xlsx", tool=OPX, expect="accept",
         shape="date cells (yyyy-mm-dd), interval time cells (hh:mm), numbers as numbers", why="SPEC §4")
def opx_typed(ctx, path):
    openpyxl_book(ctx.rows, HEADERS_EN).save(path)


@variant("openpyxl_numbers_stored_as_text.xlsx", tool=OPX, expect="accept",
         shape="every cell a text cell (\"numbers stored as text\", Excel's green triangles)",
         why="the text spells the same numbers, dates and times")
def opx_text(ctx, path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS_EN)
    for cells in plain(ctx.rows):
        ws.append(cells)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    book.save(path)


@variant("openpyxl_1904_date_system.xlsx", tool=OPX + " (workbook.epoch = CALENDAR_MAC_1904)", expect="accept",
         shape="the 1904 date system of old Excel for Mac; date and time cells", why="the workbook says date1904")
def opx_1904(ctx, path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl_book(ctx.rows, HEADERS_EN)
    book.epoch = CALENDAR_MAC_1904
    book.save(path)


@variant("openpyxl_date_serials_general.xlsx", tool=OPX, expect="accept",
         shape="dates as bare serial numbers (46296) in General cells and intervals as day fractions (0.375), as "
               "left when a date format is cleared",
         why="SPEC: in XLSX a serial number in the date column is a date")
def opx_serials(ctx, path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS_EN)
    for r in ctx.rows:
        serial = (r["date"] - dt.date(1899, 12, 30)).days
        fraction = (r["interval"].hour * 60 + r["interval"].minute) / 1440 if r["interval"] else None
        ws.append([serial, fraction, *typed(r)[2:]])
    book.save(path)


@variant("openpyxl_formulas_without_cached_values.xlsx", tool=OPX, expect="refuse",
         shape="abandoned on phone rows written as the formula =offered-answered (=E2-F2); openpyxl saves no result",
         why="the file holds no value for the cells; only Excel or LibreOffice can compute them (SPEC §4)")
def opx_formulas(ctx, path):
    book = openpyxl_book(ctx.rows, HEADERS_EN)
    ws = book.active
    for n, r in enumerate(ctx.rows, start=2):
        if r["channel"] == "phone":  # e-mail rows keep their 0: received − responded is a backlog, not abandons
            ws.cell(n, COLUMNS.index("abandoned") + 1, f"=E{n}-F{n}")
    book.save(path)


def cover_book(rows) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "表紙"
    for line in (["2026年10月度 業務実績報告書"], [], ["委託先", "株式会社サンプルコール"], ["対象月", "2026年10月"],
                 ["作成日", dt.date(2026, 11, 5)], ["作成者", "運用管理部 山田"]):
        cover.append(line)
    cover["A1"].font = Font(size=18, bold=True)
    openpyxl_sheet(book.create_sheet("データ"), rows, HEADERS_JA)
    return book


@variant("openpyxl_cover_sheet_hyoushi.xlsx", tool=OPX, expect="accept",
         shape="a cover sheet 表紙 (title, vendor, month, author) before the data sheet データ",
         why="only the second sheet has a header of known columns; Japanese reports often start with a cover")
def opx_cover(ctx, path):
    cover_book(ctx.rows).save(path)


@variant("openpyxl_hidden_first_sheet.xlsx", tool=OPX, expect="accept",
         shape="a hidden first sheet リスト holding the drop-down lists (channels, queues) used by data validation on "
               "the visible data sheet",
         why="the vendor sees the data sheet as the first sheet; a hidden list sheet is not data")
def opx_hidden(ctx, path):
    book = openpyxl.Workbook()
    lists = book.active
    lists.title = "リスト"
    for row in (["phone", "general"], ["email", "support"]):
        lists.append(row)
    lists.sheet_state = "hidden"
    data = book.create_sheet("実績")
    openpyxl_sheet(data, ctx.rows, HEADERS_JA)
    rule = DataValidation(type="list", formula1="リスト!$A$1:$A$2", allow_blank=False)
    data.add_data_validation(rule)
    rule.add(f"C2:C{len(ctx.rows) + 1}")
    book.active = 1
    book.save(path)


def merged_dates_book(rows, headers=HEADERS_JA, date_format="yyyy/m/d") -> openpyxl.Workbook:
    book = openpyxl_book(rows, headers, date_format=date_format)
    ws = book.active
    start = 2
    for n in range(2, len(rows) + 2):
        last = n == len(rows) + 1 or rows[n - 1]["date"] != rows[n - 2]["date"]
        if last:
            ws.merge_cells(start_row=start, start_column=1, end_row=n, end_column=1)
            ws.cell(start, 1).alignment = Alignment(vertical="center")
            start = n + 1
    return book


@variant("openpyxl_merged_date_cells.xlsx", tool=OPX, expect="accept",
         shape="each day's date written once in a merged cell spanning its 9 rows (Japanese report style)",
         why="a merged range has one value for all its cells; the file says so explicitly (mergeCells)")
def opx_merged(ctx, path):
    merged_dates_book(ctx.rows).save(path)


@variant("openpyxl_two_level_merged_headers.xlsx", tool=OPX, expect="accept",
         shape="two header rows: groups 呼量 / 時間(秒) / メール / 顧客満足度 merged over the measures in row 1, "
               "measure names in row 2, the dimension headers merged over both rows",
         why="the merged cells make the structure explicit; row 2 with the merged dimension headers names every column")
def opx_two_level(ctx, path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "実績"
    for col, text in enumerate(HEADERS_JA[:4], start=1):
        ws.cell(1, col, text)
        ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    for text, first, last in (("呼量", 5, 9), ("時間(秒)", 10, 11), ("メール", 12, 13), ("顧客満足度", 14, 15)):
        ws.cell(1, first, text).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for col, text in enumerate(HEADERS_JA[4:], start=5):
        ws.cell(2, col, text)
    for offset, row in enumerate(ctx.rows, start=3):
        for col, value in enumerate(typed(row), start=1):
            cell = ws.cell(offset, col, value)
            if col == 1:
                cell.number_format = "yyyy/m/d"
            elif col == 2 and value is not None:
                cell.number_format = "h:mm"
    book.save(path)


@variant("openpyxl_sheet_per_channel_full_columns.xlsx", tool=OPX, expect="refuse",
         shape="one sheet per channel (電話, then メール), each with the full template header (zeros where a measure "
               "does not apply)",
         why="the first sheet holds only the phone rows: scoring it alone would leave the e-mail targets without "
             "data; a mature product refuses a workbook with data on several sheets (or reads them all)")
def opx_per_channel_full(ctx, path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, channel in (("電話", "phone"), ("メール", "email")):
        openpyxl_sheet(book.create_sheet(title), [r for r in ctx.rows if r["channel"] == channel], HEADERS_EN)
    book.save(path)


@variant("openpyxl_sheet_per_channel_own_columns.xlsx", tool=OPX, expect="refuse",
         shape="one sheet per channel, each with only the columns of its channel (no received on 電話)",
         why="the first sheet lacks the columns the e-mail targets need")
def opx_per_channel_own(ctx, path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    keep = {"phone": [c for c in COLUMNS if c not in ("received", "responded_within_target")],
            "email": ["date", "channel", "queue", "received", "responded_within_target", "handle_time_total_s",
                      "answered", "offered", "csat_responses", "csat_satisfied"]}
    for title, channel in (("電話", "phone"), ("メール", "email")):
        ws = book.create_sheet(title)
        ws.append(keep[channel])
        for r in ctx.rows:
            if r["channel"] == channel:
                ws.append([r[c] for c in keep[channel]])
                ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
                if "interval" in keep[channel] and r["interval"]:
                    ws.cell(ws.max_row, 2).number_format = "hh:mm"
    book.save(path)


def _add_phonetics(data: bytes, readings: dict[str, str]) -> bytes:
    """Add phonetic guides (<rPh>) to shared strings, as Japanese Excel stores the IME's readings."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = part.decode("utf-8")
                for word, reading in readings.items():
                    text = text.replace(f"<t>{word}</t></si>", f'<t>{word}</t><rPh sb="0" eb="{len(word)}"><t>'
                                                             f'{reading}</t></rPh><phoneticPr fontId="1"/></si>')
                part = text.encode("utf-8")
            target.writestr(info, part)
    return out.getvalue()


@variant("excel_phonetic_guides_rph.xlsx",
         tool=OPX + " + Python {python} zipfile (adds the <rPh> phonetic runs Japanese Excel writes)", expect="accept",
         shape="Japanese headers and channel values 電話 / メール whose shared strings carry furigana (rPh) as Japanese "
               "Excel stores them",
         why="the phonetic reading is not part of the cell's value",
         steps="openpyxl writes the book; the script then adds <rPh sb=.. eb=..><t>チャクシンスウ</t></rPh> to "
               "xl/sharedStrings.xml")
def opx_rph(ctx, path):
    book = openpyxl_book(ctx.rows, HEADERS_JA, channel=CHANNELS_JA)
    buffer = io.BytesIO()
    book.save(buffer)
    readings = {"日付": "ヒヅケ", "時間帯": "ジカンタイ", "着信数": "チャクシンスウ", "応答数": "オウトウスウ",
                "放棄数": "ホウキスウ", "電話": "デンワ", "受信数": "ジュシンスウ"}
    path.write_bytes(_add_phonetics(buffer.getvalue(), readings))


def merged_channel_book(rows) -> openpyxl.Workbook:
    ordered = sorted(rows, key=lambda r: (r["channel"] != "phone", r["date"], iso_interval(r)))
    book = openpyxl_book(ordered, HEADERS_JA, date_format="yyyy/m/d", time_format="h:mm", channel=CHANNELS_JA)
    ws = book.active
    phone = sum(1 for r in ordered if r["channel"] == "phone")
    for first, last in ((2, phone + 1), (phone + 2, len(ordered) + 1)):
        ws.merge_cells(start_row=first, start_column=3, end_row=last, end_column=3)
        ws.cell(first, 3).alignment = Alignment(vertical="top")
    return book


@variant("openpyxl_merged_channel_cells.xlsx", tool=OPX, expect="accept",
         shape="rows grouped by channel, the channel (電話 / メール) written once in a merged cell over its block",
         why="a merged range has one value for all its cells; the file says so explicitly (mergeCells)")
def opx_merged_channel(ctx, path):
    merged_channel_book(ctx.rows).save(path)


@variant("openpyxl_hidden_superseded_rows.xlsx", tool=OPX, expect="refuse",
         shape="three corrected rows: the vendor copied each below the table with the new counts and hid the old "
               "row (hidden rows hold the superseded values)",
         why="the file holds two rows for the same date, interval, channel and queue; which one counts is not in "
             "the data (hidden is a view setting)")
def opx_hidden_rows(ctx, path):
    changed = [3, 40, 101]  # 0-based indexes into the reference rows
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS_EN)
    for i, r in enumerate(ctx.rows):
        old = dict(r)
        if i in changed:
            old.update(offered=r["offered"] + 5, answered=r["answered"] + 5, answered_within_sl=r["answered_within_sl"])
        ws.append(typed(old))
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        if r["interval"]:
            ws.cell(ws.max_row, 2).number_format = "hh:mm"
        if i in changed:
            ws.row_dimensions[ws.max_row].hidden = True
    for i in changed:
        ws.append(typed(ctx.rows[i]))
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 2).number_format = "hh:mm"
    book.save(path)


@variant("openpyxl_iso_dates_t_d.xlsx", tool=OPX + " (Workbook(iso_dates=True))", expect="accept",
         shape="dates and times stored as ISO 8601 cells of type d (t=\"d\"), which openpyxl writes on request",
         why="a t=\"d\" cell is a date or time")
def opx_iso(ctx, path):
    book = openpyxl.Workbook(iso_dates=True)
    openpyxl_sheet(book.active, ctx.rows, HEADERS_EN)
    book.save(path)


# --- xlsxwriter ----------------------------------------------------------------------------------------------

XW = "xlsxwriter {xlsxwriter}"


def xw_table(book, ws, rows, headers, *, row0=0, col0=0, channel=None, durations=False, percent=False):
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_f = book.add_format({"num_format": "yyyy/mm/dd"})
    time_f = book.add_format({"num_format": "hh:mm"})
    duration_f = book.add_format({"num_format": "[h]:mm:ss"})
    percent_f = book.add_format({"num_format": "0.0%"})
    extra = ["SL率"] if percent else []
    for c, text in enumerate([*headers, *extra]):
        ws.write(row0, col0 + c, text, bold)
    for i, r in enumerate(rows, start=1):
        values = typed(r, channel)
        ws.write_datetime(row0 + i, col0, dt.datetime.combine(values[0], dt.time()), date_f)
        if values[1] is not None:
            ws.write_datetime(row0 + i, col0 + 1, values[1], time_f)
        ws.write_string(row0 + i, col0 + 2, values[2])
        ws.write_string(row0 + i, col0 + 3, values[3])
        for c, m in enumerate(MEASURES, start=4):
            if durations and m in ("wait_time_total_s", "handle_time_total_s"):
                ws.write_number(row0 + i, col0 + c, r[m] / 86400, duration_f)
            else:
                ws.write_number(row0 + i, col0 + c, r[m])
        if percent:
            base = r["offered"] - r["abandoned_short"]
            ws.write_number(row0 + i, col0 + len(headers), r["answered_within_sl"] / base if base else 0, percent_f)


@variant("xlsxwriter_report_style.xlsx", tool=XW, expect="accept",
         shape="a styled report: coloured bordered header, freeze panes, autofilter, column widths, yyyy/mm/dd date "
               "cells, hh:mm time cells and an extra SL率 column of percent cells",
         why="styling changes no value; the percent column is unknown and ignored")
def xw_report(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("2026年10月")
    xw_table(book, ws, ctx.rows, HEADERS_JA, percent=True)
    ws.freeze_panes(1, 4)
    ws.autofilter(0, 0, len(ctx.rows), len(HEADERS_JA))
    ws.set_column(0, 0, 12)
    ws.set_column(4, 15, 14)
    book.close()


@variant("xlsxwriter_table_at_b2.xlsx", tool=XW, expect="accept",
         shape="the table starts at B2 (row 1 and column A empty, as people leave a margin)",
         why="the only header of known columns is row 2; the empty margin carries nothing")
def xw_b2(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("data")
    xw_table(book, ws, ctx.rows, HEADERS_EN, row0=1, col0=1)
    ws.set_column(0, 0, 2)
    book.close()


@variant("xlsxwriter_title_rows.xlsx", tool=XW, expect="accept",
         shape="title, vendor and empty rows above the Japanese header (header in row 4)",
         why="exactly one row is a header of known columns")
def xw_title(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("実績")
    ws.write(0, 0, "2026年10月度 コンタクトセンター実績報告", book.add_format({"bold": True, "font_size": 16}))
    ws.write(1, 0, "委託先：株式会社サンプルコール")
    xw_table(book, ws, ctx.rows, HEADERS_JA, row0=3)
    book.close()


@variant("xlsxwriter_formula_cached_zero.xlsx", tool=XW + " (write_formula without a value)", expect="refuse",
         shape="wait_time_total_s as the formula =ROUND(ASA*answered,0) from an extra ASA column; xlsxwriter stores "
               "0 as every formula's cached result and asks Excel to recalculate on load (fullCalcOnLoad)",
         why="the stored results are placeholders, not the values; the workbook itself says they must be "
             "recalculated, so reading them gives wrong totals")
def xw_formula(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("data")
    xw_table(book, ws, ctx.rows, HEADERS_EN)
    asa_col = len(HEADERS_EN)
    ws.write(0, asa_col, "ASA")
    wait_col = COLUMNS.index("wait_time_total_s")
    for i, r in enumerate(ctx.rows, start=1):
        ws.write_number(i, asa_col, r["wait_time_total_s"] / r["answered"] if r["answered"] else 0)
        answered = xlsxwriter.utility.xl_rowcol_to_cell(i, COLUMNS.index("answered"))
        asa = xlsxwriter.utility.xl_rowcol_to_cell(i, asa_col)
        ws.write_formula(i, wait_col, f"=ROUND({asa}*{answered},0)")
    book.close()


@variant("xlsxwriter_durations_as_time_cells.xlsx", tool=XW, expect="accept",
         shape="wait and handle totals as duration cells ([h]:mm:ss, e.g. 0:25:00) as ACD reports show them",
         why="a duration cell is an exact number of seconds (day fraction × 86,400)")
def xw_durations(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("data")
    xw_table(book, ws, ctx.rows, HEADERS_JA, durations=True)
    book.close()


@variant("xlsxwriter_excel_table.xlsx", tool=XW + " (add_table)", expect="accept",
         shape="the data as an Excel table (ListObject) with banded rows and a table part", why="SPEC §4")
def xw_list_object(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("data")
    date_f = book.add_format({"num_format": "yyyy-mm-dd"})
    time_f = book.add_format({"num_format": "hh:mm"})
    data = [[dt.datetime.combine(r["date"], dt.time()), r["interval"], *typed(r)[2:]] for r in ctx.rows]
    columns = [{"header": h, "format": date_f if i == 0 else time_f if i == 1 else None}
               for i, h in enumerate(HEADERS_EN)]
    ws.add_table(0, 0, len(data), len(HEADERS_EN) - 1, {"data": data, "columns": columns, "name": "October"})
    book.close()


@variant("xlsxwriter_ja_merged_dates_era_format.xlsx", tool=XW + " (merge_range)", expect="accept",
         shape="Japanese report: each day's date once in a merged cell shown in the Japanese era (令和8年10月1日), "
               "channel values 電話 / メール",
         why="a merged range has one value for all its cells; the date cell is a real date")
def xw_merged_era(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("実績")
    era = book.add_format({"num_format": '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"', "valign": "vcenter"})
    xw_table(book, ws, ctx.rows, HEADERS_JA, channel=CHANNELS_JA)
    start = 1
    for n, r in enumerate(ctx.rows, start=1):
        if n == len(ctx.rows) or ctx.rows[n]["date"] != r["date"]:
            ws.merge_range(start, 0, n, 0, dt.datetime.combine(r["date"], dt.time()), era)
            start = n + 1
    book.close()


@variant("xlsxwriter_formula_with_values.xlsx", tool=XW + " (write_formula with value=)", expect="refuse",
         shape="wait_time_total_s as =ROUND(ASA*answered,0) with the right results given to xlsxwriter; the "
               "workbook still says fullCalcOnLoad",
         why="the stored results happen to be right, but nothing in the file tells them from xlsxwriter's "
             "placeholder zeros: a workbook that asks to be recalculated on load has no trustworthy results")
def xw_formula_values(ctx, path):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("data")
    xw_table(book, ws, ctx.rows, HEADERS_EN)
    asa_col = len(HEADERS_EN)
    ws.write(0, asa_col, "ASA")
    wait_col = COLUMNS.index("wait_time_total_s")
    for i, r in enumerate(ctx.rows, start=1):
        ws.write_number(i, asa_col, r["wait_time_total_s"] / r["answered"] if r["answered"] else 0)
        answered = xlsxwriter.utility.xl_rowcol_to_cell(i, COLUMNS.index("answered"))
        asa = xlsxwriter.utility.xl_rowcol_to_cell(i, asa_col)
        ws.write_formula(i, wait_col, f"=ROUND({asa}*{answered},0)", None, r["wait_time_total_s"])
    book.close()


# --- LibreOffice headless ------------------------------------------------------------------------------------

LO = "LibreOffice {libreoffice} headless"


@variant("libreoffice_from_reference.xlsx", tool=LO + " --convert-to xlsx from reference.csv",
         expect="accept", shape="LibreOffice's own XLSX: detected date cells, time cells and numbers",
         why="SPEC §4", steps="soffice --infilter=CSV:44,34,76,1 --convert-to xlsx reference.csv")
def lo_xlsx(ctx, path):
    ctx.soffice(ctx.out / "reference.csv", "xlsx", path, infilter="CSV:44,34,76,1")


@variant("libreoffice_from_ja_cp932.xlsx", tool=LO + " --convert-to xlsx from ja_headers_cp932.csv",
         expect="accept", shape="XLSX from the CP932 CSV: Japanese headers, typed cells", why="SPEC §4",
         steps="soffice --infilter=CSV:44,34,64,1 --convert-to xlsx ja_headers_cp932.csv")
def lo_ja_xlsx(ctx, path):
    ctx.soffice(ctx.out / "ja_headers_cp932.csv", "xlsx", path, infilter="CSV:44,34,64,1")


@variant("libreoffice_sjis_export.csv", tool=OPX + " → " + LO + " " + SJIS_CSV, expect="accept",
         shape="Shift_JIS CSV export: Japanese headers, dates 2026/10/01, intervals 9:00, text cells quoted",
         why="SPEC §4", steps=f"openpyxl writes typed cells; soffice --convert-to '{SJIS_CSV}'")
def lo_sjis(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,64,1", headers=HEADERS_JA, date_format="yyyy/mm/dd", time_format="h:mm")


@variant("libreoffice_thousands_separators.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="numbers shown with thousands separators and exported as shown: \"8,052\" (quoted)",
         why="parse_upload's docstring: \"1,234\" is a thousands separator as Excel quotes it; no number in the "
             "file uses a decimal comma, and the portal's vendors write 1,234.5",
         steps="openpyxl number_format '#,##0'; soffice exports as shown")
def lo_thousands(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", number_format="#,##0")


@variant("libreoffice_dates_yyyy_m_d.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="dates 2026/10/1 as Japanese Excel writes them into CSV", why="parse_upload accepts YYYY/M/D",
         steps="openpyxl number_format 'yyyy/m/d'; soffice exports as shown")
def lo_slash(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", date_format="yyyy/m/d", time_format="h:mm")


@variant("libreoffice_dates_us_mm_dd_yy.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="refuse",
         shape="dates 10/01/26 (en-US MM/DD/YY, LibreOffice's and Excel's US default)",
         why="MM/DD/YY cannot be told from DD/MM/YY in general, and the year has two digits",
         steps="openpyxl number_format 'MM/DD/YY'; soffice exports as shown")
def lo_us(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", date_format="MM/DD/YY")


@variant("libreoffice_dates_japanese_era.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="dates in the Japanese era: 令和8年10月1日", why="the era date names exactly one day",
         steps="openpyxl number_format '[$-411]ggge\"年\"m\"月\"d\"日\"'; soffice exports as shown")
def lo_era(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", date_format='[$-411]ggge"年"m"月"d"日"')


@variant("libreoffice_dates_month_day_no_year.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="dates 10月1日 without a year", why="the upload's month gives the year; a month other than October "
                                                  "would be refused",
         steps="openpyxl number_format 'm\"月\"d\"日\"'; soffice exports as shown")
def lo_md(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", date_format='m"月"d"日"')


@variant("libreoffice_dates_kanji_ymd.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="dates 2026年10月1日", why="unambiguous", steps="number_format 'yyyy\"年\"m\"月\"d\"日\"'")
def lo_kanji(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", date_format='yyyy"年"m"月"d"日"')


@variant("libreoffice_dash_for_zero.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="zero shown as - (number format 0;-0;\"-\"), e.g. abandoned_short and received on phone rows",
         why="the format writes 0 as -, a Japanese report's usual \"none\"; a blank cell would still be missing",
         steps="openpyxl number_format '0;-0;\"-\"'; soffice exports as shown")
def lo_dash(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", number_format='0;-0;"-"')


@variant("libreoffice_times_am_pm.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="intervals as 9:00:00 AM (en-US time format)", why="a 12-hour time with AM/PM is unambiguous",
         steps="openpyxl number_format 'h:mm:ss AM/PM'; soffice exports as shown")
def lo_ampm(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", time_format="h:mm:ss AM/PM")


@variant("libreoffice_durations_hh_mm_ss.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="wait and handle totals as duration text [HH]:MM:SS (00:25:00)",
         why="h:mm:ss with three parts is an exact number of seconds",
         steps="openpyxl writes seconds/86400 with number_format '[HH]:MM:SS'; soffice exports as shown")
def lo_durations(ctx, path):
    source = ctx.scratch("durations.xlsx")
    book = openpyxl_book(ctx.rows, HEADERS_EN)
    ws = book.active
    for n in range(2, len(ctx.rows) + 2):
        for key in ("wait_time_total_s", "handle_time_total_s"):
            cell = ws.cell(n, COLUMNS.index(key) + 1)
            cell.value = cell.value / 86400
            cell.number_format = "[HH]:MM:SS"
    book.save(source)
    ctx.soffice(source, UTF8_CSV, path)


@variant("libreoffice_utf16_unicode_text.txt", tool=LO + " " + CSV_LO.format("9,34,65535,1"), expect="accept",
         shape="UTF-16LE with BOM, tab-separated: what Excel's \"Unicode テキスト\" writes",
         why="the BOM says exactly how to read it; Japanese Excel users pick this to keep kana safe",
         steps="soffice --infilter=CSV:44,34,64,1 --convert-to 'csv:…:9,34,65535,1' ja_headers_cp932.csv")
def lo_utf16(ctx, path):
    ctx.soffice(ctx.out / "ja_headers_cp932.csv", CSV_LO.format("9,34,65535,1"), path,
                infilter="CSV:44,34,64,1")


@variant("libreoffice_recalculated_formulas.xlsx",
         tool=OPX + " formulas → " + LO + " --convert-to xlsx (recalculates and stores results)", expect="accept",
         shape="abandoned on phone rows as the formula =E2-F2 with the result LibreOffice computed and saved",
         why="formula cells with saved results are values", steps="the openpyxl file of "
         "openpyxl_formulas_without_cached_values.xlsx, opened and saved by soffice")
def lo_recalc(ctx, path):
    ctx.soffice(ctx.out / "openpyxl_formulas_without_cached_values.xlsx", "xlsx", path)


def totals_book(rows, headers, label) -> openpyxl.Workbook:
    book = openpyxl_book(rows, headers, date_format="yyyy/m/d", time_format="h:mm")
    ws = book.active
    last = len(rows) + 1
    ws.cell(last + 1, 1, label).font = Font(bold=True)
    for col in range(5, len(COLUMNS) + 1):
        letter = openpyxl.utils.get_column_letter(col)
        ws.cell(last + 1, col, f"=SUM({letter}2:{letter}{last})").font = Font(bold=True)
    return book


@variant("libreoffice_totals_row_goukei_sjis.csv", tool=OPX + " SUM formulas → " + LO + " " + SJIS_CSV,
         expect="accept",
         shape="a final 合計 (total) row with the column sums, Shift_JIS, Japanese headers",
         why="a last row labelled 合計 whose values equal the sums of the rows above is a total: drop it "
             "(and refuse if it does not add up)",
         steps="openpyxl writes =SUM(E2:E280) …; soffice computes and exports as shown")
def lo_goukei(ctx, path):
    source = ctx.scratch("goukei.xlsx")
    totals_book(ctx.rows, HEADERS_JA, "合計").save(source)
    ctx.soffice(source, SJIS_CSV, path)


@variant("libreoffice_totals_row_total.xlsx", tool=OPX + " SUM formulas → " + LO + " --convert-to xlsx",
         expect="accept", shape="a final Total row of =SUM() formulas with results saved by LibreOffice",
         why="a last row labelled Total whose values equal the sums above is a total: drop it")
def lo_total(ctx, path):
    source = ctx.scratch("total.xlsx")
    totals_book(ctx.rows, HEADERS_EN, "Total").save(source)
    ctx.soffice(source, "xlsx", path)


@variant("libreoffice_merged_date_cells.csv", tool=OPX + " merged cells → " + LO + " " + UTF8_CSV,
         expect="refuse",
         shape="the merged-date report exported to CSV: the date only on the first row of each day, empty below",
         why="in a CSV an empty date cannot be told from a forgotten one (the merge is lost)",
         steps="openpyxl_merged_date_cells.xlsx converted by soffice")
def lo_merged_csv(ctx, path):
    ctx.soffice(ctx.out / "openpyxl_merged_date_cells.xlsx", UTF8_CSV, path)


@variant("libreoffice_table_at_b2.csv", tool=XW + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="the B2 table exported to CSV: an empty first line and an empty first column",
         why="the empty margin carries nothing; exactly one row is a header of known columns",
         steps="xlsxwriter_table_at_b2.xlsx converted by soffice")
def lo_b2(ctx, path):
    ctx.soffice(ctx.out / "xlsxwriter_table_at_b2.xlsx", UTF8_CSV, path)


@variant("libreoffice_european_semicolon.csv", tool=OPX + " → " + LO + " " + CSV_LO.format("59,34,76,1"),
         expect="refuse",
         shape="German Excel CSV: semicolon-separated, dates 01.10.2026, thousands with dots (8.052)",
         why="SPEC §4 takes comma or tab; the file-level message says to use commas",
         steps="openpyxl number formats 'DD.MM.YYYY' and '[$-407]#,##0'; soffice exports as shown with ;")
def lo_semicolon(ctx, path):
    lo_csv_from_formats(ctx, path, "59,34,76,1", date_format="DD.MM.YYYY", number_format="[$-407]#,##0")


@variant("libreoffice_european_tab_dot_thousands.tsv", tool=OPX + " → " + LO + " " + CSV_LO.format("9,34,76,1"),
         expect="refuse",
         shape="tab-separated, ISO dates, numbers in German format: 8.052 means 8,052 seconds",
         why="\"8.052\" is ambiguous (8.052 s or 8,052 s); every dotted value having exactly three decimals in a "
             "seconds column is the tell: refuse with the cell rather than read 8.052",
         steps="openpyxl number_format '[$-407]#,##0'; soffice exports as shown with tabs")
def lo_tab_dots(ctx, path):
    lo_csv_from_formats(ctx, path, "9,34,76,1", number_format="[$-407]#,##0")


@variant("libreoffice_european_tab_decimal_comma.tsv", tool=OPX + " → " + LO + " " + CSV_LO.format("9,34,76,1"),
         expect="accept", shape="tab-separated, numbers 8.052,0 and 66,0 (German thousands dot, decimal comma)",
         why="every number has a decimal comma, so the file says which convention it uses: 8.052,0 is 8,052",
         steps="openpyxl number_format '[$-407]#,##0.0'; soffice exports as shown with tabs")
def lo_tab_comma(ctx, path):
    lo_csv_from_formats(ctx, path, "9,34,76,1", number_format="[$-407]#,##0.0")


@variant("libreoffice_ods.ods", tool=LO + " --convert-to ods", expect="refuse",
         shape="OpenDocument spreadsheet (.ods)", why="SPEC §4 takes CSV and XLSX; the message says so")
def lo_ods(ctx, path):
    ctx.soffice(ctx.out / "reference.csv", "ods", path, infilter="CSV:44,34,76,1")


@variant("libreoffice_excel97.xls", tool=LO + " --convert-to xls (MS Excel 97)", expect="refuse",
         shape="Excel 97-2003 binary workbook (.xls)", why="SPEC §4 takes XLSX; the message says how to save it")
def lo_xls(ctx, path):
    ctx.soffice(ctx.out / "reference.csv", "xls", path, infilter="CSV:44,34,76,1")


@variant("libreoffice_era_date_cells.xlsx", tool=OPX + " → " + LO + " --convert-to xlsx", expect="accept",
         shape="real date cells formatted in the Japanese era (令和8年10月1日) as LibreOffice writes the format code",
         why="the cells are dates whatever their format")
def lo_era_cells(ctx, path):
    source = ctx.scratch("era.xlsx")
    openpyxl_book(ctx.rows, HEADERS_JA, date_format='[$-411]ggge"年"m"月"d"日"').save(source)
    ctx.soffice(source, "xlsx", path)


@variant("libreoffice_merged_channel_cells.csv", tool=OPX + " merged cells → " + LO + " " + UTF8_CSV,
         expect="refuse",
         shape="the merged-channel report exported to CSV: 電話 / メール only on the first row of each block, the "
               "channel cell empty on every other row",
         why="in a CSV an empty channel means \"all channels\" or a forgotten value, never the row above; with "
             "targets per channel such rows must not be scored silently",
         steps="openpyxl_merged_channel_cells.xlsx converted by soffice")
def lo_merged_channel(ctx, path):
    ctx.soffice(ctx.out / "openpyxl_merged_channel_cells.xlsx", UTF8_CSV, path)


@variant("libreoffice_dates_with_weekday.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="dates 2026/10/1(木) with the weekday, as Japanese Excel's date format yyyy/m/d(aaa) shows them",
         why="the weekday in brackets only repeats the date",
         steps="openpyxl number_format '[$-411]yyyy/m/d(aaa)'; soffice exports as shown")
def lo_weekday(ctx, path):
    lo_csv_from_formats(ctx, path, "44,34,76,1", headers=HEADERS_JA, date_format="[$-411]yyyy/m/d(aaa)",
                        time_format="h:mm")


def monthly_book(rows, number_format) -> openpyxl.Workbook:
    month = []
    for channel in ("phone", "email"):
        first = next(r for r in rows if r["channel"] == channel)
        month.append({**first, **totals(rows, channel), "date": rows[0]["date"], "interval": None})
    return openpyxl_book(month, HEADERS_EN, number_format=number_format)


@variant("libreoffice_european_tab_monthly_totals.tsv", tool=OPX + " → " + LO + " " + CSV_LO.format("9,34,76,1"),
         expect="accept",
         shape="the month as one row per channel, tab-separated, German thousands dots: 16.835 calls, 426.192 s",
         why="a count written 16.835 can only be sixteen thousand (counts are whole), so the file says it writes "
             "1.234,5; then 426.192 s is 426,192 s",
         steps="openpyxl number_format '[$-407]#,##0'; soffice exports as shown with tabs")
def lo_eu_month(ctx, path):
    source = ctx.scratch("eu-month.xlsx")
    monthly_book(ctx.rows, "[$-407]#,##0").save(source)
    ctx.soffice(source, CSV_LO.format("9,34,76,1"), path)


@variant("libreoffice_monthly_totals_thousands.csv", tool=OPX + " → " + LO + " " + UTF8_CSV, expect="accept",
         shape="the month as one row per channel with thousands separators: \"16,835\" calls, \"426,192\" s",
         why="a count written 16,835 can only be sixteen thousand, so the file writes 1,234.5",
         steps="openpyxl number_format '#,##0'; soffice exports as shown")
def lo_month_thousands(ctx, path):
    source = ctx.scratch("month.xlsx")
    monthly_book(ctx.rows, "#,##0").save(source)
    ctx.soffice(source, UTF8_CSV, path)


# --- node: SheetJS and exceljs (written by node/variants.js) ------------------------------------------------

SJS = "SheetJS xlsx {sheetjs} on node {node}"
EXJ = "exceljs {exceljs} on node {node}"

node_variant("sheetjs_aoa_date_cells.xlsx", tool=SJS + " (aoa_to_sheet, writeFile), TZ=UTC", expect="accept",
             shape="JS Date objects written as serial date cells (m/d/yy) and time cells, numbers as numbers; SheetJS's "
                   "default uncompressed (stored) ZIP",
             why="SPEC §4")
node_variant("sheetjs_celldates_iso.xlsx", tool=SJS + " (cellDates: true, compression: true), TZ=UTC", expect="accept",
             shape="date and time cells stored as ISO 8601 text cells of type d (t=\"d\")",
             why="a t=\"d\" cell is a date")
node_variant("sheetjs_json_strings_sst.xlsx", tool=SJS + " (json_to_sheet from strings, bookSST: true, compression: true)",
             expect="accept", shape="every value a shared string (as JSON from an API gives them)",
             why="the text spells the same values")
node_variant("sheetjs_sheet_to_csv.csv", tool=SJS + " (utils.sheet_to_csv of a sheet of Date cells)",
             expect="refuse", shape="SheetJS's CSV: dates 10/1/26 (m/d/yy), times 9:00",
             why="m/d/yy is ambiguous and has a two-digit year")
node_variant("sheetjs_formulas_without_values.xlsx", tool=SJS + " (cells with f and no v, compression: true)", expect="refuse",
             shape="abandoned on phone rows as formulas =E2-F2 without results", why="no value is stored")
node_variant("exceljs_typed_cells.xlsx", tool=EXJ + " (Date cells with numFmt, TZ=UTC)", expect="accept",
             shape="date cells yyyy-mm-dd, time cells hh:mm, a bold header, column widths", why="SPEC §4")
node_variant("exceljs_formulas_with_results.xlsx", tool=EXJ + " ({{formula, result}})", expect="accept",
             shape="abandoned on phone rows as formulas =E2-F2 with their results stored", why="formula results are values")
node_variant("exceljs_ja_styled.xlsx", tool=EXJ, expect="accept",
             shape="Japanese headers with fills and borders, channel values 電話 / メール, dates shown yyyy/m/d",
             why="SPEC §4")
node_variant("exceljs_tz_tokyo_local_dates.xlsx", tool=EXJ + " (Date cells), TZ=Asia/Tokyo", expect="refuse",
             shape="local JS Dates (new Date(2026, 9, 1), new Date(1899, 11, 30, 9, 0)) written on a laptop in Tokyo: "
                   "exceljs converts them as UTC, so the cells hold 2026-09-30 15:00 and times before 1899-12-30",
             why="the cells hold other dates and times than the vendor meant (a day early, negative times); they must "
                 "be refused with their cells, never scored (a date cell with a time of day is no plain date)")
node_variant("exceljs_csv_writer.csv", tool=EXJ + " (workbook.csv.writeFile)", expect="refuse",
             shape="exceljs's CSV of a sheet of Date cells: dates 2026-10-01T00:00:00+00:00, intervals "
                   "1899-12-30T09:00:00+00:00 (dayjs' default spelling)",
             why="the intervals are date-times on Excel's day zero with a UTC offset; taking them as times of day is "
                 "a guess: the vendor should write HH:MM")


def check_format_assumptions() -> None:
    """Fail early if a library changed what the makers rely on."""
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", openpyxl.__version__)
