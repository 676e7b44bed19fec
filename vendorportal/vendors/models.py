"""The Vendor model."""

from __future__ import annotations

import enum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str_enum


class Tier(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Vendor(Audited, Base):
    __tablename__ = "vendors"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.id, None

    def __repr__(self) -> str:
        return f"<Vendor {self.code}>"
