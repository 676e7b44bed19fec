"""Use cases for contracts: list, create, edit, status by date, renewals due, documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.contracts import domain
from vendorportal.contracts.models import Contract, ContractDocument, ServiceLevelFormula
from vendorportal.core.errors import FieldError, NotFound, ValidationFailed
from vendorportal.core.ids import MAX_ID
from vendorportal.core.money import CURRENCIES
from vendorportal.core.validation import Cleaner
from vendorportal.files import storage
from vendorportal.metrics.domain import CHANNELS
from vendorportal.vendors.models import Vendor

DOCUMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"PK\x03\x04": "application/zip",  # docx, xlsx
    b"\xd0\xcf\x11\xe0": "application/x-ole-storage",  # legacy .doc/.xls
}


def dates_of(contract: Contract) -> domain.ContractDates:
    return domain.ContractDates(contract.start_date, contract.end_date, contract.notice_days)


def status_of(contract: Contract, today: dt.date) -> domain.ContractStatus:
    """Return the contract's status on the given day."""
    return domain.contract_status(dates_of(contract), today)


def _clean(session: Session, data: Mapping[str, Any], contract: Contract | None, partial: bool) -> dict:
    c = Cleaner(data, partial=partial)
    if contract is None:
        c.integer("vendor_id", minimum=1, maximum=MAX_ID)
    c.text("reference", max_len=60)
    c.text("title", max_len=200)
    c.multi_choice("channels", CHANNELS)
    c.date("start_date")
    c.date("end_date")
    c.integer("notice_days", minimum=0, maximum=3650, default=90, required=False)
    c.boolean("auto_renewal")
    c.decimal("monthly_fee", minimum=Decimal(0), maximum=Decimal("99999999999999"))
    c.choice("currency", CURRENCIES, required=False, default="JPY")
    c.decimal("at_risk_percent", minimum=Decimal(0), maximum=Decimal(100), required=False, default=Decimal(10))
    c.integer("earn_back_months", minimum=0, maximum=24, required=False, default=0)
    c.integer("sl_threshold_seconds", minimum=1, maximum=3600, required=False, default=20)
    c.integer("short_abandon_seconds", minimum=0, maximum=120, required=False, default=5)
    c.choice("service_level_formula", [f.value for f in ServiceLevelFormula], required=False,
             default=ServiceLevelFormula.EXCLUDE_SHORT.value)
    c.integer("email_response_hours", minimum=1, maximum=720, required=False, default=24)
    c.decimal("volume_tolerance_percent", minimum=Decimal(0), maximum=Decimal(1000), required=False,
              default=Decimal(10))
    c.integer("escalation_breaches", minimum=1, maximum=36, required=False, default=3)
    c.integer("escalation_window_months", minimum=1, maximum=36, required=False, default=6)
    c.integer("submission_due_day", minimum=1, maximum=28, required=False, default=10)
    c.boolean("vendor_can_view_packs")

    v = c.values
    merged = {**_current_values(contract), **v}
    if "vendor_id" in v and session.get(Vendor, v["vendor_id"]) is None:
        c.error("vendor_id", _l("There is no such vendor."))
    if merged.get("start_date") and merged.get("end_date") and merged["end_date"] < merged["start_date"]:
        c.error("end_date", _l("The end date must not be before the start date."))
    if merged.get("escalation_breaches") and merged.get("escalation_window_months") \
            and merged["escalation_breaches"] > merged["escalation_window_months"]:
        c.error("escalation_breaches", _l("Cannot be more than the months in the window."))
    if merged.get("short_abandon_seconds") is not None and merged.get("sl_threshold_seconds") \
            and merged["short_abandon_seconds"] >= merged["sl_threshold_seconds"]:
        c.error("short_abandon_seconds", _l("Must be shorter than the service-level threshold."))
    if "reference" in v:
        clash = session.execute(select(Contract).where(Contract.reference == v["reference"])).scalar_one_or_none()
        if clash is not None and clash is not contract:
            c.error("reference", _l("Another contract already uses this reference."))
    values = c.result()
    if "channels" in values:
        values["channels"] = ",".join(values["channels"])
    return values


def _current_values(contract: Contract | None) -> dict:
    if contract is None:
        return {}
    keys = ("start_date", "end_date", "escalation_breaches", "escalation_window_months",
            "short_abandon_seconds", "sl_threshold_seconds")
    return {k: getattr(contract, k) for k in keys}


def create_contract(session: Session, data: Mapping[str, Any]) -> Contract:
    """Create a contract from raw input.

    :raises ValidationFailed: with one entry per bad field.
    """
    contract = Contract(**_clean(session, data, None, partial=False))
    session.add(contract)
    session.flush()
    return contract


def update_contract(session: Session, contract: Contract, data: Mapping[str, Any],
                    partial: bool = False) -> Contract:
    """Change a contract from raw input (every field, or only those given when partial)."""
    for key, value in _clean(session, data, contract, partial=partial).items():
        setattr(contract, key, value)
    session.flush()
    return contract


def get_contract(session: Session, actor, contract_id: int) -> Contract:
    """Return a contract the actor may see.

    :raises NotFound: no such contract, or not visible to the actor.
    """
    contract = session.get(Contract, contract_id)
    if contract is None or not policies.can_view_contract(actor, contract):
        raise NotFound()
    return contract


def list_contracts(session: Session, actor, *, vendor_id: int | None = None) -> list[Contract]:
    """Return the contracts the actor may see, optionally of one vendor, by end date."""
    if not policies.can_list_contracts(actor):
        return []
    stmt = Contract.select_visible(policies.vendor_scope(actor)).order_by(Contract.end_date, Contract.reference)
    if vendor_id is not None:
        stmt = stmt.where(Contract.vendor_id == vendor_id)
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class RenewalDue:
    contract: Contract
    notice_deadline: dt.date
    days_left: int
    status: domain.ContractStatus


def renewals_due(session: Session, actor, today: dt.date, days: int) -> list[RenewalDue]:
    """Return contracts whose notice deadline falls within the next `days` days, soonest first."""
    out = []
    for contract in list_contracts(session, actor):
        dates = dates_of(contract)
        if domain.notice_deadline_within(dates, today, days):
            out.append(RenewalDue(contract, domain.notice_deadline(contract.end_date, contract.notice_days),
                                  domain.days_until_notice_deadline(dates, today), status_of(contract, today)))
    return sorted(out, key=lambda r: (r.notice_deadline, r.contract.reference))


def status_counts(contracts: list[Contract], today: dt.date) -> dict[str, int]:
    counts = {s.value: 0 for s in domain.ContractStatus}
    for contract in contracts:
        counts[status_of(contract, today).value] += 1
    return counts


# Documents ------------------------------------------------------------------------------------


def sniff_document(data: bytes) -> str | None:
    """Return the content type the bytes really are, when they are a document type we accept."""
    for magic, kind in DOCUMENT_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def add_document(session: Session, actor, contract: Contract, *, title: str, filename: str,
                 data: bytes, max_bytes: int) -> ContractDocument:
    """Attach a document to a contract; the same title again becomes its next version.

    :raises ValidationFailed: empty, too large, or not a PDF/Office file by content.
    """
    title = (title or "").strip() or (filename or "").rsplit(".", 1)[0].strip()
    errors = []
    if not title:
        errors.append(FieldError("title", _l("This field is required.")))
    if len(title) > 200:
        errors.append(FieldError("title", _l("Use at most %(n)d characters.", n=200)))
    if not data:
        errors.append(FieldError("file", _l("The file is empty.")))
    elif len(data) > max_bytes:
        errors.append(FieldError("file", _l("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))))
    content_type = sniff_document(data or b"")
    if data and content_type is None:
        errors.append(FieldError("file", _l("Upload a PDF, Word or Excel file.")))
    if errors:
        raise ValidationFailed(errors)
    latest = session.execute(
        select(func.max(ContractDocument.version)).where(
            ContractDocument.contract_id == contract.id, ContractDocument.title == title)
    ).scalar()
    stored = storage.store(session, data, filename, content_type, actor.id)
    doc = ContractDocument(contract_id=contract.id, title=title, version=(latest or 0) + 1, file_id=stored.id,
                           uploaded_by_id=actor.id)
    session.add(doc)
    session.flush()
    return doc


def list_documents(session: Session, contract: Contract) -> list[ContractDocument]:
    """Return every version of every document of a contract, latest version of each title first."""
    stmt = (select(ContractDocument).where(ContractDocument.contract_id == contract.id)
            .order_by(ContractDocument.title, ContractDocument.version.desc()))
    return list(session.execute(stmt).scalars())


def to_dict(contract: Contract, today: dt.date) -> dict:
    """Return the API representation of a contract."""
    return {
        "id": contract.id, "vendor_id": contract.vendor_id, "reference": contract.reference,
        "title": contract.title, "channels": contract.channel_list,
        "start_date": contract.start_date.isoformat(), "end_date": contract.end_date.isoformat(),
        "notice_days": contract.notice_days, "auto_renewal": contract.auto_renewal,
        "notice_deadline": domain.notice_deadline(contract.end_date, contract.notice_days).isoformat(),
        "status": status_of(contract, today).value,
        "monthly_fee": str(contract.monthly_fee), "currency": contract.currency,
        "at_risk_percent": str(contract.at_risk_percent), "earn_back_months": contract.earn_back_months,
        "sl_threshold_seconds": contract.sl_threshold_seconds,
        "short_abandon_seconds": contract.short_abandon_seconds,
        "service_level_formula": contract.service_level_formula,
        "email_response_hours": contract.email_response_hours,
        "volume_tolerance_percent": str(contract.volume_tolerance_percent),
        "escalation_breaches": contract.escalation_breaches,
        "escalation_window_months": contract.escalation_window_months,
        "submission_due_day": contract.submission_due_day,
        "vendor_can_view_packs": contract.vendor_can_view_packs,
    }


__all__ = ["NotFound", "ValidationFailed"]
