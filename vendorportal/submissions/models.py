"""Submissions (one version of a month's data) and upload attempts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk
from vendorportal.files.models import StoredFile


class Submission(Audited, Base):
    """One version of a month's data for a contract: the file byte for byte, its rows and their totals."""

    __tablename__ = "submissions"
    __audit_exclude__ = ("rows_blob", "totals", "warnings", "derived")
    __table_args__ = (
        UniqueConstraint("contract_id", "period", "version", name="version"),
        Index("ix_submissions_contract_period_status", "contract_id", "period", "status"),
        Index("ix_submissions_status", "status"),
    )

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="submitted")  # submitted, accepted, returned
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    is_late: Mapped[bool] = mapped_column(default=False)
    row_count: Mapped[int] = mapped_column(default=0)
    totals: Mapped[str] = mapped_column(Text)  # JSON: {"*": {measure: "value"}, "<channel>": {...}, ...}
    rows_blob: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # zlib-compressed JSON rows
    warnings: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(String(60))  # the import profile of a platform export
    derived: Mapped[str | None] = mapped_column(Text)  # JSON: how measures were derived from that export
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)

    file: Mapped[StoredFile] = relationship(lazy="joined")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, self.contract_id


class UploadAttempt(Base):
    """Every upload attempt, kept for the history even when the file was refused and nothing was stored."""

    __tablename__ = "upload_attempts"
    __table_args__ = (Index("ix_upload_attempts_contract_period", "contract_id", "period"),)

    id: Mapped[intpk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    period: Mapped[str] = mapped_column(String(7))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(12))  # stored, rejected
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[str | None] = mapped_column(Text)  # JSON list of {row, column, message}
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
