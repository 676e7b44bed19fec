"""Unit tests for the streaming XLSX reader: cell types, styles, layouts and the ZIP and XML safety checks."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from decimal import Decimal

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
