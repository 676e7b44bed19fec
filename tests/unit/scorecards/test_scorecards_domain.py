"""Unit tests for scorecard status, relief, credits, earn-back, score and escalation (SPEC §5, KAT-19..25)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorportal.metrics.domain import Direction, compute_metric
from vendorportal.scorecards.domain import (
    ContractTerms,
    CreditSummary,
    EarnBack,
    EscalationRule,
    Month,
    MonthInput,
    Rag,
    Relief,
    Status,
    TargetKind,
    TargetSpec,
    apply_relief,
    attainment,
    credit_cap,
    display_value,
    earn_back_state,
    is_escalated,
    minor_unit,
    rag_for,
    round_money,
    score_months,
    summarise_credits,
    target_credit,
    target_status,
    volume_exceeds_forecast,
    weighted_score,
)

FAST = settings(max_examples=100, deadline=None, database=None)
H, L = Direction.HIGHER, Direction.LOWER
M1 = Month(2024, 1)
Value = int | float | Decimal


def months(count: int, start: Month = M1) -> list[Month]:
    return [start.shift(n) for n in range(count)]


def sla(key: str, target: Value, minimum: Value | None = None, *, direction: Direction = H,
        allocation: int | Decimal = 0, weight: int | Decimal = 1, queue_speed: bool = False) -> TargetSpec:
    return TargetSpec(key=key, metric=key, kind=TargetKind.SLA, direction=direction, target=target,
                      minimum=minimum, weight=weight, allocation_percent=allocation,
                      is_queue_speed=queue_speed)


def kpi(key: str, target: Value, minimum: Value | None = None, *, direction: Direction = H,
        weight: int | Decimal = 1) -> TargetSpec:
    return TargetSpec(key=key, metric=key, kind=TargetKind.KPI, direction=direction, target=target,
                      minimum=minimum, weight=weight)


# --- months ----------------------------------------------------------------------------------------

def test_month_parses_prints_orders_and_shifts() -> None:
    month = Month.parse("2024-11")
    assert (month.year, month.month, str(month)) == (2024, 11, "2024-11")
    assert month.shift(2) == Month(2025, 1)
    assert month.shift(-11) == Month(2023, 12)
    assert Month(2023, 12) < Month(2024, 1) < Month(2024, 2)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024-1", "24-01", "2024/01", ""])
def test_month_rejects_malformed_periods(text: str) -> None:
    with pytest.raises(ValueError):
        Month.parse(text)


# --- status ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("actual", "minimum", "expected"), [
    (85, 75, Status.MET), (80, 75, Status.MET), (79.99, 75, Status.MISSED), (75, 75, Status.MISSED),
    (74.99, 75, Status.BREACH), (79.99, None, Status.BREACH), (80, None, Status.MET),
    (None, 75, Status.NO_DATA), (None, None, Status.NO_DATA),
])
def test_status_higher_better(actual: float | None, minimum: float | None, expected: Status) -> None:
    assert target_status(actual, target=80, minimum=minimum, direction=H) is expected


@pytest.mark.parametrize(("actual", "minimum", "expected"), [
    (15, 30, Status.MET), (20, 30, Status.MET), (20.01, 30, Status.MISSED), (30, 30, Status.MISSED),
    (30.01, 30, Status.BREACH), (20.01, None, Status.BREACH), (0, None, Status.MET),
    (math.inf, 30, Status.BREACH), (None, 30, Status.NO_DATA),
])
def test_status_lower_better(actual: float | None, minimum: float | None, expected: Status) -> None:
    assert target_status(actual, target=20, minimum=minimum, direction=L) is expected


def test_status_compares_unrounded_values() -> None:
    actual = 79.96  # shows as 80.0 but is below the 80 target
    assert display_value(actual) == Decimal("80.0")
    assert target_status(actual, target=80, minimum=75, direction=H) is Status.MISSED
    assert target_status(20.04, target=20, direction=L) is Status.BREACH
    assert display_value(20.04) == Decimal("20.0")


def test_status_treats_decimal_targets_and_float_actuals_alike() -> None:
    # Decimal("33.3") exceeds the binary float 33.3; reading both as decimals keeps "equal" equal.
    assert target_status(33.3, target=Decimal("33.3"), direction=H) is Status.MET
    assert target_status(33.3, target=Decimal("33.3"), direction=L) is Status.MET


def test_status_of_a_computed_metric_exactly_on_target_is_met() -> None:
    totals = {"offered": 1010, "answered_within_sl": 800, "abandoned_short": 10}
    actual = compute_metric("service_level", totals)
    assert target_status(actual, target=Decimal(80), minimum=Decimal(75), direction=H) is Status.MET


def test_status_rejects_nan() -> None:
    with pytest.raises(ValueError):
        target_status(math.nan, target=80, direction=H)


def test_display_value_rounds_half_up() -> None:
    assert display_value(0.25) == Decimal("0.3")
    assert display_value(2.675, 2) == Decimal("2.68")
    assert display_value(None) is None


def test_target_spec_rejects_a_minimum_better_than_the_target() -> None:
    with pytest.raises(ValueError):
        sla("sl", 80, 85)
    with pytest.raises(ValueError):
        sla("asa", 20, 15, direction=L)
    with pytest.raises(ValueError):
        TargetSpec(key="csat", metric="csat", kind=TargetKind.KPI, direction=H, target=85,
                   allocation_percent=10)
    with pytest.raises(ValueError):
        sla("sl", 80, weight=-1)


# --- RAG -------------------------------------------------------------------------------------------

def test_rag_follows_status() -> None:
    assert [rag_for(s) for s in Status] == [Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY, Rag.GREY]


# --- relief ----------------------------------------------------------------------------------------

def test_volume_relief_needs_more_than_the_tolerance() -> None:
    assert volume_exceeds_forecast(1100, 1000, Decimal(10)) is False  # exactly at tolerance
    assert volume_exceeds_forecast(1101, 1000, Decimal(10)) is True
    assert volume_exceeds_forecast(1001, 1000, 0) is True
    assert volume_exceeds_forecast(5000, None, 10) is False
    assert volume_exceeds_forecast(None, 1000, 10) is False


@pytest.mark.parametrize(("status", "queue", "volume", "dispute", "expected"), [
    (Status.BREACH, True, True, False, (Status.RELIEVED, Relief.VOLUME)),
    (Status.MISSED, True, True, False, (Status.RELIEVED, Relief.VOLUME)),
    (Status.MET, True, True, False, (Status.MET, None)),
    (Status.NO_DATA, True, True, False, (Status.NO_DATA, None)),
    (Status.BREACH, False, True, False, (Status.BREACH, None)),  # CSAT is not excused by volume
    (Status.BREACH, False, False, True, (Status.RELIEVED, Relief.DISPUTE)),
    (Status.MISSED, False, False, True, (Status.MISSED, None)),  # disputes are raised on breaches
    (Status.BREACH, True, False, False, (Status.BREACH, None)),
])
def test_apply_relief(status: Status, queue: bool, volume: bool, dispute: bool,
                      expected: tuple[Status, Relief | None]) -> None:
    assert apply_relief(status, is_queue_speed=queue, is_volume_relieved=volume,
                        is_dispute_granted=dispute) == expected


# --- money -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("currency", "places"), [
    ("JPY", 0), ("KRW", 0), ("VND", 0), ("USD", 2), ("EUR", 2), ("GBP", 2), ("PHP", 2), ("KWD", 3),
    ("jpy", 0),
])
def test_minor_unit(currency: str, places: int) -> None:
    assert minor_unit(currency) == places


@pytest.mark.parametrize("currency", ["US", "DOLLAR", "", "12A"])
def test_minor_unit_rejects_malformed_codes(currency: str) -> None:
    with pytest.raises(ValueError):
        minor_unit(currency)


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    (Decimal("12.5"), "JPY", Decimal(13)),  # half-up, not half-even (12)
    (Decimal("13.5"), "JPY", Decimal(14)),
    (Decimal("18518.49"), "JPY", Decimal(18518)),
    (Decimal("2.125"), "USD", Decimal("2.13")),  # half-even would give 2.12
    (Decimal("2.124999"), "USD", Decimal("2.12")),
    (Decimal("1.0005"), "KWD", Decimal("1.001")),
    (Decimal(100), "EUR", Decimal("100.00")),
])
def test_round_money_half_up_to_the_minor_unit(amount: Decimal, currency: str, expected: Decimal) -> None:
    rounded = round_money(amount, currency)
    assert rounded == expected
    assert rounded.as_tuple().exponent == expected.as_tuple().exponent


def test_round_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        round_money(2.125, "USD")  # type: ignore[arg-type]


def test_credit_dir_formula_kat19() -> None:
    # Category pool 50 % × CSL share 40 % = 20 % of the at-risk amount.
    assert target_credit(Decimal(100000), 10, Decimal(20), "USD") == Decimal("2000.00")
    assert credit_cap(Decimal(100000), 10, "USD") == Decimal("10000.00")


def test_credit_rounds_half_up_per_currency() -> None:
    assert target_credit(Decimal(1250), 10, 10, "JPY") == Decimal(13)  # 12.5 yen
    assert target_credit(Decimal(850), 5, 5, "USD") == Decimal("2.13")  # 2.125 dollars
    assert target_credit(Decimal(1234567), 10, 15, "JPY") == Decimal(18519)  # 18518.505


def test_credit_summary_caps_and_nets_out_earn_back() -> None:
    summary = summarise_credits([(Decimal(36000), EarnBack.EARNED), (Decimal(24000), EarnBack.PENDING),
                                 (Decimal(30000), EarnBack.FORFEITED)], Decimal(60000), "USD")
    assert summary == CreditSummary("USD", Decimal("90000.00"), Decimal("60000.00"), Decimal("60000.00"),
                                    Decimal("6000.00"), Decimal("54000.00"))
    nothing = summarise_credits([], Decimal(60000), "JPY")
    assert (nothing.gross, nothing.payable, nothing.net_due) == (0, 0, 0)


# --- attainment and score ------------------------------------------------------------------------

def test_attainment_is_a_capped_ratio() -> None:
    assert attainment(78, target=80, direction=H) == 0.975
    assert attainment(330, target=300, direction=L) == pytest.approx(0.909091, abs=5e-7)
    assert attainment(200, target=80, direction=H) == 1.2
    assert attainment(200, target=80, direction=H, cap=1) == 1.0
    assert attainment(None, target=80, direction=H) is None


def test_attainment_of_lower_better_zero_is_the_cap() -> None:
    assert attainment(0, target=20, direction=L) == 1.2
    assert attainment(0, target=20, direction=L, cap=Decimal("1.5")) == 1.5
    assert attainment(math.inf, target=60, direction=L) == 0.0


def test_attainment_without_a_meaningful_ratio_scores_met_or_not() -> None:
    assert attainment(5, target=-10, direction=H) == 1.0  # NPS above a negative target
    assert attainment(-20, target=-10, direction=H) == 0.0
    assert attainment(-5, target=20, direction=H) == 0.0


def test_weighted_score_skips_targets_without_data() -> None:
    assert weighted_score([(40, 0.5), (60, None)]) == 50.0
    assert weighted_score([(40, None)]) is None
    assert weighted_score([]) is None
    assert weighted_score([(0, 1.0)]) is None


KAT25_TARGETS = (
    sla("sl", 80, Decimal(76), weight=40),                 # minimum = 95 % of target
    kpi("aht", 300, Decimal("315.8"), direction=L, weight=20),
    kpi("csat", 85, Decimal("80.75"), weight=25),
    kpi("qa", 90, Decimal("85.5"), weight=15),
)
KAT25 = {
    "A": {"sl": 78, "aht": 330, "csat": 88, "qa": 97},
    "B": {"sl": 85, "aht": 280, "csat": 80, "qa": 88},
    "C": {"sl": 80, "aht": 300, "csat": 85, "qa": 90},
}


def kat25_scorecard(vendor: str, cap: Decimal):
    terms = ContractTerms(Decimal(1000000), "JPY", Decimal(10), attainment_cap=cap)
    (scorecard,) = score_months([MonthInput(M1, KAT25_TARGETS, KAT25[vendor])], terms)
    return scorecard


@pytest.mark.parametrize(("vendor", "capped_12", "capped_10"), [
    ("A", "99.23", "97.18"), ("B", "102.12", "98.20"), ("C", "100.00", "100.00"),
])
def test_scorecard_target_ratio_kat25(vendor: str, capped_12: str, capped_10: str) -> None:
    assert display_value(kat25_scorecard(vendor, Decimal("1.2")).score, 2) == Decimal(capped_12)
    assert display_value(kat25_scorecard(vendor, Decimal("1.0")).score, 2) == Decimal(capped_10)


def test_scorecard_attainments_and_standings_kat25() -> None:
    a = kat25_scorecard("A", Decimal("1.2"))
    assert [round(r.attainment, 6) for r in a.results] == [0.975, 0.909091, 1.035294, 1.077778]

    def standings(cap: Decimal) -> list[str]:
        return sorted(KAT25, key=lambda vendor: -kat25_scorecard(vendor, cap).score)

    assert standings(Decimal("1.2")) == ["B", "C", "A"]
    assert standings(Decimal("1.0")) == ["C", "B", "A"]


def test_scorecard_rag_kat25() -> None:
    def rags(vendor: str) -> list[Rag]:
        return [r.rag for r in kat25_scorecard(vendor, Decimal("1.2")).results]

    assert rags("A") == [Rag.AMBER, Rag.RED, Rag.GREEN, Rag.GREEN]
    assert rags("B") == [Rag.GREEN, Rag.GREEN, Rag.RED, Rag.AMBER]
    assert kat25_scorecard("A", Decimal("1.2")).rag_counts == {
        Rag.GREEN: 2, Rag.AMBER: 1, Rag.RED: 1, Rag.GREY: 0}


def test_scorecard_score_is_none_without_data_and_ignores_no_data_targets() -> None:
    terms = ContractTerms(Decimal(1000), "USD", Decimal(10))
    targets = (sla("sl", 80, weight=40), kpi("csat", 85, weight=60))
    (empty,) = score_months([MonthInput(M1, targets, {})], terms)
    assert empty.score is None
    assert [r.status for r in empty.results] == [Status.NO_DATA, Status.NO_DATA]
    (partial,) = score_months([MonthInput(M1, targets, {"sl": 72, "csat": None})], terms)
    assert partial.score == 90.0


# --- credits in a month --------------------------------------------------------------------------

KAT20_TERMS = ContractTerms(Decimal(500000), "USD", Decimal(12))
KAT20_TARGETS = (
    sla("sl", 80, 75, allocation=60, queue_speed=True), sla("abandon", 5, 8, direction=L, allocation=40,
                                                          queue_speed=True),
    sla("fcr", 70, 65, allocation=50), sla("qa", 90, 85, allocation=50), sla("csat", 85, 80, allocation=50),
)
GOOD = {"sl": 82, "abandon": 4, "fcr": 72, "qa": 91, "csat": 86}


def test_credits_single_breach_kat20() -> None:
    (month,) = score_months([MonthInput(M1, KAT20_TARGETS, {**GOOD, "sl": 70})], KAT20_TERMS)
    assert month.credits.cap == Decimal("60000.00")
    assert month.credits.net_due == Decimal("36000.00")
    assert [r.credit for r in month.results] == [Decimal("36000.00")] + [Decimal("0.00")] * 4


def test_credits_pool_over_100_percent_is_capped_kat20() -> None:
    actuals = {**GOOD, "sl": 70, "abandon": 9, "fcr": 60}
    (month,) = score_months([MonthInput(M1, KAT20_TARGETS, actuals)], KAT20_TERMS)
    assert month.credits.gross == Decimal("90000.00")
    assert month.credits.payable == Decimal("60000.00")
    assert month.credits.net_due == Decimal("60000.00")


def test_no_credit_for_missed_kpi_or_relieved_targets() -> None:
    targets = (*KAT20_TARGETS, kpi("aht", 300, direction=L))
    actuals = {**GOOD, "sl": 77, "aht": 900}  # sl missed (above minimum), aht kpi breached
    (month,) = score_months([MonthInput(M1, targets, actuals)], KAT20_TERMS)
    assert month.credits.gross == 0
    assert month.results[0].status is Status.MISSED
    assert month.results[-1].status is Status.BREACH and month.results[-1].credit == 0


def test_volume_relief_excuses_queue_speed_targets_only() -> None:
    actuals = {**GOOD, "sl": 70, "abandon": 9, "fcr": 60}
    item = MonthInput(M1, KAT20_TARGETS, actuals, offered=12000, forecast=10000)
    terms = ContractTerms(Decimal(500000), "USD", Decimal(12), volume_tolerance_percent=Decimal(10))
    (month,) = score_months([item], terms)
    assert month.is_volume_relieved
    by_key = {r.spec.key: r for r in month.results}
    assert (by_key["sl"].status, by_key["sl"].raw_status, by_key["sl"].relief) == (
        Status.RELIEVED, Status.BREACH, Relief.VOLUME)
    assert by_key["abandon"].status is Status.RELIEVED
    assert by_key["fcr"].status is Status.BREACH
    assert month.credits.net_due == Decimal("30000.00")
    assert by_key["sl"].rag is Rag.GREY


def test_volume_within_tolerance_gives_no_relief() -> None:
    item = MonthInput(M1, KAT20_TARGETS, {**GOOD, "sl": 70}, offered=11000, forecast=10000)
    terms = ContractTerms(Decimal(500000), "USD", Decimal(12), volume_tolerance_percent=Decimal(10))
    (month,) = score_months([item], terms)
    assert not month.is_volume_relieved
    assert month.results[0].status is Status.BREACH


def test_granted_dispute_relieves_a_breach_and_its_credit() -> None:
    item = MonthInput(M1, KAT20_TARGETS, {**GOOD, "fcr": 60, "csat": 70}, granted_disputes=frozenset({"fcr"}))
    (month,) = score_months([item], KAT20_TERMS)
    by_key = {r.spec.key: r for r in month.results}
    assert (by_key["fcr"].status, by_key["fcr"].relief, by_key["fcr"].credit) == (
        Status.RELIEVED, Relief.DISPUTE, 0)
    assert month.credits.net_due == Decimal("30000.00")  # csat only


def test_relieved_targets_still_count_in_the_score() -> None:
    terms = ContractTerms(Decimal(1000), "USD", Decimal(10))
    item = MonthInput(M1, (sla("sl", 80, weight=1, queue_speed=True),), {"sl": 40}, offered=200, forecast=100)
    (month,) = score_months([item], terms)
    assert month.results[0].status is Status.RELIEVED
    assert month.score == 50.0


# --- earn-back (KAT-21) --------------------------------------------------------------------------

KAT21_TERMS = ContractTerms(Decimal(500000), "USD", Decimal(12), earn_back_months=3)
KAT21_TARGETS = (sla("sl", 80, 75, allocation=60),)


def kat21(values: list[float | None], terms: ContractTerms = KAT21_TERMS):
    inputs = [MonthInput(m, KAT21_TARGETS, {"sl": v})
              for m, v in zip(months(len(values)), values, strict=True)]
    return score_months(inputs, terms)


def test_earn_back_when_met_in_each_following_month_kat21() -> None:
    first = kat21([72, 82, 81, 80.5])[0]
    assert first.results[0].credit == Decimal("36000.00")
    assert first.results[0].earn_back is EarnBack.EARNED
    assert (first.credits.payable, first.credits.earned_back, first.credits.net_due) == (
        Decimal("36000.00"), Decimal("36000.00"), Decimal("0.00"))


def test_earn_back_forfeited_when_one_following_month_misses_kat21() -> None:
    first = kat21([72, 82, 79, 80.5])[0]
    assert first.results[0].earn_back is EarnBack.FORFEITED
    assert first.credits.net_due == Decimal("36000.00")
    assert first.credits.earned_back == 0


def test_earn_back_is_pending_until_the_following_months_are_known() -> None:
    assert kat21([72, 82])[0].results[0].earn_back is EarnBack.PENDING
    assert kat21([72, 82])[0].credits.net_due == Decimal("36000.00")
    assert kat21([72, 82, None, 81])[0].results[0].earn_back is EarnBack.PENDING  # no data yet
    assert kat21([72, 79])[0].results[0].earn_back is EarnBack.FORFEITED  # decided early


def test_earn_back_only_looks_at_the_n_following_months() -> None:
    assert kat21([72, 82, 81, 80.5, 10])[0].results[0].earn_back is EarnBack.EARNED


def test_no_earn_back_without_earn_back_months() -> None:
    first = kat21([72, 82, 81, 80.5], ContractTerms(Decimal(500000), "USD", Decimal(12)))[0]
    assert first.results[0].earn_back is EarnBack.NOT_APPLICABLE
    assert first.credits.net_due == Decimal("36000.00")


def test_earn_back_forfeited_when_the_target_is_no_longer_in_force() -> None:
    inputs = [MonthInput(M1, KAT21_TARGETS, {"sl": 72}), MonthInput(M1.shift(1), (), {})]
    assert score_months(inputs, KAT21_TERMS)[0].results[0].earn_back is EarnBack.FORFEITED


def test_earn_back_follows_a_new_version_of_the_same_target() -> None:
    stricter = (sla("sl", 85, 75, allocation=60),)
    inputs = [MonthInput(M1, KAT21_TARGETS, {"sl": 72}),
              *(MonthInput(m, stricter, {"sl": 86}) for m in months(3, M1.shift(1)))]
    assert score_months(inputs, KAT21_TERMS)[0].results[0].earn_back is EarnBack.EARNED


@pytest.mark.parametrize(("following", "expected"), [
    ([True, True, True], EarnBack.EARNED),
    ([True, False, None], EarnBack.FORFEITED),
    ([True, None, True], EarnBack.PENDING),
    ([True], EarnBack.PENDING),
    ([], EarnBack.PENDING),
])
def test_earn_back_state(following: list[bool | None], expected: EarnBack) -> None:
    assert earn_back_state(following, 3) is expected


def test_earn_back_state_without_months_is_not_applicable() -> None:
    assert earn_back_state([True], 0) is EarnBack.NOT_APPLICABLE


def test_earn_back_in_a_capped_month_nets_only_below_the_cap() -> None:
    terms = ContractTerms(Decimal(500000), "USD", Decimal(12), earn_back_months=1)
    bad = {**GOOD, "sl": 70, "abandon": 9, "fcr": 60}
    inputs = [MonthInput(M1, KAT20_TARGETS, bad), MonthInput(M1.shift(1), KAT20_TARGETS, {**GOOD, "fcr": 60})]
    first = score_months(inputs, terms)[0]
    # sl 36,000 and abandon 24,000 earned back; fcr 30,000 still owed, under the 60,000 cap.
    assert [r.earn_back for r in first.results[:3]] == [EarnBack.EARNED, EarnBack.EARNED, EarnBack.FORFEITED]
    assert (first.credits.payable, first.credits.earned_back, first.credits.net_due) == (
        Decimal("60000.00"), Decimal("30000.00"), Decimal("30000.00"))


# --- escalation (KAT-23) -------------------------------------------------------------------------

KAT23_MISSES = [1, 0, 1, 0, 0, 1, 0, 1]
KAT23_EXPECTED = [False, False, False, False, False, True, False, True]


def test_escalation_window_kat23() -> None:
    breach_months = [m for m, miss in zip(months(8), KAT23_MISSES, strict=True) if miss]
    assert [is_escalated(breach_months, m) for m in months(8)] == KAT23_EXPECTED


def test_escalation_through_scorecards_kat23() -> None:
    values = [70 if miss else 85 for miss in KAT23_MISSES]
    cards = kat21(values, ContractTerms(Decimal(1000), "USD", Decimal(10)))
    assert [card.termination_right_may_be_open for card in cards] == KAT23_EXPECTED
    assert cards[5].escalated_targets == ("sl",)
    assert cards[5].results[0].is_escalated


def test_escalation_ignores_kpis_and_relieved_breaches() -> None:
    terms = ContractTerms(Decimal(1000), "USD", Decimal(10))
    kpis = [MonthInput(m, (kpi("csat", 85),), {"csat": 50}) for m in months(3)]
    assert not any(card.escalated_targets for card in score_months(kpis, terms))
    relieved = [MonthInput(m, (sla("sl", 80),), {"sl": 50}, granted_disputes=frozenset({"sl"}))
                for m in months(3)]
    assert not any(card.escalated_targets for card in score_months(relieved, terms))


def test_escalation_rule_is_configurable() -> None:
    assert is_escalated([M1, M1.shift(1)], M1.shift(3), EscalationRule(breaches=2, window_months=4))
    assert not is_escalated([M1, M1.shift(1)], M1.shift(4), EscalationRule(breaches=2, window_months=4))
    assert not is_escalated([M1.shift(5)], M1.shift(4), EscalationRule(breaches=1, window_months=6))
    with pytest.raises(ValueError):
        EscalationRule(breaches=7, window_months=6)


# --- inputs ----------------------------------------------------------------------------------------

def test_score_months_rejects_duplicate_months_and_stray_actuals() -> None:
    terms = ContractTerms(Decimal(1000), "USD", Decimal(10))
    with pytest.raises(ValueError):
        score_months([MonthInput(M1, (), {}), MonthInput(M1, (), {})], terms)
    with pytest.raises(ValueError):
        MonthInput(M1, (sla("sl", 80),), {"csat": 90})
    with pytest.raises(ValueError):
        MonthInput(M1, (sla("sl", 80), sla("sl", 70)), {})


def test_score_months_sorts_months() -> None:
    terms = ContractTerms(Decimal(1000), "USD", Decimal(10))
    cards = score_months([MonthInput(M1.shift(1), (), {}), MonthInput(M1, (), {})], terms)
    assert [c.month for c in cards] == [M1, M1.shift(1)]


def test_contract_terms_validate_money_and_percents() -> None:
    with pytest.raises(TypeError):
        ContractTerms(1000.0, "USD", Decimal(10))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ContractTerms(Decimal(1000), "USD", Decimal(101))
    with pytest.raises(ValueError):
        ContractTerms(Decimal(1000), "YENS", Decimal(10))
    with pytest.raises(ValueError):
        ContractTerms(Decimal(1000), "USD", Decimal(10), earn_back_months=-1)


# --- properties ----------------------------------------------------------------------------------

@FAST
@given(st.lists(st.tuples(st.integers(0, 100), st.booleans()), min_size=1, max_size=8),
       st.integers(0, 10**7), st.integers(0, 100), st.sampled_from(["JPY", "USD", "KWD"]))
def test_month_credits_never_exceed_the_cap(allocations: list[tuple[int, bool]], fee: int, at_risk: int,
                                            currency: str) -> None:
    targets = tuple(sla(f"t{i}", 80, allocation=a) for i, (a, _) in enumerate(allocations))
    actuals = {f"t{i}": 50 if breached else 90 for i, (_, breached) in enumerate(allocations)}
    terms = ContractTerms(Decimal(fee), currency, Decimal(at_risk))
    (month,) = score_months([MonthInput(M1, targets, actuals)], terms)
    assert month.credits.net_due <= month.credits.cap == credit_cap(Decimal(fee), at_risk, currency)
    assert month.credits.gross == sum(r.credit for r in month.results)
    assert all(r.credit == 0 for r in month.results if r.status is not Status.BREACH)
    assert all(r.credit.as_tuple().exponent == -minor_unit(currency) for r in month.results)


@FAST
@given(st.lists(st.booleans(), min_size=1, max_size=24), st.integers(1, 6), st.integers(0, 6))
def test_escalation_counts_exactly_the_window(breaches: list[bool], k: int, extra: int) -> None:
    rule = EscalationRule(breaches=k, window_months=k + extra)
    history = months(len(breaches))
    breach_months = [m for m, b in zip(history, breaches, strict=True) if b]
    for i, month in enumerate(history):
        window = breaches[max(0, i - rule.window_months + 1): i + 1]
        assert is_escalated(breach_months, month, rule) == (sum(window) >= k)


@FAST
@given(st.floats(0, 1000, allow_nan=False), st.floats(0.1, 1000, allow_nan=False),
       st.sampled_from([H, L]))
def test_attainment_stays_between_zero_and_the_cap(actual: float, target: float,
                                                   direction: Direction) -> None:
    value = attainment(actual, target=target, direction=direction)
    assert value is not None and 0 <= value <= 1.2
    met = target_status(actual, target=target, direction=direction) is Status.MET
    assert met == (value >= 1)


def test_scoring_only_some_months_gives_the_same_scorecards_for_them() -> None:
    terms = ContractTerms(monthly_fee=Decimal("1000000"), currency="JPY", at_risk_percent=Decimal(10),
                          earn_back_months=2, escalation=EscalationRule(2, 3))
    spec = TargetSpec(key="sl", metric="service_level", kind=TargetKind.SLA, direction=Direction.HIGHER,
                      target=80, minimum=75, allocation_percent=50)
    start = Month(2026, 1)
    actuals = [70, 85, 72, 90, 91, 60]
    inputs = [MonthInput(month=start.shift(i), targets=(spec,), actuals={"sl": a}) for i, a in enumerate(actuals)]
    every = {card.month: card for card in score_months(inputs, terms)}
    some = score_months(inputs, terms, only=[start.shift(2), start.shift(4)])
    assert [card.month for card in some] == [start.shift(2), start.shift(4)]
    for card in some:
        assert card == every[card.month]
