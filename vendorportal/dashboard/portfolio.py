"""The portfolio for one month: every active contract's scorecard, credits due, late and missing data."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.contracts.models import Contract
from vendorportal.core.db import as_utc
from vendorportal.scorecards import services as scorecards
from vendorportal.scorecards.domain import Month
from vendorportal.submissions import services as uploads


@dataclass
class PortfolioRow:
    contract: Contract
    card: scorecards.Scorecard
    cells: dict[str, object]  # metric key -> TargetResult (the all-channel line when there are several)
    data_state: str  # accepted, submitted, returned, missing, not_due
    is_late: bool


@dataclass
class Portfolio:
    month: Month
    rows: list[PortfolioRow]
    metrics: list[str]
    credits_due: dict[str, Decimal] = field(default_factory=dict)
    late: int = 0
    missing: int = 0


def _active_in(month: Month):
    first = dt.date(month.year, month.month, 1)
    last = dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    return Contract.start_date <= last, Contract.end_date >= first


def build_portfolio(session: Session, month: Month, now: dt.datetime, tz: str) -> Portfolio:
    """Return every contract active in the month with its scorecard (a fixed number of queries)."""
    contracts = list(session.execute(
        select(Contract).where(*_active_in(month)).order_by(Contract.reference)).scalars())
    cards = scorecards.build_many(session, contracts, month)
    versions = uploads.submissions_for_month(session, [c.id for c in contracts], str(month))
    order: list[str] = []
    portfolio = Portfolio(month, [], order)
    for contract in contracts:
        card = cards[contract.id]
        cells: dict[str, object] = {}
        for result in card.card.results:
            if result.spec.metric not in order:
                order.append(result.spec.metric)
            if result.spec.metric not in cells or result.spec.key.endswith("@*"):
                cells[result.spec.metric] = result
        subs = versions.get(contract.id, [])
        due = uploads.due_at(contract, str(month), tz)
        if any(s.status == "accepted" for s in subs):
            state = "accepted"
        elif subs:
            state = subs[-1].status
        else:
            state = "missing" if as_utc(now) > due else "not_due"
        is_late = bool(subs) and subs[0].is_late
        portfolio.late += is_late
        portfolio.missing += state == "missing"
        net = card.card.credits.net_due
        if net:
            portfolio.credits_due[contract.currency] = portfolio.credits_due.get(contract.currency, Decimal(0)) + net
        portfolio.rows.append(PortfolioRow(contract, card, cells, state, is_late))
    portfolio.rows.sort(key=lambda r: (r.contract.vendor.name, r.contract.reference))
    return portfolio
