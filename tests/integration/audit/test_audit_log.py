"""Every change is audited with who, when, what, before and after; the chain detects tampering."""

from helpers import bearer, sign_in
from sqlalchemy import select, text


def _events(app):
    from vendorportal.core.audit import AuditEvent
    from vendorportal.extensions import db

    with app.app_context():
        return [(e.action, e.entity_type, e.via, e.actor_label, e.before_dict(), e.after_dict(), e.vendor_id)
                for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_ui_and_api_changes_record_actor_channel_and_values(app, client, create_user, create_token):
    manager = create_user("manager")
    sign_in(client, manager)
    client.post("/vendors/new", data={"name": "Acme", "code": "ACME", "tier": "low"})
    token = create_token(manager)
    vendor_id = client.get("/api/v1/vendors", headers=bearer(token)).get_json()["items"][0]["id"]
    client.post("/api/v1/contracts", headers=bearer(token), json={
        "vendor_id": vendor_id, "reference": "R1", "title": "T", "channels": ["email"], "start_date": "2026-01-01",
        "end_date": "2026-12-31", "monthly_fee": 100})
    contract_id = client.get("/api/v1/contracts", headers=bearer(token)).get_json()["items"][0]["id"]
    client.patch(f"/api/v1/contracts/{contract_id}", headers=bearer(token), json={"title": "Renamed"})
    events = _events(app)
    created_vendor = next(e for e in events if e[:2] == ("create", "vendors"))
    assert created_vendor[2] == "ui" and created_vendor[3] == manager.email and created_vendor[5]["code"] == "ACME"
    update = next(e for e in events if e[:2] == ("update", "contracts"))
    assert update[2] == "api" and update[4] == {"title": "T"} and update[5] == {"title": "Renamed"}
    assert update[6] == vendor_id
    assert any(e[0] == "sign_in" for e in events)
    assert all("password_hash" not in (e[5] or {}) for e in events)


def test_verify_audit_passes_then_fails_after_an_edit_by_hand(app, runner, client, create_user):
    sign_in(client, create_user("manager"))
    client.post("/vendors/new", data={"name": "Acme", "code": "ACME", "tier": "low"})
    client.post("/vendors/new", data={"name": "Beta", "code": "BETA", "tier": "low"})
    ok = runner.invoke(args=["verify-audit"])
    assert ok.exit_code == 0 and "intact" in ok.output
    from vendorportal.extensions import db

    with app.app_context():
        target = db.session.execute(text("SELECT id FROM audit_events WHERE action = 'create' ORDER BY id LIMIT 1")).scalar()
        db.session.execute(text("UPDATE audit_events SET after = :a WHERE id = :i"), {"a": '{"code":"EVIL"}', "i": target})
        db.session.commit()
    bad = runner.invoke(args=["verify-audit"])
    assert bad.exit_code != 0 and f"event {target}" in bad.output


def test_verify_audit_fails_when_an_event_is_removed(app, runner, client, create_user):
    sign_in(client, create_user("manager"))
    for code in ("AAA", "BBB", "CCC"):
        client.post("/vendors/new", data={"name": code, "code": code, "tier": "low"})
    from vendorportal.extensions import db

    with app.app_context():
        ids = [r[0] for r in db.session.execute(text("SELECT id FROM audit_events ORDER BY id"))]
        db.session.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": ids[1]})
        db.session.commit()
    bad = runner.invoke(args=["verify-audit"])
    assert bad.exit_code != 0 and f"event {ids[2]}" in bad.output


def test_managers_browse_the_log_per_vendor_and_contract(client, create_user, create_vendor, create_contract):
    a, b = create_vendor(name="Alpha Co"), create_vendor(name="Beta Co")
    contract = create_contract(a, reference="ALPHA-1")
    create_contract(b, reference="BETA-1")
    sign_in(client, create_user("manager"))
    per_vendor = client.get(f"/audit/?vendor_id={a.id}").get_data(as_text=True)
    assert "ALPHA-1" in per_vendor and "BETA-1" not in per_vendor
    per_contract = client.get(f"/audit/?contract_id={contract.id}").get_data(as_text=True)
    assert "ALPHA-1" in per_contract and "Beta Co" not in per_contract
