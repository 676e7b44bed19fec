"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.core.audit import AuditEvent


def list_events(session: Session, *, vendor_id: int | None = None, contract_id: int | None = None,
                before_id: int | None = None, limit: int = 100) -> list[AuditEvent]:
    """Return events newest first, optionally of one vendor or contract, a page at a time."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if vendor_id is not None:
        stmt = stmt.where(AuditEvent.vendor_id == vendor_id)
    if contract_id is not None:
        stmt = stmt.where(AuditEvent.contract_id == contract_id)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    return list(session.execute(stmt).scalars())
