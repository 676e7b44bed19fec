"""store/open for files kept in the database; the original name is metadata only, never a path."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from vendorportal.files.models import StoredFile


def store(session: Session, data: bytes, original_name: str, content_type: str,
          uploaded_by_id: int | None) -> StoredFile:
    """Keep the bytes as a new row and return it (every upload is a new row, never an overwrite)."""
    name = (original_name or "file").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    row = StoredFile(
        original_name=name, content_type=content_type or "application/octet-stream", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by_id=uploaded_by_id,
    )
    session.add(row)
    session.flush()
    return row


def open_bytes(row: StoredFile) -> bytes:
    """Return the stored bytes, checking them against the recorded SHA-256."""
    data = row.data
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ValueError(f"stored file {row.id} does not match its SHA-256")
    return data
