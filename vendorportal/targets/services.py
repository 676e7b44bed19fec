"""Use cases for targets: the metric catalog (built-in and reported), target versions, volume forecasts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.contracts.models import Contract
from vendorportal.core.db import utcnow
from vendorportal.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from vendorportal.core.validation import Cleaner
from vendorportal.metrics import domain as metrics
from vendorportal.metrics.domain import CHANNELS
from vendorportal.scorecards.domain import Month
from vendorportal.targets import domain
from vendorportal.targets.models import CustomMetric, Dispute, Target, VolumeForecast

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the months parse_period accepts
CUSTOM_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,38}$")
UNITS = ("%", "s", "points", "score", "count", "ratio")


@dataclass(frozen=True)
class MetricInfo:
    key: str
    unit: str
    direction: str
    name_en: str
    name_ja: str
    measures: tuple[str, ...]
    is_queue_speed: bool
    is_custom: bool

    def as_dict(self) -> dict:
        return {"key": self.key, "unit": self.unit, "direction": self.direction, "name_en": self.name_en,
                "name_ja": self.name_ja, "measures": list(self.measures), "is_queue_speed": self.is_queue_speed,
                "is_custom": self.is_custom}

    def name(self, locale: str) -> str:
        return self.name_ja if locale.startswith("ja") else self.name_en


def catalog(session: Session) -> dict[str, MetricInfo]:
    """Return every metric a target may use: the built-in catalog, then the reported metrics."""
    out = {m.key: MetricInfo(m.key, m.unit, m.direction.value, m.name_en, m.name_ja, m.measures,
                             m.is_queue_speed, False) for m in metrics.METRICS}
    for c in session.execute(select(CustomMetric).order_by(CustomMetric.key)).scalars():
        out[c.key] = MetricInfo(c.key, c.unit, c.direction, c.name_en, c.name_ja, (f"custom_{c.key}",), False, True)
    return out


def add_custom_metric(session: Session, data: Mapping[str, Any]) -> CustomMetric:
    """Add a reported metric (no raw counts) to the catalog."""
    c = Cleaner(data)
    c.text("key", max_len=40)
    c.text("name_en", max_len=200)
    c.text("name_ja", max_len=200)
    c.choice("unit", UNITS)
    c.choice("direction", ("higher", "lower"))
    key = c.values.get("key", "")
    if key and not CUSTOM_KEY_RE.match(key):
        c.error("key", _l("Use 2 to 40 lower-case letters, digits or _, starting with a letter."))
    elif key and key in catalog(session):
        c.error("key", _l("This key is already in the catalog."))
    metric = CustomMetric(**c.result())
    session.add(metric)
    session.flush()
    return metric


def _check_period(c: Cleaner, key: str) -> None:
    c.text(key, max_len=7)
    if key in c.values and not PERIOD_RE.match(c.values[key]):
        c.error(key, _l("Use a month like 2026-04."))


def add_target(session: Session, actor, contract: Contract, data: Mapping[str, Any]) -> Target:
    """Add a target version to a contract, effective from a month; earlier months keep their versions.

    :raises ValidationFailed: with one entry per bad field.
    """
    known = catalog(session)
    c = Cleaner(data)
    c.choice("metric", list(known))
    c.choice("kind", ("sla", "kpi"))
    c.choice("channel", CHANNELS, required=False)
    c.decimal("target", places=4, minimum=Decimal(-1_000_000), maximum=Decimal(1_000_000_000))
    c.decimal("minimum", places=4, required=False, minimum=Decimal(-1_000_000), maximum=Decimal(1_000_000_000))
    c.decimal("weight", places=3, required=False, default=Decimal(1), minimum=Decimal(0), maximum=Decimal(1000))
    c.decimal("credit_allocation_percent", required=False, default=Decimal(0), minimum=Decimal(0),
              maximum=Decimal(100))
    _check_period(c, "effective_from")
    c.boolean("is_retired")
    v = c.values
    info = known.get(v.get("metric", ""))
    if v.get("kind") == "kpi" and v.get("credit_allocation_percent"):
        c.error("credit_allocation_percent", _l("Only SLA targets carry service credits."))
    if info and v.get("minimum") is not None and v.get("target") is not None:
        if info.direction == "higher" and v["minimum"] > v["target"]:
            c.error("minimum", _l("For this metric the minimum must not be above the target."))
        if info.direction == "lower" and v["minimum"] < v["target"]:
            c.error("minimum", _l("For this metric the minimum must not be below the target."))
    if v.get("channel") and v["channel"] not in contract.channel_list:
        c.error("channel", _l("The contract does not cover this channel."))
    values = c.result()
    target = Target(contract_id=contract.id, series_key=domain.series_key(values["metric"], values.get("channel")),
                    created_by_id=getattr(actor, "id", None), **values)
    session.add(target)
    session.flush()
    return target


def target_versions(session: Session, contract_id: int) -> list[Target]:
    """Return every version of every target of a contract, oldest first."""
    return target_versions_for(session, [contract_id]).get(contract_id, [])


def target_versions_for(session: Session, contract_ids) -> dict[int, list[Target]]:
    """Return every target version of several contracts, oldest first (one query)."""
    stmt = (select(Target).where(Target.contract_id.in_(list(contract_ids)))
            .order_by(Target.effective_from, Target.id))
    out: dict[int, list[Target]] = {}
    for target in session.execute(stmt).scalars():
        out.setdefault(target.contract_id, []).append(target)
    return out


def targets_in_force(session: Session, contract: Contract, period: str) -> list[Target]:
    """Return the target versions in force for a month."""
    return domain.in_force(target_versions(session, contract.id), period)


def required_columns(session: Session, contract: Contract, period: str) -> tuple[set[str], set[str]]:
    """Return the measure columns and custom keys the month's targets need in an upload."""
    known = catalog(session)
    measures: set[str] = set()
    custom: set[str] = set()
    for target in targets_in_force(session, contract, period):
        info = known.get(target.metric)
        if info is None:
            continue
        if info.is_custom:
            custom.add(target.metric)
        else:
            measures.update(metrics.required_measures(target.metric, sl_formula=contract.service_level_formula))
    return measures, custom


def set_forecast(session: Session, contract: Contract, period: str, offered: int) -> VolumeForecast:
    """Record the forecast offered volume of a month (the change is audited)."""
    c = Cleaner({"period": period, "offered": offered})
    _check_period(c, "period")
    c.integer("offered", minimum=0, maximum=10**12)
    values = c.result()
    row = session.execute(select(VolumeForecast).where(
        VolumeForecast.contract_id == contract.id, VolumeForecast.period == values["period"])).scalar_one_or_none()
    if row is None:
        row = VolumeForecast(contract_id=contract.id, **values)
        session.add(row)
    else:
        row.offered = values["offered"]
    session.flush()
    return row


def forecasts(session: Session, contract_id: int) -> dict[str, int]:
    return forecasts_for(session, [contract_id]).get(contract_id, {})


def forecasts_for(session: Session, contract_ids, periods=None) -> dict[int, dict[str, int]]:
    """Return forecast offered volumes per contract and month (one query)."""
    stmt = select(VolumeForecast).where(VolumeForecast.contract_id.in_(list(contract_ids)))
    if periods is not None:
        stmt = stmt.where(VolumeForecast.period.in_(list(periods)))
    out: dict[int, dict[str, int]] = {}
    for row in session.execute(stmt).scalars():
        out.setdefault(row.contract_id, {})[row.period] = row.offered
    return out


def parse_period(text: str | None) -> Month:
    """Return the month of a YYYY-MM string.

    :raises ValidationFailed: when it is not a month.
    """
    year = int(text[:4]) if text and PERIOD_RE.fullmatch(text) else 0  # fullmatch: "2026-04\n" is no month
    # Scorecards look years back and forth (escalation window, earn-back): 0001-01 has no months before it.
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed([FieldError("period", _l("Use a month like 2026-04."))])
    return Month.parse(text)


def plain_number(value) -> str | None:
    """Return a Decimal without trailing zeros or exponent (80.0000 -> "80", 0.5 -> "0.5")."""
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def target_to_dict(target: Target) -> dict:
    return {
        "id": target.id, "metric": target.metric, "kind": target.kind, "channel": target.channel,
        "target": plain_number(target.target), "minimum": plain_number(target.minimum),
        "weight": plain_number(target.weight),
        "credit_allocation_percent": plain_number(target.credit_allocation_percent),
        "effective_from": target.effective_from, "is_retired": target.is_retired,
    }


__all__ = ["NotFound"]


# Disputes --------------------------------------------------------------------------------------


def raise_dispute(session: Session, actor, contract: Contract, *, period: str, series_key: str, reason: str,
                  is_breached: bool):
    """Record a vendor's dispute of a target breached in a month.

    :raises ValidationFailed: no reason, the target was not breached, or a dispute is already open.
    """
    errors = []
    if not (reason or "").strip():
        errors.append(FieldError("reason", _l("Say why the breach should be relieved.")))
    if not is_breached:
        errors.append(FieldError("series_key", _l("Only a breached target can be disputed.")))
    open_one = session.execute(select(Dispute).where(
        Dispute.contract_id == contract.id, Dispute.period == period, Dispute.series_key == series_key,
        Dispute.status.in_(("open", "granted")))).scalar_one_or_none()
    if open_one is not None:
        errors.append(FieldError("series_key", _l("This breach is already disputed.")))
    if errors:
        raise ValidationFailed(errors)
    dispute = Dispute(contract_id=contract.id, period=period, series_key=series_key, reason=reason.strip()[:4000],
                      raised_by_id=getattr(actor, "id", None))
    session.add(dispute)
    session.flush()
    return dispute


def decide_dispute(session: Session, actor, dispute, *, grant: bool, reason: str):
    """Grant (the target shows relieved, no credit) or refuse a dispute, with the reason kept."""
    if dispute.status != "open":
        raise Conflict(str(_l("This dispute has already been decided.")), "status")
    if not (reason or "").strip():
        raise ValidationFailed([FieldError("decision_reason", _l("Record the reason for the decision."))])
    dispute.status = "granted" if grant else "refused"
    dispute.decided_by_id, dispute.decided_at = actor.id, utcnow()
    dispute.decision_reason = reason.strip()[:4000]
    session.flush()
    return dispute


def disputes_of(session: Session, contract_id: int, periods=None) -> list:
    return disputes_for(session, [contract_id], periods).get(contract_id, [])


def disputes_for(session: Session, contract_ids, periods=None) -> dict[int, list]:
    """Return the disputes of several contracts, oldest first (one query)."""
    stmt = select(Dispute).where(Dispute.contract_id.in_(list(contract_ids))).order_by(Dispute.id)
    if periods is not None:
        stmt = stmt.where(Dispute.period.in_(list(periods)))
    out: dict[int, list] = {}
    for dispute in session.execute(stmt).scalars():
        out.setdefault(dispute.contract_id, []).append(dispute)
    return out
