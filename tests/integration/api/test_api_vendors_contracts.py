"""The vendor and contract API as written in the issue, with its role rules and error shape."""

import pytest
from helpers import bearer


@pytest.fixture
def manager_token(create_user, create_token):
    return create_token(create_user("manager"))


CONTRACT = {
    "reference": "NW-2026-01", "title": "Hotline", "channels": ["phone", "chat"], "start_date": "2026-04-01",
    "end_date": "2028-03-31", "notice_days": 90, "monthly_fee": "1850000", "currency": "JPY",
    "at_risk_percent": 12, "earn_back_months": 3, "submission_due_day": 10, "vendor_can_view_packs": True,
}


def test_create_list_and_get_a_vendor(client, manager_token):
    created = client.post("/api/v1/vendors", json={"name": "株式会社コールプラス", "code": "cp-01", "tier": "critical"},
                          headers=bearer(manager_token))
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"] and body["code"] == "CP-01" and body["name"] == "株式会社コールプラス"
    assert created.headers["Location"].endswith(f"/api/v1/vendors/{body['id']}")
    listed = client.get("/api/v1/vendors", headers=bearer(manager_token)).get_json()["items"]
    assert [v["code"] for v in listed] == ["CP-01"]
    assert client.get(f"/api/v1/vendors/{body['id']}", headers=bearer(manager_token)).get_json()["tier"] == "critical"


def test_invalid_vendor_names_each_bad_field(client, manager_token):
    response = client.post("/api/v1/vendors", json={"name": "", "code": "x", "tier": "huge"}, headers=bearer(manager_token))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert {d["field"] for d in error["details"]} == {"name", "code", "tier"}
    assert all(d["message"] for d in error["details"])


def test_duplicate_vendor_code_is_422(client, manager_token):
    client.post("/api/v1/vendors", json={"name": "A", "code": "DUP", "tier": "low"}, headers=bearer(manager_token))
    again = client.post("/api/v1/vendors", json={"name": "B", "code": "dup", "tier": "low"}, headers=bearer(manager_token))
    assert again.status_code == 422 and again.get_json()["error"]["details"][0]["field"] == "code"


def test_a_body_that_is_not_json_is_400(client, manager_token):
    response = client.post("/api/v1/vendors", data="name=x", headers=bearer(manager_token),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_create_get_patch_a_contract(client, manager_token, create_vendor):
    vendor = create_vendor()
    created = client.post("/api/v1/contracts", json={**CONTRACT, "vendor_id": vendor.id}, headers=bearer(manager_token))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] in ("active", "upcoming", "renewal_due")
    assert body["channels"] == ["phone", "chat"] and body["monthly_fee"] == "1850000.00"
    assert body["notice_deadline"] == "2028-01-01"  # 90 days back across 29 February
    patched = client.patch(f"/api/v1/contracts/{body['id']}", json={"end_date": "2026-05-31", "notice_days": 0},
                           headers=bearer(manager_token))
    assert patched.status_code == 200
    assert patched.get_json()["end_date"] == "2026-05-31" and patched.get_json()["title"] == "Hotline"
    got = client.get(f"/api/v1/contracts/{body['id']}", headers=bearer(manager_token)).get_json()
    assert got["notice_deadline"] == "2026-05-31"
    assert [c["id"] for c in client.get("/api/v1/contracts", headers=bearer(manager_token)).get_json()["items"]] == [body["id"]]


def test_invalid_contract_names_each_bad_field(client, manager_token, create_vendor):
    vendor = create_vendor()
    bad = {**CONTRACT, "vendor_id": vendor.id, "end_date": "2026-01-01", "currency": "XYZ", "at_risk_percent": 150,
           "channels": ["fax"], "monthly_fee": "abc", "notice_days": -1}
    response = client.post("/api/v1/contracts", json=bad, headers=bearer(manager_token))
    assert response.status_code == 422
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert {"currency", "at_risk_percent", "channels", "monthly_fee", "notice_days"} <= fields
    missing = client.post("/api/v1/contracts", json={}, headers=bearer(manager_token)).get_json()["error"]["details"]
    assert {"vendor_id", "reference", "title", "channels", "start_date", "end_date", "monthly_fee"} <= {d["field"] for d in missing}
    order = client.post("/api/v1/contracts", json={**CONTRACT, "vendor_id": vendor.id, "end_date": "2026-03-01"},
                        headers=bearer(manager_token))
    assert [d["field"] for d in order.get_json()["error"]["details"]] == ["end_date"]


def test_patch_that_breaks_the_date_order_is_422_and_changes_nothing(client, manager_token, create_vendor, create_contract):
    contract = create_contract(create_vendor(), start_date="2026-01-01", end_date="2027-12-31")
    response = client.patch(f"/api/v1/contracts/{contract.id}", json={"end_date": "2025-01-01"}, headers=bearer(manager_token))
    assert response.status_code == 422
    got = client.get(f"/api/v1/contracts/{contract.id}", headers=bearer(manager_token)).get_json()
    assert got["end_date"] == "2027-12-31"


def test_vendor_staff_see_only_their_own_vendor_and_contracts(client, create_vendor, create_contract, create_user, create_token):
    mine, theirs = create_vendor(), create_vendor()
    own_contract, other_contract = create_contract(mine), create_contract(theirs)
    token = create_token(create_user("vendor", vendor=mine))
    assert [v["id"] for v in client.get("/api/v1/vendors", headers=bearer(token)).get_json()["items"]] == [mine.id]
    assert [c["id"] for c in client.get("/api/v1/contracts", headers=bearer(token)).get_json()["items"]] == [own_contract.id]
    assert client.get(f"/api/v1/vendors/{theirs.id}", headers=bearer(token)).status_code == 404
    assert client.get(f"/api/v1/contracts/{other_contract.id}", headers=bearer(token)).status_code == 404
    assert client.patch(f"/api/v1/contracts/{other_contract.id}", json={"title": "x"}, headers=bearer(token)).status_code == 404
    assert client.patch(f"/api/v1/contracts/{own_contract.id}", json={"title": "x"}, headers=bearer(token)).status_code == 403


def test_executives_read_but_cannot_change(client, create_vendor, create_contract, create_user, create_token):
    contract = create_contract(create_vendor())
    token = create_token(create_user("executive"))
    assert client.get(f"/api/v1/contracts/{contract.id}", headers=bearer(token)).status_code == 200
    assert client.patch(f"/api/v1/contracts/{contract.id}", json={"title": "x"}, headers=bearer(token)).status_code == 403
    assert client.post("/api/v1/vendors", json={"name": "x", "code": "XX", "tier": "low"}, headers=bearer(token)).status_code == 403


def test_revoked_and_unknown_tokens_are_401(app, client, create_user, create_token):
    from sqlalchemy import select

    from vendorportal.auth import services
    from vendorportal.auth.models import ApiToken, User
    from vendorportal.extensions import db

    user = create_user("manager")
    token = create_token(user)
    assert client.get("/api/v1/vendors", headers=bearer(token)).status_code == 200
    with app.app_context():
        row = db.session.execute(select(ApiToken)).scalar_one()
        assert row.token_hash != token and token not in (row.prefix * 2)  # stored hashed
        services.revoke_token(db.session, db.session.get(User, user.id), row)
        db.session.commit()
    assert client.get("/api/v1/vendors", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/vendors", headers=bearer("vp_made-up")).status_code == 401
    assert client.get("/api/v1/vendors", headers={"Authorization": "Basic abc"}).status_code == 401


def test_api_error_messages_follow_the_users_language(client, create_user, create_token):
    token = create_token(create_user("manager", language="ja"))
    response = client.post("/api/v1/vendors", json={}, headers=bearer(token))
    messages = [d["message"] for d in response.get_json()["error"]["details"]]
    assert messages and all(not m.isascii() for m in messages)
    anon = client.get("/api/v1/vendors", headers={"Accept-Language": "ja"})
    assert not anon.get_json()["error"]["message"].isascii()
