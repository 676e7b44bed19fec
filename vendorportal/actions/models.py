"""Corrective actions (from findings, scorecard escalations or by hand) and their steps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200, utcnow
from vendorportal.files.models import Evidence


class Action(Audited, Base):
    """A corrective action plan: from a finding, a scorecard escalation or by hand."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_vendor_status", "vendor_id", "status"),
        UniqueConstraint("source_ref", name="source_ref"),
    )

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    source: Mapped[str] = mapped_column(String(12))  # finding, escalation, manual
    source_ref: Mapped[str | None] = mapped_column(String(120))  # one action per finding or escalation
    title: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(10))  # vendor, client
    due_date: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[ActionEvent]] = relationship(order_by="ActionEvent.id", lazy="selectin")


class ActionEvent(Audited, Base):
    """One step of an action: a status change and/or a comment, with its evidence."""

    __tablename__ = "action_events"

    id: Mapped[intpk]
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]

    evidence: Mapped[list[Evidence]] = relationship(lazy="selectin", order_by="Evidence.id")
