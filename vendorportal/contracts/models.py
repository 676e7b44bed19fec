"""Contract and ContractDocument models."""

from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200, utcnow
from vendorportal.files.models import StoredFile
from vendorportal.metrics.domain import ServiceLevelFormula
from vendorportal.vendors.models import Vendor


class Contract(Audited, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("notice_days >= 0", name="notice_days_non_negative"),
        CheckConstraint("submission_due_day BETWEEN 1 AND 28", name="due_day_in_month"),
    )

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str200]
    channels: Mapped[str] = mapped_column(String(200), default="phone")  # comma-separated CHANNELS
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    notice_days: Mapped[int] = mapped_column(default=90)
    auto_renewal: Mapped[bool] = mapped_column(default=False)
    monthly_fee: Mapped[decimal.Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), default="JPY")
    at_risk_percent: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2), default=decimal.Decimal("10"))
    earn_back_months: Mapped[int] = mapped_column(default=0)
    sl_threshold_seconds: Mapped[int] = mapped_column(default=20)
    short_abandon_seconds: Mapped[int] = mapped_column(default=5)
    service_level_formula: Mapped[str] = mapped_column(String(30), default=ServiceLevelFormula.EXCLUDE_SHORT.value)
    email_response_hours: Mapped[int] = mapped_column(default=24)
    volume_tolerance_percent: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2), default=decimal.Decimal("10"))
    escalation_breaches: Mapped[int] = mapped_column(default=3)
    escalation_window_months: Mapped[int] = mapped_column(default=6)
    submission_due_day: Mapped[int] = mapped_column(default=10)
    vendor_can_view_packs: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    vendor: Mapped[Vendor] = relationship(lazy="joined")

    @property
    def channel_list(self) -> list[str]:
        return [c for c in (self.channels or "").split(",") if c]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.vendor_id, self.id

    @staticmethod
    def select_visible(vendor_id: int | None):
        """Return a select of contracts, limited to one vendor when vendor_id is given."""
        stmt = select(Contract)
        if vendor_id is not None:
            stmt = stmt.where(Contract.vendor_id == vendor_id)
        return stmt


class ContractDocument(Audited, Base):
    """One version of a document attached to a contract; a new upload of the same title is a new version."""

    __tablename__ = "contract_documents"
    __table_args__ = (UniqueConstraint("contract_id", "title", "version", name="title_version"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    title: Mapped[str200]
    version: Mapped[int]
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    contract: Mapped[Contract] = relationship(lazy="joined")
    file: Mapped[StoredFile] = relationship(lazy="joined")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, self.contract_id
