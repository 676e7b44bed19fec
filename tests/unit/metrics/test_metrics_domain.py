"""Unit tests for the measure and metric catalog and the metric formulas (METRICS-REFERENCE KATs)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorportal.metrics.domain import (
    DIMENSION_ALIASES_JA,
    MEASURES,
    MEASURES_BY_KEY,
    METRICS,
    METRICS_BY_KEY,
    WAIT_BUCKETS,
    Direction,
    MeasureKind,
    MedianWait,
    ServiceLevelFormula,
    compute_metric,
    compute_metrics,
    median_wait,
    median_wait_meets,
    required_measures,
    resolve_header,
    service_level_measures,
    sum_measures,
)

FAST = settings(max_examples=100, deadline=None, database=None)
MonthTotals = dict[str, int | Decimal]
Row = dict[str, int | Decimal | None]


def two_dp(value: float | None) -> Decimal:
    """Round the way the reference does: once, half-up, at display time."""
    assert value is not None
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- catalog ---------------------------------------------------------------------------------------

def test_catalog_lists_every_measure_of_the_spec() -> None:
    expected = {
        "offered", "answered", "answered_within_sl", "abandoned", "abandoned_short", "abandoned_within_sl",
        "agents_staffed", "wait_time_total_s", "handle_time_total_s", "resolved_first_contact", "resolved",
        *(f"wait_le_{n}" for n in (10, 20, 30, 60, 120, 300)),
        "received", "responded_within_target", "csat_responses", "csat_satisfied", "nps_promoters",
        "nps_passives", "nps_detractors", "ces_responses", "ces_score_total", "qa_evaluations",
        "qa_score_total",
    }
    assert {m.key for m in MEASURES} == expected
    assert len(MEASURES) == len(expected)


def test_catalog_kinds_are_sums_only_for_seconds_and_score_totals() -> None:
    sums = {m.key for m in MEASURES if m.kind is MeasureKind.SUM}
    assert sums == {"wait_time_total_s", "handle_time_total_s", "ces_score_total", "qa_score_total"}


def test_catalog_measures_have_both_names_and_japanese_aliases() -> None:
    for measure in MEASURES:
        assert measure.name_en and measure.name_ja
        assert measure.aliases_ja[0] == measure.name_ja
        assert all(any("\u3040" <= ch <= "\u9fff" for ch in alias) for alias in measure.aliases_ja)


def test_catalog_optional_measures_match_the_spec() -> None:
    optional = {m.key for m in MEASURES if m.is_optional}
    assert optional == {"abandoned_within_sl", "agents_staffed", *(f"wait_le_{n}" for n in WAIT_BUCKETS)}


def test_catalog_lists_every_metric_with_unit_and_direction() -> None:
    expected = {
        "service_level": ("%", Direction.HIGHER), "answer_rate": ("%", Direction.HIGHER),
        "abandonment_rate": ("%", Direction.LOWER), "asa": ("s", Direction.LOWER),
        "aht": ("s", Direction.LOWER), "fcr": ("%", Direction.HIGHER),
        "resolution_rate": ("%", Direction.HIGHER), "median_wait": ("s", Direction.LOWER),
        "email_response": ("%", Direction.HIGHER), "csat": ("%", Direction.HIGHER),
        "nps": ("points", Direction.HIGHER), "ces": ("score", Direction.HIGHER),
        "qa_score": ("score", Direction.HIGHER),
    }
    assert {m.key: (m.unit, m.direction) for m in METRICS} == expected
    for metric in METRICS:
        assert metric.name_en and metric.name_ja
        assert set(metric.measures) <= set(MEASURES_BY_KEY)


def test_catalog_queue_speed_flags_exactly_the_five_queue_metrics() -> None:
    assert {m.key for m in METRICS if m.is_queue_speed} == {
        "service_level", "answer_rate", "abandonment_rate", "asa", "median_wait"}


def test_catalog_is_read_only() -> None:
    with pytest.raises(TypeError):
        METRICS_BY_KEY["x"] = METRICS[0]  # type: ignore[index]
    with pytest.raises(AttributeError):
        METRICS[0].key = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("formula", "measures"), [
    ("exclude_short", {"answered_within_sl", "offered", "abandoned_short"}),
    ("offered", {"answered_within_sl", "offered"}),
    ("answered", {"answered_within_sl", "answered"}),
    ("exclude_within_sl", {"answered_within_sl", "offered", "abandoned_within_sl"}),
    ("within_sl_good", {"answered_within_sl", "abandoned_within_sl", "offered"}),
])
def test_required_measures_follow_the_service_level_formula(formula: str, measures: set[str]) -> None:
    assert set(service_level_measures(formula)) == measures
    assert set(required_measures("service_level", sl_formula=formula)) == measures


def test_required_measures_of_other_metrics_come_from_the_catalog() -> None:
    assert required_measures("csat") == ("csat_satisfied", "csat_responses")
    with pytest.raises(KeyError):
        required_measures("no_such_metric")


# --- headers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "key"), [
    ("日付", "date"), ("時間帯", "interval"), ("チャネル", "channel"), ("キュー", "queue"),
    ("着信数", "offered"), ("入電数", "offered"), ("応答数", "answered"), ("放棄数", "abandoned"),
    ("短時間放棄数", "abandoned_short"), ("総待ち時間（秒）", "wait_time_total_s"),
    ("20秒以内応答数", "wait_le_20"), ("推奨者数", "nps_promoters"),
    ("Offered", "offered"), ("  ANSWERED  ", "answered"), ("ＯＦＦＥＲＥＤ", "offered"), ("Date", "date"),
])
def test_resolve_header_matches_keys_and_japanese_aliases(header: str, key: str) -> None:
    assert resolve_header(header) == key


def test_resolve_header_returns_none_for_unknown_columns() -> None:
    assert resolve_header("custom_attrition") is None
    assert resolve_header("謎の列") is None


def test_every_alias_resolves_to_its_own_column() -> None:
    for measure in MEASURES:
        for alias in measure.aliases_ja:
            assert resolve_header(alias) == measure.key
    for key, aliases in DIMENSION_ALIASES_JA.items():
        assert all(resolve_header(alias) == key for alias in aliases)


# --- summing ---------------------------------------------------------------------------------------

def test_sum_measures_adds_rows_and_skips_blank_cells() -> None:
    totals = sum_measures([
        {"offered": 10, "answered": 8, "wait_time_total_s": 12.5},
        {"offered": 5, "answered": None, "wait_time_total_s": Decimal("0.25")},
        {"offered": 0},
    ])
    assert totals == {"offered": 15, "answered": 8, "wait_time_total_s": Fraction(51, 4)}
    assert isinstance(totals["offered"], int)


def test_sum_measures_leaves_out_measures_no_row_reported() -> None:
    assert sum_measures([{"offered": 3, "csat_responses": None}]) == {"offered": 3}
    assert sum_measures([]) == {}


def test_sum_measures_reads_floats_as_the_decimals_they_print_as() -> None:
    totals = sum_measures([{"handle_time_total_s": 0.1}, {"handle_time_total_s": 0.2}])
    assert totals["handle_time_total_s"] == Fraction(3, 10)


def test_sum_measures_accepts_whole_floats_for_counts() -> None:
    assert sum_measures([{"offered": 12.0}]) == {"offered": 12}


@pytest.mark.parametrize(("row", "message"), [
    ({"offerd": 1}, "not a measure"),
    ({"offered": -1}, "negative"),
    ({"offered": 1.5}, "whole number"),
    ({"wait_time_total_s": -0.5}, "negative"),
    ({"wait_time_total_s": math.nan}, "finite"),
    ({"offered": math.inf}, "finite"),
])
def test_sum_measures_rejects_bad_values_with_the_row_number(row: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        sum_measures([{"offered": 1}, row])
    assert "row 2" in str(info.value)


def test_sum_measures_rejects_non_numbers() -> None:
    with pytest.raises(TypeError):
        sum_measures([{"offered": "12"}])
    with pytest.raises(TypeError):
        sum_measures([{"offered": True}])


# --- service level (KAT-01..KAT-05) -------------------------------------------------------------

KAT01 = {  # answered 1000, abandoned 60 (20 within 20 s, 10 within 5 s), answered within 20 s 860
    "offered": 1060, "answered": 1000, "answered_within_sl": 860, "abandoned": 60,
    "abandoned_within_sl": 20, "abandoned_short": 10,
}


@pytest.mark.parametrize(("formula", "exact", "shown"), [
    ("within_sl_good", Fraction(880, 1060), "83.02"),   # F1
    ("answered", Fraction(860, 1000), "86.00"),          # F2
    ("offered", Fraction(860, 1060), "81.13"),           # F3
    ("exclude_within_sl", Fraction(860, 1040), "82.69"),  # F4
    ("exclude_short", Fraction(860, 1050), "81.90"),     # F6
])
def test_service_level_variants_kat01(formula: str, exact: Fraction, shown: str) -> None:
    value = compute_metric("service_level", KAT01, sl_formula=formula)
    assert value == float(exact * 100)
    assert two_dp(value) == Decimal(shown)


def test_service_level_default_formula_is_exclude_short() -> None:
    assert compute_metrics(KAT01)["service_level"] == compute_metric(
        "service_level", KAT01, sl_formula=ServiceLevelFormula.EXCLUDE_SHORT)


def test_service_level_rejects_unknown_formula() -> None:
    with pytest.raises(ValueError):
        compute_metrics(KAT01, sl_formula="f5")


def test_service_level_with_short_abandon_range_kat02() -> None:
    totals = {"offered": 400, "answered": 300, "abandoned": 100, "answered_within_sl": 200,
              "abandoned_short": 50}
    assert two_dp(compute_metric("service_level", totals)) == Decimal("57.14")


def test_service_level_cisco_simple_kat03() -> None:
    totals = {"offered": 130, "answered": 130, "answered_within_sl": 50, "abandoned": 0, "abandoned_short": 0}
    for formula in ServiceLevelFormula:
        if formula in (ServiceLevelFormula.EXCLUDE_WITHIN_SL, ServiceLevelFormula.WITHIN_SL_GOOD):
            totals_f = {**totals, "abandoned_within_sl": 0}
        else:
            totals_f = totals
        assert two_dp(compute_metric("service_level", totals_f, sl_formula=formula)) == Decimal("38.46")


KAT04_ROWS = [
    {"offered": 120, "answered": 112, "answered_within_sl": 100, "abandoned": 8, "abandoned_short": 3},
    {"offered": 300, "answered": 270, "answered_within_sl": 210, "abandoned": 30, "abandoned_short": 6},
    {"offered": 80, "answered": 79, "answered_within_sl": 76, "abandoned": 1, "abandoned_short": 1},
]


def test_monthly_service_level_sums_interval_counts_kat04() -> None:
    month = compute_metric("service_level", sum_measures(KAT04_ROWS))
    assert month == float(Fraction(386, 490) * 100)
    assert two_dp(month) == Decimal("78.78")
    interval_mean = sum(compute_metric("service_level", row) for row in KAT04_ROWS) / 3
    assert two_dp(interval_mean) == Decimal("84.37")  # the wrong answer the formula must avoid
    assert two_dp(month) != two_dp(interval_mean)
    assert two_dp(compute_metric("service_level", sum_measures(KAT04_ROWS), sl_formula="offered")) == Decimal(
        "77.20")


def test_monthly_service_level_simple_check_kat04() -> None:
    rows = [{"offered": 100, "answered_within_sl": 90}, {"offered": 400, "answered_within_sl": 240},
            {"offered": 50, "answered_within_sl": 50}]
    month = compute_metric("service_level", sum_measures(rows), sl_formula="offered")
    assert two_dp(month) == Decimal("69.09")


def test_cross_site_service_level_is_call_weighted_kat05() -> None:
    site_a = {"offered": 300, "answered_within_sl": 234, "abandoned_short": 0}
    site_b = {"offered": 1200, "answered_within_sl": 1020, "abandoned_short": 0}
    assert two_dp(compute_metric("service_level", site_a)) == Decimal("78.00")
    assert two_dp(compute_metric("service_level", site_b)) == Decimal("85.00")
    assert two_dp(compute_metric("service_level", sum_measures([site_a, site_b]))) == Decimal("83.60")


# --- other operational metrics (KAT-06..KAT-09) ---------------------------------------------------

def test_monthly_asa_divides_summed_wait_by_summed_answered_kat06() -> None:
    days = [{"answered": 300, "wait_time_total_s": 9000}, {"answered": 500, "wait_time_total_s": 20000},
            {"answered": 200, "wait_time_total_s": 5000}]
    assert compute_metric("asa", sum_measures(days)) == 34.0
    assert two_dp(sum(compute_metric("asa", d) for d in days) / 3) == Decimal("31.67")  # the wrong way


def test_abandonment_rate_kat07() -> None:
    totals = {"offered": 1200, "answered": 1050, "abandoned": 150, "abandoned_short": 0}
    assert two_dp(compute_metric("abandonment_rate", totals)) == Decimal("12.50")
    totals["abandoned_short"] = 30
    assert compute_metric("abandonment_rate", totals) == float(Fraction(120, 1170) * 100)
    assert two_dp(compute_metric("abandonment_rate", totals)) == Decimal("10.26")


def test_basic_ratios_kat08() -> None:
    talk, hold, acw = 540000, 60000, 120000
    assert compute_metric("aht", {"answered": 3000, "handle_time_total_s": talk + hold + acw}) == 240.0
    assert compute_metric("fcr", {"resolved_first_contact": 280, "answered": 400}) == 70.0
    assert compute_metric("answer_rate", {"answered": 950, "offered": 1000}) == 95.0
    assert compute_metric("email_response", {"responded_within_target": 1850, "received": 2000}) == 92.5
    assert compute_metric("resolution_rate", {"resolved": 330, "answered": 400}) == 82.5


def test_qa_score_is_the_mean_evaluation_score_kat09() -> None:
    # KAT-09: one evaluation with an N/A item scores 50 of 80 possible points = 62.5, not 70.
    assert compute_metric("qa_score", {"qa_evaluations": 1, "qa_score_total": Decimal("62.5")}) == 62.5
    assert compute_metric("qa_score", sum_measures([
        {"qa_evaluations": 1, "qa_score_total": 62.5}, {"qa_evaluations": 3, "qa_score_total": 277.5},
    ])) == 85.0


# --- customer metrics (KAT-10..KAT-12) -------------------------------------------------------------

def test_nps_from_pooled_counts_kat10() -> None:
    assert compute_metric("nps", {"nps_promoters": 100, "nps_passives": 50, "nps_detractors": 50}) == 25.0
    # scores [10, 9, 8, 7, 6, 0, 10]: P = 3, passives 2, D = 2
    edge = compute_metric("nps", {"nps_promoters": 3, "nps_passives": 2, "nps_detractors": 2})
    assert two_dp(edge) == Decimal("14.29")
    assert compute_metric("nps", {"nps_promoters": 50, "nps_passives": 40, "nps_detractors": 10}) == 40.0
    assert compute_metric("nps", {"nps_promoters": 30, "nps_passives": 50, "nps_detractors": 20}) == 10.0
    assert compute_metric("nps", {"nps_promoters": 0, "nps_passives": 0, "nps_detractors": 4}) == -100.0


def test_nps_across_months_pools_counts_instead_of_averaging() -> None:
    months = [{"nps_promoters": 10, "nps_passives": 0, "nps_detractors": 0},
              {"nps_promoters": 10, "nps_passives": 10, "nps_detractors": 80}]
    pooled = compute_metric("nps", sum_measures(months))
    assert pooled == float(Fraction(20 - 80, 110) * 100)
    assert pooled != (100.0 + -70.0) / 2


def test_csat_is_top_two_box_kat11() -> None:
    totals = {"csat_responses": 107, "csat_satisfied": 42 + 32}
    assert two_dp(compute_metric("csat", totals)) == Decimal("69.16")


def test_ces_is_the_mean_score_kat12() -> None:
    total = 1 * 80 + 2 * 210 + 3 * 140 + 4 * 110 + 5 * 160 + 6 * 180 + 7 * 120
    assert total == 4080
    assert compute_metric("ces", {"ces_responses": 1000, "ces_score_total": total}) == 4.08


# --- no data ---------------------------------------------------------------------------------------

def test_compute_metrics_returns_none_for_zero_denominators() -> None:
    zero = {m.key: 0 for m in MEASURES}
    assert compute_metrics(zero) == {m.key: None for m in METRICS}
    assert all(compute_metrics(zero, sl_formula=f)["service_level"] is None for f in ServiceLevelFormula)


def test_compute_metrics_returns_none_when_a_measure_is_missing() -> None:
    metrics = compute_metrics({"offered": 100, "answered": 90})
    assert metrics["answer_rate"] == 90.0
    assert metrics["service_level"] is None
    assert metrics["abandonment_rate"] is None
    assert set(metrics) == set(METRICS_BY_KEY)


def test_compute_metrics_treats_a_zero_numerator_as_a_real_zero() -> None:
    assert compute_metric("answer_rate", {"answered": 0, "offered": 10}) == 0.0


def test_service_level_excluding_all_offered_as_short_abandons_has_no_value() -> None:
    totals = {"offered": 5, "answered_within_sl": 0, "abandoned_short": 5, "abandoned": 5}
    assert compute_metric("service_level", totals) is None
    assert compute_metric("abandonment_rate", totals) is None


def test_compute_metrics_rejects_inconsistent_totals() -> None:
    with pytest.raises(ValueError, match="negative"):
        compute_metric("service_level", {"offered": 5, "answered_within_sl": 0, "abandoned_short": 6})
    with pytest.raises(ValueError):
        compute_metrics({"offered": -1})
    with pytest.raises(ValueError):
        compute_metrics({"bogus": 1})
    with pytest.raises(KeyError):
        compute_metric("bogus", {})


# --- median wait -----------------------------------------------------------------------------------

BUCKETS = {"answered": 200, "wait_le_10": 40, "wait_le_20": 70, "wait_le_30": 90, "wait_le_60": 100,
           "wait_le_120": 150, "wait_le_300": 190}


def test_median_wait_lands_on_the_bound_when_the_bucket_holds_exactly_half() -> None:
    assert median_wait(BUCKETS) == MedianWait(60.0)
    assert compute_metric("median_wait", BUCKETS) == 60.0
    assert median_wait_meets(BUCKETS, 60) is True
    assert median_wait_meets(BUCKETS, 30) is False


def test_median_wait_interpolates_linearly_inside_the_bucket() -> None:
    totals = {**BUCKETS, "wait_le_60": 90}  # half (100) is reached between 60 s (90) and 120 s (150)
    assert median_wait(totals) == MedianWait(60 + 10 / 60 * 60)
    assert compute_metric("median_wait", totals) == pytest.approx(70.0, abs=1e-12)
    assert median_wait_meets(totals, 70) is True
    assert median_wait_meets(totals, 69) is False


def test_median_wait_interpolates_the_first_bucket_from_zero() -> None:
    totals = {"answered": 100, "wait_le_10": 80, "wait_le_300": 100}
    assert median_wait(totals) == MedianWait(50 / 80 * 10)


def test_median_wait_bucket_bound_target_is_decided_by_the_bucket_count() -> None:
    # wait_le_120 = 100 = answered / 2 → a ≤ 120 s target is met; one fewer and it is not.
    totals = {**BUCKETS, "wait_le_120": 100}
    assert median_wait_meets(totals, 120) is True
    assert median_wait_meets({**totals, "wait_le_120": 99}, 120) is False
    odd = {"answered": 201, "wait_le_120": 100, "wait_le_300": 201}
    assert median_wait_meets(odd, 120) is False
    assert median_wait_meets({**odd, "wait_le_120": 101}, 120) is True


def test_median_wait_exactly_half_in_the_last_bucket_is_300_seconds() -> None:
    totals = {**BUCKETS, "wait_le_60": 60, "wait_le_120": 90, "wait_le_300": 100}
    assert median_wait(totals) == MedianWait(300.0)
    assert compute_metric("median_wait", totals) == 300.0
    assert median_wait_meets(totals, 300) is True


def test_median_wait_beyond_300_seconds_is_reported_as_more_than_300() -> None:
    totals = {**BUCKETS, "wait_le_60": 60, "wait_le_120": 90, "wait_le_300": 99}
    assert median_wait(totals) == MedianWait(300.0, is_more_than=True)
    assert compute_metric("median_wait", totals) == math.inf
    assert median_wait_meets(totals, 300) is False
    assert median_wait_meets(totals, 45) is False
    assert median_wait_meets(totals, 600) is None  # beyond the buckets nothing is known


def test_median_wait_uses_the_buckets_that_were_reported() -> None:
    totals = {"answered": 10, "wait_le_20": 2, "wait_le_60": 6}
    assert median_wait(totals) == MedianWait(20 + 3 / 4 * 40)
    assert median_wait({"answered": 10, "wait_le_20": 2}) == MedianWait(20.0, is_more_than=True)
    assert median_wait_meets({"answered": 10, "wait_le_20": 2}, 30) is None


def test_median_wait_has_no_value_without_answers_or_buckets() -> None:
    assert median_wait({"answered": 0, "wait_le_10": 0}) is None
    assert median_wait({"answered": 10}) is None
    assert median_wait_meets({"answered": 0, "wait_le_120": 0}, 120) is None
    assert compute_metric("median_wait", {"answered": 10}) is None


# --- property tests: any split of the same counts gives the same month -----------------------------

@st.composite
def monthly_totals(draw: st.DrawFn) -> MonthTotals:
    """Draw one month of consistent totals; sums carry up to three decimals."""
    def upto(limit: int) -> int:
        return draw(st.integers(0, limit))

    offered = upto(3000)
    answered = upto(offered)
    abandoned = upto(offered - answered)
    abandoned_short = upto(abandoned)
    cumulative = sorted(draw(st.lists(st.integers(0, answered), min_size=6, max_size=6)))
    resolved = upto(answered)
    received = upto(500)
    csat_responses, nps_n, ces_n, qa_n = upto(300), upto(300), upto(300), upto(300)
    promoters = upto(nps_n)
    passives = upto(nps_n - promoters)

    def thousandths(low: int, high: int) -> Decimal:
        return Decimal(draw(st.integers(low * 1000, high * 1000))).scaleb(-3)

    return {
        "offered": offered, "answered": answered, "answered_within_sl": upto(answered),
        "abandoned": abandoned, "abandoned_short": abandoned_short, "abandoned_within_sl": upto(abandoned),
        "agents_staffed": upto(50),
        "wait_time_total_s": thousandths(0, answered * 400),
        "handle_time_total_s": thousandths(0, answered * 900),
        "resolved": resolved, "resolved_first_contact": upto(resolved),
        **{f"wait_le_{n}": c for n, c in zip(WAIT_BUCKETS, cumulative, strict=True)},
        "received": received, "responded_within_target": upto(received),
        "csat_responses": csat_responses, "csat_satisfied": upto(csat_responses),
        "nps_promoters": promoters, "nps_passives": passives, "nps_detractors": nps_n - promoters - passives,
        "ces_responses": ces_n, "ces_score_total": thousandths(ces_n, 5 * ces_n),
        "qa_evaluations": qa_n, "qa_score_total": thousandths(0, 100 * qa_n),
    }


def split(draw: st.DrawFn, value: int | Decimal, parts: int) -> list[int | Decimal]:
    """Split a count (or a sum in thousandths) into `parts` non-negative pieces that add up to it."""
    scale = 0 if isinstance(value, int) else 3
    whole = int(value * 10**scale)
    cuts = sorted(draw(st.lists(st.integers(0, whole), min_size=parts - 1, max_size=parts - 1)))
    pieces = [b - a for a, b in zip([0, *cuts], [*cuts, whole], strict=True)]
    return [p if scale == 0 else Decimal(p).scaleb(-scale) for p in pieces]


@st.composite
def month_and_split(draw: st.DrawFn) -> tuple[MonthTotals, list[Row]]:
    totals = draw(monthly_totals())
    parts = draw(st.integers(1, 12))
    columns = {key: split(draw, value, parts) for key, value in totals.items()}
    rows: list[Row] = [
        {key: columns[key][i] for key in totals} for i in range(parts)]
    # A blank cell adds nothing, so a zero piece may also arrive as None (but not the whole column:
    # a measure no row reports is missing, not zero).
    for row in rows[1:]:
        for key, value in row.items():
            if value == 0 and draw(st.booleans()):
                row[key] = None
    return totals, rows


@FAST
@given(month_and_split())
def test_any_split_into_rows_gives_the_same_monthly_metrics(data: tuple[MonthTotals, list[Row]]) -> None:
    totals, rows = data
    summed = sum_measures(rows)
    assert summed == totals
    for formula in ServiceLevelFormula:
        assert compute_metrics(summed, sl_formula=formula) == compute_metrics(totals, sl_formula=formula)


@FAST
@given(st.lists(monthly_totals(), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_regrouping_interval_rows_gives_the_same_monthly_metrics(rows: list, random: Random) -> None:
    shuffled = list(rows)
    random.shuffle(shuffled)
    cut = random.randint(0, len(shuffled))
    # Sites (or days) summed first and then pooled give the month the rows give directly.
    regrouped = [sum_measures(shuffled[:cut]), sum_measures(shuffled[cut:])]
    direct = sum_measures(rows)
    assert sum_measures(regrouped) == direct
    assert sum_measures(shuffled) == direct
    assert compute_metrics(sum_measures(regrouped)) == compute_metrics(direct)


@FAST
@given(st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=20),
       st.randoms(use_true_random=False))
def test_float_sums_do_not_depend_on_row_order(waits: list[float], random: Random) -> None:
    rows = [{"answered": 1, "wait_time_total_s": w} for w in waits]
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert compute_metrics(sum_measures(shuffled)) == compute_metrics(sum_measures(rows))


@FAST
@given(monthly_totals())
def test_metrics_of_consistent_counts_stay_in_range(totals: MonthTotals) -> None:
    for formula in ServiceLevelFormula:
        value = compute_metric("service_level", totals, sl_formula=formula)
        assert value is None or 0 <= value <= 100
    metrics = compute_metrics(totals)
    for key in ("answer_rate", "abandonment_rate", "fcr", "resolution_rate", "email_response", "csat"):
        assert metrics[key] is None or 0 <= metrics[key] <= 100
    assert metrics["nps"] is None or -100 <= metrics["nps"] <= 100
    assert metrics["ces"] is None or 1 <= metrics["ces"] <= 5
    assert metrics["qa_score"] is None or 0 <= metrics["qa_score"] <= 100
    median = metrics["median_wait"]
    assert median is None or 0 <= median <= 300 or median == math.inf


@FAST
@given(monthly_totals())
def test_bucket_bound_decision_agrees_with_the_interpolated_median(totals: MonthTotals) -> None:
    median = median_wait(totals)
    for bound in WAIT_BUCKETS:
        decided = median_wait_meets(totals, bound)
        if median is None:
            assert decided is None
        else:
            assert decided == (not median.is_more_than and median.seconds <= bound)
            assert decided == (totals[f"wait_le_{bound}"] * 2 >= totals["answered"])
