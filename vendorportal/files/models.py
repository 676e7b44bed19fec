"""Stored files (bytes in the database, so web hosts hold no state) and evidence attached to answers and actions."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk


class StoredFile(Base):
    __tablename__ = "stored_files"

    id: Mapped[intpk]
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class Evidence(Audited, Base):
    """A file attached to an answer or to a step of an action; kept byte for byte with its SHA-256."""

    __tablename__ = "evidence_files"

    id: Mapped[intpk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_answers.id"), index=True)
    action_event_id: Mapped[int | None] = mapped_column(ForeignKey("action_events.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    file: Mapped[StoredFile] = relationship(lazy="joined")
