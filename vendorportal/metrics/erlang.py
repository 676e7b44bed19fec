"""Erlang C (M/M/N) queueing formulas for the interval staffing check."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from vendorportal.metrics.domain import Number, to_fraction


@dataclass(frozen=True)
class Staffing:
    agents: int  # productive agents taking contacts
    scheduled: int  # agents to roster so that `agents` remain after shrinkage
    wait_probability: float
    service_level: float  # share answered within the threshold, 0..1
    asa: float  # seconds
    occupancy: float  # 0..1


def _check_agents(agents: int, *, minimum: int) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < minimum:
        raise ValueError(f"agents must be an integer of at least {minimum}, got {agents!r}")


def _check_traffic(traffic: float) -> None:
    if not math.isfinite(traffic) or traffic < 0:
        raise ValueError(f"traffic must be a finite non-negative number, got {traffic!r}")


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def traffic_intensity(contacts: float, aht_s: float, interval_s: float) -> float:
    """Return the offered traffic in Erlangs: contacts × AHT ÷ interval length."""
    if not math.isfinite(contacts) or contacts < 0:
        raise ValueError(f"contacts must be a finite non-negative number, got {contacts!r}")
    _check_positive("aht_s", aht_s)
    _check_positive("interval_s", interval_s)
    return contacts * aht_s / interval_s


def erlang_b(agents: int, traffic: float) -> float:
    """Return the Erlang B blocking probability by the stable recursion B_k = A·B_{k−1} / (k + A·B_{k−1})."""
    _check_agents(agents, minimum=0)
    _check_traffic(traffic)
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def _erlang_c_from_b(agents: int, traffic: float, blocking: float) -> float:
    if agents <= traffic:
        return 1.0  # the queue grows without bound: every contact waits
    return agents * blocking / (agents - traffic * (1 - blocking))


def erlang_c(agents: int, traffic: float) -> float:
    """Return P(wait), the probability that a contact has to queue, with N agents and A Erlangs."""
    _check_agents(agents, minimum=1)
    return _erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def _service_level(agents: int, traffic: float, aht_s: float, threshold_s: float, p_wait: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1 - p_wait * math.exp(-(agents - traffic) * threshold_s / aht_s)


def _asa(agents: int, traffic: float, aht_s: float, p_wait: float) -> float:
    if agents <= traffic:
        return math.inf
    return p_wait * aht_s / (agents - traffic)


def service_level(agents: int, traffic: float, aht_s: float, threshold_s: float) -> float:
    """Return SL(T) = 1 − P(wait)·e^(−(N−A)·T/AHT), the share answered within threshold_s (0..1)."""
    _check_positive("aht_s", aht_s)
    if not math.isfinite(threshold_s) or threshold_s < 0:
        raise ValueError(f"threshold_s must be a finite non-negative number, got {threshold_s!r}")
    return _service_level(agents, traffic, aht_s, threshold_s, erlang_c(agents, traffic))


def average_speed_of_answer(agents: int, traffic: float, aht_s: float) -> float:
    """Return ASA = P(wait)·AHT / (N − A) in seconds; infinite when N ≤ A."""
    _check_positive("aht_s", aht_s)
    return _asa(agents, traffic, aht_s, erlang_c(agents, traffic))


def occupancy(agents: int, traffic: float) -> float:
    """Return agent occupancy A / N, at most 1."""
    _check_agents(agents, minimum=1)
    _check_traffic(traffic)
    return min(1.0, traffic / agents)


def scheduled_agents(agents: int, shrinkage: Number = 0) -> int:
    """Return the agents to roster so that `agents` remain after shrinkage: ⌈N / (1 − shrinkage)⌉."""
    _check_agents(agents, minimum=0)
    share = to_fraction(shrinkage)
    if not 0 <= share < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    # Exact arithmetic: in floats 21 / (1 - 0.3) is 30.000000000000004 and would round up to 31.
    return math.ceil(Fraction(agents) / (1 - share))


def required_agents(traffic: float, aht_s: float, threshold_s: float, target_sl: Number, *,
                    max_occupancy: Number | None = None, shrinkage: Number = 0) -> Staffing:
    """Return the fewest agents whose Erlang C service level reaches target_sl (a share, 0 < t < 1).

    With max_occupancy the agents are raised to ⌈A / max_occupancy⌉ when that is more; scheduled adds
    shrinkage on top. No traffic needs no agents.
    """
    _check_traffic(traffic)
    _check_positive("aht_s", aht_s)
    if not math.isfinite(threshold_s) or threshold_s < 0:
        raise ValueError(f"threshold_s must be a finite non-negative number, got {threshold_s!r}")
    target = to_fraction(target_sl)
    if not 0 < target < 1:
        # SL(T) < 1 for any N when there is traffic, so a target of 1 would never be reached.
        raise ValueError(f"target_sl must be a share between 0 and 1 (exclusive), got {target_sl!r}")
    if traffic == 0:
        return Staffing(0, 0, 0.0, 1.0, 0.0, 0.0)

    agents = math.floor(traffic) + 1  # Erlang C needs N > A
    blocking = erlang_b(agents, traffic)
    while True:
        p_wait = _erlang_c_from_b(agents, traffic, blocking)
        if _service_level(agents, traffic, aht_s, threshold_s, p_wait) >= float(target):
            break
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)

    if max_occupancy is not None:
        cap = to_fraction(max_occupancy)
        if not 0 < cap <= 1:
            raise ValueError(f"max_occupancy must be in (0, 1], got {max_occupancy!r}")
        # Exact for the same reason as scheduled_agents: 21 / 0.7 must give 30 agents, not 31.
        agents = max(agents, math.ceil(to_fraction(traffic) / cap))

    p_wait = erlang_c(agents, traffic)
    return Staffing(
        agents=agents,
        scheduled=scheduled_agents(agents, shrinkage),
        wait_probability=p_wait,
        service_level=_service_level(agents, traffic, aht_s, threshold_s, p_wait),
        asa=_asa(agents, traffic, aht_s, p_wait),
        occupancy=occupancy(agents, traffic),
    )


def interval_agents_needed(offered: int, answered: int, handle_time_total_s: float, interval_s: float,
                           threshold_s: float, target_sl: Number, *,
                           max_occupancy: Number | None = None) -> int | None:
    """Return the agents an interval needed for target_sl, with AHT taken from the interval's own counts.

    None when contacts were offered but none answered, because the handle time is then unknown.
    """
    if offered == 0:
        return 0
    if answered == 0:
        return None
    aht_s = handle_time_total_s / answered
    if aht_s == 0:
        return 0  # contacts that take no time occupy no agent
    traffic = traffic_intensity(offered, aht_s, interval_s)
    return required_agents(traffic, aht_s, threshold_s, target_sl, max_occupancy=max_occupancy).agents
