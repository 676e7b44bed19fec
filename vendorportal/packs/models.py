"""Packs (each rendered version kept, PDF in stored_files), schedules, claims that make firing exactly once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200, utcnow
from vendorportal.files.models import StoredFile
from vendorportal.vendors.models import Vendor


class PackSchedule(Audited, Base):
    """A manager's standing order: which packs, when (monthly or quarterly on day D at HH:MM), for whom."""

    __tablename__ = "pack_schedules"

    id: Mapped[intpk]
    name: Mapped[str200]
    frequency: Mapped[str] = mapped_column(String(10))  # monthly, quarterly
    day: Mapped[int]
    time_of_day: Mapped[str] = mapped_column(String(5))  # HH:MM in the portal's time zone
    vendor_packs: Mapped[bool] = mapped_column(default=True)
    portfolio_pack: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="ja")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Firings after this moment count; moving it later never re-renders a period already claimed.
    active_from: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    recipients: Mapped[list[PackRecipient]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                           order_by="PackRecipient.id")


class PackRecipient(Audited, Base):
    __tablename__ = "pack_recipients"
    __table_args__ = (UniqueConstraint("schedule_id", "user_id", name="schedule_user"),)

    id: Mapped[intpk]
    schedule_id: Mapped[int] = mapped_column(ForeignKey("pack_schedules.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class Pack(Base):
    """One version of one pack: (kind, vendor, period, language, version) is unique; the PDF is never overwritten.

    Not an Audited model: status moves many times while rendering. Requests and downloads are audit events.
    """

    __tablename__ = "packs"
    __table_args__ = (
        UniqueConstraint("subject", "period", "language", "version", name="subject_period_language_version"),
        Index("ix_packs_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_packs_period_subject", "period", "subject"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(10))  # vendor, portfolio
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    subject: Mapped[str] = mapped_column(String(30))  # "portfolio" or "vendor:<id>" (unique with NULL vendor)
    period: Mapped[str] = mapped_column(String(7))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, rendering, done, failed
    stage: Mapped[str | None] = mapped_column(String(20))  # while rendering: data, charts, layout, storing
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_owner: Mapped[str | None] = mapped_column(String(120))  # host:pid of the renderer
    lease_expires_at: Mapped[dt.datetime | None]
    as_of: Mapped[dt.datetime | None]  # when the data was read; printed in the footer
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    page_count: Mapped[int | None]
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("pack_schedules.id", ondelete="SET NULL"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]  # scheduled packs: every recipient was mailed

    vendor: Mapped[Vendor | None] = relationship(lazy="joined")
    file: Mapped[StoredFile | None] = relationship(lazy="joined")


class PackClaim(Base):
    """One row per (schedule, period, subject): whoever inserts it first renders that pack, nobody else does."""

    __tablename__ = "pack_claims"
    __table_args__ = (UniqueConstraint("schedule_id", "period", "subject", name="schedule_period_subject"),)

    id: Mapped[intpk]
    schedule_id: Mapped[int] = mapped_column(ForeignKey("pack_schedules.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    subject: Mapped[str] = mapped_column(String(30))
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"))
    claimed_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[created_at]


class PackDelivery(Base):
    """A scheduled pack mailed to one recipient, so a restart never mails it twice."""

    __tablename__ = "pack_deliveries"
    __table_args__ = (UniqueConstraint("pack_id", "user_id", name="pack_user"),)

    id: Mapped[intpk]
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attached: Mapped[bool] = mapped_column(default=True)  # False: too large, a link was sent
    created_at: Mapped[created_at]
