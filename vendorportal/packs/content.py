"""What a pack says: the month's facts for one vendor, or for the portfolio, read with a bounded number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.actions.domain import ActionStatus
from vendorportal.actions.domain import is_overdue as action_overdue
from vendorportal.actions.models import Action
from vendorportal.auth.models import User
from vendorportal.checklists import services as security
from vendorportal.checklists.models import Assessment, Finding
from vendorportal.contracts import domain as contract_domain
from vendorportal.contracts.models import Contract
from vendorportal.core.labels import enum_label
from vendorportal.scorecards import services as scorecards
from vendorportal.scorecards.domain import Month
from vendorportal.submissions import services as uploads
from vendorportal.submissions.models import Submission
from vendorportal.vendors.models import Vendor

TREND_MONTHS = 12
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def month_bounds(month: Month) -> tuple[dt.date, dt.date]:
    return (dt.date(month.year, month.month, 1),
            dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1]))


def contracts_in(session: Session, month: Month, vendor_id: int | None = None) -> list[Contract]:
    """Return the contracts running at some point in the month (a pack reports on those)."""
    first, last = month_bounds(month)
    stmt = select(Contract).where(Contract.start_date <= last, Contract.end_date >= first)
    if vendor_id is not None:
        stmt = stmt.where(Contract.vendor_id == vendor_id)
    return list(session.execute(stmt.order_by(Contract.reference)).scalars())


def vendors_with_packs(session: Session, month: Month) -> list[Vendor]:
    """Return the active vendors with a contract in the month: each gets a vendor pack."""
    ids = {c.vendor_id for c in contracts_in(session, month)}
    if not ids:
        return []
    return list(session.execute(select(Vendor).where(Vendor.id.in_(ids), Vendor.is_active.is_(True))
                                .order_by(Vendor.name, Vendor.id)).scalars())


@dataclass
class SubmissionFact:
    version: int
    status: str
    uploaded_at: dt.datetime
    is_late: bool
    rows: int
    reviewer: str | None
    reviewed_at: dt.datetime | None
    comment: str | None


@dataclass
class ContractSection:
    contract: Contract
    status: str  # contract status on the pack's as-of day
    notice_deadline: dt.date
    in_renewal_window: bool
    card: scorecards.Scorecard
    score_trend: list[tuple[str, float | None]]  # (period, score), oldest first
    charts: list[tuple[str, str]]  # (series key, SVG)
    submissions: list[SubmissionFact]
    data_state: str  # accepted, submitted, returned, missing

    @property
    def previous_score(self) -> float | None:
        return self.score_trend[-2][1] if len(self.score_trend) > 1 else None


@dataclass
class SecurityPosture:
    assessment: Assessment | None
    overall: float | None
    by_category: dict[str, float | None]
    open_findings: list[Finding]


@dataclass
class ActionFacts:
    open: list[Action]
    overdue: list[Action]
    closed_this_month: list[Action]


@dataclass
class Summary:
    score: float | None
    previous_score: float | None
    rag: Counter
    credits_due: dict[str, Decimal]
    credits_gross: dict[str, Decimal]
    credits_earned_back: dict[str, Decimal]
    escalations: list[tuple[Contract, str, str]]  # (contract, series key, metric name)
    breaches: list[tuple[Contract, str]]  # (contract, metric name)
    renewals: list[ContractSection]
    decisions: list[str] = field(default_factory=list)  # filled by the template layer in the pack's language

    @property
    def verdict(self) -> str:
        """One word for the executive: on_track, watch or act."""
        if self.escalations or self.rag["red"]:
            return "act"
        if self.rag["amber"] or (self.score is not None and self.score < 100):
            return "watch"
        if not (self.rag["green"] or self.rag["amber"] or self.rag["red"]):
            return "no_data"
        return "on_track"


@dataclass
class VendorPack:
    vendor: Vendor
    month: Month
    as_of: dt.datetime
    today: dt.date
    locale: str
    sections: list[ContractSection]
    summary: Summary
    security: SecurityPosture
    actions: ActionFacts


def _score_average(scores: list[float | None]) -> float | None:
    known = [s for s in scores if s is not None]
    return sum(known) / len(known) if known else None


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _submissions(session: Session, contracts: list[Contract], month: Month) -> dict[int, list[Submission]]:
    return uploads.submissions_for_month(session, [c.id for c in contracts], str(month))


def _data_state(subs: list[Submission]) -> str:
    if any(s.status == "accepted" for s in subs):
        return "accepted"
    return subs[-1].status if subs else "missing"


def _security(session: Session, vendor_id: int) -> SecurityPosture:
    assessments = security.list_assessments(session, vendor_id)
    scored = [a for a in assessments if a.status in ("submitted", "closed")]
    latest = max(scored, key=lambda a: (a.submitted_at or a.created_at, a.id), default=None)
    open_findings = list(session.execute(
        select(Finding).join(Action, Action.id == Finding.action_id, isouter=True)
        .where(Finding.vendor_id == vendor_id)
        .where((Finding.action_id.is_(None)) | (Action.status != ActionStatus.VERIFIED.value))
        .order_by(Finding.due_date, Finding.id)).scalars())
    open_findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.due_date, f.id))
    if latest is None:
        return SecurityPosture(None, None, {}, open_findings)
    result = security.scores(latest)
    return SecurityPosture(latest, result.overall, result.by_category, open_findings)


def _actions(session: Session, vendor_id: int, month: Month, today: dt.date) -> ActionFacts:
    first, last = month_bounds(month)
    actions = list(session.execute(select(Action).where(Action.vendor_id == vendor_id)
                                   .order_by(Action.due_date, Action.id)).scalars())
    still_open = [a for a in actions if a.status != ActionStatus.VERIFIED.value]
    overdue = [a for a in still_open if action_overdue(a.due_date, ActionStatus(a.status), today)]
    closed = [a for a in actions if a.status == ActionStatus.VERIFIED.value
              and first <= a.updated_at.date() <= last]
    return ActionFacts(still_open, overdue, closed)


def _section(session: Session, contract: Contract, month: Month, today: dt.date, locale: str,
             subs: list[Submission], names: dict[int, str], labels: tuple[str, str], full: bool = True,
             ) -> ContractSection:
    # A full pack shows a year of trends; a portfolio's vendor page only needs this month and the one before.
    first = month.shift(-(TREND_MONTHS - 1) if full else -1)
    cards = scorecards.build_scorecards(session, contract, first, month)
    trend = [(str(m), cards[m].card.score) for m in sorted(cards)]
    charts = scorecards.trend_charts(session, contract, month, locale, months=TREND_MONTHS,
                                     target_label=labels[0], minimum_label=labels[1]) if full else []
    dates = contract_domain.ContractDates(contract.start_date, contract.end_date, contract.notice_days)
    status = contract_domain.contract_status(dates, today)
    facts = [SubmissionFact(s.version, s.status, s.created_at, s.is_late, s.row_count,
                            names.get(s.reviewed_by_id) if s.reviewed_by_id else None, s.reviewed_at,
                            s.review_comment) for s in subs]
    return ContractSection(
        contract=contract, status=status.value,
        notice_deadline=contract_domain.notice_deadline(contract.end_date, contract.notice_days),
        in_renewal_window=status is contract_domain.ContractStatus.RENEWAL_DUE,
        card=cards[month], score_trend=trend, charts=charts, submissions=facts, data_state=_data_state(subs))


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    if amount:
        totals[currency] = totals.get(currency, Decimal(0)) + amount


def _summary(sections: list[ContractSection], locale: str) -> Summary:
    rag: Counter = Counter()
    due: dict[str, Decimal] = {}
    gross: dict[str, Decimal] = {}
    earned: dict[str, Decimal] = {}
    escalations, breaches = [], []
    for s in sections:
        card = s.card.card
        for result in card.results:
            rag[result.rag.value] += 1
            name = _metric_name(s.card, result.spec.metric, result.spec.key, locale)
            if result.status.value == "breach":
                breaches.append((s.contract, name))
            if result.is_escalated:
                escalations.append((s.contract, result.spec.key, name))
        _add(due, card.credits.currency, card.credits.net_due)
        _add(gross, card.credits.currency, card.credits.payable)
        _add(earned, card.credits.currency, card.credits.earned_back)
    return Summary(
        score=_score_average([s.card.card.score for s in sections]),
        previous_score=_score_average([s.previous_score for s in sections]),
        rag=rag, credits_due=due, credits_gross=gross, credits_earned_back=earned,
        escalations=escalations, breaches=breaches, renewals=[s for s in sections if s.in_renewal_window])


def _metric_name(card: scorecards.Scorecard, metric: str, key: str, locale: str) -> str:
    info = card.catalog.get(metric)
    channel = key.split("@", 1)[1] if "@" in key else "*"
    name = info.name(locale) if info else metric
    if channel == "*":
        return name
    with force_locale(locale):
        return f"{name} · {enum_label(channel)}"


def metric_name(card: scorecards.Scorecard, result, locale: str) -> str:
    return _metric_name(card, result.spec.metric, result.spec.key, locale)


def vendor_pack(session: Session, vendor: Vendor, month: Month, *, as_of: dt.datetime, today: dt.date,
                locale: str, labels: tuple[str, str] = ("Target", "Minimum"), full: bool = True) -> VendorPack:
    """Collect everything the vendor pack for a month shows (`full=False`: the summary page only, no charts)."""
    contracts = contracts_in(session, month, vendor.id)
    subs = _submissions(session, contracts, month)
    names = _names(session, {s.reviewed_by_id for v in subs.values() for s in v if s.reviewed_by_id})
    sections = [_section(session, c, month, today, locale, subs.get(c.id, []), names, labels, full)
                for c in contracts]
    return VendorPack(vendor, month, as_of, today, locale, sections, _summary(sections, locale),
                      _security(session, vendor.id), _actions(session, vendor.id, month, today))


@dataclass
class PortfolioRow:
    vendor: Vendor
    contracts: list[Contract]
    score: float | None
    rag: Counter
    credits_due: dict[str, Decimal]
    escalations: int
    cells: dict[str, object]  # metric -> the worst TargetResult of the vendor's contracts in the month
    data_state: str
    is_late: bool


@dataclass
class PortfolioPack:
    month: Month
    as_of: dt.datetime
    today: dt.date
    locale: str
    metrics: list[str]
    catalog: dict
    rows: list[PortfolioRow]
    credits_due: dict[str, Decimal]
    rag: Counter
    late: int
    missing: int
    vendor_packs: list[VendorPack]


_WORST = {"breach": 0, "missed": 1, "met": 2, "relieved": 3, "no_data": 4}
_STATE_RANK = {"missing": 0, "returned": 1, "submitted": 2, "accepted": 3}


def portfolio_pack(session: Session, month: Month, *, as_of: dt.datetime, today: dt.date, locale: str,
                   labels: tuple[str, str] = ("Target", "Minimum"), with_vendor_pages: bool = True) -> PortfolioPack:
    """Collect the portfolio: a summary row and heat-map cells per vendor, then each vendor's pack pages."""
    vendors = vendors_with_packs(session, month)
    contracts = contracts_in(session, month)
    cards = scorecards.build_many(session, contracts, month)
    subs = _submissions(session, contracts, month)
    catalog: dict = {}
    metrics: list[str] = []
    by_vendor: dict[int, list[Contract]] = {}
    for c in contracts:
        by_vendor.setdefault(c.vendor_id, []).append(c)
    rows, total_due, total_rag = [], {}, Counter()
    late = missing = 0
    for vendor in vendors:
        mine = by_vendor.get(vendor.id, [])
        rag: Counter = Counter()
        due: dict[str, Decimal] = {}
        cells: dict[str, object] = {}
        escalations = 0
        for c in mine:
            card = cards[c.id]
            catalog.update(card.catalog)
            for result in card.card.results:
                rag[result.rag.value] += 1
                escalations += result.is_escalated
                if result.spec.metric not in metrics:
                    metrics.append(result.spec.metric)
                held = cells.get(result.spec.metric)
                if held is None or _WORST[result.status.value] < _WORST[held.status.value]:
                    cells[result.spec.metric] = result
            _add(due, c.currency, card.card.credits.net_due)
            _add(total_due, c.currency, card.card.credits.net_due)
        states = [_data_state(subs.get(c.id, [])) for c in mine]
        state = min(states, key=lambda s: _STATE_RANK.get(s, 9)) if states else "missing"
        is_late = any(v and v[0].is_late for v in (subs.get(c.id, []) for c in mine))
        late += is_late
        missing += state == "missing"
        total_rag.update(rag)
        rows.append(PortfolioRow(vendor, mine, _score_average([cards[c.id].card.score for c in mine]), rag, due,
                                 escalations, cells, state, is_late))
    pages = [vendor_pack(session, v, month, as_of=as_of, today=today, locale=locale, labels=labels, full=False)
             for v in vendors] if with_vendor_pages else []
    return PortfolioPack(month, as_of, today, locale, metrics, catalog, rows, total_due, total_rag, late, missing,
                         pages)
