"""Load a believable demo client: vendors, contracts and one user of each role."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.auth import services as auth_services
from vendorportal.contracts import services as contract_services
from vendorportal.core.db import utcnow
from vendorportal.core.formatting import today as portal_today
from vendorportal.demo.performance import seed_performance
from vendorportal.demo.performance import seed_scale as scale
from vendorportal.demo.security import seed_security
from vendorportal.packs import domain as pack_domain
from vendorportal.packs import services as pack_services
from vendorportal.vendors import services as vendor_services
from vendorportal.vendors.models import Vendor

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed by seed-demo on purpose
DEMO_DOMAIN = "sakura-retail.example"


@dataclass
class SeedResult:
    created: bool
    sign_ins: list[tuple[str, str]] = field(default_factory=list)
    submissions: int = 0


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


VENDORS = [
    {"name": "Northwind Contact Services", "code": "NWCS", "tier": "critical",
     "contact_name": "Maria Santos", "contact_email": "maria.santos@northwind.example",
     "contact_phone": "+63 2 8123 4567", "notes": "Manila and Cebu sites; phone and chat, 24/7."},
    {"name": "株式会社コールプラス", "code": "CALLPLUS", "tier": "high",
     "contact_name": "佐藤 美咲", "contact_email": "m.sato@callplus.example",
     "contact_phone": "+81 3 1234 5678", "notes": "札幌センター。電話・メール窓口（平日 9:00–20:00）。"},
    {"name": "BrightDesk Solutions", "code": "BRIGHT", "tier": "medium",
     "contact_name": "Daniel Okafor", "contact_email": "d.okafor@brightdesk.example",
     "contact_phone": "+44 20 7946 0321", "notes": "E-mail and chat support for the online store."},
]


def _contracts(today: dt.date, ids: dict[str, int]) -> list[dict]:
    two_years_ago = _month_start(today.replace(year=today.year - 2))
    return [
        {"vendor_id": ids["NWCS"], "reference": "NWCS-2024-PH", "title": "Customer care hotline and chat (Philippines)",
         "channels": ["phone", "chat"], "start_date": two_years_ago,
         "end_date": _month_end(today + dt.timedelta(days=420)), "notice_days": 90, "auto_renewal": True,
         "monthly_fee": Decimal("18500000"), "currency": "JPY", "at_risk_percent": Decimal("12"),
         "earn_back_months": 3, "submission_due_day": 10, "vendor_can_view_packs": True},
        {"vendor_id": ids["CALLPLUS"], "reference": "CP-2023-SPR", "title": "会員サポートセンター（電話・メール）",
         "channels": ["phone", "email"], "start_date": _month_start(today.replace(year=today.year - 3)),
         "end_date": _month_end(today + dt.timedelta(days=75)), "notice_days": 60,
         "monthly_fee": Decimal("9800000"), "currency": "JPY", "at_risk_percent": Decimal("10"),
         "earn_back_months": 0, "submission_due_day": 7, "vendor_can_view_packs": False},
        {"vendor_id": ids["BRIGHT"], "reference": "BD-2022-EM", "title": "E-mail support (first contract)",
         "channels": ["email"], "start_date": dt.date(today.year - 4, 1, 1),
         "end_date": _month_end(today - dt.timedelta(days=200)), "notice_days": 30,
         "monthly_fee": Decimal("42000.00"), "currency": "USD", "at_risk_percent": Decimal("8")},
        {"vendor_id": ids["BRIGHT"], "reference": "BD-2025-EMCH",
         "title": "E-mail and chat support for the online store",
         "channels": ["email", "chat"], "start_date": _month_end(today - dt.timedelta(days=200)) + dt.timedelta(days=1),
         "end_date": _month_end(today + dt.timedelta(days=900)), "notice_days": 90,
         "monthly_fee": Decimal("46500.00"), "currency": "USD", "at_risk_percent": Decimal("10"),
         "earn_back_months": 2},
        {"vendor_id": ids["NWCS"], "reference": "NWCS-2027-SNS", "title": "Social media care pilot",
         "channels": ["social"], "start_date": _month_start(today + dt.timedelta(days=40)),
         "end_date": _month_end(today + dt.timedelta(days=400)), "notice_days": 30,
         "monthly_fee": Decimal("2400000"), "currency": "JPY", "at_risk_percent": Decimal("5")},
    ]


def _users(ids: dict[str, int]) -> list[dict]:
    return [
        {"email": f"admin@{DEMO_DOMAIN}", "name": "Portal Admin", "role": "admin"},
        {"email": f"manager@{DEMO_DOMAIN}", "name": "Hana Kobayashi", "role": "manager", "language": "ja"},
        {"email": f"executive@{DEMO_DOMAIN}", "name": "Kenji Watanabe", "role": "executive"},
        {"email": f"vendor@{DEMO_DOMAIN}", "name": "Maria Santos", "role": "vendor", "vendor_id": ids["NWCS"]},
        {"email": f"callplus@{DEMO_DOMAIN}", "name": "佐藤 美咲", "role": "vendor", "vendor_id": ids["CALLPLUS"],
         "language": "ja"},
        {"email": f"brightdesk@{DEMO_DOMAIN}", "name": "Daniel Okafor", "role": "vendor", "vendor_id": ids["BRIGHT"]},
    ]


def seed_demo(session: Session, today: dt.date | None = None) -> SeedResult:
    """Load the demo client once; a second run changes nothing."""
    today = today or portal_today()
    existing = session.execute(select(Vendor).where(Vendor.code == "NWCS")).scalar_one_or_none()
    ids: dict[str, int] = {}
    created = existing is None
    if created:
        for data in VENDORS:
            ids[data["code"]] = vendor_services.create_vendor(session, data).id
        for data in _contracts(today, ids):
            contract_services.create_contract(session, data)
    else:
        ids = {v.code: v.id for v in session.execute(select(Vendor)).scalars()}
    result = SeedResult(created=created)
    users = {}
    for data in _users(ids):
        if created:
            users[data["email"]] = auth_services.create_user(session, password=DEMO_PASSWORD, **data)
        result.sign_ins.append((data["email"], data["role"]))
    if created:
        manager = users[f"manager@{DEMO_DOMAIN}"]
        vendor_users = {u.vendor_id: u for u in users.values() if u.vendor_id}
        result.submissions = seed_performance(session, manager, vendor_users, today)
        seed_security(session, manager, vendor_users, [ids["NWCS"], ids["CALLPLUS"], ids["BRIGHT"]], today)
        _seed_pack_schedule(session, manager, users)
    return result


def _seed_pack_schedule(session: Session, manager, users: dict) -> None:
    """A monthly Japanese pack schedule whose latest run is due, so the scheduler renders packs on first start."""
    recipients = [u.id for u in users.values() if u.role.value in ("manager", "executive")]
    schedule = pack_services.save_schedule(session, manager, None, {
        "name": "月次経営レビュー / Monthly executive review", "frequency": "monthly", "day": 5,
        "time_of_day": "09:00", "vendor_packs": True, "portfolio_pack": True, "language": "ja", "is_active": True,
        "recipients": recipients})
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    rule = pack_services.rule_of(schedule)
    latest = [f for f in pack_domain.firings(rule, utcnow() - dt.timedelta(days=62), utcnow(), tz)][-1:]
    if latest:
        schedule.active_from = latest[0].at - dt.timedelta(minutes=1)


def seed_scale(session: Session, vendors: int, months: int, today: dt.date | None = None) -> int:
    """Add many vendors with long histories (for the benches); return the submissions made."""
    return scale(session, vendors, months, today or portal_today(), None)
