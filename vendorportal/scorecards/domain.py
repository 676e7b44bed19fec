"""Scorecard rules: target status, relief, service credits with cap and earn-back, score, RAG, escalation."""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

from vendorportal.core.money import as_money, minor_unit, round_money
from vendorportal.core.rounding import display_value  # noqa: F401 - part of the scoring rules' API
from vendorportal.metrics.domain import Direction, Number, to_fraction

DEFAULT_ATTAINMENT_CAP = Decimal("1.2")

# ISO 4217 currencies whose minor unit is not 2 decimals; every other code uses 2.


class TargetKind(enum.StrEnum):
    SLA = "sla"  # contractual: credits apply
    KPI = "kpi"  # tracked only


class Status(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    BREACH = "breach"
    NO_DATA = "no_data"
    RELIEVED = "relieved"


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"  # no data, or relieved: nothing to judge


class Relief(enum.StrEnum):
    VOLUME = "volume"  # offered volume over forecast beyond the tolerance
    DISPUTE = "dispute"  # a manager granted the vendor's dispute


class EarnBack(enum.StrEnum):
    NOT_APPLICABLE = "not_applicable"  # no credit, or the contract has no earn-back
    PENDING = "pending"  # some of the following months are not known yet
    EARNED = "earned"
    FORFEITED = "forfeited"


_RAG = MappingProxyType({
    Status.MET: Rag.GREEN, Status.MISSED: Rag.AMBER, Status.BREACH: Rag.RED,
    Status.NO_DATA: Rag.GREY, Status.RELIEVED: Rag.GREY,
})


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.year <= 9999 and 1 <= self.month <= 12):
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse a period written YYYY-MM."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if match is None:
            raise ValueError(f"expected YYYY-MM, got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @property
    def ordinal(self) -> int:
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Month:
        """Return the month `months` later (earlier when negative)."""
        year, month = divmod(self.ordinal + months, 12)
        return Month(year, month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class EscalationRule:
    breaches: int = 3
    window_months: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.breaches <= self.window_months:
            raise ValueError("an escalation rule needs 1 <= breaches <= window_months")


@dataclass(frozen=True)
class TargetSpec:
    key: str  # stable across target versions, so earn-back and escalation follow one target
    metric: str
    kind: TargetKind
    direction: Direction
    target: Number
    minimum: Number | None = None  # minimum acceptable level (a maximum for lower-better metrics)
    weight: Number = 1
    allocation_percent: Number = 0  # share of the at-risk amount; sla only
    is_queue_speed: bool = False

    @functools.cached_property
    def exact(self) -> tuple[Fraction, Fraction | None, Fraction]:
        """Return target, minimum and weight as fractions, converted once per spec."""
        minimum = None if self.minimum is None else to_fraction(self.minimum)
        return to_fraction(self.target), minimum, to_fraction(self.weight)

    def __post_init__(self) -> None:
        target = to_fraction(self.target)
        if self.minimum is not None:
            minimum = to_fraction(self.minimum)
            if (minimum > target) if self.direction is Direction.HIGHER else (minimum < target):
                raise ValueError(f"{self.key}: the minimum must not be better than the target")
        if to_fraction(self.weight) < 0:
            raise ValueError(f"{self.key}: the weight must not be negative")
        allocation = to_fraction(self.allocation_percent)
        if allocation < 0:
            raise ValueError(f"{self.key}: the allocation percent must not be negative")
        if self.kind is TargetKind.KPI and allocation != 0:
            raise ValueError(f"{self.key}: a kpi target carries no credit allocation")


@dataclass(frozen=True)
class ContractTerms:
    monthly_fee: Decimal
    currency: str
    at_risk_percent: Decimal
    earn_back_months: int = 0
    volume_tolerance_percent: Decimal = Decimal(0)
    escalation: EscalationRule = field(default_factory=EscalationRule)
    attainment_cap: Decimal = DEFAULT_ATTAINMENT_CAP

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        if as_money(self.monthly_fee) < 0:
            raise ValueError("the monthly fee must not be negative")
        if not 0 <= _percent(self.at_risk_percent) <= 100:
            raise ValueError("the at-risk percent must be between 0 and 100")
        if self.earn_back_months < 0:
            raise ValueError("earn-back months must not be negative")
        if _percent(self.volume_tolerance_percent) < 0:
            raise ValueError("the volume tolerance must not be negative")
        if to_fraction(self.attainment_cap) <= 0:
            raise ValueError("the attainment cap must be positive")


@dataclass(frozen=True)
class MonthInput:
    month: Month
    targets: tuple[TargetSpec, ...]  # the target versions in force in this month
    actuals: Mapping[str, Number | None]  # by target key; missing or None means no accepted data
    offered: Number | None = None  # the month's offered volume, for volume relief
    forecast: Number | None = None
    granted_disputes: frozenset[str] = frozenset()  # target keys

    def __post_init__(self) -> None:
        keys = [spec.key for spec in self.targets]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.month}: two targets share a key")
        unknown = set(self.actuals) - set(keys)
        if unknown:
            raise ValueError(f"{self.month}: actuals for unknown targets {sorted(unknown)}")


@dataclass(frozen=True)
class TargetResult:
    spec: TargetSpec
    actual: float | None
    raw_status: Status  # before relief
    status: Status
    relief: Relief | None
    rag: Rag
    attainment: float | None
    credit: Decimal  # rounded, before the monthly cap; 0 unless an sla target is in breach
    earn_back: EarnBack
    is_escalated: bool


@dataclass(frozen=True)
class CreditSummary:
    currency: str
    gross: Decimal  # the sum of the targets' credits
    cap: Decimal  # monthly fee × at-risk percent
    payable: Decimal  # gross, capped
    earned_back: Decimal
    net_due: Decimal  # payable less what was earned back


@dataclass(frozen=True)
class MonthScorecard:
    month: Month
    results: tuple[TargetResult, ...]
    score: float | None
    credits: CreditSummary
    is_volume_relieved: bool
    escalated_targets: tuple[str, ...]  # sla keys with K breaches in the rolling W months

    @property
    def termination_right_may_be_open(self) -> bool:
        return bool(self.escalated_targets)

    @property
    def rag_counts(self) -> dict[Rag, int]:
        counts = dict.fromkeys(Rag, 0)
        for result in self.results:
            counts[result.rag] += 1
        return counts


def _percent(value: Number) -> Fraction:
    return to_fraction(value)


def _decimal(value: Number) -> Decimal:
    exact = to_fraction(value)
    with localcontext() as context:
        context.prec = 60
        return Decimal(exact.numerator) / Decimal(exact.denominator)


def credit_cap(monthly_fee: Decimal, at_risk_percent: Number, currency: str) -> Decimal:
    """Return the at-risk amount, monthly fee × at-risk percent: the cap on a month's credits."""
    with localcontext() as context:
        context.prec = 60
        return round_money(as_money(monthly_fee) * _decimal(at_risk_percent) / 100, currency)


def target_credit(monthly_fee: Decimal, at_risk_percent: Number, allocation_percent: Number,
                  currency: str) -> Decimal:
    """Return the credit for one breached sla target: fee × at-risk percent × allocation percent."""
    with localcontext() as context:
        context.prec = 60
        amount = as_money(monthly_fee) * _decimal(at_risk_percent) * _decimal(allocation_percent) / 10000
        return round_money(amount, currency)


def _is_infinite(value: Number) -> bool:
    return isinstance(value, float) and math.isinf(value)


def target_status(actual: Number | None, *, target: Number, direction: Direction,
                  minimum: Number | None = None) -> Status:
    """Return met, missed, breach or no_data for an unrounded actual against target and minimum."""
    if actual is None:
        return Status.NO_DATA
    if isinstance(actual, float) and math.isnan(actual):
        raise ValueError("the actual value is NaN")
    # +inf is the median wait beyond the largest bucket; compare it as the float it is.
    value: Fraction | float = actual if _is_infinite(actual) else to_fraction(actual)
    sign = 1 if direction is Direction.HIGHER else -1
    if sign * value >= sign * to_fraction(target):
        return Status.MET
    if minimum is not None and sign * value >= sign * to_fraction(minimum):
        return Status.MISSED
    return Status.BREACH


def apply_relief(status: Status, *, is_queue_speed: bool, is_volume_relieved: bool,
                 is_dispute_granted: bool) -> tuple[Status, Relief | None]:
    """Return the status after relief and the reason for it, if any."""
    if is_volume_relieved and is_queue_speed and status in (Status.MISSED, Status.BREACH):
        return Status.RELIEVED, Relief.VOLUME
    if is_dispute_granted and status is Status.BREACH:
        return Status.RELIEVED, Relief.DISPUTE
    return status, None


def volume_exceeds_forecast(offered: Number | None, forecast: Number | None,
                            tolerance_percent: Number) -> bool:
    """Say whether offered volume exceeds the forecast by more than the tolerance percent."""
    if offered is None or forecast is None:
        return False
    return to_fraction(offered) > to_fraction(forecast) * (1 + to_fraction(tolerance_percent) / 100)


def _attainment_exact(actual: Number, target: Number, direction: Direction, cap: Fraction) -> Fraction:
    if _is_infinite(actual):
        return cap if (actual > 0) == (direction is Direction.HIGHER) else Fraction(0)
    value, goal = to_fraction(actual), to_fraction(target)
    if direction is Direction.LOWER and value == 0:
        return cap
    if goal <= 0 or value < 0:
        # A ratio to a target of 0 or below (NPS can be negative) means nothing: score met or not.
        met = value >= goal if direction is Direction.HIGHER else value <= goal
        return min(cap, Fraction(1 if met else 0))
    ratio = value / goal if direction is Direction.HIGHER else goal / value
    return min(cap, ratio)


def attainment(actual: Number | None, *, target: Number, direction: Direction,
               cap: Number = DEFAULT_ATTAINMENT_CAP) -> float | None:
    """Return actual ÷ target (target ÷ actual when lower is better), capped; None without data."""
    if actual is None:
        return None
    return float(_attainment_exact(actual, target, direction, to_fraction(cap)))


def weighted_score(items: Iterable[tuple[Number, Number | None]]) -> float | None:
    """Return the weight-averaged attainment × 100 over (weight, attainment) pairs that have data."""
    total_weight = Fraction(0)
    total = Fraction(0)
    for weight, value in items:
        if value is None:
            continue
        total_weight += to_fraction(weight)
        total += to_fraction(weight) * to_fraction(value)
    if total_weight == 0:
        return None
    return float(total * 100 / total_weight)


def rag_for(status: Status) -> Rag:
    """Return the RAG colour of a status: green met, amber missed, red breach, grey otherwise."""
    return _RAG[status]


def earn_back_state(following_met: Sequence[bool | None], months: int) -> EarnBack:
    """Decide earn-back from whether the target was met in each of the N following months.

    following_met holds True (met), False (known and not met) or None (not known yet) per month, in
    order; months beyond its length count as not known.
    """
    if months <= 0:
        return EarnBack.NOT_APPLICABLE
    window = list(following_met[:months]) + [None] * (months - len(following_met))
    if any(value is False for value in window):
        return EarnBack.FORFEITED
    if any(value is None for value in window):
        return EarnBack.PENDING
    return EarnBack.EARNED


def summarise_credits(credits: Iterable[tuple[Decimal, EarnBack]], cap: Decimal,
                      currency: str) -> CreditSummary:
    """Total a month's credits, cap them, and net out what was earned back.

    The cap applies to the credits still owed, so earning back a credit in a capped month lowers
    the amount due only as far as the remaining credits fall below the cap.
    """
    pairs = list(credits)
    gross = sum((amount for amount, _ in pairs), Decimal(0))
    owed = sum((amount for amount, state in pairs if state is not EarnBack.EARNED), Decimal(0))
    payable = min(gross, cap)
    net_due = min(owed, cap)
    return CreditSummary(
        currency=currency.upper(),
        gross=round_money(gross, currency),
        cap=round_money(cap, currency),
        payable=round_money(payable, currency),
        earned_back=round_money(payable - net_due, currency),
        net_due=round_money(net_due, currency),
    )


def is_escalated(breach_months: Iterable[Month], month: Month,
                 rule: EscalationRule = EscalationRule()) -> bool:
    """Say whether K breaches fall in the rolling W months ending with (and including) month."""
    first = month.shift(-(rule.window_months - 1))
    return sum(1 for m in set(breach_months) if first <= m <= month) >= rule.breaches


@dataclass(frozen=True)
class _Judged:
    spec: TargetSpec
    actual: Number | None
    raw_status: Status
    status: Status
    relief: Relief | None


def _judge(item: MonthInput, terms: ContractTerms) -> tuple[bool, tuple[_Judged, ...]]:
    is_volume_relieved = volume_exceeds_forecast(item.offered, item.forecast, terms.volume_tolerance_percent)
    judged = []
    for spec in item.targets:
        actual = item.actuals.get(spec.key)
        target, minimum, _weight = spec.exact
        raw = target_status(actual, target=target, direction=spec.direction, minimum=minimum)
        status, relief = apply_relief(raw, is_queue_speed=spec.is_queue_speed,
                                      is_volume_relieved=is_volume_relieved,
                                      is_dispute_granted=spec.key in item.granted_disputes)
        judged.append(_Judged(spec, actual, raw, status, relief))
    return is_volume_relieved, tuple(judged)


def score_months(inputs: Iterable[MonthInput], terms: ContractTerms,
                 only: Iterable[Month] | None = None) -> tuple[MonthScorecard, ...]:
    """Build the scorecards of a run of months, oldest first.

    Earn-back for a month looks at the later months given (months not given are not known yet), and
    escalation at the earlier ones, so pass the W − 1 months before the first month of interest and
    any months after it that are known. With `only`, just those months' scorecards are built; the
    other months are judged (status only) for earn-back and escalation.
    """
    wanted = None if only is None else set(only)
    items = sorted(inputs, key=lambda item: item.month)
    if len({item.month for item in items}) != len(items):
        raise ValueError("each month may appear only once")
    judged = {item.month: _judge(item, terms) for item in items}
    status_by_month = {month: {j.spec.key: j for j in results} for month, (_, results) in judged.items()}
    cap_fraction = to_fraction(terms.attainment_cap)
    cap = credit_cap(terms.monthly_fee, terms.at_risk_percent, terms.currency)

    def met_in(month: Month, key: str) -> bool | None:
        if month not in status_by_month:
            return None
        later = status_by_month[month].get(key)
        if later is None:
            return False  # the target is no longer in force, so it cannot be met
        return None if later.status is Status.NO_DATA else later.status is Status.MET

    def breach_months(key: str) -> list[Month]:
        return [month for month, by_key in status_by_month.items()
                if key in by_key and by_key[key].spec.kind is TargetKind.SLA
                and by_key[key].status is Status.BREACH]

    scorecards = []
    for item in items:
        if wanted is not None and item.month not in wanted:
            continue
        is_volume_relieved, results = judged[item.month]
        built = []
        weighted: list[tuple[Number, Fraction | None]] = []
        for j in results:
            spec = j.spec
            has_credit = spec.kind is TargetKind.SLA and j.status is Status.BREACH
            credit = round_money(Decimal(0), terms.currency)
            if has_credit:
                credit = target_credit(terms.monthly_fee, terms.at_risk_percent, spec.allocation_percent,
                                       terms.currency)
            earn_back = EarnBack.NOT_APPLICABLE
            if credit > 0:
                following = [met_in(item.month.shift(n), spec.key)
                             for n in range(1, terms.earn_back_months + 1)]
                earn_back = earn_back_state(following, terms.earn_back_months)
            escalated = spec.kind is TargetKind.SLA and is_escalated(breach_months(spec.key), item.month,
                                                                     terms.escalation)
            exact = None if j.actual is None else _attainment_exact(j.actual, spec.exact[0], spec.direction,
                                                                    cap_fraction)
            # The spec scores every target with data; relief removes the credit, not the measured result.
            weighted.append((spec.exact[2], exact))
            built.append(TargetResult(
                spec=spec,
                actual=None if j.actual is None else float(j.actual),
                raw_status=j.raw_status,
                status=j.status,
                relief=j.relief,
                rag=rag_for(j.status),
                attainment=None if exact is None else float(exact),
                credit=credit,
                earn_back=earn_back,
                is_escalated=escalated,
            ))
        scorecards.append(MonthScorecard(
            month=item.month,
            results=tuple(built),
            score=weighted_score(weighted),
            credits=summarise_credits(((r.credit, r.earn_back) for r in built), cap, terms.currency),
            is_volume_relieved=is_volume_relieved,
            escalated_targets=tuple(r.spec.key for r in built if r.is_escalated),
        ))
    return tuple(scorecards)

