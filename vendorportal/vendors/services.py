"""Use cases for vendors: list what the actor may see, create and edit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.contracts.models import Contract
from vendorportal.core.errors import FieldError, NotFound, ValidationFailed
from vendorportal.core.validation import Cleaner
from vendorportal.vendors.models import Tier, Vendor

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")


def _clean(session: Session, data: Mapping[str, Any], vendor: Vendor | None, partial: bool) -> dict:
    c = Cleaner(data, partial=partial)
    c.text("name", max_len=200)
    c.text("code", max_len=20)
    c.choice("tier", [t.value for t in Tier])
    c.text("contact_name", required=False, max_len=200)
    c.email("contact_email")
    c.text("contact_phone", required=False, max_len=50)
    c.text("notes", required=False, max_len=4000)
    c.boolean("is_active", default=True)
    if "code" in c.values:
        code = c.values["code"].upper()
        c.values["code"] = code
        if not CODE_RE.match(code):
            c.error("code", _l("Use 2 to 20 letters, digits, - or _."))
        else:
            clash = session.execute(select(Vendor).where(Vendor.code == code)).scalar_one_or_none()
            if clash is not None and clash is not vendor:
                c.error("code", _l("Another vendor already uses this code."))
    return c.result()


def list_vendors(session: Session, actor) -> list[tuple[Vendor, int]]:
    """Return the vendors the actor may see with their contract counts, by name."""
    counts = (
        select(Contract.vendor_id, func.count(Contract.id).label("n")).group_by(Contract.vendor_id).subquery()
    )
    stmt = (
        select(Vendor, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.vendor_id == Vendor.id)
        .order_by(Vendor.is_active.desc(), Vendor.name)
    )
    scope = policies.vendor_scope(actor)
    if scope is not None:
        stmt = stmt.where(Vendor.id == scope)
    elif not policies.is_client_staff(actor):
        return []
    return [(v, n) for v, n in session.execute(stmt).all()]


def get_vendor(session: Session, actor, vendor_id: int) -> Vendor:
    """Return a vendor the actor may see.

    :raises NotFound: no such vendor, or not visible to the actor.
    """
    vendor = session.get(Vendor, vendor_id)
    if vendor is None or not policies.can_view_vendor(actor, vendor):
        raise NotFound()
    return vendor


def create_vendor(session: Session, data: Mapping[str, Any]) -> Vendor:
    """Create a vendor from raw input.

    :raises ValidationFailed: with one entry per bad field.
    """
    values = _clean(session, data, None, partial=False)
    vendor = Vendor(**values)
    vendor.tier = Tier(values["tier"])
    session.add(vendor)
    session.flush()
    return vendor


def update_vendor(session: Session, vendor: Vendor, data: Mapping[str, Any], partial: bool = False) -> Vendor:
    """Change a vendor from raw input (all fields, or only those given when partial)."""
    values = _clean(session, data, vendor, partial=partial)
    for key, value in values.items():
        setattr(vendor, key, Tier(value) if key == "tier" else value)
    session.flush()
    return vendor


def vendor_choices(session: Session) -> list[tuple[int, str]]:
    return [(v.id, f"{v.name} ({v.code})") for v in session.execute(select(Vendor).order_by(Vendor.name)).scalars()]


def to_dict(vendor: Vendor) -> dict:
    """Return the API representation of a vendor."""
    return {
        "id": vendor.id, "name": vendor.name, "code": vendor.code, "tier": vendor.tier.value,
        "contact_name": vendor.contact_name, "contact_email": vendor.contact_email,
        "contact_phone": vendor.contact_phone, "is_active": vendor.is_active,
    }


__all__ = ["FieldError", "ValidationFailed"]
