"""Checklist templates and items, assessments with their answers, and findings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200, utcnow
from vendorportal.files.models import Evidence


class ChecklistTemplate(Audited, Base):
    """One version of a checklist; a version that an assessment uses never changes."""

    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("name", "version", name="name_version"),)

    id: Mapped[intpk]
    name: Mapped[str200]
    version: Mapped[int]
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_templates.id"))
    is_in_use: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    items: Mapped[list[ChecklistItem]] = relationship(order_by="ChecklistItem.position", lazy="selectin",
                                                      back_populates="template")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None


class ChecklistItem(Audited, Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("template_id", "code", name="code"),)

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    question_en: Mapped[str] = mapped_column(Text)
    question_ja: Mapped[str] = mapped_column(Text)
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    guidance_ja: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    evidence_required: Mapped[bool] = mapped_column(default=False)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None

    def question(self, locale: str) -> str:
        return self.question_ja if locale.startswith("ja") else self.question_en

    def guidance(self, locale: str) -> str:
        return self.guidance_ja if locale.startswith("ja") else self.guidance_en


class Assessment(Audited, Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_vendor_status", "vendor_id", "status"),)

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"))
    status: Mapped[str] = mapped_column(String(12), default="sent")  # sent, in_progress, submitted, returned, closed
    due_date: Mapped[dt.date]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    submitted_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    return_comment: Mapped[str | None] = mapped_column(Text)

    template: Mapped[ChecklistTemplate] = relationship(lazy="joined")
    answers: Mapped[list[Answer]] = relationship(lazy="selectin", back_populates="assessment")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.vendor_id, None


class Answer(Audited, Base):
    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id", name="item"),)

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    response: Mapped[str | None] = mapped_column(String(10))  # yes, partial, no, n/a
    comment: Mapped[str | None] = mapped_column(Text)
    review: Mapped[str] = mapped_column(String(10), default="pending")  # pending, accepted, finding
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship(lazy="joined")
    evidence: Mapped[list[Evidence]] = relationship(lazy="selectin", order_by="Evidence.id")


class Finding(Audited, Base):
    __tablename__ = "findings"

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("assessment_answers.id"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    severity: Mapped[str] = mapped_column(String(10))  # low, medium, high, critical
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date]
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
