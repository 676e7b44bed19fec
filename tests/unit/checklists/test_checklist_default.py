"""The default contact-centre checklist: coverage, both languages, and shape the database accepts."""

import re

import pytest

from vendorportal.checklists.default import CATEGORY_NAMES, DEFAULT_ITEMS, DefaultItem
from vendorportal.checklists.domain import Response, Review, ScoredAnswer, score

JAPANESE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff]")
CATEGORIES = {
    "governance", "people", "physical", "access", "data",
    "remote_work", "operations", "incidents", "subcontracting", "continuity",
}


def test_default_template_has_at_least_30_items():
    assert len(DEFAULT_ITEMS) >= 30


def test_category_names_are_the_ten_keys_in_both_languages():
    assert set(CATEGORY_NAMES) == CATEGORIES
    for en, ja in CATEGORY_NAMES.values():
        assert en.strip()
        assert JAPANESE.search(ja)


def test_every_category_has_items():
    used = {item.category for item in DEFAULT_ITEMS}
    assert used == CATEGORIES
    for category in CATEGORIES:
        assert sum(1 for item in DEFAULT_ITEMS if item.category == category) >= 2, category


def test_items_of_a_category_sit_together():
    # The template is shown in this order, so a category must not be split up.
    order = [item.category for item in DEFAULT_ITEMS]
    seen = list(dict.fromkeys(order))
    assert order == sorted(order, key=seen.index)


def test_codes_are_unique_and_fit_the_column():
    codes = [item.code for item in DEFAULT_ITEMS]
    assert len(codes) == len(set(codes))
    for item in DEFAULT_ITEMS:
        assert re.fullmatch(r"[A-Z]{3}-\d{2}", item.code)
        assert len(item.code) <= 20
        assert len(item.category) <= 30


@pytest.mark.parametrize("item", DEFAULT_ITEMS, ids=lambda item: item.code)
def test_item_texts_are_present_in_both_languages(item):
    for text in (item.question_en, item.question_ja, item.guidance_en, item.guidance_ja):
        assert text.strip() == text
        assert text
    assert JAPANESE.search(item.question_ja)
    assert JAPANESE.search(item.guidance_ja)
    assert not JAPANESE.search(item.question_en)
    assert not JAPANESE.search(item.guidance_en)


@pytest.mark.parametrize("item", DEFAULT_ITEMS, ids=lambda item: item.code)
def test_questions_are_polite_yes_no_questions(item):
    assert item.question_en.endswith("?")
    assert item.question_ja.endswith("か。")
    assert "ますか" in item.question_ja


@pytest.mark.parametrize("item", DEFAULT_ITEMS, ids=lambda item: item.code)
def test_guidance_says_what_to_attach_or_write(item):
    if item.evidence_required:
        assert "Attach" in item.guidance_en
        assert "添付" in item.guidance_ja
    else:
        assert "comment" in item.guidance_en
        assert "コメント" in item.guidance_ja


def test_weights_run_from_1_to_3_and_use_the_whole_range():
    weights = {item.weight for item in DEFAULT_ITEMS}
    assert weights == {1, 2, 3}


def test_most_items_require_evidence_but_not_all():
    required = [item for item in DEFAULT_ITEMS if item.evidence_required]
    assert len(DEFAULT_ITEMS) > len(required) > len(DEFAULT_ITEMS) // 2


@pytest.mark.parametrize(
    ("category", "needle"),
    [
        ("governance", "27001"),
        ("governance", "プライバシーマーク"),
        ("governance", "責任者"),
        ("people", "経歴確認"),
        ("people", "秘密保持"),
        ("people", "入社時および年1回以上"),
        ("physical", "入退室"),
        ("physical", "来訪者"),
        ("physical", "監視カメラ"),
        ("physical", "携帯電話"),
        ("physical", "クリアデスク"),
        ("access", "最小限"),
        ("access", "棚卸し"),
        ("access", "共有ID"),
        ("access", "1営業日以内"),
        ("data", "取扱いルール"),
        ("data", "ローカル保存"),
        ("data", "消去"),
        ("data", "暗号化"),
        ("remote_work", "端末"),
        ("remote_work", "VPN"),
        ("remote_work", "覗き見防止"),
        ("operations", "ログ"),
        ("operations", "マルウェア"),
        ("operations", "パッチ"),
        ("incidents", "24時間以内"),
        ("incidents", "訓練"),
        ("subcontracting", "承認"),
        ("subcontracting", "同等の義務"),
        ("continuity", "BCP"),
        ("continuity", "複数拠点"),
        ("continuity", "切替訓練"),
    ],
)
def test_template_covers_the_required_topics(category, needle):
    assert any(needle in item.question_ja for item in DEFAULT_ITEMS if item.category == category)


def test_default_item_rejects_unknown_category_and_weight():
    with pytest.raises(ValueError):
        DefaultItem("X-01", "misc", "Q?", "質問ですか。", "G", "案内", 1, False)
    with pytest.raises(ValueError):
        DefaultItem("X-01", "data", "Q?", "質問ですか。", "G", "案内", 4, False)


def test_default_template_scores_100_when_every_answer_is_an_accepted_yes():
    answers = [ScoredAnswer(i.code, i.category, i.weight, Response.YES, Review.ACCEPTED) for i in DEFAULT_ITEMS]
    result = score(answers)
    assert result.overall == 100.0
    assert set(result.by_category) == CATEGORIES
