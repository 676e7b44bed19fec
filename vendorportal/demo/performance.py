"""Demo performance data: targets, 12 months of interval uploads in every review state, and scale data."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import zlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.contracts import services as contract_services
from vendorportal.contracts.models import Contract
from vendorportal.core.db import utcnow
from vendorportal.files.models import StoredFile
from vendorportal.metrics import erlang
from vendorportal.scorecards import services as scorecards
from vendorportal.scorecards.domain import Month
from vendorportal.submissions import services as uploads
from vendorportal.submissions.models import Submission
from vendorportal.targets import services as targets
from vendorportal.vendors import services as vendor_services

# Targets that clients of contact-centre outsourcing commonly set (SPEC §2, issue 3 item 9).
TARGETS = {
    "NWCS-2024-PH": [
        ("service_level", "sla", "phone", 80, 75, 2, 40), ("answer_rate", "sla", "phone", 95, 92, 1, 30),
        ("median_wait", "sla", "phone", 120, 150, 1, 30), ("abandonment_rate", "kpi", "phone", 5, 8, 1, 0),
        ("asa", "kpi", "phone", 30, 45, 1, 0), ("csat", "kpi", None, 85, 80, 1, 0), ("fcr", "kpi", None, 80, 75, 1, 0),
        ("nps", "kpi", None, 30, 20, 1, 0), ("ces", "kpi", None, 4, 3.6, 1, 0),
    ],
    "CP-2023-SPR": [
        ("service_level", "sla", "phone", 80, 75, 2, 50), ("email_response", "sla", "email", 95, 90, 1, 30),
        ("resolution_rate", "kpi", None, 85, 80, 1, 0), ("csat", "kpi", None, 85, 80, 1, 0),
    ],
    "BD-2025-EMCH": [
        ("email_response", "sla", "email", 90, 85, 2, 50), ("csat", "sla", None, 85, 80, 1, 30),
        ("resolution_rate", "kpi", None, 80, 75, 1, 0), ("qa_score", "kpi", None, 85, 80, 1, 0),
    ],
}
HEADER = ["date", "interval", "channel", "queue", "offered", "answered", "answered_within_sl", "abandoned",
          "abandoned_short", "agents_staffed", "wait_time_total_s", "handle_time_total_s", "resolved_first_contact",
          "resolved", "wait_le_10", "wait_le_20", "wait_le_30", "wait_le_60", "wait_le_120", "wait_le_300",
          "received", "responded_within_target", "csat_responses", "csat_satisfied", "nps_promoters",
          "nps_passives", "nps_detractors", "ces_responses", "ces_score_total", "qa_evaluations", "qa_score_total"]


@dataclass(frozen=True)
class MonthPlan:
    quality: float  # 1.0 = meets targets comfortably; below ~0.9 misses, below ~0.8 breaches
    late: bool = False
    returned_first: bool = False
    leave_for_review: bool = False


def _interval_row(rng: random.Random, day: dt.date, hour: int, channel: str, q: float) -> list:
    if channel in ("phone", "chat"):
        offered = rng.randint(40, 140)
        abandoned = min(offered, int(offered * max(0.01, (1.05 - q) * 0.3) + rng.randint(0, 2)))
        answered = offered - abandoned
        short = min(abandoned, rng.randint(0, 2))
        within = int(answered * min(0.98, max(0.4, 0.86 * q + rng.uniform(-0.03, 0.03))))
        buckets = [int(within * 0.75), within, int(within + (answered - within) * 0.3),
                   int(within + (answered - within) * 0.6), int(within + (answered - within) * 0.85), answered]
        aht = rng.randint(240, 330)
        needed = erlang.interval_agents_needed(offered, max(answered, 1), max(answered, 1) * aht, 3600, 20, 0.8) or 1
        # A well-run month staffs what Erlang C asks for; a bad one falls short in some intervals.
        staffed = needed + rng.choice((0, 1, 1, 2)) if q > 0.9 or rng.random() < 0.7 else needed - rng.randint(1, 3)
        resolved = int(answered * min(0.97, 0.88 * q))
        fcr = int(resolved * 0.9)
        received = responded = 0
    else:
        offered = answered = within = abandoned = short = staffed = 0
        buckets = [0] * 6
        aht = 0
        received = rng.randint(10, 40)
        responded = int(received * min(1.0, max(0.5, 0.97 * q + rng.uniform(-0.02, 0.02))))
        resolved = fcr = 0
    surveys = rng.randint(2, 8)
    satisfied = min(surveys, round(surveys * min(1.0, 0.9 * q)))
    promoters = round(surveys * min(0.9, 0.5 * q))
    detractors = max(0, min(surveys - promoters, round(surveys * max(0.05, 0.3 - 0.2 * q))))
    ces = round(surveys * min(5.0, 4.3 * q))
    qa_n = 1 if hour in (10, 15) else 0
    qa_total = round(qa_n * min(100, 90 * q))
    return [day.isoformat(), f"{hour:02d}:00", channel, "main", offered, answered, within, abandoned, short,
            staffed, answered * rng.randint(8, 30), answered * aht, fcr, resolved, *buckets, received, responded,
            surveys, satisfied, promoters, surveys - promoters - detractors, detractors, surveys,
            max(surveys, min(5 * surveys, ces)), qa_n, qa_total]


def month_csv(rng: random.Random, month: Month, channels: list[str], quality: float) -> bytes:
    """Return a month of hourly interval rows (09:00-18:00) as CSV bytes."""
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    day = dt.date(month.year, month.month, 1)
    while day.month == month.month:
        if day.weekday() < 6:
            for hour in range(9, 18):
                for channel in channels:
                    q = quality + rng.uniform(-0.02, 0.02)
                    out.write(",".join(str(v) for v in _interval_row(rng, day, hour, channel, q)) + "\n")
        day += dt.timedelta(days=1)
    return out.getvalue().encode()


def _plans(months: list[Month]) -> dict[str, dict[Month, MonthPlan]]:
    n = len(months)
    plans: dict[str, dict[Month, MonthPlan]] = {ref: {m: MonthPlan(1.0) for m in months} for ref in TARGETS}
    if n >= 12:
        nw, cp, bd = plans["NWCS-2024-PH"], plans["CP-2023-SPR"], plans["BD-2025-EMCH"]
        nw[months[-6]] = MonthPlan(0.78)  # breaches ...
        nw[months[-4]] = MonthPlan(0.8, late=True)
        nw[months[-2]] = MonthPlan(0.79, returned_first=True)  # ... three in six months: escalation
        nw[months[-9]] = MonthPlan(0.93)
        cp[months[-3]] = MonthPlan(0.9, late=True)
        cp[months[-1]] = MonthPlan(1.0, leave_for_review=True)
        bd[months[-5]] = MonthPlan(0.8)  # a breach the manager relieves after a dispute
    return plans


def _due(contract: Contract, month: Month) -> dt.datetime:
    return uploads.due_at(contract, str(month), "Asia/Tokyo")


def seed_performance(session: Session, manager, vendor_users: dict[int, object], today: dt.date) -> int:
    """Add targets and 12 months of reviewed uploads to the demo contracts; return the submissions made."""
    rng = random.Random(20260401)  # the same demo every time
    last = Month(today.year, today.month).shift(-1)
    months = [last.shift(-n) for n in range(11, -1, -1)]
    contracts = {c.reference: c for c in session.execute(select(Contract)).scalars()}
    plans = _plans(months)
    made = 0
    for reference, rows in TARGETS.items():
        contract = contracts.get(reference)
        if contract is None:
            continue
        start = max(Month(contract.start_date.year, contract.start_date.month), months[0])
        for metric, kind, channel, target, minimum, weight, allocation in rows:
            targets.add_target(session, manager, contract, {
                "metric": metric, "kind": kind, "channel": channel, "target": str(target),
                "minimum": str(minimum), "weight": str(weight), "credit_allocation_percent": str(allocation),
                "effective_from": str(start)})
        uploader = vendor_users.get(contract.vendor_id, manager)
        for month in months:
            if month < start:
                continue
            plan = plans[reference][month]
            if "phone" in contract.channel_list:
                targets.set_forecast(session, contract, str(month), 25_000 if month != months[-7] else 15_000)
            data = month_csv(rng, month, contract.channel_list, plan.quality)
            versions = [data]
            if plan.returned_first:
                versions.append(month_csv(rng, month, contract.channel_list, plan.quality))
            for index, payload in enumerate(versions):
                outcome = uploads.submit_file(session, uploader, contract, period=str(month),
                                              filename=f"{reference}-{month}.csv", data=payload, tz="Asia/Tokyo")
                if not outcome.ok:
                    raise RuntimeError(f"demo data for {reference} {month} is invalid: {outcome.errors[:3]}")
                submission = outcome.submission
                due = _due(contract, month)
                submission.created_at = due + dt.timedelta(days=3) if plan.late else due - dt.timedelta(days=4 - index)
                submission.is_late = plan.late
                made += 1
                if plan.leave_for_review:
                    continue
                if plan.returned_first and index == 0:
                    uploads.return_submission(session, manager, submission,
                                              "The 17:00 intervals are missing for the last week; please resend.")
                else:
                    uploads.accept_submission(session, manager, submission)
    _grant_demo_dispute(session, contracts.get("BD-2025-EMCH"), months, manager, vendor_users)
    session.flush()
    return made


def _grant_demo_dispute(session: Session, contract: Contract | None, months: list[Month], manager, vendor_users):
    if contract is None or len(months) < 12:
        return

    month = months[-5]
    card = scorecards.build_scorecard(session, contract, month)
    breached = [r.spec.key for r in card.card.results if r.raw_status.value == "breach"]
    if not breached:
        return
    dispute = targets.raise_dispute(
        session, vendor_users.get(contract.vendor_id, manager), contract, period=str(month), series_key=breached[0],
        reason="A regional power cut closed the Leeds site for two days; traffic was moved to the backup site.",
        is_breached=True)
    targets.decide_dispute(session, manager, dispute, grant=True,
                           reason="Force majeure under clause 14.2; confirmed by the grid operator's notice.")


# Scale data for the benches -------------------------------------------------------------------


def seed_scale(session: Session, vendors: int, months: int, today: dt.date, manager) -> int:
    """Add `vendors` vendors with one contract each and `months` months of accepted monthly data.

    The rows are written directly (one monthly row per month) so that large sets build in seconds.
    """
    rng = random.Random(7)
    last = Month(today.year, today.month).shift(-1)
    first = last.shift(-(months - 1))
    made = 0
    for n in range(vendors):
        vendor = vendor_services.create_vendor(session, {"name": f"Scale Vendor {n:04d}", "code": f"SCALE{n:04d}",
                                                         "tier": ("critical", "high", "medium", "low")[n % 4]})
        contract = contract_services.create_contract(session, {
            "vendor_id": vendor.id, "reference": f"SCALE-{n:04d}", "title": "Scale test contract",
            "channels": ["phone", "email"], "start_date": dt.date(first.year, first.month, 1).isoformat(),
            "end_date": dt.date(last.year + 2, 12, 31).isoformat(), "monthly_fee": "5000000", "currency": "JPY",
            "at_risk_percent": "10", "earn_back_months": 3})
        for metric, kind, target, minimum, allocation in (("service_level", "sla", 80, 75, 50),
                                                          ("answer_rate", "sla", 95, 92, 30),
                                                          ("email_response", "kpi", 95, 90, 0),
                                                          ("csat", "kpi", 85, 80, 0)):
            targets.add_target(session, manager, contract, {
                "metric": metric, "kind": kind, "target": str(target), "minimum": str(minimum),
                "credit_allocation_percent": str(allocation), "effective_from": str(first)})
        rows = []
        for k in range(months):
            month = first.shift(k)
            offered = rng.randint(20_000, 30_000)
            answered = int(offered * rng.uniform(0.9, 0.99))
            totals = {"offered": offered, "answered": answered,
                      "answered_within_sl": int(answered * rng.uniform(0.7, 0.9)),
                      "abandoned": offered - answered, "abandoned_short": int((offered - answered) * 0.2),
                      "received": 3000, "responded_within_target": rng.randint(2700, 3000),
                      "csat_responses": 800, "csat_satisfied": rng.randint(620, 760)}
            measures = {key: str(value) for key, value in totals.items()}
            text = json.dumps({"measures": {"*": measures}, "reported": {}, "custom": {}})
            payload = f"date,{','.join(totals)}\n{month}-01,{','.join(measures.values())}\n".encode()
            stored = StoredFile(original_name=f"{month}.csv", content_type="text/csv", size=len(payload),
                                sha256=hashlib.sha256(payload).hexdigest(), data=payload)
            rows.append(Submission(contract_id=contract.id, period=str(month), version=1, status="accepted",
                                   file=stored, created_at=utcnow(), row_count=1, totals=text,
                                   rows_blob=zlib.compress(b""), is_late=False))
            made += 1
        session.add_all(rows)
        session.flush()
    return made

