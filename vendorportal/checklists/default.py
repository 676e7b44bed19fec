"""The default security checklist for contact-centre outsourcing, in English and Japanese.

The data lives in ``default_checklist.toml`` next to this module (shipped as package data). It is read
through ``importlib.resources`` and validated once, when this module is first imported; a mistake in
the file is a ``ValueError`` naming the item and the field, not a surprise in a manager's assessment.
Pure: no Flask, no database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

DATA_FILE = "default_checklist.toml"
_PACKAGE = __name__.rpartition(".")[0]

_TOP_KEYS = frozenset({"template_name", "categories", "items"})
_CATEGORY_KEYS = frozenset({"en", "ja"})
_TEXT_FIELDS = ("question_en", "question_ja", "guidance_en", "guidance_ja")
# field -> required type; bool is checked apart because bool is a subclass of int
_ITEM_FIELDS: dict[str, type] = {
    "code": str,
    "category": str,
    "question_en": str,
    "question_ja": str,
    "guidance_en": str,
    "guidance_ja": str,
    "weight": int,
    "evidence_required": bool,
}


class _Parsed(NamedTuple):
    template_name: str
    categories: MappingProxyType[str, tuple[str, str]]
    items: tuple[dict[str, Any], ...]


def _read_packaged() -> str:
    return resources.files(_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")


def _is_type(value: object, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check_keys(where: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    missing = sorted(allowed - set(table))
    if missing:
        raise ValueError(f"{where}: missing field(s) {', '.join(map(repr, missing))}")


def _parse_categories(raw: object) -> MappingProxyType[str, tuple[str, str]]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError("default checklist: 'categories' must be a non-empty table")
    names: dict[str, tuple[str, str]] = {}
    for code, entry in raw.items():
        where = f"default checklist category {code!r}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a table {{ en = ..., ja = ... }}")
        _check_keys(where, entry, _CATEGORY_KEYS)
        for lang in ("en", "ja"):
            if not isinstance(entry[lang], str):
                raise ValueError(f"{where}: field {lang!r} must be a string")
            if not entry[lang].strip():
                raise ValueError(f"{where}: field {lang!r} must not be empty")
        names[code] = (entry["en"], entry["ja"])
    return MappingProxyType(names)


def _parse_item(index: int, raw: object, categories: MappingProxyType[str, tuple[str, str]]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"default checklist item #{index + 1}: must be a table")
    code = raw.get("code")
    named = isinstance(code, str) and code.strip()
    where = f"default checklist item {code!r}" if named else f"default checklist item #{index + 1}"
    _check_keys(where, raw, frozenset(_ITEM_FIELDS))
    for field, kind in _ITEM_FIELDS.items():
        if not _is_type(raw[field], kind):
            raise ValueError(f"{where}: field {field!r} must be {kind.__name__}, not {type(raw[field]).__name__}")
    if not raw["code"].strip():
        raise ValueError(f"{where}: field 'code' must not be empty")
    if raw["category"] not in categories:
        raise ValueError(f"{where}: field 'category' is {raw['category']!r}, not one of [categories]")
    if not 1 <= raw["weight"] <= 3:
        raise ValueError(f"{where}: field 'weight' must be 1, 2 or 3, not {raw['weight']}")
    for field in _TEXT_FIELDS:
        if not raw[field].strip():
            raise ValueError(f"{where}: field {field!r} must not be empty")
    return dict(raw)


def _parse(text: str | None) -> _Parsed:
    data = tomllib.loads(_read_packaged() if text is None else text)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"default checklist: unknown top-level key(s) {', '.join(map(repr, unknown))}")
    template_name = data.get("template_name")
    if not isinstance(template_name, str) or not template_name.strip():
        raise ValueError("default checklist: 'template_name' must be a non-empty string")
    categories = _parse_categories(data.get("categories"))
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ValueError("default checklist: 'items' must be a non-empty array of [[items]] tables")
    items = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        item = _parse_item(index, raw, categories)
        if item["code"] in seen:
            raise ValueError(f"default checklist item {item['code']!r}: field 'code' is a duplicate")
        seen.add(item["code"])
        items.append(item)
    return _Parsed(template_name, categories, tuple(items))


# The packaged file, parsed and validated once per process (at first import).
_PACKAGED = _parse(None)

DEFAULT_TEMPLATE_NAME: str = _PACKAGED.template_name

CATEGORY_NAMES: MappingProxyType[str, tuple[str, str]] = _PACKAGED.categories


@dataclass(frozen=True)
class DefaultItem:
    code: str
    category: str
    question_en: str
    question_ja: str
    guidance_en: str
    guidance_ja: str
    weight: int  # 3 = essential, 2 = important, 1 = good practice
    evidence_required: bool

    def __post_init__(self) -> None:
        # Items built by hand (not from the file) are held to the packaged categories too.
        if self.category not in CATEGORY_NAMES:
            raise ValueError(f"unknown category {self.category!r}")
        if not 1 <= self.weight <= 3:
            raise ValueError(f"weight of {self.code} must be 1, 2 or 3")


class DefaultChecklist(NamedTuple):
    template_name: str
    categories: MappingProxyType[str, tuple[str, str]]
    items: tuple[DefaultItem, ...]


def _build(parsed: _Parsed) -> DefaultChecklist:
    items = []
    for fields in parsed.items:
        try:
            items.append(DefaultItem(**fields))
        except ValueError as error:  # a category the packaged file does not define
            raise ValueError(f"default checklist item {fields['code']!r}: field 'category': {error}") from error
    return DefaultChecklist(parsed.template_name, parsed.categories, tuple(items))


def load_default_checklist(text: str | None = None) -> DefaultChecklist:
    """Parse and validate a checklist TOML: ``text``, or the packaged file (via importlib.resources) if None.

    Raises ``ValueError`` naming the item code and the field (``tomllib.TOMLDecodeError``, also a
    ``ValueError``, for bad TOML syntax). Items may use only the packaged category codes, because
    ``DefaultItem`` checks against ``CATEGORY_NAMES``.
    """
    return _build(_parse(text))


DEFAULT_ITEMS: tuple[DefaultItem, ...] = _build(_PACKAGED).items
