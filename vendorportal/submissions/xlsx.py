"""Read the first worksheet of an XLSX workbook quickly and safely: a capped ZIP, no DTDs, streaming XML."""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import html
import itertools
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
MAX_NUMBER_TEXT = 400  # characters of a number's text; Excel writes at most about 25
MAX_FORMAT_CODE = 1024  # characters of a number format code that are looked at (Excel allows 255)
CHUNK = 64 * 1024
# Shared strings beyond what the first sheet's cells could use (texts of other sheets) that are still read;
# past that a table larger than the sheet's cells could reference is refused, not read.
SPARE_STRINGS = 100_000
MIN_CELL_BYTES = 20  # <c t="s"><v>0</v></c>: the least XML of a cell that uses a shared string
MAX_CELLS = 10_000_000  # cells of the first sheet, empty ones included (a 20 MB file holds about 8 million)
# A reference in any worksheet: its letters and digits, and the dimension a sheet declares. python-calamine
# allocates the rectangle up to the farthest one (A1 and XFD1048576: some 550 GB, and the process aborts).
_ANY_REFERENCE = re.compile(rb"""\b(?:r|ref)\s*=\s*["'](?:[A-Za-z]++\d++:)?([A-Za-z]++)(\d++)["']""")
# A reference too long to be one, seen from its start (a 900,000-letter one spans many chunks of the stream).
_BAD_REFERENCE = re.compile(rb"""\b(?:r|ref)\s*=\s*["'](?:[A-Za-z]++\d++:)?(?:[A-Za-z]{4}|[A-Za-z]{1,3}\d{8})""")
MAX_PART_ELEMENTS = 100_000  # elements of [Content_Types].xml, the workbook and its relationships
MAX_STYLE_ELEMENTS = 1_000_000  # elements of the styles up to the cell formats (Excel allows 64,000 formats)
MAX_CACHED = 10_000  # entries of each cache of a workbook (attribute spellings, date serials)
MAX_CELL_TEXT = 32_767  # characters of one cell's text: Excel's own limit

# A workbook saved as .xlsm but holding no macro part is a plain workbook: macros are judged by the parts.
_WORKBOOK_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                   "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                   "application/vnd.ms-excel.template.macroEnabled.main+xml")
# Content types (lower-cased) and relationship types of parts that hold macros: VBA projects, Excel 4 macro sheets.
_MACRO_CONTENT = ("vbaproject", "macrosheet")
_MACRO_RELATIONSHIPS = frozenset({"vbaproject", "xlmacrosheet", "xlintlmacrosheet"})
_MACRO_FOLDERS = ("xl/macrosheets/",)
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
# Every pattern below is linear: no part of it can scan past the element it starts in, and repeats that
# could overlap are possessive, so a failed match never rescans. What a pattern does not know goes to
# ElementTree, one row at a time.
_NAME = r"""[^\s/>=<"']+"""
_ATTRS = re.compile(rf"""(?:\s++{_NAME}\s*+=\s*+(?:"[^"]*+"|'[^']*+'))*+\s*+/?""")
_ATTR = re.compile(rf"""({_NAME})\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_TAG = re.compile(rf"""<row(?=[\s>])(?: r="(\d+)")?((?:\s++{_NAME}\s*+=\s*+(?:"[^"]*+"|'[^']*+'))*+)\s*+>""")
# The layout every common writer (Excel, LibreOffice, openpyxl, xlsxwriter, SheetJS) uses. The last branch
# takes whatever a cell holds up to its end tag (spaces before ">" allowed), stopping at the start or end of
# any cell, so one cell's match never runs into the next; _complex_value reads it (pretty-printed cells,
# spaces in tags, formulas) or sends the row to ElementTree.
_CELL = re.compile(r'<c(?=[\s/>])(?: r="([A-Z]{1,3})\d+")?([^>]*+)>(?:(?<=/>)|<v>([^<]*+)</v></c>|'
                   r'<is><t(?: xml:space="preserve")?>([^<]*+)</t></is></c>|'
                   r"((?:[^<]++|<(?!/?c[\s/>]))*+)</c\s*+>)")
_VALUE = re.compile(r"<v\s*>([^<]*)</v\s*>")
_FORMULA_CELL = re.compile(r"<f\b[^>]*?(?:/>|>([^<]*)</f\s*>)\s*(?:<v\s*>([^<]*)</v\s*>|<v\s*/>)?", re.S)
_INLINE_TEXT = re.compile(r'<is\s*>\s*<t(?:\s+xml:space="preserve")?\s*>([^<]*)</t\s*>\s*</is\s*>')
# t, s and r in plain double-quoted attributes (see Workbook._cell_kind).
_T_ATTR = re.compile(r'\st\s*=\s*"([^"]*)"')
_S_ATTR = re.compile(r'\ss\s*=\s*"([^"]*)"')
_R_ATTR = re.compile(r"\sr\s*=")
_SHARED_TEXT = re.compile(r'<t(?: xml:space="preserve")?>([^<]*)</t>')
_SHARED_STRING = re.compile(r'<si>\s*+<t(?: xml:space="preserve")?>([^<]*+)</t>\s*+</si\s*+>')
_EXCEL_PRECISION = Context(prec=EXCEL_DIGITS)
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


@functools.cache
def _end_tag(name: str) -> re.Pattern:
    """Return the pattern of the end tag of name (with its prefix, if any), spaces before ">" allowed."""
    return re.compile(rf"</{re.escape(name)}\s*+>")


@functools.cache
def _left_reference(columns: int) -> re.Pattern:
    """Return the pattern of a reference to one of the first columns (at most 26) of a sheet."""
    return re.compile(rf"""\sr\s*=\s*["'][A-{chr(64 + columns)}]\d""")


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


def _too_many_strings(count: int, cells: int) -> XlsxRejected:
    return XlsxRejected(_l("The workbook's table of texts holds more than %(count)s entries, far more than its "
                           "first sheet could use (at most %(cells)s); it was refused. Copy the data into a new "
                           "workbook, or save it as CSV.", count=f"{count:,}", cells=f"{cells:,}"))


def _too_many_cells() -> XlsxRejected:
    return XlsxRejected(_l("The first sheet has more than %(max)s cells (empty ones included); delete the unused "
                           "rows and columns or split the file.", max=f"{MAX_CELLS:,}"))


def _dtd_rejected(part: str) -> XlsxRejected:
    return XlsxRejected(_l("The part %(part)s of the workbook declares a DTD or entities, which Excel never "
                           "writes; it looks like an XML bomb and was refused.", part=part))


class _Budget:
    """Count decompressed bytes so that no part, and not all parts together, can exceed the caps.

    A part read again (the sheet, surveyed before it is read) is counted once: its bytes are the same.
    """

    def __init__(self, total: int) -> None:
        self.left = total
        self._counted: dict[str, int] = {}

    def stream(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        # The sizes in the ZIP directory are written by the sender, so the caps count real output bytes.
        member_cap = max(info.compress_size * MAX_RATIO, RATIO_FLOOR)
        produced = 0
        counted = self._counted.get(info.filename, 0)
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    if produced > counted:
                        self.left -= produced - counted
                        counted = self._counted[info.filename] = produced
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


def _prefix(root: str) -> str:
    """Return the prefix of the root element's name ("x" for <x:worksheet xmlns:x="…">), or "" for none.

    :raises _Irregular: the root has no name or its prefix is not declared on it.
    """
    match = _ROOT_NAME.match(root)
    if match is None:
        raise _Irregular
    prefix = match.group(1).rpartition(":")[0]
    if prefix and re.search(rf"""\sxmlns:{re.escape(prefix)}\s*=\s*["']""", root) is None:
        raise _Irregular
    return prefix


def _unprefix(text: str, prefix: str) -> str:
    # "<" stands only at the start of markup in a checked part (comments and CDATA go to ElementTree).
    return text.replace(f"<{prefix}:", "<").replace(f"</{prefix}:", "</") if prefix else text


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


def _elements(stream: _XmlStream, depth: int, limit: int | None = None
              ) -> Iterator[tuple[ET.Element, int, ET.Element | None]]:
    """Yield (element, level, parent) for each element of a checked stream at most depth levels below the root.

    The root is level 0. An element comes complete, with everything inside it, and is then dropped from its
    parent, so memory holds one such element at a time however long the part is. limit caps how many
    elements the part may have in all (for parts that are small in every honest file).
    """
    parser = ET.XMLPullParser(("start", "end"))  # noqa: S314 - _XmlStream refuses any DTD before bytes get here
    stack: list[ET.Element] = []
    pending = 0  # bytes since the last element came out: what ElementTree holds in memory
    count = 0
    try:
        for chunk in itertools.chain(stream, (None,)):
            if chunk is None:
                parser.close()
            else:
                parser.feed(chunk)
                pending += len(chunk)
            for event, elem in parser.read_events():
                if event == "start":
                    stack.append(elem)
                    continue
                stack.pop()
                count += 1
                if limit is not None and count > limit:
                    raise _damaged(f"{stream.part}: more than {limit:,} elements")
                level = len(stack)
                if level <= depth:
                    pending = 0
                    parent = stack[-1] if stack else None
                    yield elem, level, parent
                    if parent is not None:
                        del parent[-1]  # the element just ended is its parent's last child
            if pending > MAX_ROW_TEXT:
                raise _too_large(stream.part)
    except ET.ParseError as exc:
        raise _damaged(f"{stream.part}: {exc}") from exc


def _last_end(text: str, end: re.Pattern, opener: str) -> int:
    """Return where the last complete end tag matched by end finishes in text, or -1."""
    position = text.rfind(opener)
    while position >= 0:
        match = end.match(text, position)
        if match is not None:
            return match.end()
        position = text.rfind(opener, 0, position)
    return -1


def _open_tail(text: str, opener: str) -> int:
    """Return where an end tag may begin at the end of text (its "</ro" or "</row  "), or len(text)."""
    position = text.rfind("<")
    if position < 0:
        return len(text)
    tail = text[position:]
    if opener.startswith(tail) or (tail.startswith(opener) and tail[len(opener):].isspace()):
        return position
    return len(text)


def _pieces(stream: _XmlStream, name: str) -> Iterator[tuple[str, bool, str]]:
    """Yield the decoded text of a checked stream in blocks that each end with a complete </name> end tag
    (with the root's prefix, if any, and spaces before ">" allowed), then the rest; with each, whether it is
    that tail, and the prefix ("" for none).

    Each chunk is searched once, so the work is linear however the text is laid out.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts: list[str] = []  # the text since the last block, less `partial`
    partial = ""  # the end of that text, when it may be the start of an end tag cut by the chunk
    size = 0
    prefix = end = opener = None
    try:
        for chunk in stream:
            if prefix is None:
                prefix = _prefix(stream.root)
                opener = f"</{prefix}:{name}" if prefix else f"</{name}"
                end = _end_tag(opener[2:])
            window = partial + decoder.decode(chunk)
            cut = _last_end(window, end, opener)
            if cut >= 0:
                parts.append(window[:cut])
                # Collect and join once: adding to one string chunk by chunk would copy it over and over.
                yield "".join(parts), False, prefix
                parts, size, window = [], 0, window[cut:]
            keep = _open_tail(window, opener)
            parts.append(window[:keep])
            partial = window[keep:]
            size += keep
            if size + len(partial) > MAX_ROW_TEXT:
                raise _too_large(stream.part)
        parts.append(partial + decoder.decode(b"", True))
    except UnicodeDecodeError as exc:
        raise _damaged(f"{stream.part}: {exc}") from exc
    yield "".join(parts), True, prefix or ""


class _Fragments:
    """Parse elements cut out of a checked part, one at a time, inside the part's own root element.

    The root's start tag (with every namespace prefix it declares) is parsed once, not once per element,
    so that neither a long root tag nor many irregular rows make the work grow faster than the part.
    """

    def __init__(self, root: str, part: str, container: str | None = None) -> None:
        self._part = part
        self._parser = ET.XMLPullParser(("start", "end"))  # noqa: S314 - fed only text of a checked stream
        opening = root[:-2] + ">" if root.endswith("/>") else root
        self._parent: ET.Element | None = None
        try:
            self._parser.feed(opening + (f"<{container}>" if container else ""))
            for _event, elem in self._parser.read_events():
                self._parent = elem  # the last start: the container, or the root
        except ET.ParseError as exc:
            raise _damaged(f"{part}: {exc}") from exc
        if self._parent is None:
            raise _damaged(f"{part}: root element")

    def parse(self, xml: str) -> ET.Element:
        """Return the element xml holds (its start tag to its end tag), parsed in the part's namespaces."""
        parent = self._parent
        del parent[:]  # the element before this one has been read
        depth = 0
        try:
            self._parser.feed(xml)
            for event, _elem in self._parser.read_events():
                depth += 1 if event == "start" else -1
        except ET.ParseError as exc:
            raise _damaged(f"{self._part}: {exc}") from exc
        if depth != 0 or len(parent) != 1:
            raise _damaged(f"{self._part}: an element cut apart (a comment or CDATA section holding an end tag?)")
        return parent[0]


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


def _check_length(strings: list[str], part: str) -> None:
    if any(len(text) > MAX_CELL_TEXT for text in strings):
        raise _damaged(f"{part}: a text of more than {MAX_CELL_TEXT:,} characters")


def _attributes(attrs: str) -> dict[str, str]:
    """Return the attributes of a start tag's text after its name.

    :raises _Irregular: the text is not plain attributes (a > inside a value cut the tag short).
    """
    if _ATTRS.fullmatch(attrs) is None:
        raise _Irregular
    return {name: double if double or not single else single for name, double, single in _ATTR.findall(attrs)}


def _format_kind(num_fmt_id: int, codes: dict[int, str]) -> int:
    code = codes.get(num_fmt_id)
    if code is None:
        if num_fmt_id in _BUILTIN_DATE_FORMATS:
            return _DATE
        return _PERCENT if num_fmt_id in _BUILTIN_PERCENT_FORMATS else _NUMBER
    code = code[:MAX_FORMAT_CODE]  # the patterns below rescan "[" runs: keep what they see short
    # Quoted text, escaped characters and [colour]/[$-411] sections hold letters that are not date tokens.
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])
    bare = re.sub("general", "", bare, flags=re.IGNORECASE).lower()
    if any(ch in bare for ch in "dmyhs") or re.search(r"\[(h+|m+|s+)\]", code, re.IGNORECASE):
        return _DATE
    return _PERCENT if "%" in bare else _NUMBER


def _overlapping(chunks: Iterator[bytes], keep: int = 64) -> Iterator[bytes]:
    """Yield chunks that overlap by `keep` bytes, so that a short pattern cut by a chunk's end is still found."""
    tail = b""
    for chunk in chunks:
        yield tail + chunk
        tail = chunk[-keep:]


def _next_row_number(number: str | None, previous: int) -> int:
    """Return a row's number (the one after the previous row when it has none); rows must go down the sheet."""
    try:
        row_number = int(number) if number is not None else previous + 1
    except ValueError as exc:
        raise _damaged(f"row number {number[:20]!r}") from exc
    if not previous < row_number <= MAX_ROW_NUMBER:
        raise _damaged(f"row number {row_number} after {previous}")
    return row_number


def _column_index(letters: str) -> int:
    if len(letters) > 3:
        raise _damaged(f"cell reference {letters[:10]!r}")
    index = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            raise _damaged(f"cell reference {letters!r}")
        index = index * 26 + ord(ch) - 64
    if not 0 < index <= MAX_COLUMNS:
        raise _damaged(f"cell reference {letters!r}")
    return index - 1


def _number(text: str, kind: type[Decimal] = Decimal) -> int | Decimal | str:
    if len(text) > MAX_NUMBER_TEXT:
        return text  # no number Excel holds is written this long; keep the work on it small
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

    Every step is linear in the bytes it reads and bounded in memory, so a file within the upload limit is
    read or refused in seconds whatever its XML looks like.
    """

    def __init__(self, data: bytes) -> None:
        # zipfile builds an object for every entry of the central directory before anything can be checked.
        if data.count(b"PK\x01\x02") > 10 * MAX_MEMBERS:
            raise XlsxRejected(_l("The workbook has more than %(max)s parts; it was refused.", max=MAX_MEMBERS))
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise _damaged(str(exc)) from exc
        self._check_members(infos)
        self._members = {info.filename: info for info in infos}
        self._parts = {name.lower() for name in self._members}  # part names are case-insensitive in a package
        self._budget = _Budget(MAX_TOTAL_UNCOMPRESSED)
        self.max_column: int | None = None
        self.dropped_row: int | None = None
        self._serials: dict[str, dt.datetime | dt.time | str] = {}
        # The t and s attributes of a cell as written -> how to read its value; a sheet has few distinct ones.
        self._cell_kinds: dict[str, int] = {}
        self._columns: dict[str, int] = {}
        self._cells = 0
        workbook_part = self._workbook_part()
        self._date1904, sheet_rid = self._read_workbook(workbook_part)
        sheet, by_type = self._read_rels(workbook_part, sheet_rid)
        if sheet is None or not sheet[0].endswith("/worksheet"):
            raise XlsxRejected(_l("The first sheet of the workbook is not a worksheet (it may be a chart); "
                                  "put the data on the first sheet."))
        self._sheet_part = sheet[1]
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
            lower = info.filename.lower()
            if lower.endswith("vbaproject.bin") or lower.startswith(_MACRO_FOLDERS):
                raise _macro_rejected()
            names.add(info.filename)
            total += info.file_size
        # The declared sizes may lie (the streaming caps catch that); when they admit a bomb, stop now.
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _zip_bomb()

    def fits_in_memory(self, max_cells: int = MAX_CELLS) -> bool:
        """Say whether every worksheet's cells, from A1 to the farthest reference, stay within max_cells.

        Other readers (python-calamine) lay a sheet out as that rectangle; ask this before handing them the file.
        """
        for name, info in self._members.items():
            lower = name.lower()
            if not (lower.startswith("xl/worksheets/") and lower.endswith(".xml")):
                continue
            rows = columns = 0
            for chunk in _overlapping(self._budget.stream(self._zip, info)):
                if _BAD_REFERENCE.search(chunk):
                    return False
                for letters, digits in _ANY_REFERENCE.findall(chunk):
                    if len(letters) > 3 or len(digits) > 7:
                        return False
                    rows, columns = max(rows, int(digits)), max(columns, _column_index(letters.decode()) + 1)
            if rows > MAX_ROW_NUMBER or columns > MAX_COLUMNS or rows * columns > max_cells:
                return False
        return True

    def _stream(self, part: str) -> _XmlStream:
        info = self._members.get(part)
        if info is None:
            raise _damaged(f"{part} is missing")
        return _XmlStream(self._budget.stream(self._zip, info), part)

    def _workbook_part(self) -> str:
        """Return the workbook's main part, refusing macros by the parts that hold them.

        A content type only says what a part would be: SheetJS declares a macro-enabled type for the
        extension .bin in every file it writes, with no .bin part. A macro is refused when a part that
        exists has a macro type (by its own Override, or by the Default of its extension).
        """
        if "[Content_Types].xml" not in self._members:
            raise XlsxRejected(_l("The file is a ZIP archive but not an Excel workbook; upload an .xlsx or .csv "
                                  "file."))
        workbook = None
        overridden: set[str] = set()
        macro_extensions: set[str] = set()
        for elem, level, _parent in _elements(self._stream("[Content_Types].xml"), 1, MAX_PART_ELEMENTS):
            if level != 1:
                continue
            content_type = elem.get("ContentType", "")
            is_macro = any(word in content_type.lower() for word in _MACRO_CONTENT)
            if elem.tag == _CT_NS + "Override":
                part = elem.get("PartName", "").lstrip("/")
                if part.lower() in self._parts:
                    if is_macro:
                        raise _macro_rejected()
                    overridden.add(part.lower())
                if content_type in _WORKBOOK_TYPES:
                    workbook = part
            elif elem.tag == _CT_NS + "Default" and is_macro:
                macro_extensions.add(elem.get("Extension", "").lower())
        for part in self._parts - overridden:
            if part.rpartition(".")[2] in macro_extensions:
                raise _macro_rejected()
        if workbook is None:
            raise XlsxRejected(_l("The file is a ZIP archive but not an Excel workbook; upload an .xlsx or .csv "
                                  "file."))
        return workbook

    def _read_workbook(self, part: str) -> tuple[bool, str | None]:
        date1904 = False
        for elem, level, _parent in _elements(self._stream(part), 2, MAX_PART_ELEMENTS):
            name = _local(elem.tag)
            if name == "workbookPr" and level == 1:
                date1904 = elem.get("date1904", "false").lower() in ("1", "true")
            elif name == "sheet" and level == 2:
                first_sheet = next((v for k, v in elem.attrib.items() if _local(k) == "id"), None)
                if first_sheet is not None:
                    return date1904, first_sheet  # the other sheets and the defined names are not needed
        raise _damaged(f"{part} names no sheet")

    def _read_rels(self, workbook_part: str, sheet_rid: str | None
                   ) -> tuple[tuple[str, str] | None, dict[str, str]]:
        """Return the first sheet's (relationship type, part) and the parts of the other relationships by type."""
        folder = dirname(workbook_part)
        rels_part = join(folder, "_rels", workbook_part.rpartition("/")[2] + ".rels")
        sheet = None
        by_type: dict[str, str] = {}
        for elem, level, _parent in _elements(self._stream(rels_part), 1, MAX_PART_ELEMENTS):
            if level != 1 or elem.tag != _REL_NS + "Relationship" or elem.get("TargetMode") == "External":
                continue
            target = elem.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(folder, target))
            rel_type = elem.get("Type", "")
            kind = rel_type.rpartition("/")[2]
            if kind.lower() in _MACRO_RELATIONSHIPS and path.lower() in self._parts:
                raise _macro_rejected()
            if elem.get("Id", "") == sheet_rid:
                sheet = (rel_type, path)
            if kind in ("styles", "sharedStrings"):
                by_type[kind] = path
        return sheet, by_type

    def _read_styles(self, part: str | None) -> list[int]:
        if part is None:
            return []
        codes: dict[int, str] = {}
        kinds: list[int] = []
        known: dict[int, int] = {}  # numFmtId -> kind: many formats share one number format
        for elem, level, parent in _elements(self._stream(part), 2, MAX_STYLE_ELEMENTS):
            name = _local(elem.tag)
            if level == 1 and name == "cellXfs":
                break  # the cell styles, differential formats and colours after it are not needed
            if level != 2:
                continue
            container = _local(parent.tag)
            if container == "numFmts" and name == "numFmt":
                try:
                    codes[int(elem.get("numFmtId", ""))] = elem.get("formatCode", "")
                except ValueError:
                    continue
                known.clear()
            elif container == "cellXfs" and name == "xf":
                try:
                    num_fmt_id = int(elem.get("numFmtId", "0"))
                except ValueError:
                    kinds.append(_NUMBER)
                    continue
                kind = known.get(num_fmt_id)
                if kind is None:
                    kind = known[num_fmt_id] = _format_kind(num_fmt_id, codes)
                kinds.append(kind)
        return kinds

    def _read_strings(self, part: str | None) -> list[str]:
        if part is None:
            return []
        sheet = self._members.get(self._sheet_part)
        # How many strings the first sheet could use at most: first from its size, later from its cells.
        self._sheet_capacity = (sheet.file_size if sheet is not None else 0) // MIN_CELL_BYTES
        self._strings_allowed = SPARE_STRINGS
        self._surveyed = False
        try:
            return self._read_strings_fast(part)
        except _Irregular:
            return self._read_strings_exact(part)

    def _check_strings(self, count: int) -> None:
        """Refuse a shared-string table far larger than the cells of the first sheet could reference.

        Only a table past SPARE_STRINGS is looked at; then the sheet's own size, and if need be a count of
        its value cells (one quick pass over its bytes), bound what it can use.
        """
        if count <= self._strings_allowed:
            return
        if count > max(SPARE_STRINGS, self._sheet_capacity):
            raise _too_many_strings(max(SPARE_STRINGS, self._sheet_capacity), self._sheet_capacity)
        if not self._surveyed:
            self._surveyed = True
            self._sheet_capacity = min(self._sheet_capacity, self._value_cells())
            self._strings_allowed = max(SPARE_STRINGS, self._sheet_capacity)
        if count > self._strings_allowed:
            raise _too_many_strings(self._strings_allowed, self._sheet_capacity)

    def _value_cells(self) -> int:
        """Return at least the number of cells of the first sheet that hold a value (each <v> or <x:v>)."""
        info = self._members.get(self._sheet_part)
        if info is None:
            raise _damaged(f"{self._sheet_part} is missing")
        found = 0
        for chunk in self._budget.stream(self._zip, info):
            found += chunk.count(b"<v") + chunk.count(b":v") + 1  # + 1: a tag cut by the chunk
        return found

    def _read_strings_fast(self, part: str) -> list[str]:
        stream = self._stream(part)
        strings: list[str] = []
        append = strings.append
        match_text = _SHARED_TEXT.fullmatch
        fragments = None
        for block, is_tail, prefix in _pieces(stream, "si"):
            text = _unprefix(block, prefix)
            if is_tail:
                if "<si" in text or ":si" in text:
                    raise _Irregular
                break
            if "<!" in block or "<?" in block:
                raise _Irregular  # comments and CDATA may hide an end tag: leave the whole part to ElementTree
            simple = _SHARED_STRING.findall(text)
            if len(simple) == text.count("<si"):
                decoded = list(map(_text, simple))  # every string of the block is plain text
                if max(map(len, simple), default=0) > MAX_CELL_TEXT:
                    _check_length(decoded, part)
                strings.extend(decoded)
            else:
                name = f"{prefix}:si" if prefix else "si"
                for original in _end_tag(name).split(block)[:-1]:
                    piece = _unprefix(original, prefix)
                    start = piece.find("<si")
                    if start < 0 or piece.find("<si", start + 3) >= 0:
                        raise _Irregular  # e.g. an empty <si/>: leave the whole part to ElementTree
                    found = match_text(piece[piece.index(">", start) + 1:].strip())
                    if found is not None:
                        append(_text(found.group(1)))
                    else:
                        if fragments is None:
                            fragments = _Fragments(stream.root, part)
                        elem = fragments.parse(original[original.find("<" + name):] + f"</{name}>")
                        ns = elem.tag.rpartition("}")[0] + "}"
                        append(_rich_text(elem, ns + "t", ns + "r"))
                    _check_length(strings[-1:], part)
            self._check_strings(len(strings))
        return strings

    def _read_strings_exact(self, part: str) -> list[str]:
        strings: list[str] = []
        for elem, level, _parent in _elements(self._stream(part), 1):
            if level != 1:
                continue
            ns = elem.tag.rpartition("}")[0] + "}"
            if elem.tag == ns + "si":
                strings.append(_rich_text(elem, ns + "t", ns + "r"))
                _check_length(strings[-1:], part)
                self._check_strings(len(strings))
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
            if len(self._serials) < MAX_CACHED:
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
        """Return how to read a cell whose start tag has attrs after its name (and its r, when first).

        :raises _Irregular: a reference not written first, a namespace declaration or attributes spelled
            so that the streamed layout cannot be sure of them: the row goes to ElementTree.
        """
        if "'" not in attrs and attrs.count('"') == 2 * attrs.count("=") and "xmlns" not in attrs:
            # Double-quoted values holding no "=" (so no ">" cut the tag short, and no " t=" hides in one):
            # the attributes can be picked out directly, which matters when every cell is spelled differently.
            if _R_ATTR.search(attrs):
                raise _Irregular
            found = _T_ATTR.search(attrs), _S_ATTR.search(attrs)
            values = {name: match.group(1) for name, match in zip("ts", found, strict=True) if match}
        else:
            values = _attributes(attrs)
            if "r" in values or any(name.startswith("xmlns") for name in values):
                raise _Irregular
        kind = _CELL_TYPES.get(values.get("t", "n"))
        if kind is None:
            raise _damaged(f"cell type {values.get('t')!r}")
        if kind == _NUMBER:
            kind = self._style_kind(values.get("s"))
        if len(self._cell_kinds) < MAX_CACHED and len(attrs) <= 200:  # a sheet has few short spellings
            self._cell_kinds[attrs] = kind
        return kind

    def _value(self, kind: int, text: str, decode: Callable[[str], str] = _text) -> CellValue:
        """Return the value of a cell of the given kind whose <v> holds text (not empty).

        decode turns raw XML text into characters: _text for the streamed layout, _unescape after ElementTree.
        """
        if kind == _NUMBER:
            return int(text) if text.isdigit() and len(text) <= MAX_NUMBER_TEXT else _number(text)
        if kind == _SHARED:
            try:
                return self._strings[int(text)]
            except (ValueError, IndexError) as exc:
                raise _damaged(f"shared string {text[:20]!r}") from exc
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

    def _count_cells(self, count: int) -> None:
        self._cells += count
        if self._cells > MAX_CELLS:
            raise _too_many_cells()

    def _rows_fast(self) -> Iterator[tuple[int, list[CellValue]]]:
        stream = self._stream(self._sheet_part)
        previous = 0
        fragments = None
        for block, is_tail, prefix in _pieces(stream, "row"):
            name = f"{prefix}:row" if prefix else "row"
            if is_tail:
                tail = _unprefix(block, prefix)
                end_of_data = tail.find("</sheetData")
                if _ANY_CELL.search(tail, 0, end_of_data if end_of_data >= 0 else len(tail)):
                    raise _Irregular
                return
            for original in _end_tag(name).split(block)[:-1]:
                piece = _unprefix(original, prefix)  # <x:row><x:c> of the .NET Open XML SDK read as <row><c>
                start = piece.rfind("<row")
                if start < 0:
                    raise _damaged(f"{self._sheet_part}: a row end without its start")
                tag = _ROW_TAG.match(piece, start)
                if tag is None:
                    raise _damaged(f"{self._sheet_part}: the row after row {previous} is not a row element")
                number = tag.group(1)
                if number is None:  # no row number, or not written first
                    number = _attributes(tag.group(2)).get("r")
                row_number = previous = _next_row_number(number, previous)
                body = piece[tag.end():]
                try:
                    if "<!" in body or "<?" in body or ":c" in body:  # comments, CDATA, PIs, prefixed cells
                        raise _Irregular
                    values = self._row_fast(body, row_number)
                except _Irregular:
                    if fragments is None:
                        fragments = _Fragments(stream.root, self._sheet_part,
                                               f"{prefix}:sheetData" if prefix else "sheetData")
                    row = fragments.parse(original[original.rfind("<" + name):] + f"</{name}>")
                    ns = row.tag.rpartition("}")[0] + "}"
                    values = self._cells_exact(row, ns, row_number)
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

    def _skip_from(self, body: str) -> int:
        """Return where the cells of body that cannot land left of the header start, or len(body).

        Once a dropped cell has been noted, cells right of the header need no reading. Past the first
        max_column cells, a cell lands left of the header only by a reference to such a column, so when
        the rest of the row has none, it is counted but not read (its cells cost nothing, however many).
        """
        limit = self.max_column
        if self.dropped_row is None or limit is None or not 0 < limit <= 26:
            return len(body)
        cut = -1
        for _ in range(limit + 1):
            cut = body.find("<c", cut + 1)
            if cut < 0:
                return len(body)
        return len(body) if _left_reference(limit).search(body, cut) else cut

    def _row_fast(self, body: str, row_number: int, skip: bool = True) -> list[CellValue]:
        end = self._skip_from(body) if skip else len(body)
        cells = _CELL.findall(body, 0, end)
        if len(cells) != body.count("<c", 0, end):
            raise _Irregular  # a cell the pattern does not know (or rich text with <color>): use ElementTree
        values: list[CellValue] = []
        append = values.append
        columns = self._columns
        kinds = self._cell_kinds
        strings = self._strings
        column = -1
        long = len(body) > MAX_CELL_TEXT  # only then can one cell's text be too long
        try:
            for letters, attrs, text, inline, other in cells:
                if letters:
                    column = columns.get(letters, -1)
                    if column < 0:
                        column = columns[letters] = _column_index(letters)
                else:
                    column += 1
                    if column >= MAX_COLUMNS:
                        raise _damaged(f"{self._sheet_part}, row {row_number}: more than {MAX_COLUMNS:,} cells")
                kind = kinds.get(attrs)
                if kind is None:
                    kind = self._cell_kind(attrs)  # a reference that is not the first attribute: _Irregular
                if other:
                    value = self._complex_value(kind, other)
                elif not text:
                    value = _text(inline) if inline else None
                elif kind == _NUMBER:
                    value = int(text) if text.isdigit() and len(text) <= MAX_NUMBER_TEXT else _number(text)
                elif kind == _SHARED:
                    value = strings[int(text)]
                else:
                    value = self._value(kind, text)
                if long and value.__class__ is str and len(value) > MAX_CELL_TEXT:
                    raise _damaged(f"{self._sheet_part}, row {row_number}: a cell of more than {MAX_CELL_TEXT:,} "
                                   "characters")
                if column == len(values):
                    append(value)
                else:
                    self._place(values, column, value, row_number)
        except (ValueError, IndexError) as exc:
            raise _damaged(f"{self._sheet_part}, row {row_number}: {exc}") from exc
        if end < len(body):
            if column < self.max_column - 1:  # references went back: the rest may land left of the header
                return self._row_fast(body, row_number, skip=False)
            self._count_cells(body.count("<c", end))
        self._count_cells(len(cells))
        if self.max_column is not None and len(values) > self.max_column:
            # Cells right of the header were appended in order (gaps go through _place, which drops them).
            if self.dropped_row is None and any(v is not None and v != "" for v in values[self.max_column:]):
                self.dropped_row = row_number
            del values[self.max_column:]
        return values

    def _complex_value(self, kind: int, content: str) -> CellValue:
        content = content.strip()
        if kind == _INLINE:
            match = _INLINE_TEXT.fullmatch(content)
            if match is not None:
                return _text(match.group(1))
        match = _VALUE.fullmatch(content)
        if match is not None:
            return self._value(kind, match.group(1)) if match.group(1) else None
        if kind == _INLINE:
            raise _Irregular
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

    def _rows_exact(self) -> Iterator[tuple[int, list[CellValue]]]:
        row_tag = ns = None
        previous = 0
        for elem, level, _parent in _elements(self._stream(self._sheet_part), 2):
            if row_tag is None:
                ns = elem.tag.rpartition("}")[0] + "}"
                row_tag = ns + "row"
            if level != 2 or elem.tag != row_tag:
                continue
            row_number = previous = _next_row_number(elem.get("r"), previous)
            values = self._cells_exact(elem, ns, row_number)
            if values:
                yield row_number, values

    def _cells_exact(self, row: ET.Element, ns: str, row_number: int) -> list[CellValue]:
        c_tag, v_tag, f_tag, is_tag = ns + "c", ns + "v", ns + "f", ns + "is"
        values: list[CellValue] = []
        column = -1
        self._count_cells(len(row))
        try:
            for cell in row:
                if cell.tag != c_tag:
                    continue
                ref = cell.get("r")
                column = column + 1 if ref is None else _column_index(ref.rstrip("0123456789"))
                if column >= MAX_COLUMNS:
                    raise _damaged(f"{self._sheet_part}, row {row_number}: more than {MAX_COLUMNS:,} cells")
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
                if value.__class__ is str and len(value) > MAX_CELL_TEXT:
                    raise _damaged(f"{self._sheet_part}, row {row_number}: a cell of more than {MAX_CELL_TEXT:,} "
                                   "characters")
                self._place(values, column, value, row_number)
        except ValueError as exc:
            raise _damaged(f"{self._sheet_part}, row {row_number}: {exc}") from exc
        return values
