"""The pure access rules, without an app."""

from dataclasses import dataclass

import pytest

from vendorportal.access import policies


@dataclass
class Actor:
    role: str
    vendor_id: int | None = None
    is_active: bool = True
    id: int = 1


@dataclass
class Thing:
    id: int = 0
    vendor_id: int | None = None
    user_id: int | None = None


ADMIN, MANAGER, EXEC = Actor("admin"), Actor("manager"), Actor("executive")
VENDOR_A, VENDOR_B = Actor("vendor", vendor_id=1, id=5), Actor("vendor", vendor_id=2, id=6)
CONTRACT_A = Thing(id=10, vendor_id=1)
VENDOR_ROW_A = Thing(id=1)


@pytest.mark.parametrize(("actor", "see", "edit"), [
    (ADMIN, True, True), (MANAGER, True, True), (EXEC, True, False), (VENDOR_A, True, False),
    (VENDOR_B, False, False), (None, False, False), (Actor("manager", is_active=False), False, False),
])
def test_contract_rules(actor, see, edit):
    assert policies.can_view_contract(actor, CONTRACT_A) is see
    assert policies.can_edit_contract(actor, CONTRACT_A) is edit
    assert policies.can_view_vendor(actor, VENDOR_ROW_A) is see
    assert policies.can_edit_vendor(actor, VENDOR_ROW_A) is edit


def test_vendor_scope_limits_vendor_staff_only():
    assert policies.vendor_scope(VENDOR_A) == 1
    assert policies.vendor_scope(MANAGER) is None
    assert policies.vendor_scope(EXEC) is None


def test_a_vendor_user_without_a_vendor_sees_nothing():
    orphan = Actor("vendor", vendor_id=None)
    assert not policies.can_view_contract(orphan, Thing(vendor_id=None))
    assert not policies.can_list_vendors(orphan)


def test_only_admins_manage_users_and_only_managers_read_the_audit_log():
    assert policies.can_manage_users(ADMIN)
    assert not any(policies.can_manage_users(a) for a in (MANAGER, EXEC, VENDOR_A))
    assert policies.can_view_audit(MANAGER) and policies.can_view_audit(ADMIN)
    assert not policies.can_view_audit(EXEC) and not policies.can_view_audit(VENDOR_A)


def test_tokens_are_revoked_by_their_owner_or_an_admin():
    token = Thing(user_id=5)
    assert policies.can_revoke_token(VENDOR_A, token)
    assert policies.can_revoke_token(ADMIN, token)
    assert not policies.can_revoke_token(VENDOR_B, token)
    assert not policies.can_revoke_token(MANAGER, token)
