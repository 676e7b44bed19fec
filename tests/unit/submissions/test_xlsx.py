"""Unit tests for the streaming XLSX reader: cell types, styles, layouts and the ZIP and XML safety checks."""

from __future__ import annotations

import datetime as dt
import io
import random
import tracemalloc
import warnings
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from vendorportal.submissions import xlsx
from vendorportal.submissions.xlsx import CellError, FormulaWithoutValue, Percent, XlsxRejected

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="5">
 <numFmt numFmtId="164" formatCode="yyyy/m/d"/>
 <numFmt numFmtId="165" formatCode="[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
 <numFmt numFmtId="166" formatCode="0.0%"/>
 <numFmt numFmtId="167" formatCode="&quot;day&quot;\\ 0.00"/>
 <numFmt numFmtId="168" formatCode="[h]:mm"/>
</numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="10">
 <xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/>
 <xf numFmtId="166"/><xf numFmtId="10"/><xf numFmtId="167"/><xf numFmtId="22"/><xf numFmtId="168"/>
</cellXfs>
</styleSheet>"""


def build(sheet_data: str = "", *, shared: list[str] | None = None, shared_xml: str | None = None,
          workbook_pr: str = "", sheet_xml: str | None = None, main: str = MAIN, rel: str = REL,
          extra: dict[str, bytes] | None = None, styles: str = STYLES) -> bytes:
    """Return a minimal XLSX whose first sheet holds sheet_data (the inside of <sheetData>)."""
    sheet = sheet_xml if sheet_xml is not None else (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}" xmlns:r="{rel}">'
        f"<dimension ref=\"A1\"/><sheetData>{sheet_data}</sheetData><pageMargins left=\"0.7\"/></worksheet>")
    if shared is not None:
        shared_xml = f'<sst xmlns="{main}">' + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><workbookPr{workbook_pr}/><sheets>'
            '<sheet name="Data" sheetId="2" r:id="rId2"/><sheet name="Other" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
            + (f'<Relationship Id="rId4" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
               if shared_xml is not None else "") + "</Relationships>"),
        # The workbook lists sheet2.xml first: that is the sheet the vendor sees first.
        "xl/worksheets/sheet2.xml": sheet,
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1"><v>999</v></c>'
                                    "</row></sheetData></worksheet>",
        "xl/styles.xml": styles.replace(MAIN, main),
    }
    if shared_xml is not None:
        parts["xl/sharedStrings.xml"] = shared_xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def read(data: bytes, max_column: int | None = None) -> list[tuple[int, list]]:
    book = xlsx.Workbook(data)
    book.max_column = max_column
    return list(book.rows())


def openpyxl_bytes(rows: list[list], formats: dict[str, str] | None = None) -> bytes:
    book = OpenpyxlWorkbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_openpyxl_reads_with_defusedxml() -> None:
    # Other parts of the portal use openpyxl (templates); it must guard against XML bombs itself.
    assert openpyxl.xml.DEFUSEDXML is True


def test_reads_an_openpyxl_workbook_with_every_cell_type() -> None:
    data = openpyxl_bytes([
        ["date", "interval", "offered", "aht", "ok", "rate", "formula", "error", "text"],
        [dt.datetime(2026, 4, 1), dt.time(9, 15), 120, 245.5, True, 0.853, "=C2*2", "#DIV/0!", "main & <b>"],
        [dt.datetime(2026, 4, 2, 13, 30), "09:30", 0, 12.0, False, None, None, None, "①髙﨑"],
    ], formats={"F2": "0.0%"})
    rows = read(data)
    assert rows[0] == (1, ["date", "interval", "offered", "aht", "ok", "rate", "formula", "error", "text"])
    number, values = rows[1]
    assert number == 2
    assert values[:5] == [dt.datetime(2026, 4, 1), dt.time(9, 15), 120, Decimal("245.5"), True]
    assert isinstance(values[5], Percent) and values[5] == Decimal("0.853")
    assert values[6] == FormulaWithoutValue("C2*2")
    assert values[7] == CellError("#DIV/0!")
    assert values[8] == "main & <b>"
    assert rows[2] == (3, [dt.datetime(2026, 4, 2, 13, 30), "09:30", 0, 12, False, None, None, None, "①髙﨑"])


def test_shared_strings_join_rich_runs_and_leave_out_phonetic_guides() -> None:
    shared = (f'<sst xmlns="{MAIN}"><si><t>plain</t></si>'
              '<si><r><rPr><b/><color rgb="FFFF0000"/></rPr><t>rich </t></r><r><t xml:space="preserve">text </t></r>'
              "</si><si><t>髙﨑</t><rPh sb=\"0\" eb=\"2\"><t>タカサキ</t></rPh><phoneticPr fontId=\"1\"/></si>"
              "<si><t>a &amp; b_x000D_c</t></si><si/><si><t></t></si></sst>")
    data = build('<row r="1">' + "".join(f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCDEF"))
                 + "</row>", shared_xml=shared)
    assert read(data) == [(1, ["plain", "rich text ", "髙﨑", "a & b\rc", "", ""])]


def test_shared_strings_of_the_streamed_layout() -> None:
    data = build('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>',
                 shared=["zero &lt;0&gt;", "one &#x41;"])
    assert read(data) == [(1, ["one A", "zero <0>"])]


def test_inline_strings_entities_and_escaped_characters() -> None:
    data = build('<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c>'
                 '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> x_x0009_y </t></is></c>'
                 '<c r="C1" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c>'
                 '<c r="D1" t="str"><v>&#12354;</v></c></row>')
    assert read(data) == [(1, ["a & b", " x\ty ", "rich", "あ"])]


def test_formula_cells_use_their_cached_values() -> None:
    data = build('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
                 '<c r="C1" t="str"><f>""</f><v></v></c><c r="D1" t="b"><f>TRUE()</f><v>1</v></c>'
                 '<c r="E1"><f t="shared" ref="E1:E2" si="0">A1*2</f><v>4.5</v></c>'
                 '<c r="F1"><f>A1&lt;3</f></c><c r="G1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')
    assert read(data) == [(1, [2, "ab", "", True, Decimal("4.5"), FormulaWithoutValue("A1<3"),
                               CellError("#DIV/0!")])]


def test_missing_cells_are_none_and_references_place_values() -> None:
    data = build('<row r="2"><c r="B2"><v>1</v></c><c r="D2"><v>2</v></c><c><v>3</v></c></row>'
                 '<row r="5" spans="1:3"><c r="AA5"><v>4</v></c></row><row r="6"/><row r="7" ht="20"></row>'
                 '<row r="8"><c r="A8" s="1"/><c r="B8"><v></v></c></row>')
    rows = read(data)
    assert rows[0] == (2, [None, 1, None, 2, 3])
    assert rows[1] == (5, [None] * 26 + [4])
    assert rows[2:] == [(8, [None, None])]  # rows without cells are left out


def test_rows_without_numbers_follow_the_previous_row() -> None:
    data = build('<row><c><v>1</v></c></row><row><c><v>2</v></c></row><row r="9"><c><v>3</v></c></row><row>'
                 "<c><v>4</v></c></row>")
    assert [number for number, _values in read(data)] == [1, 2, 9, 10]


@pytest.mark.parametrize(("style", "text", "expected"), [
    ("1", "46113", dt.datetime(2026, 4, 1)),
    ("2", "46113", dt.datetime(2026, 4, 1)),
    ("3", "46113", dt.datetime(2026, 4, 1)),
    ("4", "0.375", dt.time(9, 0)),
    ("4", "0.38541666666666669", dt.time(9, 15)),
    ("8", "46113.5625", dt.datetime(2026, 4, 1, 13, 30)),
    ("9", "0.5", dt.time(12, 0)),
    ("5", "0.853", Decimal("0.853")),
    ("6", "0.25", Decimal("0.25")),
    ("7", "46113", 46113),
    ("0", "46113", 46113),
    ("1", "59", dt.datetime(1900, 2, 28)),
    ("1", "61", dt.datetime(1900, 3, 1)),
])
def test_number_formats_decide_dates_times_and_percentages(style: str, text: str, expected) -> None:
    value = read(build(f'<row r="1"><c r="A1" s="{style}"><v>{text}</v></c></row>'))[0][1][0]
    assert value == expected
    assert type(value) is type(expected) or (style in ("5", "6") and isinstance(value, Percent))


def test_date1904_workbooks_count_from_1904() -> None:
    data = build('<row r="1"><c r="A1" s="1"><v>44651</v></c></row>', workbook_pr=' date1904="1"')
    assert read(data)[0][1] == [dt.datetime(2026, 4, 1)]
    assert xlsx.Workbook(data).serial_value(44651) == dt.datetime(2026, 4, 1)


def test_numbers_are_exact_and_whole_numbers_are_int() -> None:
    data = build('<row r="1"><c r="A1"><v>12</v></c><c r="B1"><v>12.0</v></c><c r="C1"><v>0.1</v></c>'
                 '<c r="D1"><v>1.2345678901234E+5</v></c><c r="E1"><v>-3</v></c><c r="F1"><v>NaN</v></c></row>')
    assert read(data) == [(1, [12, 12, Decimal("0.1"), Decimal("123456.78901234"), -3, "NaN"])]


def test_irregular_rows_are_read_by_elementtree_with_the_same_result() -> None:
    data = build('<row r="1"><!-- a note --><c r="A1"><v>1</v></c><c t="inlineStr" r="B1"><is><t><![CDATA[<x>]]>'
                 "</t></is></c><c s='1' r='C1'><v>46113</v></c><c r=\"D1\" t=\"s\"><v>0</v><extLst/></c></row>"
                 '<row r="2"><c r="A2"><v>2</v></c></row>', shared=["s"])
    assert read(data) == [(1, [1, "<x>", dt.datetime(2026, 4, 1), "s"]), (2, [2])]


def test_prefixed_element_names_are_read_the_same() -> None:
    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is>'
             '<x:t>date</x:t></x:is></x:c><x:c r="B1" s="1"><x:v>46113</x:v></x:c></x:row></x:sheetData>'
             "</x:worksheet>")
    assert read(build(sheet_xml=sheet)) == [(1, ["date", dt.datetime(2026, 4, 1)])]


def test_strict_ooxml_namespaces_are_read() -> None:
    data = build('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>46113</v></c></row>',
                 shared=["strict"], main=STRICT_MAIN, rel=STRICT_REL)
    assert read(data) == [(1, ["strict", dt.datetime(2026, 4, 1)])]


def test_cells_right_of_max_column_are_dropped_and_the_first_row_noted() -> None:
    data = build('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
                 '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c><c r="C2"/><c r="XFD2"><v>5</v></c></row>'
                 '<row r="3"><c r="A3"><v>6</v></c><c r="C3"><v>7</v></c></row>')
    book = xlsx.Workbook(data)
    rows = book.rows()
    assert next(rows) == (1, [1, 2])
    book.max_column = 2
    assert list(rows) == [(2, [3, 4]), (3, [6])]
    assert book.dropped_row == 2


def test_first_sheet_is_the_first_in_the_workbook_not_sheet1() -> None:
    assert read(build('<row r="1"><c r="A1"><v>7</v></c></row>')) == [(1, [7])]


def zip_of(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def rejected(data: bytes) -> str:
    with pytest.raises(XlsxRejected) as caught:
        read(data)
    return str(caught.value.message)


def test_refuses_more_than_100_parts() -> None:
    parts = parts_of(build()) | {f"xl/media/{i}.png": b"" for i in range(100)}
    assert "more than 100 parts" in rejected(zip_of(parts))


def test_refuses_unknown_compression_methods() -> None:
    assert "compression method 12" in rejected(zip_of(parts_of(build()), zipfile.ZIP_BZIP2))


def test_refuses_a_part_that_appears_twice() -> None:
    parts = parts_of(build())
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in [*parts.items(), ("xl/workbook.xml", parts["xl/workbook.xml"])]:
                archive.writestr(name, data)
    assert "appears twice" in rejected(buffer.getvalue())


def test_refuses_a_vba_project_even_in_a_plain_workbook() -> None:
    data = zip_of(parts_of(build()) | {"xl/vbaProject.bin": b"\x00" * 16})
    assert "Macro-enabled" in rejected(data)


def test_refuses_a_dtd_in_any_part() -> None:
    parts = parts_of(build('<row r="1"><c r="A1"><v>1</v></c></row>'))
    for name in ("xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet2.xml", "[Content_Types].xml"):
        body = parts[name].split(b"?>", 1)[-1] if parts[name].startswith(b"<?xml") else parts[name]
        doctype = b'<?xml version="1.0"?><!-- note --><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        assert "DTD" in rejected(zip_of(parts | {name: doctype + body})), name


def test_refuses_a_billion_laughs_in_shared_strings() -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    shared = f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{entities}]><sst xmlns="{MAIN}"><si><t>&l9;</t></si></sst>'
    assert "XML bomb" in rejected(build('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared_xml=shared))


def test_refuses_an_undeclared_entity() -> None:
    assert "undefined entity" in rejected(build('<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>'))


def test_refuses_a_part_compressed_more_than_100_to_1() -> None:
    # 30 MB of spaces inside the sheet compress to about 30 kB: 1000:1.
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>' + " " * 30_000_000 + "</sheetData></worksheet>"
    assert "compressed more than 100:1" in rejected(build(sheet_xml=sheet))


@pytest.mark.parametrize(("sheet", "fragment"), [
    ("<worksheet", "no root element"),
    ("\ufeff\x00<\x00w\x00", "not UTF-8 XML"),
    ('<?xml version="1.0" encoding="ISO-8859-1"?><worksheet/>', "encoding ISO-8859-1"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData></worksheet>',
     "mismatched tag"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>'
     "</sheetData></worksheet>", "row number 1"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData>'
     "</worksheet>", "list index out of range"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="zz"><v>3</v></c></row></sheetData>'
     "</worksheet>", "cell type 'zz'"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="XFE1"><v>3</v></c></row></sheetData>'
     "</worksheet>", "cell reference 'XFE'"),
])
def test_refuses_damaged_sheets(sheet: str, fragment: str) -> None:
    message = rejected(build(sheet_xml=sheet))
    assert "damaged" in message and fragment in message


def test_refuses_a_zip_that_is_not_a_workbook() -> None:
    assert "not an Excel workbook" in rejected(zip_of({"mimetype": "application/epub+zip", "a.xhtml": "<html/>"}))


def test_refuses_a_chart_as_first_sheet() -> None:
    parts = parts_of(build())
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"',
        b'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"')
    assert "not a worksheet" in rejected(zip_of(parts | {"xl/_rels/workbook.xml.rels": rels}))


def test_numbers_are_read_to_excels_15_significant_digits() -> None:
    data = build('<row r="1"><c r="A1"><v>89532.539999999994</v></c><c r="B1"><v>0.30000000000000004</v></c>'
                 '<c r="C1" s="5"><v>0.85299999999999998</v></c><c r="D1"><v>1234.5</v></c></row>')
    values = read(data)[0][1]
    assert values == [Decimal("89532.54"), Decimal("0.3"), Decimal("0.853"), Decimal("1234.5")]
    assert isinstance(values[2], Percent)


def test_a_large_sheet_streams_across_chunks_like_openpyxl_reads_it() -> None:
    # Over 64 kB of sheet and shared strings, so that rows and strings straddle the chunks read from the ZIP.
    rows = [["date", "queue", "offered", "note"]]
    rows += [[dt.datetime(2026, 4, 1 + n % 30), f"queue {n % 97}", n, f"note {n} & <{n}>"] for n in range(4000)]
    book = OpenpyxlWorkbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    expected = [list(row) for row in openpyxl.load_workbook(buffer, read_only=True).active.iter_rows(values_only=True)]
    assert [values for _number, values in read(buffer.getvalue())] == expected == rows


def test_many_shared_strings_stream_across_chunks() -> None:
    strings = [f"s{n}&amp;{'x' * (n % 50)}" for n in range(6000)]
    data = build("".join(f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{n}</v></c></row>' for n in range(6000)),
                 shared=strings)
    assert [values[0] for _number, values in read(data)] == [s.replace("&amp;", "&") for s in strings]


# ---- every legal spelling, read in time linear in the file (regressions of the robustness review) --------

REAL_FILES = Path(__file__).parent / "real_files"


def test_spaces_in_tags_quotes_and_pretty_printing_read_the_same() -> None:
    data = build('<row r = "1" ><c r="A1" ><v >1</v ></c ><c r=\'B1\' t=\'s\'><v>0</v></c>'
                 '<c s="1" r="C1"><v>46113</v></c><c r="D1">\n  <v>2</v>\n</c><c r="E1"/>'
                 '<c r="F1" t="inlineStr" ><is ><t >x</t ></is ></c >'
                 '<c r="G1" t="inlineStr"><is><r><t>a</t></r><r><rPr><color rgb="FF0000FF"/></rPr><t>b</t></r></is></c>'
                 '<c r="H1">\n  <f>1+1</f>\n  <v>2</v>\n</c></row >\n<row r="2"><c r="A2"><v>3</v></c></row>',
                 shared=["s0"])
    assert read(data) == [(1, [1, "s0", dt.datetime(2026, 4, 1), 2, None, "x", "ab", 2]), (2, [3])]


def test_a_row_of_16384_cells_with_spaces_in_their_tags_is_read() -> None:
    # Before, each such cell made one pattern scan to the end of the row: 16,384 cells took about 15 s.
    assert read(build('<row r="1">' + "<c ><v >1</v ></c >" * 16_384 + "</row>")) == [(1, [1] * 16_384)]


def test_a_row_of_more_cells_than_excel_allows_is_refused() -> None:
    message = rejected(build('<row r="1">' + "<c ></c >" * 30_000 + "</row>"))
    assert "row 1: more than 16,384 cells" in message


def test_a_prefixed_cell_in_a_plain_row_is_read() -> None:
    sheet = (f'<worksheet xmlns="{MAIN}" xmlns:x="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
             '<x:c r="B1"><x:v>2</x:v></x:c></row></sheetData></worksheet>')
    assert read(build(sheet_xml=sheet)) == [(1, [1, 2])]


def test_a_slash_and_gt_inside_an_attribute_value_hide_no_value() -> None:
    data = build('<row r="1"><c r="A1" x="/>"><v>3</v></c><c r="B1" y="a>b" t="s"><v>0</v></c></row>'
                 '<row x=">" r="7"><c r="A7"><v>4</v></c></row>', shared=["s"])
    assert read(data) == [(1, [3, "s"]), (7, [4])]


def test_a_large_prefixed_sheet_is_read_in_the_streamed_layout() -> None:
    rows = "".join(f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c><x:c r="B{n}" t="inlineStr"><x:is><x:t>q'
                   f"</x:t></x:is></x:c><x:c r=\"C{n}\" s=\"1\"><x:v>46113</x:v></x:c></x:row>" for n in range(1, 3001))
    sheet = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    assert read(build(sheet_xml=sheet)) == [(n, [n, "q", dt.datetime(2026, 4, 1)]) for n in range(1, 3001)]


class _CountingET:
    """ElementTree, counting the characters given to its parsers (to show that each is parsed once)."""

    fed = 0
    ParseError = ET.ParseError
    Element = ET.Element

    @classmethod
    def fromstring(cls, text, *args, **kwargs):
        cls.fed += len(text)
        return ET.fromstring(text, *args, **kwargs)  # noqa: S314 - the test's own XML

    class XMLPullParser(ET.XMLPullParser):
        def feed(self, data) -> None:
            _CountingET.fed += len(data)
            super().feed(data)


def test_a_long_root_tag_is_parsed_once_not_once_per_irregular_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2,000 namespace declarations (60 kB) on the roots; rows and strings outside the streamed layout. Before,
    # the root was parsed again with each of them: 300 rows and 300 strings made 36 MB of XML to parse.
    declarations = "".join(f' xmlns:n{i}="urn:example:{i:05d}"' for i in range(2000))
    rows = "".join(f'<row r="{n}"><c s="0" r="A{n}"><v>{n}</v></c><c r="B{n}" t="s"><v>{n - 1}</v></c></row>'
                   for n in range(1, 301))
    sheet = f'<worksheet xmlns="{MAIN}"{declarations}><sheetData>{rows}</sheetData></worksheet>'
    shared = (f'<sst xmlns="{MAIN}"{declarations}>' + "".join(f"<si><r><t>a{n}</t></r><r><t>b</t></r></si>"
                                                              for n in range(300)) + "</sst>")
    data = build(sheet_xml=sheet, shared_xml=shared)
    monkeypatch.setattr(xlsx, "ET", _CountingET)
    assert read(data) == [(n, [n, f"a{n - 1}b"]) for n in range(1, 301)]
    assert _CountingET.fed < 2 * sum(len(part) for part in parts_of(data).values())


def _strings(count: int) -> str:
    # Varied enough that the part compresses less than 100:1 (the zip bomb check), like real text.
    rng = random.Random(3)
    return f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{rng.choice('ab')}</t></si>" for _ in range(count)) + "</sst>"


def test_a_shared_string_table_far_larger_than_the_sheet_is_refused_unread() -> None:
    # Before, 4 million such strings took 33 s and 300 MB to read, for a sheet that uses one.
    message = rejected(build('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared_xml=_strings(110_000)))
    assert message.startswith("The workbook's table of texts holds more than 100,000 entries, far more than its "
                              "first sheet could use")


def test_a_sheet_padded_to_look_large_does_not_admit_a_large_table_of_texts() -> None:
    padding = "".join(f'<row r="{n}" ht="20" customHeight="1"/>' for n in range(2, 100_002))
    message = rejected(build('<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + padding, shared_xml=_strings(110_000)))
    assert "far more than its first sheet could use" in message


def test_a_large_table_of_texts_that_the_sheet_uses_is_read() -> None:
    count = 101_000
    rows = "".join(f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{n}</v></c></row>' for n in range(count))
    shared = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>s{n}</t></si>" for n in range(count)) + "</sst>"
    values = read(build(rows, shared_xml=shared))
    assert len(values) == count and values[0] == (1, ["s0"]) and values[-1] == (count, [f"s{count - 1}"])


def test_a_workbook_with_150000_sheets_is_refused_by_its_relationships_part() -> None:
    # Its workbook part is read only up to the first sheet; before, both parts were held whole (about 100 MB).
    sheets = "".join(f'<sheet name="s{n}" sheetId="{n + 1}" r:id="rId{n + 1}"/>' for n in range(150_000))
    rels = "".join(f'<Relationship Id="rId{n + 1}" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>'
                   for n in range(100_001))
    parts = parts_of(build('<row r="1"><c r="A1"><v>1</v></c></row>')) | {
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{xlsx._REL_NS[1:-1]}">{rels}</Relationships>'}
    assert "xl/_rels/workbook.xml.rels: more than 100,000 elements" in rejected(zip_of(parts))


def test_a_zip_with_many_entries_is_refused_before_they_are_listed() -> None:
    parts = parts_of(build()) | {f"x/{n}": b"" for n in range(5000)}
    data = zip_of(parts, zipfile.ZIP_STORED)
    tracemalloc.start()
    try:
        message = rejected(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "more than 100 parts" in message
    assert peak < 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # zipfile's entries for 5,000 parts take 2 MB


def test_a_cell_reference_of_900000_letters_is_refused_at_once() -> None:
    # Before, the letters were turned into a number of 4 million bits digit by digit: hours of work.
    message = rejected(build(f'<row r="1"><c t="n" r="{"A" * 900_000}1"><v>1</v></c></row>'))
    assert message.startswith("The workbook is damaged or not an XLSX file (cell reference 'AAAAAAAAAA').")


def test_a_number_format_code_of_900000_characters_is_read_at_once() -> None:
    styles = STYLES.replace('<numFmt numFmtId="168" formatCode="[h]:mm"/>',
                            f'<numFmt numFmtId="168" formatCode="{"[" * 900_000}"/>')
    assert read(build('<row r="1"><c r="A1" s="9"><v>7</v></c></row>', styles=styles)) == [(1, [7])]


def test_a_number_or_text_longer_than_excel_allows_is_refused() -> None:
    digits = "7" * 900_000  # int() of it raised a bare ValueError (a server error) in the ElementTree reader
    prefixed = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>{digits}</x:v></x:c>' \
               "</x:row></x:sheetData></x:worksheet>"
    assert "row 1: a cell of more than 32,767 characters" in rejected(build(sheet_xml=prefixed))
    assert "row 1: a cell of more than 32,767 characters" in rejected(build(f'<row r="1"><c r="A1"><v>{digits}</v>'
                                                                            "</c></row>"))
    assert "a text of more than 32,767 characters" in rejected(build('<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                                                                     shared=["x" * 40_000]))


def test_deep_nesting_inside_a_row_is_read() -> None:
    names = [f"e{n}" for n in range(100_000)]
    nested = "".join(f"<{n}>" for n in names) + "".join(f"</{n}>" for n in reversed(names))
    assert read(build(f'<row r="1"><c r="A1"><v>1</v></c><extLst>{nested}</extLst></row>')) == [(1, [1])]


def test_a_far_cell_is_dropped_right_of_the_header_not_spread_over_every_row() -> None:
    data = build('<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row>'
                 '<row r="2"><c r="A2" s="1"><v>46113</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                 "</row>")
    book = xlsx.Workbook(data)
    rows = book.rows()
    assert next(rows) == (1, ["date"])
    book.max_column = 1
    assert list(rows) == [(2, [dt.datetime(2026, 4, 1)])]
    assert book.dropped_row == 1_048_576


def test_cells_right_of_the_header_are_counted_but_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_CELLS", 2_000)
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>' + "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>0</v></c>' + "<c><v>9</v></c>" * 300 + "</row>"
        for n in range(2, 9))
    book = xlsx.Workbook(build(rows))
    found = book.rows()
    next(found)
    book.max_column = 2
    with pytest.raises(XlsxRejected) as caught:
        list(found)
    assert str(caught.value.message).startswith("The first sheet has more than 2,000 cells")
    assert book.dropped_row == 2


def test_a_reference_back_left_of_the_header_is_still_read() -> None:
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
            '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c><c><v>5</v></c></row>'
            '<row r="3"><c r="A3"><v>6</v></c><c r="B3"><v>7</v></c>' + "<c/>" * 40 + '<c r="A3"><v>8</v></c></row>')
    assert read(build(rows), max_column=2) == [(1, [1, 2]), (2, [3, 4]), (3, [8, 7])]


def test_the_caches_of_a_workbook_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_CACHED", 100)
    rows = "".join(f'<row r="{n}">' + "".join(f'<c cm="{n * 10 + i}" s="1"><v>{40000 + n + i / 10}</v></c>'
                                              for i in range(10)) + "</row>" for n in range(1, 1001))
    book = xlsx.Workbook(build(rows))
    assert sum(len(values) for _number, values in book.rows()) == 10_000
    assert len(book._cell_kinds) <= 100 and len(book._serials) <= 100


def test_a_sheetjs_export_is_read_not_refused_for_macros() -> None:
    # SheetJS declares the macro-enabled binary type for ".bin" in every workbook it writes, with no such part.
    data = (REAL_FILES / "sheetjs_export.xlsx").read_bytes()
    assert b'Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"' in data or \
        "macroEnabled" in parts_of(data)["[Content_Types].xml"].decode()
    rows = read(data)
    assert rows[0] == (1, ["date", "offered", "answered"])
    assert rows[1:] == [(day + 1, [dt.datetime(2026, 4, day), 100 + day * 7, 90 + day * 6]) for day in range(1, 6)]


def test_a_workbook_saved_as_macro_enabled_without_macros_is_read() -> None:
    parts = parts_of(build('<row r="1"><c r="A1"><v>5</v></c></row>'))
    types = parts["[Content_Types].xml"].replace(b"spreadsheetml.sheet.main+xml", b"x").replace(
        b'ContentType="application/vnd.openxmlformats-officedocument.x"',
        b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"')
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                       b"</Types>")
    assert b"macroEnabled" in types
    assert read(zip_of(parts | {"[Content_Types].xml": types})) == [(1, [5])]


@pytest.mark.parametrize("extra", [
    # A VBA project under another name, by its own content type.
    {"xl/code.dat": b"\x00" * 16, "[Content_Types].xml": b'<Override PartName="/xl/code.dat" '
                                                           b'ContentType="application/vnd.ms-office.vbaProject"/>'},
    # By the Default of its extension.
    {"xl/code.bin": b"\x00" * 16, "[Content_Types].xml": b'<Default Extension="bin" '
                                                           b'ContentType="application/vnd.ms-office.vbaProject"/>'},
    # An Excel 4 macro sheet.
    {"xl/macrosheets/sheet1.xml": f'<xm:macrosheet xmlns:xm="{MAIN}"/>'.encode()},
    # A part the workbook relates to as its VBA project.
    {"xl/project.dat": b"\x00" * 16, "xl/_rels/workbook.xml.rels": b'<Relationship Id="rId9" Type="http://schemas.'
                                                                    b'microsoft.com/office/2006/relationships/vbaProject"'
                                                                    b' Target="project.dat"/>'},
])
def test_macros_are_refused_by_the_parts_that_hold_them(extra: dict[str, bytes]) -> None:
    parts = parts_of(build('<row r="1"><c r="A1"><v>5</v></c></row>'))
    for name, data in extra.items():
        if name in parts:  # a declaration added to an existing part
            closing = b"</Types>" if name.startswith("[") else b"</Relationships>"
            parts[name] = parts[name].replace(closing, data + closing)
        else:
            parts[name] = data
    assert "Macro-enabled" in rejected(zip_of(parts))


def test_prefixed_rows_and_strings_outside_the_streamed_layout_are_read() -> None:
    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><!-- a note --><x:c r="A1" t="s"><x:v>0</x:v>'
             '</x:c><x:c s="1" r="B1"><x:v>46113</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c>'
             "</x:row></x:sheetData></x:worksheet>")
    shared = (f'<x:sst xmlns:x="{MAIN}"><x:si><x:t>plain</x:t></x:si><x:si><x:r><x:t>ri</x:t></x:r><x:r><x:t>ch</x:t>'
              "</x:r></x:si></x:sst>")
    assert read(build(sheet_xml=sheet, shared_xml=shared)) == [(1, ["plain", dt.datetime(2026, 4, 1)]), (2, ["rich"])]
