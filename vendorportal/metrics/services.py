"""Staffing check: intervals where the Erlang C requirement exceeded the agents the vendor staffed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.contracts.models import Contract
from vendorportal.metrics import erlang
from vendorportal.submissions import services as uploads
from vendorportal.submissions.models import Submission
from vendorportal.targets import services as targets

DEFAULT_INTERVAL_S = 1800


@dataclass(frozen=True)
class Shortfall:
    date: str
    interval: str
    channel: str | None
    offered: int
    staffed: int
    needed: int


def _interval_seconds(rows: list[list]) -> int:
    """Infer the interval length from the smallest gap between starts on one day (15, 30 or 60 min)."""
    starts: dict[str, list[int]] = {}
    for row in rows:
        if row[2]:
            hours, minutes = row[2].split(":")
            starts.setdefault(f"{row[1]}|{row[3]}|{row[4]}", []).append(int(hours) * 60 + int(minutes))
    gaps = [b - a for times in starts.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
            if b > a]
    return min(gaps) * 60 if gaps else DEFAULT_INTERVAL_S


@dataclass(frozen=True)
class StaffingCheck:
    goal: float | None  # the service-level target used (percent), None when the contract has none
    intervals_checked: int
    shortfall_count: int
    worst: list[Shortfall]  # the largest shortfalls, in date order


def staffing_shortfalls(session: Session, contract: Contract, period: str, limit: int = 25) -> StaffingCheck:
    """Check each interval with agents_staffed against what Erlang C says the service-level target needed."""
    goal = next((t for t in targets.targets_in_force(session, contract, period)
                 if t.metric == "service_level" and t.channel in (None, "phone")), None)
    if goal is None:
        return StaffingCheck(None, 0, 0, [])
    accepted = uploads.accepted_months(session, contract.id, [period]).get(period)
    if accepted is None:
        return StaffingCheck(float(goal.target), 0, 0, [])
    submission = session.execute(select(Submission).where(Submission.id == accepted.submission_id)).scalar_one()
    rows = [r for r in uploads.read_rows(submission) if r[2] and "agents_staffed" in r[5]]
    interval_s = _interval_seconds(rows)
    target_sl = Decimal(goal.target) / 100
    out = []
    for _row, date, interval, channel, _queue, m in rows:
        needed = erlang.interval_agents_needed(
            int(m.get("offered", 0)), int(m.get("answered", 0)), float(Decimal(m.get("handle_time_total_s", "0"))),
            interval_s, contract.sl_threshold_seconds, target_sl)
        staffed = int(m["agents_staffed"])
        if needed is not None and needed > staffed:
            out.append(Shortfall(date, interval, channel, int(m.get("offered", 0)), staffed, needed))
    worst = sorted(out, key=lambda s: (s.needed - s.staffed, s.date, s.interval), reverse=True)[:limit]
    return StaffingCheck(float(goal.target), len(rows), len(out), sorted(worst, key=lambda s: (s.date, s.interval)))

