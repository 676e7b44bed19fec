"""Hostile and broken requests get a clear 4xx, never a 500: expired sessions, revoked or bogus tokens, missing or
forged CSRF tokens, huge headers and cookies, oversized, malformed or too deeply nested JSON, wrong content
types, and values the database cannot store."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from helpers import TEST_PASSWORD, bearer, csrf_token_from, make_test_config, sign_in
from sqlalchemy import update

from vendorportal import create_app

CSRF_MESSAGE = "The form had expired or was not sent from this portal. Please try again."


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"]
    return body["error"]


def _age_sessions(app, user, **values) -> None:
    from vendorportal.auth.models import UserSession
    from vendorportal.extensions import db

    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(**values))
        db.session.commit()
        db.session.remove()


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_sessions_past_their_idle_or_absolute_limit_sign_nobody_in(app, create_user):
    from vendorportal.core.db import utcnow

    idle, absolute, fresh = create_user("manager"), create_user("manager"), create_user("manager")
    clients = {u.id: app.test_client() for u in (idle, absolute, fresh)}
    for user in (idle, absolute, fresh):
        sign_in(clients[user.id], user)
    now = utcnow()
    _age_sessions(app, idle, last_seen_at=now - dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    _age_sessions(app, absolute, last_seen_at=now, expires_at=now - dt.timedelta(seconds=1))
    assert _signed_out(clients[idle.id].get("/home"))
    assert _signed_out(clients[absolute.id].get("/home"))
    assert clients[fresh.id].get("/home").status_code == 200
    # A form post with an expired session is not carried out either.
    assert _signed_out(clients[idle.id].post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "another passphrase!", "confirm": "another passphrase!"}))


def test_revoked_unknown_and_malformed_tokens_are_401(app, client, create_user, create_token):
    from vendorportal.auth import services
    from vendorportal.auth.models import ApiToken, User
    from vendorportal.extensions import db

    user = create_user("manager")
    token = create_token(user)
    assert client.get("/api/v1/vendors", headers=bearer(token)).status_code == 200
    with app.app_context():
        row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
        services.revoke_token(db.session, db.session.get(User, user.id), row)
        db.session.commit()
    for headers in (bearer(token), bearer("vp_" + "0" * 43), bearer("not-a-token"), {"Authorization": "Bearer "},
                    {"Authorization": "Basic " + "dXNlcjpwYXNz"}, {"Authorization": "Bearer vp_\x00\x01"},
                    {"Authorization": token}, {}):
        response = client.get("/api/v1/vendors", headers=headers)
        assert response.status_code == 401, headers
        assert _error(response)["code"] == "unauthorized"
    # A session cookie does not stand in for a token.
    sign_in(client, user)
    assert client.get("/api/v1/vendors").status_code == 401


@pytest.fixture
def csrf_app(app, database_url):
    from vendorportal.extensions import db

    portal_app = create_app(make_test_config(database_url, WTF_CSRF_ENABLED=True))
    yield portal_app
    with portal_app.app_context():
        db.engine.dispose()


def test_form_posts_without_or_with_a_forged_csrf_token_are_400_with_a_clear_message(csrf_app, create_user,
                                                                                    create_vendor, create_contract):
    user = create_user("manager")
    contract = create_contract(create_vendor())
    client, other = csrf_app.test_client(), csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                       "csrf_token": csrf_token_from(page)}).status_code == 302
    other_token = csrf_token_from(other.get("/login").get_data(as_text=True))  # valid, but another session's
    home = client.get("/home").get_data(as_text=True)
    upload = f"/contracts/{contract.id}/documents"
    for token in (None, "x" * 40, other_token, csrf_token_from(home) + "x"):
        form = {"title": "MSA", "file": (io.BytesIO(b"%PDF-1.4 x"), "msa.pdf")}
        if token is not None:
            form["csrf_token"] = token
        response = client.post(upload, data=form, content_type="multipart/form-data")
        assert response.status_code == 400, token
        assert CSRF_MESSAGE in response.get_data(as_text=True)
    detail = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "msa.pdf" not in detail and "MSA" not in detail
    # The API never uses cookies, so it needs no CSRF token: a cookie alone is simply not signed in.
    assert client.post("/api/v1/vendors", json={"name": "X", "code": "X1", "tier": "low"}).status_code == 401


def test_huge_headers_and_cookies_never_cause_a_500(client, create_user):
    huge = "a" * 100_000
    user = create_user("manager")
    for headers in ({"Cookie": "vp_session=" + huge}, {"Cookie": "; ".join(f"c{i}={'b' * 100}" for i in range(1000))},
                    {"X-Anything": huge}, {"Accept-Language": huge}, {"X-Request-ID": huge},
                    {"Authorization": "Bearer vp_" + huge}):
        for path in ("/login", "/home", "/api/v1/vendors"):
            assert client.get(path, headers=headers).status_code < 500, (list(headers), path)
    sign_in(client, user)
    assert client.get("/home", headers={"Accept-Language": huge}).status_code == 200
    # (Through gunicorn the same headers are refused with a 4xx: test_fault_worker_killed.)


def test_oversized_malformed_and_deeply_nested_json_is_a_clear_4xx(app, client, create_user, create_token):
    headers = bearer(create_token(create_user("manager")))
    oversized = client.post("/api/v1/vendors", data=b"{" + b" " * app.config["MAX_CONTENT_LENGTH"] + b"}",
                            headers=headers, content_type="application/json")
    assert oversized.status_code == 413 and _error(oversized)["code"] == "too_large"
    for body in (b"{nope", b'{"name": "x",}', b"", b'{"name": "\xff\xfe"}', b"[1, 2]", b'"text"', b"null",
                 b"[" * 100_000, b'{"a":' * 100_000, b"1e999999"):
        response = client.post("/api/v1/vendors", data=body, headers=headers, content_type="application/json")
        assert response.status_code == 400, body[:20]
        assert _error(response)["code"] == "bad_request"


def test_wrong_content_types_get_a_clear_4xx(client, create_user, create_token, create_vendor, create_contract):
    vendor = create_vendor()
    contract = create_contract(vendor)
    headers = bearer(create_token(create_user("vendor", vendor=vendor)))
    manager = bearer(create_token(create_user("manager")))
    for content_type, body in (("text/plain", "name=x"), ("application/x-www-form-urlencoded", "name=x&code=y"),
                               ("multipart/form-data; boundary=zz", "--zz--"), ("application/xml", "<a/>"),
                               (None, '{"name": "x", "code": "y", "tier": "low"}')):
        response = client.post("/api/v1/vendors", data=body, headers=manager, content_type=content_type)
        assert response.status_code == 400, content_type
        assert _error(response)["code"] == "bad_request"
    upload = f"/api/v1/contracts/{contract.id}/submissions"
    for kwargs in ({"json": {"period": "2026-04", "file": "a,b"}}, {"data": "x", "content_type": "text/csv"},
                   {"data": b"--x\r\n", "content_type": "multipart/form-data"},
                   {"data": b"garbage" * 100, "content_type": "multipart/form-data; boundary=zzz"}):
        response = client.post(upload, headers=headers, **kwargs)
        assert response.status_code == 422, kwargs
        assert _error(response)["details"] == [{"field": "file", "message": "Choose a file to upload."}]
    # The API checks the type of every value.
    odd = client.post("/api/v1/vendors", json={"name": {"a": 1}, "code": [1], "tier": 5}, headers=manager)
    assert odd.status_code == 422 and _error(odd)["code"] == "invalid"
    # Pages take forms: JSON of any shape is 415 there, with a message saying where JSON goes.
    for body in ({"email": "x@client.example", "password": TEST_PASSWORD}, [1, 2], "x", {"email": ["a"]}):
        page = client.post("/login", json=body)
        assert page.status_code == 415, body
        assert "the API is under /api/v1/" in page.get_data(as_text=True)
    deep = client.post("/login", data=b"[" * 100_000, content_type="application/json")
    assert deep.status_code == 415


def test_values_the_database_cannot_store_are_refused_not_crashed_on(client, is_postgres, create_user, create_token,
                                                                     create_vendor, create_contract):
    headers = bearer(create_token(create_user("manager")))
    contract = create_contract(create_vendor())
    # Ids past the id columns' range: not found, or a value the database cannot take (never a 500).
    for path in ("/api/v1/vendors/" + "9" * 30, f"/api/v1/contracts/{2**31}", "/api/v1/submissions/" + "1" * 25,
                 f"/contracts/{2**63}"):
        assert client.get(path, headers=headers).status_code in (302, 400, 404), path
    huge_filter = client.get("/api/v1/contracts?vendor_id=" + "9" * 30, headers=headers)
    assert huge_filter.status_code in (200, 400) and huge_filter.get_json()
    # A NUL character: PostgreSQL cannot store it (400); SQLite can.
    nul = client.post("/api/v1/vendors", json={"name": "Nul\x00Vendor", "code": "NUL1", "tier": "low"}, headers=headers)
    assert nul.status_code == (400 if is_postgres else 201), nul.get_json()
    renamed = client.patch(f"/api/v1/contracts/{contract.id}", json={"title": "x\x00y"}, headers=headers)
    assert renamed.status_code == (400 if is_postgres else 200), renamed.get_json()
    if is_postgres:
        assert _error(nul)["code"] == "bad_request"
    signed_out = client.application.test_client()
    assert signed_out.post("/login", data={"email": "a\x00b@client.example", "password": "x\x00y"}).status_code < 500
