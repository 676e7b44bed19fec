"""Read the first worksheet of an XLSX workbook quickly and safely: a capped ZIP, no DTDs, streaming XML."""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
import xml.etree.ElementTree as ET  # noqa: S405 - every byte is checked by _XmlStream (no DTD) first
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from io import BytesIO
from posixpath import dirname, join, normpath
from xml.parsers import expat

from flask_babel import lazy_gettext as _l

MAX_MEMBERS = 100
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
# Parts this small cannot hurt, and tiny parts (styles, rels) of honest files can exceed 100:1.
RATIO_FLOOR = 1024 * 1024
MAX_PROLOG = 64 * 1024
MAX_ROW_TEXT = 16 * 1024 * 1024  # one row's XML; more means a layout the streamed reader does not know
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
MAX_ROW_NUMBER = 1_048_576
EXCEL_DIGITS = 15  # significant digits Excel shows and calculates with
CHUNK = 64 * 1024

_WORKBOOK_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml")
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Built-in number formats that show dates or times (ids 27-36 and 50-58 are the CJK-locale date formats).
_BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
_BUILTIN_PERCENT_FORMATS = frozenset([9, 10])
# What a cell's t and s attributes make of its <v> text.
_NUMBER, _DATE, _PERCENT, _SHARED, _STRING, _INLINE, _BOOL, _ERROR, _ISO_DATE = range(9)
_CELL_TYPES = {"n": _NUMBER, "s": _SHARED, "str": _STRING, "inlineStr": _INLINE, "b": _BOOL, "e": _ERROR,
               "d": _ISO_DATE}

_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENCODING_DECL = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ROOT_NAME = re.compile(r"<([\w.:-]+)")
_ANY_CELL = re.compile(r"<(?:[\w.-]+:)?c[\s/>]")
# The layout every common writer (Excel, LibreOffice, openpyxl, xlsxwriter) uses; anything else in a
# row sends that row to ElementTree.
_CELL = re.compile(r'<c(?=[\s/>])(?: r="([A-Z]{1,3})\d+")?([^>]*)>(?:(?<=/>)|<v>([^<]*)</v></c>|'
                   r'<is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>|(.*?)</c>)', re.S)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_NUMBER = re.compile(r"""\sr\s*=\s*["'](\d+)["']""")
_FORMULA_CELL = re.compile(r"<f\b[^>]*?(?:/>|>([^<]*)</f>)(?:<v>([^<]*)</v>|<v\s*/>)?", re.S)
_INLINE_TEXT = re.compile(r'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_SHARED_TEXT = re.compile(r'<t(?: xml:space="preserve")?>([^<]*)</t>')
_EXCEL_PRECISION = Context(prec=EXCEL_DIGITS)
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class XlsxRejected(Exception):
    """The workbook is unsafe or unreadable; message is a lazy, user-facing text."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class _Irregular(Exception):
    """A row or shared string outside the streamed layout: read it with ElementTree instead."""


@dataclass(frozen=True, slots=True)
class CellError:
    """A cell that shows an Excel error such as #DIV/0!."""

    code: str


@dataclass(frozen=True, slots=True)
class FormulaWithoutValue:
    """A formula cell saved without its result (files written by scripts, never recalculated)."""

    formula: str


class Percent(Decimal):
    """A number shown with a percent format: the stored fraction (0.853 for 85.3 %)."""

    __slots__ = ()


CellValue = str | int | Decimal | bool | dt.datetime | dt.time | CellError | FormulaWithoutValue | None


def _damaged(detail: str) -> XlsxRejected:
    return XlsxRejected(_l("The workbook is damaged or not an XLSX file (%(detail)s). Open it in Excel and "
                           "save it again as \"Excel Workbook (.xlsx)\".", detail=detail))


def _zip_bomb() -> XlsxRejected:
    return XlsxRejected(_l("The workbook expands to more than %(limit)s MB when unpacked; it looks like a zip "
                           "bomb and was refused.", limit=MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)))


def _macro_rejected() -> XlsxRejected:
    return XlsxRejected(_l("Macro-enabled workbooks (.xlsm) are not accepted; save the file as \"Excel Workbook "
                           "(.xlsx)\"."))


def _dtd_rejected(part: str) -> XlsxRejected:
    return XlsxRejected(_l("The part %(part)s of the workbook declares a DTD or entities, which Excel never "
                           "writes; it looks like an XML bomb and was refused.", part=part))


class _Budget:
    """Count decompressed bytes so that no part, and not all parts together, can exceed the caps."""

    def __init__(self, total: int) -> None:
        self.left = total

    def stream(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        # The sizes in the ZIP directory are written by the sender, so the caps count real output bytes.
        member_cap = max(info.compress_size * MAX_RATIO, RATIO_FLOOR)
        produced = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise _zip_bomb()
                    if produced > member_cap:
                        raise XlsxRejected(_l(
                            "The part %(part)s of the workbook is compressed more than %(ratio)s:1; it looks like "
                            "a zip bomb and was refused.", part=info.filename, ratio=MAX_RATIO))
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                NotImplementedError) as exc:
            raise _damaged(f"{info.filename}: {exc}") from exc


def _prolog_end(head: bytes, part: str) -> int:
    """Return where the root element starts in head, or -1 if more bytes are needed.

    A document type declaration may only stand before the root element, so refusing one here shuts out
    entity expansion (billion laughs, quadratic blow-up) and external entities; expat checks it again.
    """
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    n = len(head)
    while True:
        while i < n and head[i] in b" \t\r\n":
            i += 1
        if n - i < 4:
            return -1
        if head[i] != 0x3C:  # "<": UTF-16 parts and non-XML data stop here
            raise _damaged(f"{part}: not UTF-8 XML")
        if head.startswith(b"<?", i):
            end = head.find(b"?>", i)
            if end < 0:
                return -1
            match = _ENCODING_DECL.search(head, i, end)
            if match and match.group(1).lower() not in (b"utf-8", b"utf8"):
                raise _damaged(f"{part}: encoding {match.group(1).decode('ascii')}")
            i = end + 2
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i + 4)
            if end < 0:
                return -1
            i = end + 3
        elif head.startswith(b"<!", i):
            raise _dtd_rejected(part)
        else:
            return i


def _root_tag(head: bytes, part: str, final: bool) -> str | None:
    """Return the root element's start tag once head holds it (final: head is the whole part)."""
    start = _prolog_end(head + b"    " if final else head, part)
    end = head.find(b">", start) if start >= 0 else -1
    if end < 0:
        if final or len(head) > MAX_PROLOG:
            raise _damaged(f"{part}: no root element")
        return None
    return head[start:end + 1].decode("utf-8", "replace")


def _is_prefixed(root: str) -> bool:
    match = _ROOT_NAME.match(root)
    return match is None or ":" in match.group(1)


class _XmlStream:
    """The bytes of one part, passed on only after expat found them well-formed and free of any DTD.

    root holds the root element's start tag (with its namespace declarations) once the first chunk is out.
    """

    def __init__(self, chunks: Iterator[bytes], part: str) -> None:
        self._chunks = chunks
        self.part = part
        self.root = ""

    def _refuse(self, *_args) -> None:
        raise _dtd_rejected(self.part)

    def __iter__(self) -> Iterator[bytes]:
        checker = expat.ParserCreate()
        checker.StartDoctypeDeclHandler = self._refuse
        checker.EntityDeclHandler = self._refuse
        checker.UnparsedEntityDeclHandler = self._refuse
        checker.ExternalEntityRefHandler = self._refuse
        checker.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        head = b""
        try:
            for chunk in self._chunks:
                if not self.root:
                    head += chunk
                    root = _root_tag(head, self.part, final=False)
                    if root is None:
                        continue
                    self.root, chunk, head = root, head, b""
                checker.Parse(chunk, False)
                yield chunk
            if not self.root:
                self.root = _root_tag(head, self.part, final=True) or ""
                checker.Parse(head, False)
                yield head
            checker.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _damaged(f"{self.part}: {exc}") from exc


def _too_large(part: str) -> XlsxRejected:
    return _damaged(f"{part}: an element larger than {MAX_ROW_TEXT // (1024 * 1024)} MB")


def _iter_xml(stream: _XmlStream, events: tuple[str, ...] = ("end",)) -> Iterator[tuple]:
    """Yield ElementTree events for a checked stream (for the small parts and irregular layouts)."""
    parser = ET.XMLPullParser(events)  # noqa: S314 - _XmlStream refuses any DTD before bytes get here
    pending = 0
    try:
        for chunk in stream:
            parser.feed(chunk)
            found = False
            for event in parser.read_events():
                found = True
                yield event
            # ElementTree holds the text of an unfinished element in memory: bound it.
            pending = 0 if found else pending + len(chunk)
            if pending > MAX_ROW_TEXT:
                raise _too_large(stream.part)
        parser.close()
        yield from parser.read_events()
    except ET.ParseError as exc:
        raise _damaged(f"{stream.part}: {exc}") from exc


def _pieces(stream: _XmlStream, end_tag: str) -> Iterator[tuple[str, bool]]:
    """Yield the decoded text of a checked stream cut after each end_tag (dropped), and whether it is the tail.

    :raises _Irregular: the part uses prefixed element names (<x:row>).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts: list[str] = []
    size = 0
    carry = ""  # the end of the text so far, in case end_tag straddles two chunks
    overlap = len(end_tag) - 1
    try:
        for chunk in stream:
            if _is_prefixed(stream.root):
                raise _Irregular
            text = decoder.decode(chunk)
            if end_tag not in carry + text:
                # Collect and join once: adding to one string chunk by chunk would copy it over and over.
                parts.append(text)
                size += len(text)
                carry = (carry + text)[-overlap:]
                if size > MAX_ROW_TEXT:
                    raise _too_large(stream.part)
                continue
            parts.append(text)
            pieces = "".join(parts).split(end_tag)
            rest = pieces.pop()
            parts, size, carry = [rest], len(rest), rest[-overlap:]
            for piece in pieces:
                yield piece, False
        parts.append(decoder.decode(b"", True))
    except UnicodeDecodeError as exc:
        raise _damaged(f"{stream.part}: {exc}") from exc
    yield "".join(parts), True


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _unescape(text: str) -> str:
    # OOXML writes characters XML cannot hold (e.g. a carriage return) as _xHHHH_.
    return _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text(raw: str) -> str:
    """Return the characters an XML parser would report for raw element text."""
    if "&" in raw:
        raw = html.unescape(raw)  # expat accepted the part, so only XML's own five entities and &#…; occur
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _unescape(raw)


def _rich_text(elem: ET.Element, t_tag: str, r_tag: str) -> str:
    # Runs are joined; phonetic guides (rPh: the furigana Japanese Excel adds) are not part of the value.
    parts = []
    for child in elem:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            parts.extend(t.text or "" for t in child.iter(t_tag))
    return _unescape("".join(parts))


def _wrap(root: str, inner: str) -> str:
    # Re-use the part's own root tag so that every namespace prefix inside inner stays declared.
    match = _ROOT_NAME.match(root)
    if match is None:
        raise _damaged("root element")
    opening = root[:-2] + ">" if root.endswith("/>") else root
    return f"{opening}{inner}</{match.group(1)}>"


def _format_kind(num_fmt_id: int, codes: dict[int, str]) -> int:
    code = codes.get(num_fmt_id)
    if code is None:
        if num_fmt_id in _BUILTIN_DATE_FORMATS:
            return _DATE
        return _PERCENT if num_fmt_id in _BUILTIN_PERCENT_FORMATS else _NUMBER
    # Quoted text, escaped characters and [colour]/[$-411] sections hold letters that are not date tokens.
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])
    bare = re.sub("general", "", bare, flags=re.IGNORECASE).lower()
    if any(ch in bare for ch in "dmyhs") or re.search(r"\[(h+|m+|s+)\]", code, re.IGNORECASE):
        return _DATE
    return _PERCENT if "%" in bare else _NUMBER


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            raise _damaged(f"cell reference {letters!r}")
        index = index * 26 + ord(ch) - 64
    if not 0 < index <= MAX_COLUMNS:
        raise _damaged(f"cell reference {letters!r}")
    return index - 1


def _number(text: str, kind: type[Decimal] = Decimal) -> int | Decimal | str:
    try:
        number = kind(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text  # NaN or Infinity: not a number Excel can hold
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        # Files carry the double's 17 digits (89532.53999999999); Excel shows and computes with 15 (89532.54).
        number = kind(_EXCEL_PRECISION.plus(number).normalize(_EXCEL_PRECISION))
    if kind is Decimal and number == number.to_integral_value():
        return int(number)  # Excel keeps every number as a double; a whole one is a whole number however written
    return number


class Workbook:
    """An opened workbook: its first worksheet, shared strings and number styles, ready to iterate.

    Set max_column after reading the header so that cells right of it are not kept (a stray cell in
    column XFD must not make every row 16,384 cells long); dropped_row then names the first row where a
    non-empty cell was dropped.
    """

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise _damaged(str(exc)) from exc
        self._check_members(infos)
        self._members = {info.filename: info for info in infos}
        self._budget = _Budget(MAX_TOTAL_UNCOMPRESSED)
        self.max_column: int | None = None
        self.dropped_row: int | None = None
        self._serials: dict[str, dt.datetime | dt.time | str] = {}
        # The t and s attributes of a cell as written -> how to read its value; a sheet has few distinct ones.
        self._cell_kinds: dict[str, int] = {}
        self._columns: dict[str, int] = {}
        workbook_part = self._workbook_part()
        self._date1904, sheet_rid = self._read_workbook(workbook_part)
        targets = self._read_rels(workbook_part)
        sheet = targets.get(sheet_rid)
        if sheet is None or not sheet[0].endswith("/worksheet"):
            raise XlsxRejected(_l("The first sheet of the workbook is not a worksheet (it may be a chart); "
                                  "put the data on the first sheet."))
        self._sheet_part = sheet[1]
        by_type = {rel_type.rpartition("/")[2]: target for rel_type, target in targets.values()}
        self._style_kinds = self._read_styles(by_type.get("styles"))
        self._strings = self._read_strings(by_type.get("sharedStrings"))

    @staticmethod
    def _check_members(infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_MEMBERS:
            raise XlsxRejected(_l("The workbook has more than %(max)s parts; it was refused.", max=MAX_MEMBERS))
        names = set()
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise XlsxRejected(_l("The workbook is encrypted; remove the password and save it again."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _damaged(f"{info.filename}: compression method {info.compress_type}")
            if info.filename in names:
                raise _damaged(f"{info.filename} appears twice")
            if info.filename.lower().endswith("vbaproject.bin"):
                raise _macro_rejected()
            names.add(info.filename)
            total += info.file_size
        # The declared sizes may lie (the streaming caps catch that); when they admit a bomb, stop now.
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _zip_bomb()

    def _stream(self, part: str) -> _XmlStream:
        info = self._members.get(part)
        if info is None:
            raise _damaged(f"{part} is missing")
        return _XmlStream(self._budget.stream(self._zip, info), part)

    def _workbook_part(self) -> str:
        if "[Content_Types].xml" not in self._members:
            raise XlsxRejected(_l("The file is a ZIP archive but not an Excel workbook; upload an .xlsx or .csv "
                                  "file."))
        workbook = None
        for _event, elem in _iter_xml(self._stream("[Content_Types].xml")):
            content_type = elem.get("ContentType", "")
            if "macroEnabled" in content_type or "vbaProject" in content_type:
                raise _macro_rejected()
            if elem.tag == _CT_NS + "Override" and content_type in _WORKBOOK_TYPES:
                workbook = elem.get("PartName", "").lstrip("/")
        if workbook is None:
            raise XlsxRejected(_l("The file is a ZIP archive but not an Excel workbook; upload an .xlsx or .csv "
                                  "file."))
        return workbook

    def _read_workbook(self, part: str) -> tuple[bool, str | None]:
        date1904 = False
        first_sheet = None
        for _event, elem in _iter_xml(self._stream(part)):
            name = _local(elem.tag)
            if name == "workbookPr":
                date1904 = elem.get("date1904", "false").lower() in ("1", "true")
            elif name == "sheet" and first_sheet is None:
                first_sheet = next((v for k, v in elem.attrib.items() if _local(k) == "id"), None)
        if first_sheet is None:
            raise _damaged(f"{part} names no sheet")
        return date1904, first_sheet

    def _read_rels(self, workbook_part: str) -> dict[str, tuple[str, str]]:
        folder = dirname(workbook_part)
        rels_part = join(folder, "_rels", workbook_part.rpartition("/")[2] + ".rels")
        targets = {}
        for _event, elem in _iter_xml(self._stream(rels_part)):
            if elem.tag != _REL_NS + "Relationship" or elem.get("TargetMode") == "External":
                continue
            target = elem.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(folder, target))
            targets[elem.get("Id", "")] = (elem.get("Type", ""), path)
        return targets

    def _read_styles(self, part: str | None) -> list[int]:
        if part is None:
            return []
        codes: dict[int, str] = {}
        kinds: list[int] = []
        for _event, elem in _iter_xml(self._stream(part)):
            name = _local(elem.tag)
            if name == "numFmts":
                for fmt in elem:
                    try:
                        codes[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                    except ValueError:
                        continue
            elif name == "cellXfs":
                for xf in elem:
                    try:
                        kinds.append(_format_kind(int(xf.get("numFmtId", "0")), codes))
                    except ValueError:
                        kinds.append(_NUMBER)
        return kinds

    def _read_strings(self, part: str | None) -> list[str]:
        if part is None:
            return []
        try:
            return self._read_strings_fast(part)
        except _Irregular:
            return self._read_strings_exact(part)

    def _read_strings_fast(self, part: str) -> list[str]:
        stream = self._stream(part)
        strings: list[str] = []
        append = strings.append
        match_text = _SHARED_TEXT.fullmatch
        for piece, is_tail in _pieces(stream, "</si>"):
            start = piece.find("<si")
            if is_tail:
                if start >= 0 or ":si" in piece:
                    raise _Irregular
                break
            if start < 0 or piece.find("<si", start + 3) >= 0:
                raise _Irregular  # e.g. an empty <si/>: leave the whole part to ElementTree
            body = piece[piece.index(">", start) + 1:]
            simple = match_text(body)
            if simple is not None:
                append(_text(simple.group(1)))
                continue
            try:
                elem = ET.fromstring(_wrap(stream.root, f"<si>{body}</si>"))  # noqa: S314 - checked stream
            except ET.ParseError as exc:
                raise _Irregular from exc
            ns = elem.tag.rpartition("}")[0] + "}"
            append(_rich_text(elem[0], ns + "t", ns + "r"))
        return strings

    def _read_strings_exact(self, part: str) -> list[str]:
        strings: list[str] = []
        si_tag = t_tag = r_tag = None
        for _event, elem in _iter_xml(self._stream(part)):
            if si_tag is None:
                ns = elem.tag.rpartition("}")[0] + "}"
                si_tag, t_tag, r_tag = ns + "si", ns + "t", ns + "r"
            if elem.tag == si_tag:
                strings.append(_rich_text(elem, t_tag, r_tag))
                elem.clear()
        return strings

    def _serial(self, text: str) -> dt.datetime | dt.time | str:
        value = self._serials.get(text)
        if value is None:
            try:
                serial = float(text)
            except ValueError:
                return text
            if not 0 <= serial < 2_958_466:  # 9999-12-31
                return text
            if serial < 1:
                seconds = round(serial * 86400)
                value = dt.time(*divmod(seconds // 60, 60), seconds % 60) if seconds < 86400 else dt.time()
            else:
                epoch = _EPOCH_1904 if self._date1904 else _EPOCH_1900
                if not self._date1904 and serial < 61:
                    # Excel counts a 29 February 1900 that never was; serials before it are one day off.
                    serial += 1
                value = epoch + dt.timedelta(seconds=round(serial * 86400))
            self._serials[text] = value
        return value

    def serial_value(self, number: int | Decimal) -> dt.datetime | dt.time | None:
        """Return the date-time an Excel serial number stands for (a time under one day), or None."""
        value = self._serial(str(number))
        return None if isinstance(value, str) else value

    def _style_kind(self, style: str | None) -> int:
        if style is None or style == "0":
            return _NUMBER
        try:
            return self._style_kinds[int(style)]
        except (ValueError, IndexError):
            return _NUMBER

    def _cell_kind(self, attrs: str) -> int:
        values = {name: double if double or not single else single for name, double, single in _ATTR.findall(attrs)}
        kind = _CELL_TYPES.get(values.get("t", "n"))
        if kind is None:
            raise _damaged(f"cell type {values.get('t')!r}")
        if kind == _NUMBER:
            kind = self._style_kind(values.get("s"))
        if "r" not in values:  # a cell reference makes the text unique: keep the cache small
            self._cell_kinds[attrs] = kind
        return kind

    def _value(self, kind: int, text: str, decode: Callable[[str], str] = _text) -> CellValue:
        """Return the value of a cell of the given kind whose <v> holds text (not empty).

        decode turns raw XML text into characters: _text for the streamed layout, _unescape after ElementTree.
        """
        if kind == _NUMBER:
            return int(text) if text.isdigit() else _number(text)
        if kind == _SHARED:
            try:
                return self._strings[int(text)]
            except (ValueError, IndexError) as exc:
                raise _damaged(f"shared string {text!r}") from exc
        if kind == _DATE:
            return self._serial(text)
        if kind == _STRING:
            return decode(text)
        if kind == _PERCENT:
            return _number(text, Percent)
        if kind == _BOOL:
            return text.strip() in ("1", "true")
        if kind == _ERROR:
            return CellError(decode(text))
        if kind == _ISO_DATE:
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        return decode(text)  # an inline string given as <v>

    def rows(self) -> Iterator[tuple[int, list[CellValue]]]:
        """Yield (row number as Excel shows it, cell values from column A) for each row of the first sheet.

        Rows without any cell (Excel writes them for a changed height) are left out.

        Numbers come as int when whole, else Decimal exactly as stored; date- and time-formatted numbers as
        datetime (time for values under one day); percent-formatted numbers as Percent; booleans as bool;
        strings as str; error cells as CellError; formulas without a cached value as FormulaWithoutValue;
        missing cells as None.
        """
        yielded = False
        try:
            for row in self._rows_fast():
                yielded = True
                yield row
        except _Irregular as exc:
            if yielded:
                raise _damaged(f"{self._sheet_part}: mixed layout") from exc
            # A layout the streamed reader does not know (e.g. prefixed <x:row>): read it all with ElementTree.
            yield from self._rows_exact()

    def _rows_fast(self) -> Iterator[tuple[int, list[CellValue]]]:
        stream = self._stream(self._sheet_part)
        previous = 0
        for piece, is_tail in _pieces(stream, "</row>"):
            if is_tail:
                end_of_data = piece.find("</sheetData>")
                if _ANY_CELL.search(piece, 0, end_of_data if end_of_data >= 0 else len(piece)):
                    raise _Irregular
                return
            start = piece.rfind("<row")
            if start < 0:
                raise _damaged(f"{self._sheet_part}: a row end without its start")
            end = piece.index(">", start)
            match = _ROW_NUMBER.search(piece, start, end)
            row_number = int(match.group(1)) if match else previous + 1
            if not previous < row_number <= MAX_ROW_NUMBER:
                raise _damaged(f"row number {row_number} after {previous}")
            previous = row_number
            body = piece[end + 1:]
            try:
                if "<!" in body or "<?" in body:  # comments, CDATA, processing instructions
                    raise _Irregular
                values = self._row_fast(body, row_number)
            except _Irregular:
                values = self._row_exact(stream.root, piece[start:] + "</row>", row_number)
            if values:
                yield row_number, values

    def _place(self, values: list[CellValue], column: int, value: CellValue, row_number: int) -> None:
        if self.max_column is not None and column >= self.max_column:
            if value is not None and value != "" and self.dropped_row is None:
                self.dropped_row = row_number
            return
        size = len(values)
        if column == size:
            values.append(value)
        elif column > size:
            values.extend([None] * (column - size))
            values.append(value)
        else:
            values[column] = value

    def _row_fast(self, body: str, row_number: int) -> list[CellValue]:
        values: list[CellValue] = []
        append = values.append
        columns = self._columns
        kinds = self._cell_kinds
        strings = self._strings
        column = -1
        try:
            for letters, attrs, text, inline, other in _CELL.findall(body):
                if letters:
                    column = columns.get(letters, -1)
                    if column < 0:
                        column = columns[letters] = _column_index(letters)
                elif " r=" in attrs or "\tr=" in attrs or "\nr=" in attrs:
                    raise _Irregular  # a reference that is not the first attribute
                else:
                    column += 1
                kind = kinds.get(attrs)
                if kind is None:
                    kind = self._cell_kind(attrs)
                if other:
                    value = self._complex_value(kind, other)
                elif not text:
                    value = _text(inline) if inline else None
                elif kind == _NUMBER:
                    value = int(text) if text.isdigit() else _number(text)
                elif kind == _SHARED:
                    value = strings[int(text)]
                else:
                    value = self._value(kind, text)
                if column == len(values):
                    append(value)
                else:
                    self._place(values, column, value, row_number)
        except (ValueError, IndexError) as exc:
            raise _damaged(f"{self._sheet_part}, row {row_number}: {exc}") from exc
        if self.max_column is not None and len(values) > self.max_column:
            # Cells right of the header were appended in order (gaps go through _place, which drops them).
            if self.dropped_row is None and any(v is not None and v != "" for v in values[self.max_column:]):
                self.dropped_row = row_number
            del values[self.max_column:]
        return values

    def _complex_value(self, kind: int, content: str) -> CellValue:
        if kind == _INLINE:
            match = _INLINE_TEXT.fullmatch(content)
            if match is None:
                raise _Irregular
            return _text(match.group(1))
        match = _FORMULA_CELL.fullmatch(content)
        if match is None:
            raise _Irregular
        formula, text = match.groups()
        if text is None and "<v" in content:
            text = ""  # <v/>
        if text:
            return self._value(kind, text)
        if kind == _STRING and text == "":
            return ""  # a formula whose result is the empty string
        return FormulaWithoutValue(_text(formula or ""))

    def _row_exact(self, root: str, row_xml: str, row_number: int) -> list[CellValue]:
        try:
            wrapper = ET.fromstring(_wrap(root, f"<sheetData>{row_xml}</sheetData>"))  # noqa: S314 - checked
        except ET.ParseError as exc:
            raise _damaged(f"{self._sheet_part}, row {row_number}: {exc}") from exc
        ns = wrapper.tag.rpartition("}")[0] + "}"
        return self._cells_exact(wrapper[0][0], ns, row_number)

    def _rows_exact(self) -> Iterator[tuple[int, list[CellValue]]]:
        row_tag = ns = None
        previous = 0
        for _event, elem in _iter_xml(self._stream(self._sheet_part)):
            if row_tag is None:
                ns = elem.tag.rpartition("}")[0] + "}"
                row_tag = ns + "row"
            if elem.tag != row_tag:
                continue
            number = elem.get("r")
            try:
                row_number = int(number) if number is not None else previous + 1
            except ValueError as exc:
                raise _damaged(f"row number {number!r}") from exc
            if not previous < row_number <= MAX_ROW_NUMBER:
                raise _damaged(f"row number {row_number} after {previous}")
            previous = row_number
            values = self._cells_exact(elem, ns, row_number)
            elem.clear()
            if values:
                yield row_number, values

    def _cells_exact(self, row: ET.Element, ns: str, row_number: int) -> list[CellValue]:
        c_tag, v_tag, f_tag, is_tag = ns + "c", ns + "v", ns + "f", ns + "is"
        values: list[CellValue] = []
        column = -1
        for cell in row:
            if cell.tag != c_tag:
                continue
            ref = cell.get("r")
            column = column + 1 if ref is None else _column_index(ref.rstrip("0123456789"))
            kind = _CELL_TYPES.get(cell.get("t", "n"))
            if kind is None:
                raise _damaged(f"cell type {cell.get('t')!r}")
            if kind == _NUMBER:
                kind = self._style_kind(cell.get("s"))
            text = formula = inline = None
            for child in cell:
                if child.tag == v_tag:
                    text = child.text or ""
                elif child.tag == f_tag:
                    formula = child.text or ""
                elif child.tag == is_tag:
                    inline = child
            if inline is not None:
                value: CellValue = _rich_text(inline, ns + "t", ns + "r")
            elif text:
                value = self._value(kind, text, _unescape)
            elif formula is not None:
                value = "" if kind == _STRING and text is not None else FormulaWithoutValue(formula)
            else:
                value = None
            self._place(values, column, value, row_number)
        return values
