"""The default checklist as a TOML data file: it round-trips, it is validated, it ships in the package."""

from __future__ import annotations

import dataclasses
import pathlib
import tomllib
from importlib import resources
from types import MappingProxyType

import pytest

from vendorportal.checklists import default
from vendorportal.checklists.default import (
    CATEGORY_NAMES,
    DEFAULT_ITEMS,
    DEFAULT_TEMPLATE_NAME,
    DefaultItem,
    load_default_checklist,
)

PACKAGE = "vendorportal.checklists"
PYPROJECT = pathlib.Path(__file__).resolve().parents[3] / "pyproject.toml"

CATEGORIES = """\
template_name = "Test checklist"

[categories]
governance = { en = "Governance", ja = "ガバナンス" }
data = { en = "Data", ja = "データ" }
"""

GOV = """\
[[items]]
code = "GOV-01"
category = "governance"
weight = 3
evidence_required = true
question_en = "Is there a policy?"
question_ja = "方針はありますか。"
guidance_en = "Attach it."
guidance_ja = "添付してください。"
"""

DAT = GOV.replace("GOV-01", "DAT-01").replace('"governance"', '"data"')


def checklist(*items: str, head: str = CATEGORIES) -> str:
    return head + "\n" + "\n".join(items)


def packaged_text() -> str:
    return resources.files(PACKAGE).joinpath("default_checklist.toml").read_text(encoding="utf-8")


# --- the packaged file -------------------------------------------------------------------------------


def test_packaged_file_loads_into_43_items_in_10_categories():
    loaded = load_default_checklist()
    assert len(loaded.items) == 43
    assert len(loaded.categories) == 10
    assert loaded.items == DEFAULT_ITEMS
    assert loaded.categories == CATEGORY_NAMES
    assert loaded.template_name == DEFAULT_TEMPLATE_NAME


def test_module_names_keep_their_types():
    assert isinstance(CATEGORY_NAMES, MappingProxyType)
    assert all(isinstance(v, tuple) and len(v) == 2 for v in CATEGORY_NAMES.values())
    assert type(DEFAULT_ITEMS) is tuple
    assert all(type(item) is DefaultItem for item in DEFAULT_ITEMS)
    assert dataclasses.is_dataclass(DefaultItem)
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_ITEMS[0].weight = 1  # type: ignore[misc]
    assert isinstance(DEFAULT_TEMPLATE_NAME, str)


def test_items_are_the_file_entries_unchanged_and_in_order():
    raw = tomllib.loads(packaged_text())
    assert [(code, (e["en"], e["ja"])) for code, e in raw["categories"].items()] == list(CATEGORY_NAMES.items())
    assert raw["template_name"] == DEFAULT_TEMPLATE_NAME
    assert [DefaultItem(**entry) for entry in raw["items"]] == list(DEFAULT_ITEMS)


def test_loader_reads_the_file_through_importlib_resources(monkeypatch, tmp_path):
    (tmp_path / "default_checklist.toml").write_text(checklist(GOV, DAT), encoding="utf-8")
    asked = []

    def files(package):
        asked.append(package)
        return tmp_path

    monkeypatch.setattr(default.resources, "files", files)
    loaded = load_default_checklist()
    assert asked == [PACKAGE]
    assert [item.code for item in loaded.items] == ["GOV-01", "DAT-01"]
    assert loaded.template_name == "Test checklist"


def test_file_is_package_data():
    assert resources.files(PACKAGE).joinpath("default_checklist.toml").is_file()
    package_data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert "checklists/*.toml" in package_data["vendorportal"]


# --- validation --------------------------------------------------------------------------------------


def test_a_small_valid_file_loads():
    loaded = load_default_checklist(checklist(GOV, DAT))
    assert loaded.categories == {"governance": ("Governance", "ガバナンス"), "data": ("Data", "データ")}
    assert loaded.items[1] == DefaultItem(
        "DAT-01", "data", "Is there a policy?", "方針はありますか。", "Attach it.", "添付してください。", 3, True
    )


def _without(text: str, key: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"{key} ="))


def _with(text: str, key: str, value: str) -> str:
    return _without(text, key) + f"{key} = {value}\n"


@pytest.mark.parametrize(
    ("items", "field"),
    [
        pytest.param([_with(GOV, "colour", '"red"')], "colour", id="unknown-key"),
        pytest.param([_without(GOV, "weight")], "weight", id="missing-weight"),
        pytest.param([_without(GOV, "guidance_ja")], "guidance_ja", id="missing-guidance"),
        pytest.param([_with(GOV, "weight", '"3"')], "weight", id="weight-is-a-string"),
        pytest.param([_with(GOV, "weight", "true")], "weight", id="weight-is-a-bool"),
        pytest.param([_with(GOV, "weight", "2.0")], "weight", id="weight-is-a-float"),
        pytest.param([_with(GOV, "evidence_required", "1")], "evidence_required", id="evidence-is-an-int"),
        pytest.param([_with(GOV, "question_en", "42")], "question_en", id="question-is-a-number"),
        pytest.param([_with(GOV, "category", '"misc"')], "category", id="unknown-category"),
        pytest.param([_with(GOV, "weight", "0")], "weight", id="weight-0"),
        pytest.param([_with(GOV, "weight", "4")], "weight", id="weight-4"),
        pytest.param([GOV, DAT.replace("DAT-01", "GOV-01")], "code", id="duplicate-code"),
        pytest.param([_with(GOV, "question_en", '""')], "question_en", id="empty-question-en"),
        pytest.param([_with(GOV, "question_ja", '"  "')], "question_ja", id="blank-question-ja"),
        pytest.param([_with(GOV, "guidance_en", '""')], "guidance_en", id="empty-guidance-en"),
    ],
)
def test_a_broken_item_is_a_value_error_naming_the_item_and_field(items, field):
    with pytest.raises(ValueError, match=rf"item 'GOV-01'.*'{field}'"):
        load_default_checklist(checklist(*items))


def test_an_item_without_a_code_is_named_by_its_position():
    with pytest.raises(ValueError, match=r"item #2.*'code'"):
        load_default_checklist(checklist(GOV, _without(DAT, "code")))


def test_a_category_the_package_does_not_define_is_rejected_on_the_item():
    head = CATEGORIES + 'misc = { en = "Misc", ja = "その他" }\n'
    with pytest.raises(ValueError, match=r"item 'MSC-01'.*'category'"):
        load_default_checklist(checklist(GOV.replace("GOV-01", "MSC-01").replace('"governance"', '"misc"'), head=head))


@pytest.mark.parametrize(
    ("head", "needle"),
    [
        pytest.param(CATEGORIES + "[extra]\n", "'extra'", id="unknown-top-level-key"),
        pytest.param(CATEGORIES.replace('template_name = "Test checklist"', ""), "template_name", id="no-name"),
        pytest.param(CATEGORIES.replace(', ja = "データ"', ""), r"category 'data'.*'ja'", id="category-no-ja"),
        pytest.param(CATEGORIES.replace('"データ"', '""'), r"category 'data'.*'ja'", id="category-empty-ja"),
        pytest.param(CATEGORIES.replace('"Data"', "1"), r"category 'data'.*'en'", id="category-en-not-str"),
    ],
)
def test_a_broken_header_is_a_value_error(head, needle):
    with pytest.raises(ValueError, match=needle):
        load_default_checklist(checklist(GOV, head=head))


def test_no_items_is_a_value_error():
    with pytest.raises(ValueError, match="items"):
        load_default_checklist(CATEGORIES)


def test_bad_toml_syntax_is_a_value_error():
    with pytest.raises(ValueError):
        load_default_checklist(checklist(GOV.replace('"Is there a policy?"', '"Is there a policy?')))
