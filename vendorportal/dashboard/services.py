"""What each role's home page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.contracts import services as contract_services
from vendorportal.contracts.models import Contract
from vendorportal.vendors import services as vendor_services
from vendorportal.vendors.models import Vendor


@dataclass
class Home:
    kind: str  # "manager", "executive", "vendor"
    renewals: list = field(default_factory=list)
    vendors: list[tuple[Vendor, int]] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    by_tier: dict[str, int] = field(default_factory=dict)
    monthly_fees: dict[str, object] = field(default_factory=dict)


def build_home(session: Session, actor, today: dt.date, lookahead_days: int) -> Home:
    """Return the figures the actor's home page shows."""
    contracts = contract_services.list_contracts(session, actor)
    if policies.is_vendor_staff(actor):
        kind = "vendor"
    elif policies.is_manager(actor):
        kind = "manager"
    else:
        kind = "executive"
    home = Home(kind=kind, contracts=contracts, status_counts=contract_services.status_counts(contracts, today))
    home.renewals = contract_services.renewals_due(session, actor, today, lookahead_days)
    home.vendors = vendor_services.list_vendors(session, actor)
    for vendor, _n in home.vendors:
        home.by_tier[vendor.tier.value] = home.by_tier.get(vendor.tier.value, 0) + 1
    for contract in contracts:
        if contract_services.status_of(contract, today).value in ("active", "renewal_due"):
            home.monthly_fees[contract.currency] = home.monthly_fees.get(contract.currency, 0) + contract.monthly_fee
    return home
