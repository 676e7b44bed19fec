"""How a file writes its numbers: decided once per file from its unambiguous values, never guessed per cell.

"1,234.5" and "1.234.567" tell the convention apart; "8.052" alone does not (8.052 s, or 8,052 s in a
European file). A count settles it too: "8.052" cannot be a count of 8.052, so in a count column it is 8052
and the file writes dots as thousands separators. Where the reading of a measure depends on the convention
and the file gives no evidence, the vendor is asked rather than told a wrong month.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

POINT = "1,234.5"  # thousands with commas, decimals with a point (Japan, the US, the UK …)
COMMA = "1.234,5"  # thousands with points, decimals with a comma (much of Europe and Latin America)
FORMATS = (POINT, COMMA)

_GROUPED = re.compile(r"\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*")  # 1,234 / 1.234.567
_MIXED = re.compile(r"\d{1,3}(?:(?P<sep>[.,])\d{3})+(?P<dec>[.,])\d+")  # 1,234.5 / 1.234,5
_SIMPLE = re.compile(r"\d+(?P<sep>[.,])\d+")  # 12.5 / 12,5


@dataclass(frozen=True)
class Evidence:
    """What one written value says about the convention: POINT, COMMA, or None; ambiguous if it needs one."""

    says: str | None
    ambiguous: bool


def _plain(text: str) -> str:
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def evidence(text: str, *, whole: bool, comma_is_thousands: bool = False) -> Evidence:
    """Return what a value written in a count (whole) or a sum column says about the file's convention.

    comma_is_thousands: the file itself rules out a decimal comma (a comma-separated CSV, where a decimal comma
    would split the cell; or a Shift_JIS file, written by Japanese Excel, which never uses one), so 1,725 is 1725.
    """
    text = _plain(text)
    grouped = _GROUPED.fullmatch(text)
    if grouped is not None:
        separator_means_thousands = POINT if grouped["sep"] == "," else COMMA
        if text.count(grouped["sep"]) > 1 or whole or (comma_is_thousands and grouped["sep"] == ","):
            # 1,234,567 has thousands separators; a count has no decimals, so 8.052 counted is 8052.
            return Evidence(separator_means_thousands, False)
        return Evidence(None, True)  # 8.052 or 8,052 in a sum: either reading is a number
    if whole:
        return Evidence(None, False)  # a count with decimals is wrong in either convention: it shows neither
    mixed = _MIXED.fullmatch(text)
    if mixed is not None:
        if mixed["sep"] == mixed["dec"]:
            return Evidence(None, False)  # 1.234.5: no convention writes that; the cell's own check refuses it
        return Evidence(POINT if mixed["dec"] == "." else COMMA, False)
    simple = _SIMPLE.fullmatch(text)
    if simple is not None:
        return Evidence(POINT if simple["sep"] == "." else COMMA, False)  # 12.5 / 12,5: a decimal
    return Evidence(None, False)


@dataclass(frozen=True)
class Decision:
    """The file's convention (None: its values never needed one), and the values that would have needed it."""

    convention: str | None
    ambiguous: tuple[tuple[str, int, str], ...] = ()  # (value, row, column) of each value, first seen
    conflict: tuple[tuple[str, int, str], tuple[str, int, str]] | None = None  # a POINT and a COMMA example


def decide(cells: Iterable[tuple[str, int, str, bool]], given: str | None = None, *,
           comma_is_thousands: bool = False) -> Decision:
    """Decide a file's convention from (text, row, column, whole) of its numeric text cells.

    A given convention (the vendor's choice or its import profile) wins. Otherwise the file's unambiguous
    values decide; values that needed a decision the file never gave are returned as ambiguous.
    """
    first: dict[str, tuple[str, int, str]] = {}
    ambiguous: dict[str, tuple[str, int, str]] = {}
    for text, row, column, whole in cells:
        if text in ambiguous:
            continue
        found = evidence(text, whole=whole, comma_is_thousands=comma_is_thousands)
        if found.says is not None:
            first.setdefault(found.says, (_plain(text), row, column))
        elif found.ambiguous:
            ambiguous[text] = (_plain(text), row, column)
    if given is not None:
        return Decision(given)
    if len(first) == 2:
        return Decision(None, conflict=(first[POINT], first[COMMA]))
    if first:
        return Decision(next(iter(first)))
    return Decision(None, tuple(ambiguous.values()))


def normalise(text: str, convention: str | None) -> str:
    """Rewrite a number as written in the file's convention with a point for decimals and no separators."""
    text = _plain(text)
    if convention == COMMA:
        if _GROUPED.fullmatch(text) and "." in text or _MIXED.fullmatch(text) and text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        if _SIMPLE.fullmatch(text) and "," in text:
            return text.replace(",", ".")
        return text
    if "," in text and (_GROUPED.fullmatch(text) or _MIXED.fullmatch(text) and text.rfind(".") > text.rfind(",")):
        return text.replace(",", "")
    return text


def readings(text: str) -> tuple[str, str]:
    """Return an ambiguous value as read in each convention: ("8.052", "8052")."""
    text = _plain(text)
    return normalise(text, POINT).replace(",", ""), normalise(text, COMMA)
