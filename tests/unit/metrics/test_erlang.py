"""Unit tests for the Erlang C formulas against METRICS-REFERENCE KAT-13..KAT-18."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorportal.metrics.erlang import (
    Staffing,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    interval_agents_needed,
    occupancy,
    required_agents,
    scheduled_agents,
    service_level,
    traffic_intensity,
)

FAST = settings(max_examples=100, deadline=None, database=None)
P4 = 0.00005  # the reference's tolerance for 4-dp probabilities


def test_traffic_intensity_is_contacts_times_aht_over_interval() -> None:
    assert traffic_intensity(100, 180, 1800) == 10.0
    assert traffic_intensity(1000, 120, 3600) == pytest.approx(100 / 3)
    assert traffic_intensity(0, 180, 1800) == 0.0


def test_erlang_c_at_eleven_agents_kat13() -> None:
    assert erlang_c(11, 10.0) == pytest.approx(0.6821182, abs=5e-8)
    assert service_level(11, 10.0, 180, 20) == pytest.approx(0.3896138, abs=5e-8)


def test_required_agents_kat13() -> None:
    staffing = required_agents(traffic_intensity(100, 180, 1800), 180, 20, 0.8, shrinkage=0.3)
    assert staffing.agents == 14
    assert staffing.wait_probability == pytest.approx(0.1741319, abs=5e-8)
    assert 1 - staffing.wait_probability == pytest.approx(0.8258681, abs=5e-8)
    assert staffing.service_level == pytest.approx(0.88835, abs=5e-6)
    assert staffing.asa == pytest.approx(7.8359, abs=5e-5)
    assert staffing.occupancy == pytest.approx(0.7142857, abs=5e-8)
    assert staffing.scheduled == 20  # ⌈14 / 0.7⌉
    assert service_level(13, 10.0, 180, 20) < 0.8 <= service_level(14, 10.0, 180, 20)


def test_required_agents_with_occupancy_cap_kat14() -> None:
    staffing = required_agents(10.0, 180, 20, 0.8, max_occupancy=0.7, shrinkage=0.3)
    assert (staffing.agents, staffing.scheduled) == (15, 22)
    assert round(staffing.service_level, 3) == 0.941
    assert round(staffing.occupancy, 3) == 0.667
    assert round(staffing.wait_probability, 3) == 0.102


def test_required_agents_where_occupancy_cap_binds_kat15() -> None:
    traffic = traffic_intensity(1000, 120, 3600)
    uncapped = required_agents(traffic, 120, 20, 0.8)
    assert uncapped.agents == 38
    assert uncapped.service_level * 100 == pytest.approx(84.68, abs=0.005)
    staffing = required_agents(traffic, 120, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    assert staffing.agents == 40
    assert staffing.wait_probability * 100 == pytest.approx(19.07, abs=0.005)
    assert staffing.service_level * 100 == pytest.approx(93.72, abs=0.005)
    assert staffing.asa == pytest.approx(3.43, abs=0.005)
    assert staffing.occupancy * 100 == pytest.approx(83.33, abs=0.005)
    assert staffing.scheduled == 58


def test_required_agents_eighty_sixty_kat16() -> None:
    traffic = traffic_intensity(200, 180, 1800)
    assert traffic == 20.0
    staffing = required_agents(traffic, 180, 60, 0.8)
    assert staffing.agents == 23
    assert round(staffing.occupancy * 100) == 87
    assert staffing.wait_probability == pytest.approx(0.4157, abs=P4)
    assert staffing.service_level == pytest.approx(0.8471, abs=P4)
    assert staffing.asa == pytest.approx(24.94, abs=0.005)
    assert service_level(22, traffic, 180, 60) == pytest.approx(0.7084, abs=P4)


def test_fixed_staff_figures_kat17() -> None:
    traffic = traffic_intensity(360, 240, 1800)
    assert traffic == 48.0
    assert occupancy(55, traffic) * 100 == pytest.approx(87.27, abs=0.005)
    assert erlang_c(55, traffic) == pytest.approx(0.2387, abs=P4)
    assert service_level(55, traffic, 240, 15) * 100 == pytest.approx(84.59, abs=0.005)
    assert average_speed_of_answer(55, traffic, 240) == pytest.approx(8.18, abs=0.005)


def test_required_agents_ten_minute_interval_kat18() -> None:
    traffic = traffic_intensity(25, 180, 600)
    assert traffic == 7.5
    staffing = required_agents(traffic, 180, 20, 0.8, shrinkage=0.3)
    assert (staffing.agents, staffing.scheduled) == (11, 16)
    assert service_level(11, traffic, 180, 20) == pytest.approx(0.8808, abs=P4)
    assert service_level(10, traffic, 180, 20) == pytest.approx(0.7678, abs=P4)


def test_erlang_b_recursion_matches_the_closed_form() -> None:
    traffic, agents = 5.0, 7
    terms = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    assert erlang_b(agents, traffic) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)
    assert erlang_b(0, traffic) == 1.0


def test_erlang_c_matches_the_closed_form() -> None:
    traffic, agents = 10.0, 14
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    assert erlang_c(agents, traffic) == pytest.approx(top / bottom, rel=1e-12)


def test_overloaded_queue_waits_always() -> None:
    assert erlang_c(10, 10.0) == 1.0
    assert service_level(9, 10.0, 180, 20) == 0.0
    assert average_speed_of_answer(10, 10.0, 180) == math.inf
    assert occupancy(8, 10.0) == 1.0


def test_no_traffic_needs_no_agents_and_never_waits() -> None:
    assert erlang_c(3, 0.0) == 0.0
    assert service_level(3, 0.0, 180, 20) == 1.0
    assert average_speed_of_answer(3, 0.0, 180) == 0.0
    assert required_agents(0.0, 180, 20, 0.8, shrinkage=0.3) == Staffing(0, 0, 0.0, 1.0, 0.0, 0.0)


def test_scheduled_agents_rounds_up_exactly() -> None:
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(15, 0.3) == 22
    assert scheduled_agents(21, 0.3) == 30  # 21 / (1 - 0.3) is 30.000000000000004 in floats
    assert scheduled_agents(7, 0) == 7
    with pytest.raises(ValueError):
        scheduled_agents(7, 1)


def test_occupancy_cap_rounds_up_exactly() -> None:
    # 21 / 0.7 is 30.000000000000004 in floats; the cap must ask for 30 agents, not 31.
    assert required_agents(21.0, 1, 0, 0.01, max_occupancy=0.7).agents == 30


@pytest.mark.parametrize("kwargs", [
    {"target_sl": 1.0}, {"target_sl": 0}, {"target_sl": 80}, {"aht_s": 0}, {"threshold_s": -1},
    {"traffic": -1.0}, {"traffic": math.nan}, {"max_occupancy": 0}, {"max_occupancy": 1.5},
    {"shrinkage": -0.1},
])
def test_required_agents_rejects_bad_inputs(kwargs: dict) -> None:
    arguments = {"traffic": 10.0, "aht_s": 180, "threshold_s": 20, "target_sl": 0.8, **kwargs}
    extra = {k: arguments.pop(k) for k in ("max_occupancy", "shrinkage") if k in arguments}
    with pytest.raises(ValueError):
        required_agents(**arguments, **extra)


def test_erlang_functions_reject_bad_agent_counts() -> None:
    with pytest.raises(ValueError):
        erlang_c(0, 1.0)
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        occupancy(2.5, 1.0)  # type: ignore[arg-type]


def test_interval_agents_needed_takes_aht_from_the_interval() -> None:
    # 100 offered in 30 minutes, 90 answered with 180 s handle time each: KAT-13 traffic → 14 agents.
    assert interval_agents_needed(100, 90, 90 * 180, 1800, 20, 0.8) == 14
    assert interval_agents_needed(100, 90, 90 * 180, 1800, 20, 0.8, max_occupancy=0.7) == 15
    assert interval_agents_needed(0, 0, 0, 1800, 20, 0.8) == 0
    assert interval_agents_needed(5, 0, 0, 1800, 20, 0.8) is None


@FAST
@given(st.floats(0.1, 200), st.floats(10, 900), st.integers(0, 120), st.floats(0.5, 0.95))
def test_required_agents_is_the_smallest_that_meets_the_target(
        traffic: float, aht: float, threshold: int, target: float) -> None:
    staffing = required_agents(traffic, aht, threshold, target)
    assert staffing.agents > traffic
    assert staffing.service_level >= target
    fewer = staffing.agents - 1
    assert fewer <= traffic or service_level(fewer, traffic, aht, threshold) < target


@FAST
@given(st.floats(0.1, 100), st.integers(1, 150))
def test_more_agents_never_wait_longer(traffic: float, agents: int) -> None:
    assert erlang_c(agents + 1, traffic) <= erlang_c(agents, traffic)
    assert 0 <= erlang_c(agents, traffic) <= 1
