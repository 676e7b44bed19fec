"""Pure access rules: who may see and who may change what. Used by every view and API call.

A rule named can_view_* decides visibility (a refusal answers 404 so ids leak nothing);
can_<verb>_* decides a change to something the actor can see (a refusal answers 403).
"""

from __future__ import annotations

from typing import Any, Protocol

CLIENT_ROLES = frozenset({"admin", "manager", "executive"})
MANAGING_ROLES = frozenset({"admin", "manager"})


class Actor(Protocol):
    role: Any
    vendor_id: int | None
    is_active: bool


def _role(actor: Actor | None) -> str | None:
    if actor is None or not getattr(actor, "is_active", False):
        return None
    role = actor.role
    return getattr(role, "value", role)


def is_client_staff(actor: Actor | None) -> bool:
    return _role(actor) in CLIENT_ROLES


def is_manager(actor: Actor | None) -> bool:
    return _role(actor) in MANAGING_ROLES


def is_admin(actor: Actor | None) -> bool:
    return _role(actor) == "admin"


def is_vendor_staff(actor: Actor | None) -> bool:
    return _role(actor) == "vendor" and actor.vendor_id is not None


def vendor_scope(actor: Actor | None) -> int | None:
    """Return the vendor id every list must be limited to, or None for client staff."""
    if is_vendor_staff(actor):
        return actor.vendor_id
    return None


def _owns_vendor(actor: Actor | None, vendor_id: int | None) -> bool:
    return is_vendor_staff(actor) and vendor_id is not None and actor.vendor_id == vendor_id


# Vendors
def can_list_vendors(actor: Actor | None) -> bool:
    return is_client_staff(actor) or is_vendor_staff(actor)


def can_view_vendor(actor: Actor | None, vendor) -> bool:
    return is_client_staff(actor) or _owns_vendor(actor, vendor.id)


def can_create_vendor(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_edit_vendor(actor: Actor | None, vendor) -> bool:
    return is_manager(actor) and can_view_vendor(actor, vendor)


# Contracts
def can_list_contracts(actor: Actor | None) -> bool:
    return can_list_vendors(actor)


def can_view_contract(actor: Actor | None, contract) -> bool:
    return is_client_staff(actor) or _owns_vendor(actor, contract.vendor_id)


def can_create_contract(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_edit_contract(actor: Actor | None, contract) -> bool:
    return is_manager(actor) and can_view_contract(actor, contract)


def can_view_document(actor: Actor | None, document) -> bool:
    return can_view_contract(actor, document.contract)


def can_upload_document(actor: Actor | None, contract) -> bool:
    return can_edit_contract(actor, contract)


# People and tokens
def can_manage_users(actor: Actor | None) -> bool:
    return is_admin(actor)


def can_manage_own_tokens(actor: Actor | None) -> bool:
    return is_client_staff(actor) or is_vendor_staff(actor)


def can_revoke_token(actor: Actor | None, token) -> bool:
    return is_admin(actor) or (actor is not None and token.user_id == getattr(actor, "id", None))


# Audit log
def can_view_audit(actor: Actor | None) -> bool:
    return is_manager(actor)


# Dashboards
def can_view_portfolio(actor: Actor | None) -> bool:
    return is_client_staff(actor)


# Monthly data and targets
def can_submit_data(actor: Actor | None, contract) -> bool:
    """Vendor staff upload their own vendor's data; managers may upload on a vendor's behalf."""
    return is_manager(actor) or _owns_vendor(actor, contract.vendor_id)


def can_review_submissions(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_manage_targets(actor: Actor | None, contract) -> bool:
    return can_edit_contract(actor, contract)


def can_manage_catalog(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_raise_dispute(actor: Actor | None, contract) -> bool:
    return _owns_vendor(actor, contract.vendor_id)


def can_decide_disputes(actor: Actor | None) -> bool:
    return is_manager(actor)


# Security checklists and actions
def can_view_assessment(actor: Actor | None, assessment) -> bool:
    return is_client_staff(actor) or _owns_vendor(actor, assessment.vendor_id)


def can_answer_assessment(actor: Actor | None, assessment) -> bool:
    return _owns_vendor(actor, assessment.vendor_id)


def can_review_assessments(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_view_templates(actor: Actor | None) -> bool:
    return is_client_staff(actor)


def can_manage_templates(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_view_action(actor: Actor | None, action) -> bool:
    return is_client_staff(actor) or _owns_vendor(actor, action.vendor_id)


def can_update_action(actor: Actor | None, action) -> bool:
    """Managers, and staff of the action's vendor; which steps each may take is the domain's rule."""
    return is_manager(actor) or _owns_vendor(actor, action.vendor_id)


def can_create_action(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_view_evidence(actor: Actor | None, evidence) -> bool:
    return is_client_staff(actor) or _owns_vendor(actor, evidence.vendor_id)


def can_list_actions(actor: Actor | None) -> bool:
    return is_client_staff(actor) or is_vendor_staff(actor)


# Review packs
def can_list_packs(actor: Actor | None) -> bool:
    return is_client_staff(actor) or is_vendor_staff(actor)


def can_view_pack(actor: Actor | None, pack, vendor_may_view: bool) -> bool:
    """Client staff see every pack; vendor staff their own vendor's pack where a contract allows it."""
    if is_client_staff(actor):
        return True
    return (pack.kind == "vendor" and _owns_vendor(actor, pack.vendor_id) and vendor_may_view)


def can_request_pack(actor: Actor | None) -> bool:
    return is_manager(actor)


def can_manage_pack_schedules(actor: Actor | None) -> bool:
    return is_manager(actor)
