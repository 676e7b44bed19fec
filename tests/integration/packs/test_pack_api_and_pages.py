"""Packs through the API, the pages and the CLI: who may ask, see and download; retries; scheduled mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import bearer, sign_in
from smtp_server import LocalSMTPServer


def month_start_tokyo(months_back: int = 0) -> dt.datetime:
    """The first moment of this month (or an earlier one) in Tokyo, where schedules fire, as UTC."""
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("Asia/Tokyo"))
    year, month = now.year, now.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, 1, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(dt.UTC)


@pytest.fixture
def world(app, create_vendor, create_contract, create_user, create_token):
    vendor_a, vendor_b = create_vendor(name="株式会社コールプラス"), create_vendor(name="BrightDesk")
    create_contract(vendor_a, vendor_can_view_packs=True)
    create_contract(vendor_b, vendor_can_view_packs=False)
    users = {"manager": create_user("manager", language="en"), "executive": create_user("executive"),
             "vendor_a": create_user("vendor", vendor=vendor_a), "vendor_b": create_user("vendor", vendor=vendor_b)}
    tokens = {role: create_token(user) for role, user in users.items()}
    return {"a": vendor_a, "b": vendor_b, "users": users, "tokens": tokens}


def tick(app):
    """One run of the scheduler's pack job, the same function the scheduler process calls."""
    from vendorportal.scheduler import runner as scheduler

    return scheduler.pack_tick(app)


def ask(client, token, **body):
    return client.post("/api/v1/packs", json=body, headers=bearer(token))


def test_a_manager_asks_for_a_pack_watches_it_and_downloads_it(app, client, world):
    tokens = world["tokens"]
    response = ask(client, tokens["manager"], kind="vendor", vendor_id=world["a"].id, period="2026-10", language="ja")
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["version"] == 1
    assert response.headers["Location"].endswith(f"/api/v1/packs/{body['id']}")
    assert client.get(f"/api/v1/packs/{body['id']}/pdf", headers=bearer(tokens["manager"])).status_code == 409
    assert tick(app)["rendered"] == 1
    status = client.get(f"/api/v1/packs/{body['id']}", headers=bearer(tokens["executive"])).get_json()
    assert status["status"] == "done" and status["pages"] >= 5 and len(status["sha256"]) == 64
    pdf = client.get(f"/api/v1/packs/{body['id']}/pdf", headers=bearer(tokens["executive"]))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and hashlib.sha256(pdf.data).hexdigest() == status["sha256"]
    assert "review-pack-" in pdf.headers["Content-Disposition"]
    again = ask(client, tokens["manager"], kind="vendor", vendor_id=world["a"].id, period="2026-10", language="ja")
    assert again.get_json()["version"] == 2  # a new version; version 1 and its PDF stay as they were
    listed = client.get("/api/v1/packs?period=2026-10", headers=bearer(tokens["manager"])).get_json()["items"]
    assert sorted(p["version"] for p in listed) == [1, 2]
    with app.app_context():
        from sqlalchemy import select

        from vendorportal.core.audit import AuditEvent
        from vendorportal.extensions import db

        downloads = db.session.execute(select(AuditEvent).where(AuditEvent.action == "download",
                                                                AuditEvent.entity_type == "pack")).scalars().all()
        assert [e.entity_id for e in downloads] == [body["id"]]


def test_who_may_ask_and_see(app, client, world):
    tokens, a, b = world["tokens"], world["a"], world["b"]
    for role in ("executive", "vendor_a", "vendor_b"):
        assert ask(client, tokens[role], kind="portfolio", period="2026-10").status_code == 403
    ids = {}
    for key, body in {"a": {"kind": "vendor", "vendor_id": a.id}, "b": {"kind": "vendor", "vendor_id": b.id},
                      "portfolio": {"kind": "portfolio"}}.items():
        ids[key] = ask(client, tokens["manager"], period="2026-09", language="en", **body).get_json()["id"]
    tick(app)

    def status(role, pack):
        return client.get(f"/api/v1/packs/{ids[pack]}/pdf", headers=bearer(tokens[role])).status_code

    assert [status("executive", p) for p in ("a", "b", "portfolio")] == [200, 200, 200]
    # vendor A's contract lets its staff see their own pack; nothing else exists for them
    assert [status("vendor_a", p) for p in ("a", "b", "portfolio")] == [200, 404, 404]
    # vendor B's contract does not include packs: not even its own
    assert [status("vendor_b", p) for p in ("a", "b", "portfolio")] == [404, 404, 404]
    mine = client.get("/api/v1/packs", headers=bearer(tokens["vendor_a"])).get_json()["items"]
    assert [p["id"] for p in mine] == [ids["a"]]
    assert client.get("/api/v1/packs", headers=bearer(tokens["vendor_b"])).get_json()["items"] == []
    client_b = app.test_client()
    sign_in(client_b, world["users"]["vendor_b"])
    page = client_b.get("/packs")
    assert page.status_code == 200 and b"does not include review packs" in page.data
    assert client_b.get(f"/packs/{ids['b']}/pdf").status_code == 404


def test_bad_requests_name_each_field(client, world):
    token = world["tokens"]["manager"]
    response = ask(client, token, kind="weekly", period="2026-13", language="fr")
    assert response.status_code == 422
    assert {d["field"] for d in response.get_json()["error"]["details"]} == {"kind", "period", "language"}
    missing = ask(client, token, kind="vendor", period="2026-10")
    assert [d["field"] for d in missing.get_json()["error"]["details"]] == ["vendor_id"]
    unknown = ask(client, token, kind="vendor", vendor_id=999999, period="2026-10")
    assert [d["field"] for d in unknown.get_json()["error"]["details"]] == ["vendor_id"]
    assert client.post("/api/v1/packs", data="x", headers=bearer(token)).status_code == 400
    assert client.get("/api/v1/packs?period=soon", headers=bearer(token)).status_code == 422
    assert client.get("/api/v1/packs/999999", headers=bearer(token)).status_code == 404


def test_a_failing_render_is_retried_with_back_off_then_reported(app, world, monkeypatch):
    from vendorportal.extensions import db
    from vendorportal.packs import jobs
    from vendorportal.packs.models import Pack

    monkeypatch.setitem(app.config, "PACK_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "PACK_RETRY_SECONDS", 60)
    with LocalSMTPServer() as smtp:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        with app.app_context():
            # A row no code path writes (an unknown kind): rendering it fails for real, every time.
            broken = Pack(kind="weekly", subject="weekly", period="2026-10", language="en", version=1)
            db.session.add(broken)
            db.session.commit()
            now = dt.datetime.now(dt.UTC)
            first = jobs.render_pack(db.session, broken.id, now=now)
            assert first.status == "queued" and "ValueError" in first.error
            pack = db.session.get(Pack, broken.id)
            assert pack.attempts == 1 and pack.file_id is None
            wait = pack.next_attempt_at.replace(tzinfo=dt.UTC) - now
            assert dt.timedelta(seconds=59) < wait <= dt.timedelta(seconds=61)
            assert broken.id not in jobs.ready_packs(db.session, now)
            assert jobs.render_pack(db.session, broken.id, now=now).status == "skipped"  # not due yet
            second = jobs.render_pack(db.session, broken.id, now=now + dt.timedelta(seconds=61))
            assert second.status == "queued"
            pack = db.session.get(Pack, broken.id)
            wait = pack.next_attempt_at.replace(tzinfo=dt.UTC) - now
            assert wait > dt.timedelta(seconds=120)  # 60 s, then 120 s
            third = jobs.render_pack(db.session, broken.id, now=now + dt.timedelta(hours=1))
            assert third.status == "failed"
            pack = db.session.get(Pack, broken.id)
            assert pack.status == "failed" and pack.attempts == 3 and pack.file_id is None and pack.error
        mails = smtp.wait_for(1)
        assert world["users"]["manager"].email in mails[0]["To"]
        assert "could not be rendered" in mails[0]["Subject"]


def test_a_renderer_that_died_gives_its_pack_back(app, world):
    from vendorportal.extensions import db
    from vendorportal.packs import jobs, services
    from vendorportal.packs.models import Pack

    with app.app_context():
        pack = services.request_pack(db.session, None, {"kind": "portfolio", "period": "2026-10"})
        db.session.commit()
        now = dt.datetime.now(dt.UTC)
        lease = jobs.take_lease(db.session, pack.id, now, 900)
        db.session.execute(db.update(Pack).where(Pack.id == pack.id).values(lease_owner=f"{os.uname().nodename}:999999"))
        db.session.commit()
        assert lease is not None and jobs.ready_packs(db.session, now) == []
        assert jobs.requeue_orphans(db.session, now) == 1  # pid 999999 is not alive on this host
        db.session.commit()
        assert jobs.ready_packs(db.session, now) == [pack.id]
        # the old lease can no longer store anything
        assert jobs.render_pack(db.session, pack.id).status == "done"
        assert db.session.get(Pack, pack.id).lease_token is None


def test_a_schedule_renders_each_period_once_and_mails_each_recipient_once(app, world, monkeypatch,
                                                                             create_user):
    from sqlalchemy import func, select

    from vendorportal.auth.models import User
    from vendorportal.extensions import db
    from vendorportal.packs import services
    from vendorportal.packs.models import Pack, PackClaim, PackDelivery

    users = world["users"]
    with app.app_context():
        manager = db.session.get(User, users["manager"].id)
        schedule = services.save_schedule(db.session, manager, None, {
            "name": "Monthly", "frequency": "monthly", "day": 1, "time_of_day": "00:00", "vendor_packs": True,
            "portfolio_pack": True, "language": "en", "is_active": True,
            "recipients": [users["manager"].id, users["executive"].id, users["vendor_a"].id, users["vendor_b"].id]})
        # two firings were missed: day 1 00:00 of last month and of this month
        schedule.active_from = month_start_tokyo(1) - dt.timedelta(minutes=1)
        db.session.commit()
        schedule_id = schedule.id
    with LocalSMTPServer() as smtp:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        first = tick(app)
        assert first["claimed"] == 6 and first["rendered"] == 6 and first["delivered"] == 6
        assert tick(app) == {"requeued": 0, "claimed": 0, "rendered": 0, "failed": 0, "delivered": 0}
        # per period: 2 vendor packs + 1 portfolio; manager and executive get all 3, vendor A its own, B nothing
        mails = smtp.wait_for(2 * (2 * 3 + 1))
        assert len(mails) == 14
    with app.app_context():
        claims = db.session.execute(select(PackClaim.period, func.count()).where(PackClaim.schedule_id == schedule_id)
                                    .group_by(PackClaim.period)).all()
        assert sorted(n for _p, n in claims) == [3, 3]
        assert db.session.execute(select(func.count()).select_from(Pack)).scalar() == 6
        assert db.session.execute(select(func.count()).select_from(PackDelivery)).scalar() == 14
    to_vendor_a = [m for m in mails if users["vendor_a"].email in m["To"]]
    assert len(to_vendor_a) == 2 and all("株式会社コールプラス" in m["Subject"] for m in to_vendor_a)
    attachment = next(to_vendor_a[0].iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content().startswith(b"%PDF-")
    assert not [m for m in mails if users["vendor_b"].email in m["To"]]


def test_a_large_pack_is_mailed_as_a_link(app, world, monkeypatch):
    from vendorportal.auth.models import User
    from vendorportal.extensions import db
    from vendorportal.packs import services

    with app.app_context():
        schedule = services.save_schedule(db.session, db.session.get(User, world["users"]["manager"].id), None, {
            "name": "Q", "frequency": "monthly", "day": 1, "time_of_day": "00:00", "vendor_packs": False,
            "portfolio_pack": True, "language": "ja", "is_active": True, "recipients": [world["users"]["manager"].id]})
        schedule.active_from = month_start_tokyo(0) - dt.timedelta(minutes=1)  # one firing: this month's
        db.session.commit()
    with LocalSMTPServer() as smtp:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        monkeypatch.setitem(app.config, "PACK_MAIL_ATTACH_MAX_BYTES", 1000)
        tick(app)
        [message] = smtp.wait_for(1)
    assert list(message.iter_attachments()) == []
    assert "/packs/" in message.get_body(("plain",)).get_content()


def test_pages_generate_and_schedule(app, world):
    client = app.test_client()
    sign_in(client, world["users"]["manager"])
    response = client.post("/packs", data={"kind": "portfolio", "vendor_id": "0", "period": "2026-10",
                                           "language": "ja"})
    assert response.status_code == 302 and "/packs/" in response.headers["Location"]
    detail = client.get(response.headers["Location"])
    assert b'http-equiv="refresh"' in detail.data and b"Queued" in detail.data
    bad = client.post("/packs", data={"kind": "vendor", "vendor_id": "0", "period": "10/2026", "language": "ja"})
    assert bad.status_code == 400 and b"YYYY-MM" in bad.data
    form = {"name": "Executive monthly", "frequency": "monthly", "day": "5", "time_of_day": "25:00",
            "vendor_packs": "y", "portfolio_pack": "y", "language": "ja", "is_active": "y",
            "recipients": [str(world["users"]["executive"].id)]}
    assert b"24-hour" in client.post("/packs/schedules/new", data=form).data
    saved = client.post("/packs/schedules/new", data={**form, "time_of_day": "9:30".zfill(5)})
    assert saved.status_code == 302
    listing = client.get("/packs/schedules").get_data(as_text=True)
    assert "Executive monthly" in listing and "09:30" in listing
    vendor = app.test_client()
    sign_in(vendor, world["users"]["vendor_a"])
    assert vendor.post("/packs", data={"kind": "portfolio", "period": "2026-10", "language": "ja"}).status_code == 403
    assert vendor.get("/packs/schedules").status_code == 404


def test_generate_packs_renders_a_period_on_two_processes(app, world, database_url, tmp_path):
    env = {**os.environ, "VENDORPORTAL_DATABASE_URL": database_url,
           "VENDORPORTAL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
           "VENDORPORTAL_INSTANCE_PATH": str(tmp_path)}
    command = [str(Path(sys.executable).with_name("vendorportal")), "generate-packs", "--period", "2026-10",
               "--language", "ja", "--jobs", "2"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("done")]
    assert len(lines) == 3 and "portfolio 2026-10 ja v1" in result.stdout  # two vendors and the portfolio
    bad = subprocess.run([*command[:2], "--period", "2026/10"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "YYYY-MM" in bad.stderr
