"""Build a contract's scorecard for a month from its target versions and accepted data."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from vendorportal.actions import services as actions
from vendorportal.contracts.models import Contract
from vendorportal.metrics import domain as metrics
from vendorportal.scorecards import charts, domain
from vendorportal.submissions import services as uploads
from vendorportal.targets import domain as target_domain
from vendorportal.targets import services as targets


@dataclass(frozen=True)
class Scorecard:
    contract: Contract
    month: domain.Month
    card: domain.MonthScorecard
    reported: dict[str, str]
    catalog: dict[str, targets.MetricInfo]
    has_data: bool
    derived_from_averages: bool = False  # the month's data came from a platform export's averages


def _actuals(month_data: uploads.AcceptedMonth | None, specs, catalog, sl_formula) -> dict[str, float | None]:
    if month_data is None:
        return {}
    computed: dict[str, dict[str, float | None]] = {}
    out: dict[str, float | None] = {}
    for spec, channel in specs:
        info = catalog.get(spec.metric)
        if info is not None and info.is_custom:
            raw = month_data.custom.get(spec.metric)
            out[spec.key] = None if raw is None else float(Decimal(raw))
            continue
        if channel not in computed:
            totals = month_data.measures.get(channel)
            computed[channel] = metrics.compute_metrics(totals, sl_formula=sl_formula) if totals else {}
        out[spec.key] = computed[channel].get(spec.metric)
    return out


def _spec(target, catalog) -> domain.TargetSpec:
    info = catalog[target.metric]
    return domain.TargetSpec(
        key=target.series_key, metric=target.metric, kind=domain.TargetKind(target.kind),
        direction=metrics.Direction(info.direction), target=target.target, minimum=target.minimum,
        weight=target.weight, allocation_percent=target.credit_allocation_percent,
        is_queue_speed=info.is_queue_speed,
    )


@dataclass
class _Loaded:
    """Everything scoring needs for a set of contracts and months, loaded with a fixed number of queries."""

    catalog: dict[str, targets.MetricInfo]
    versions: dict[int, list]
    accepted: dict[int, dict[str, uploads.AcceptedMonth]]
    forecasts: dict[int, dict[str, int]]
    granted: dict[int, dict[str, set[str]]]


def _window(contract: Contract, first: domain.Month, last: domain.Month) -> list[domain.Month]:
    # Escalation looks back W - 1 months; earn-back looks ahead N months.
    before = contract.escalation_window_months - 1
    return [first.shift(n) for n in range(-before, last.ordinal - first.ordinal + contract.earn_back_months + 1)]


def _load(session: Session, contracts: list[Contract], periods: list[str]) -> _Loaded:
    ids = [c.id for c in contracts]
    granted: dict[int, dict[str, set[str]]] = {}
    for contract_id, disputes in targets.disputes_for(session, ids, periods).items():
        for dispute in disputes:
            if dispute.status == "granted":
                granted.setdefault(contract_id, {}).setdefault(dispute.period, set()).add(dispute.series_key)
    return _Loaded(targets.catalog(session), targets.target_versions_for(session, ids),
                   uploads.accepted_months_for(session, ids, periods), targets.forecasts_for(session, ids, periods),
                   granted)


def _score(contract: Contract, first: domain.Month, last: domain.Month, data: _Loaded,
           ) -> dict[domain.Month, Scorecard]:
    catalog = data.catalog
    versions = [v for v in data.versions.get(contract.id, []) if v.metric in catalog]
    accepted = data.accepted.get(contract.id, {})
    forecasts = data.forecasts.get(contract.id, {})
    granted = data.granted.get(contract.id, {})
    specs_by_version: dict[int, domain.TargetSpec] = {}  # one spec per target version, reused month to month
    inputs = []
    # Months after the newest accepted data cannot change earn-back yet; leave them out.
    newest = max((domain.Month.parse(p) for p in accepted), default=last)
    for month in [m for m in _window(contract, first, last) if m <= max(last, newest)]:
        in_force = target_domain.in_force(versions, str(month))
        specs = [(specs_by_version.get(t.id) or specs_by_version.setdefault(t.id, _spec(t, catalog)),
                  t.channel or "*") for t in in_force]
        month_data = accepted.get(str(month))
        offered = month_data.measures.get("*", {}).get("offered") if month_data else None
        inputs.append(domain.MonthInput(
            month=month, targets=tuple(s for s, _c in specs),
            actuals=_actuals(month_data, specs, catalog, contract.service_level_formula),
            offered=offered, forecast=forecasts.get(str(month)),
            granted_disputes=frozenset(granted.get(str(month), ())),
        ))
    terms = domain.ContractTerms(
        monthly_fee=Decimal(contract.monthly_fee), currency=contract.currency,
        at_risk_percent=Decimal(contract.at_risk_percent), earn_back_months=contract.earn_back_months,
        volume_tolerance_percent=Decimal(contract.volume_tolerance_percent),
        escalation=domain.EscalationRule(contract.escalation_breaches, contract.escalation_window_months),
    )
    focus = [first.shift(n) for n in range(last.ordinal - first.ordinal + 1)]
    cards = {card.month: card for card in domain.score_months(inputs, terms, only=focus)}
    out = {}
    for n in range(last.ordinal - first.ordinal + 1):
        month = first.shift(n)
        month_data = accepted.get(str(month))
        out[month] = Scorecard(contract, month, cards[month], dict(month_data.reported) if month_data else {},
                               catalog, month_data is not None,
                               month_data is not None and month_data.derived_from_averages)
    return out


def build_scorecards(session: Session, contract: Contract, first: domain.Month, last: domain.Month,
                     ) -> dict[domain.Month, Scorecard]:
    """Return the scorecards of the months first..last, with a fixed number of queries whatever the range."""
    periods = [str(m) for m in _window(contract, first, last)]
    return _score(contract, first, last, _load(session, [contract], periods))


def build_many(session: Session, contracts: list[Contract], month: domain.Month) -> dict[int, Scorecard]:
    """Return one month's scorecard for each of many contracts, with a fixed number of queries."""
    periods = sorted({str(m) for c in contracts for m in _window(c, month, month)})
    data = _load(session, contracts, periods)
    return {c.id: _score(c, month, month, data)[month] for c in contracts}


def build_scorecard(session: Session, contract: Contract, month: domain.Month) -> Scorecard:
    """Return one month's scorecard."""
    return build_scorecards(session, contract, month, month)[month]


def _number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    return value


def _plain(value) -> str | None:
    if value is None:
        return None
    return targets.plain_number(Decimal(str(float(value)) if isinstance(value, Fraction) else str(value)))


def to_dict(scorecard: Scorecard) -> dict:
    """Return the API representation: actual values unrounded, money rounded to the currency's minor unit."""
    card = scorecard.card
    credits = card.credits
    rows = []
    for result in card.results:
        spec = result.spec
        channel = spec.key.split("@", 1)[1]
        rows.append({
            "metric": spec.metric, "kind": spec.kind.value, "channel": None if channel == "*" else channel,
            "target": _plain(spec.target), "minimum": _plain(spec.minimum),
            "actual": _number(result.actual),
            "actual_beyond_max_bucket": result.actual is not None and math.isinf(result.actual),
            "reported": scorecard.reported.get(spec.metric), "status": result.status.value,
            "relief": result.relief.value if result.relief else None, "rag": result.rag.value,
            "credit": str(result.credit), "earned_back": result.earn_back.value == "earned",
            "earn_back": result.earn_back.value, "escalated": result.is_escalated,
        })
    return {
        "contract_id": scorecard.contract.id, "period": str(scorecard.month), "currency": credits.currency,
        "score": card.score, "credits_total": str(credits.payable), "credits_uncapped": str(credits.gross),
        "credits_cap": str(credits.cap), "credits_earned_back": str(credits.earned_back),
        "credits_net": str(credits.net_due), "volume_relieved": card.is_volume_relieved,
        "escalations": [{"target": key, "termination_right_may_be_open": True} for key in card.escalated_targets],
        "has_data": scorecard.has_data, "derived_from_averages": scorecard.derived_from_averages, "targets": rows,
    }


@dataclass(frozen=True)
class ComparedMetric:
    key: str
    unit: str
    value: float | None
    previous: dict[str, float | None]
    reported: float | None
    differs: bool  # the vendor's own figure is more than 0.5 points away from the computed one


REPORT_TOLERANCE = 0.5


def compare_submission(session: Session, contract: Contract, submission, months_back: int = 3,
                       ) -> tuple[list[str], list[ComparedMetric]]:
    """Return the previous months shown and, per metric with data, this version's value beside them."""
    this = json.loads(submission.totals)
    month = domain.Month.parse(submission.period)
    periods = [str(month.shift(-n)) for n in range(months_back, 0, -1)]
    accepted = uploads.accepted_months(session, contract.id, periods)
    formula = contract.service_level_formula
    current = metrics.compute_metrics({k: uploads.load_number(v) for k, v in this["measures"].get("*", {}).items()},
                                      sl_formula=formula)
    before = {p: metrics.compute_metrics(accepted[p].measures.get("*", {}), sl_formula=formula)
              if p in accepted else {} for p in periods}
    catalog = targets.catalog(session)
    rows = []
    for key, value in current.items():
        if value is None and not any(before[p].get(key) is not None for p in periods):
            continue
        reported_raw = this.get("reported", {}).get(key)
        reported = float(Decimal(reported_raw)) if reported_raw is not None else None
        differs = reported is not None and value is not None and not math.isinf(value) \
            and abs(reported - value) > REPORT_TOLERANCE
        rows.append(ComparedMetric(key, catalog[key].unit if key in catalog else "", _number(value),
                                   {p: _number(before[p].get(key)) for p in periods}, reported, differs))
    return periods, rows


def was_breached(session: Session, contract: Contract, month: domain.Month, series_key: str) -> bool:
    """Say whether a target was breached in the month before any relief (what a dispute is about)."""
    card = build_scorecard(session, contract, month)
    return any(r.spec.key == series_key and r.raw_status is domain.Status.BREACH for r in card.card.results)


def breached_targets(scorecard: Scorecard) -> list[tuple[str, str, str | None]]:
    """Return (series key, metric, channel) of the month's breached targets, which the vendor may dispute."""
    out = []
    for result in scorecard.card.results:
        if result.status.value == "breach":
            channel = result.spec.key.split("@", 1)[1]
            out.append((result.spec.key, result.spec.metric, None if channel == "*" else channel))
    return out


def trend_charts(session: Session, contract: Contract, month: domain.Month, locale: str, months: int = 12,
                 target_label: str = "Target", minimum_label: str = "Minimum") -> list[tuple[str, str]]:
    """Return (series key, SVG) per target in force in the month: the last `months` months of actuals."""
    first = month.shift(-(months - 1))
    cards = build_scorecards(session, contract, first, month)
    current = cards[month].card.results
    out = []
    for result in current:
        spec = result.spec
        info = cards[month].catalog.get(spec.metric)
        points = []
        for n in range(months):
            m = first.shift(n)
            match = next((r for r in cards[m].card.results if r.spec.key == spec.key), None)
            value = None if match is None or match.actual is None or math.isinf(match.actual) else match.actual
            points.append(charts.TrendPoint(str(m), value, match.status.value if match else None))
        channel = spec.key.split("@", 1)[1]
        title = (info.name(locale) if info else spec.metric) + ("" if channel == "*" else f" · {channel}")
        chart = charts.TrendChart(
            title=title, unit=info.unit if info else "", points=tuple(points), target=float(spec.target),
            minimum=None if spec.minimum is None else float(spec.minimum),
            higher_is_better=spec.direction is metrics.Direction.HIGHER,
            target_label=target_label, minimum_label=minimum_label)
        out.append((spec.key, charts.render_trend_svg(chart)))
    return out


def accept_month(session: Session, actor, submission, comment: str | None, *, today) -> None:
    """Accept a month's data (it counts from now on) and raise the actions its escalated SLAs call for."""
    uploads.accept_submission(session, actor, submission, comment)
    contract = session.get(Contract, submission.contract_id)
    raise_escalation_actions(session, contract, domain.Month.parse(submission.period), today)


def raise_escalation_actions(session: Session, contract: Contract, month: domain.Month, today) -> list:
    """Raise one corrective action per SLA that the month's scorecard escalates (never twice)."""
    card = build_scorecard(session, contract, month)
    raised = []
    for key in card.card.escalated_targets:
        metric, _sep, channel = key.partition("@")
        info = card.catalog.get(metric)
        name = info.name_en if info else metric
        title = (f"{contract.reference}: {name}{'' if channel == '*' else ' (' + channel + ')'} breached "
                 f"{contract.escalation_breaches} times in {contract.escalation_window_months} months ({month})")
        action = actions.raise_escalation(session, vendor_id=contract.vendor_id, contract_id=contract.id,
                                          series_key=key, period=str(month), title=title,
                                          due_date=today + dt.timedelta(days=30))
        if action is not None:
            raised.append(action)
    return raised
