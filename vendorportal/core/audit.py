"""The tamper-evident audit log: events chained by SHA-256, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, column, event, insert, inspect, select, table, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from vendorportal.core.db import Base, as_utc, intpk, utcnow

GENESIS = "0" * 64
# Any constant works; it names the lock that serialises writers of the chain on PostgreSQL.
_PG_AUDIT_LOCK = 7_400_001


@dataclass(frozen=True)
class AuditActor:
    """Who is making the changes in this unit of work, and through which door."""

    user_id: int | None
    label: str
    via: str  # "ui", "api", "cli", "scheduler", "system"

    @classmethod
    def system(cls, via: str = "system") -> AuditActor:
        return cls(None, via, via)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_vendor_id_id", "vendor_id", "id"),
        Index("ix_audit_events_contract_id_id", "contract_id", "id"),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
    )

    id: Mapped[intpk]
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(300))
    via: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None]
    vendor_id: Mapped[int | None]
    contract_id: Mapped[int | None]
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def before_dict(self) -> dict | None:
        return json.loads(self.before) if self.before else None

    def after_dict(self) -> dict | None:
        return json.loads(self.after) if self.after else None

    def changes(self) -> list[tuple[str, Any, Any]]:
        """Return (field, before, after) for each field that differs."""
        before, after = self.before_dict() or {}, self.after_dict() or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Audited:
    """Mixin: every insert, update and delete of the model is written to the audit log."""

    __audit_exclude__: tuple[str, ...] = ()

    def audit_scope(self) -> tuple[int | None, int | None]:
        """Return (vendor_id, contract_id) the change belongs to, for browsing the log."""
        return getattr(self, "vendor_id", None), getattr(self, "contract_id", None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest(), "size": len(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _dump(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _columns(obj: Audited) -> list[str]:
    excluded = set(obj.__audit_exclude__)
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in excluded]


def _snapshot(obj: Audited) -> dict:
    return {key: _jsonable(getattr(obj, key)) for key in _columns(obj)}


def _diff(obj: Audited) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _jsonable(old) != _jsonable(new):
                before[key], after[key] = _jsonable(old), _jsonable(new)
    return before, after


def compute_hash(row: dict) -> str:
    """Return the SHA-256 of an event's content and its predecessor's hash."""
    occurred = as_utc(row["occurred_at"]).isoformat(timespec="microseconds")
    payload = [
        occurred, row["actor_id"], row["actor_label"], row["via"], row["action"], row["entity_type"],
        row["entity_id"], row["vendor_id"], row["contract_id"], row["before"], row["after"], row["prev_hash"],
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _actor(session: Session) -> AuditActor:
    return session.info.get("audit_actor") or AuditActor.system()


def set_actor(session: Session, actor: AuditActor) -> None:
    """Name who the following changes in this session are made by."""
    session.info["audit_actor"] = actor


def _write(session: Session, events: list[dict]) -> None:
    if not events:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    table = AuditEvent.__table__
    prev = conn.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar() or GENESIS
    actor = _actor(session)
    rows = []
    for ev in events:
        row = {
            "occurred_at": utcnow(), "actor_id": actor.user_id, "actor_label": actor.label, "via": actor.via,
            "action": ev["action"], "entity_type": ev["entity_type"], "entity_id": ev.get("entity_id"),
            "vendor_id": ev.get("vendor_id"), "contract_id": ev.get("contract_id"),
            "before": _dump(ev.get("before")), "after": _dump(ev.get("after")), "prev_hash": prev,
        }
        row["hash"] = prev = compute_hash(row)
        rows.append(row)
    conn.execute(insert(table), rows)


def record(session: Session, action: str, entity_type: str, entity_id: int | None = None, *,
           vendor_id: int | None = None, contract_id: int | None = None,
           before: dict | None = None, after: dict | None = None) -> None:
    """Write one audit event that is not a row change (sign-in, download, token use …)."""
    _write(session, [{
        "action": action, "entity_type": entity_type, "entity_id": entity_id, "vendor_id": vendor_id,
        "contract_id": contract_id, "before": before, "after": after,
    }])


# The two columns of the contracts table that name a contract's vendor. A bare table clause, so that core
# depends on no feature's models while rows that know only their contract are still filed under its vendor.
_CONTRACTS = table("contracts", column("id"), column("vendor_id"))


def _scope(session: Session, obj: Audited) -> tuple[int | None, int | None]:
    vendor_id, contract_id = obj.audit_scope()
    if vendor_id is None and contract_id is not None:
        vendor_id = session.connection().execute(
            select(_CONTRACTS.c.vendor_id).where(_CONTRACTS.c.id == contract_id)
        ).scalar()
    return vendor_id, contract_id


def _entity_name(obj: Audited) -> str:
    return obj.__tablename__  # type: ignore[attr-defined]


def _after_flush(session: Session, flush_context) -> None:
    events = []
    for obj in session.new:
        if isinstance(obj, Audited):
            vendor_id, contract_id = _scope(session, obj)
            events.append({"action": "create", "entity_type": _entity_name(obj), "entity_id": obj.id,
                           "vendor_id": vendor_id, "contract_id": contract_id, "after": _snapshot(obj)})
    for obj in session.dirty:
        if isinstance(obj, Audited) and obj not in session.deleted:
            before, after = _diff(obj)
            if before or after:
                vendor_id, contract_id = _scope(session, obj)
                events.append({"action": "update", "entity_type": _entity_name(obj), "entity_id": obj.id,
                               "vendor_id": vendor_id, "contract_id": contract_id,
                               "before": before, "after": after})
    for obj in session.deleted:
        if isinstance(obj, Audited):
            vendor_id, contract_id = obj.audit_scope()
            events.append({"action": "delete", "entity_type": _entity_name(obj), "entity_id": obj.id,
                           "vendor_id": vendor_id, "contract_id": contract_id, "before": _snapshot(obj)})
    _write(session, events)


def install(session_target) -> None:
    """Attach the audit listener to a session factory (idempotent)."""
    if not event.contains(session_target, "after_flush", _after_flush):
        event.listen(session_target, "after_flush", _after_flush)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str | None = None


def verify_chain(session: Session, batch: int = 5000) -> VerifyResult:
    """Recompute every event's hash in order and report the first one that does not match."""
    table = AuditEvent.__table__
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).mappings().all()
        if not rows:
            break
        for row in rows:
            if row["prev_hash"] != prev:
                return VerifyResult(False, checked, row["id"], "previous event missing or altered")
            if compute_hash(dict(row)) != row["hash"]:
                return VerifyResult(False, checked, row["id"], "content altered")
            prev, last_id, checked = row["hash"], row["id"], checked + 1
    return VerifyResult(True, checked)


