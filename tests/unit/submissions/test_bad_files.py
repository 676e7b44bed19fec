"""The bad-file corpus: every file gets a specific, clear message and no rows; bombs are built in the tests."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from vendorportal.submissions.parsing import ParseResult, UploadRejected, parse_upload

BAD_FILES = Path(__file__).parent / "bad_files"
REQUIRED = ("offered", "answered", "answered_within_sl", "abandoned", "abandoned_short")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Files for a contract whose targets need no call measures (survey and quality data).
NO_CALL_TARGETS = {"ces_total_out_of_scale.csv", "csat_satisfied_more_than_responses.csv",
                   "qa_total_out_of_scale.csv", "wait_buckets_decreasing.csv"}

# file -> (row, column, the message or its start); row and column None for the whole file.
EXPECTED: dict[str, tuple[int | None, str | None, str]] = {
    "empty.csv": (None, None, "The file is empty."),
    "only_bom_and_blank_lines.csv": (None, None, "The file is empty."),
    "header_only.csv": (None, None, "The file has only a header row and no data rows."),
    "header_only.xlsx": (None, None, "The file has only a header row and no data rows."),
    "latin1_encoding.csv": (None, None, "The file is neither UTF-8 nor Shift_JIS (CP932): the bytes at offset 117 "
                                        "(line 2) cannot be read."),
    "utf16_unicode_text.csv": (None, None, "The file is saved as UTF-16 (\"Unicode Text\")."),
    "nul_bytes.csv": (None, None, "This file is binary data, not a CSV or XLSX file."),
    "pdf_named_csv.csv": (None, None, "This file is a PDF document, not a CSV or XLSX file."),
    "renamed_program.xlsx": (None, None, "This file is a Windows program, not a CSV or XLSX file."),
    "old_excel_97.xls": (None, None, "This is an Excel 97-2003 (.xls) file or a password-protected workbook."),
    "web_page_saved_as_xls.xls": (None, None, "This is a web page (HTML), not a CSV or XLSX file."),
    "word_document_renamed.xlsx": (None, None, "The file is a ZIP archive but not an Excel workbook"),
    "truncated_workbook.xlsx": (None, None, "The workbook is damaged or not an XLSX file"),
    "encrypted_zip.xlsx": (None, None, "The workbook is encrypted; remove the password and save it again."),
    "too_many_parts.xlsx": (None, None, "The workbook has more than 100 parts; it was refused."),
    "macro_workbook.xlsm": (None, None, "Macro-enabled workbooks (.xlsm) are not accepted"),
    "macro_renamed_to_xlsx.xlsx": (None, None, "Macro-enabled workbooks (.xlsm) are not accepted"),
    "billion_laughs_shared_strings.xlsx": (None, None, "The part xl/sharedStrings.xml of the workbook declares a "
                                                       "DTD or entities"),
    "external_entity_in_sheet.xlsx": (None, None, "The part xl/worksheets/sheet1.xml of the workbook declares a "
                                                  "DTD or entities"),
    "semicolon_separated.csv": (1, None, "The columns are separated by semicolons; use commas or tabs."),
    "unbalanced_quote.csv": (3, None, "Row 3 cannot be read as CSV (unexpected end of data); check its quotes."),
    "missing_date_column.csv": (None, "date", "The column date (日付) is missing; every row needs its date."),
    "missing_required_column.csv": (None, "answered_within_sl", "The column answered_within_sl (時間内応答数) is "
                                                                "missing; the contract's targets need it."),
    "misspelt_column.csv": (None, "offered", "The column offered (着信数) is missing; the contract's targets need it."),
    "same_column_twice.csv": (1, "着信数", "The columns offered and 着信数 both mean offered; keep one of them."),
    "negative_count.csv": (3, "answered", "-3 is negative; only numbers of 0 or more are allowed."),
    "fractional_count.csv": (3, "offered", "100.5 is not a whole number; counts have no decimals."),
    "text_in_count.csv": (3, "answered", "ninety is not a number."),
    "exponent_count.csv": (2, "offered", "1e3 is written with an exponent; write the number in full digits."),
    "missing_value.csv": (2, "answered", "A value is missing; enter 0 if there was none."),
    "cp932_with_bad_count.csv": (2, "応答数", "９０．５ is not a whole number; counts have no decimals."),
    "boolean_in_count.xlsx": (2, "answered", "TRUE is not a number."),
    "error_cell.xlsx": (2, "answered", "The cell shows the Excel error #DIV/0!."),
    "formula_without_cached_value.xlsx": (2, "answered", "The cell holds the formula =F2+1 but no saved result."),
    "answered_more_than_offered.csv": (3, "answered", "answered (120) is more than offered (100)."),
    "within_sl_more_than_answered.csv": (2, "answered_within_sl", "answered_within_sl (95) is more than answered "
                                                                  "(90)."),
    "answered_plus_abandoned_more_than_offered.csv": (2, "answered", "answered + abandoned (110) is more than "
                                                                     "offered (100)."),
    "short_abandons_more_than_abandoned.csv": (2, "abandoned_short", "abandoned_short (12) is more than abandoned "
                                                                     "(10)."),
    "csat_satisfied_more_than_responses.csv": (2, "csat_satisfied", "csat_satisfied (25) is more than "
                                                                    "csat_responses (20)."),
    "wait_buckets_decreasing.csv": (2, "wait_le_20", "wait_le_20 (20) is less than wait_le_10 (30)"),
    "ces_total_out_of_scale.csv": (2, "ces_score_total", "ces_score_total (60) must be between 10 and 50"),
    "qa_total_out_of_scale.csv": (2, "qa_score_total", "qa_score_total (301) must be between 0 and 300"),
    "date_outside_month.csv": (3, "date", "The date 2026-05-01 is not in 2026-04, the month of this upload."),
    "impossible_date.csv": (2, "date", "2026-04-31 is not a date of the calendar."),
    "date_in_wrong_format.csv": (2, "date", "01.04.2026 is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01."),
    "interval_not_on_quarter_hour.csv": (2, "interval", "09:10 does not start a 15-, 30- or 60-minute interval"),
    "duplicate_rows.csv": (4, None, "Row 4 repeats 2026-04-01 09:00 phone main of row 2"),
    "day_total_mixed_with_intervals.csv": (3, "interval", "Row 3 has no interval (a total for 2026-04-01 phone "
                                                          "main) while row 2 gives an interval"),
    "html_in_queue.csv": (2, "queue", "The text <script>alert(1)</script> contains < or >; HTML is not accepted"),
    "control_characters_in_channel.csv": (2, "channel", "The text ph\\u202eone contains control or invisible "
                                                        "characters"),
    "reported_value_differs.csv": (3, "reported_service_level", "reported_service_level is 79 here but 81.5 in "
                                                                "row 2"),
    # Hostile layouts, written by `bench/ingest.py --write-corpus` (which times larger ones of each kind).
    "wide_row_spaced_tags.xlsx": (None, None, "The workbook is damaged or not an XLSX file (xl/worksheets/sheet1.xml, "
                                              "row 1: more than 16,384 cells)."),
    "unreferenced_shared_strings.xlsx": (None, None, "The workbook's table of texts holds more than 100,000 entries, "
                                                     "far more than its first sheet could use (at most 20); it was "
                                                     "refused."),
    "huge_number_in_prefixed_sheet.xlsx": (None, None, "The workbook is damaged or not an XLSX file "
                                                       "(xl/worksheets/sheet1.xml, row 2: a cell of more than 32,767 "
                                                       "characters)."),
    "excel4_macro_sheet.xlsx": (None, None, "Macro-enabled workbooks (.xlsm) are not accepted"),
}


def outcome(data: bytes, filename: str, **options) -> tuple[ParseResult | None, list]:
    """Return the result (None when refused) and the issues that stopped the file."""
    options.setdefault("required_measures", () if filename in NO_CALL_TARGETS else REQUIRED)
    try:
        result = parse_upload(data, filename, year=2026, month=4, **options)
    except UploadRejected as rejected:
        return None, [rejected.issue]
    return result, result.errors


def test_the_corpus_has_at_least_30_files_and_each_is_described() -> None:
    names = {path.name for path in BAD_FILES.iterdir()}
    assert len(names) >= 30
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_gets_its_own_clear_message_and_no_rows(name: str) -> None:
    row, column, message = EXPECTED[name]
    result, found = outcome((BAD_FILES / name).read_bytes(), name)
    assert result is None or (result.rows == [] and not result.ok)
    assert found, "the file was accepted"
    first = found[0]
    assert (first.row, first.column) == (row, column)
    assert str(first.message).startswith(message), str(first.message)


def bomb(size: int) -> bytes:
    """Return an XLSX whose sheet unpacks to size bytes of XML, written without holding them in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/></Types>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="sheet1.xml"/></Relationships>'))
        with archive.open("xl/sheet1.xml", "w") as sheet:
            start = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
            sheet.write(start)
            block = b" " * (1 << 20)
            left = size - len(start)
            while left > 0:
                sheet.write(block[:left])
                left -= len(block)
    return buffer.getvalue()


def refused_within(data: bytes, limit_mb: int, **options) -> str:
    tracemalloc.start()
    try:
        result, found = outcome(data, "bomb.xlsx", **options)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result is None
    assert peak < limit_mb * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return str(found[0].message)


def test_zip_bomb_is_refused_before_unpacking() -> None:
    data = bomb(210 * 1024 * 1024)
    assert len(data) < 2_000_000
    message = refused_within(data, limit_mb=8)
    assert message == "The workbook expands to more than 200 MB when unpacked; it looks like a zip bomb and was refused."


def test_zip_bomb_with_understated_sizes_is_refused_in_bounded_memory() -> None:
    # The sizes in the ZIP directory are the sender's word: claim 150 MB so that only streaming can tell.
    data = bytearray(bomb(210 * 1024 * 1024))
    entry = data.rfind(b"PK\x01\x02")  # the sheet's entry is the last one in the central directory
    struct.pack_into("<I", data, entry + 24, 150 * 1024 * 1024)
    message = refused_within(bytes(data), limit_mb=80)
    assert message.startswith("The workbook is damaged or not an XLSX file (xl/sheet1.xml: an element larger than 16 MB)")


def test_highly_compressed_part_is_refused() -> None:
    message = refused_within(bomb(12 * 1024 * 1024), limit_mb=40)
    assert message.startswith("The part xl/sheet1.xml of the workbook is compressed more than 100:1")


def test_oversized_csv_is_refused_as_too_many_rows() -> None:
    data = b"date,offered\n" + b"2026-04-01,1\n" * 500_001
    result, found = outcome(data, "big.csv")
    assert result is None
    assert str(found[0].message) == "The file has more than 500,000 data rows; split it or upload day totals."


def test_oversized_xlsx_is_refused_as_too_many_rows() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>2026-04-01</t></is></c><c r="B{n}"><v>1</v></c>'
                   "</row>" for n in range(2, 1003))
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c>'
             f'<c r="B1" t="inlineStr"><is><t>offered</t></is></c></row>{rows}</sheetData></worksheet>')
    data = bytearray(bomb(100))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for name in archive.namelist():
            rebuilt.writestr(name, sheet if name == "xl/sheet1.xml" else archive.read(name))
    result, found = outcome(buffer.getvalue(), "big.xlsx", max_rows=1000)
    assert result is None
    assert str(found[0].message) == "The file has more than 1,000 data rows; split it or upload day totals."
