"""Target versions, custom (reported) metrics and monthly volume forecasts."""

from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200


class Target(Audited, Base):
    """One version of a target; the version in force for a month is the latest effective on or before it."""

    __tablename__ = "targets"
    __table_args__ = (Index("ix_targets_contract_series", "contract_id", "series_key", "effective_from"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    series_key: Mapped[str] = mapped_column(String(80))  # metric and channel: one line of the scorecard
    metric: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))  # "sla" or "kpi"
    channel: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[decimal.Decimal] = mapped_column(Numeric(16, 4))
    minimum: Mapped[decimal.Decimal | None] = mapped_column(Numeric(16, 4))
    weight: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 3), default=decimal.Decimal(1))
    credit_allocation_percent: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2), default=decimal.Decimal(0))
    effective_from: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, self.contract_id


class CustomMetric(Audited, Base):
    """A metric with no raw counts; vendors upload its monthly value in a column custom_<key>."""

    __tablename__ = "custom_metrics"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str200]
    name_ja: Mapped[str200]
    unit: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[created_at]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None


class VolumeForecast(Audited, Base):
    __tablename__ = "volume_forecasts"
    __table_args__ = (UniqueConstraint("contract_id", "period", name="period"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    offered: Mapped[int]
    created_at: Mapped[created_at]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, self.contract_id


class Dispute(Audited, Base):
    """A vendor's dispute of a breached target in a month, and the manager's decision."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_contract_period", "contract_id", "period"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    period: Mapped[str] = mapped_column(String(7))
    series_key: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, granted, refused
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, self.contract_id
