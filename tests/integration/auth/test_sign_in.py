"""Sign-in, throttling, sign-out and password change through real HTTP."""

import re

from helpers import TEST_PASSWORD, sign_in


def test_sign_in_lands_on_the_home_page(client, create_user):
    user = create_user("manager")
    response = client.post("/login", data={"email": user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, create_user):
    user = create_user("manager")
    response = client.post("/login", data={"email": user.email, "password": "nope nope nope"})
    assert response.status_code == 401
    assert "The e-mail or the password is wrong." in response.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@client.example", "password": "nope nope nope"})
    assert unknown.status_code == 401
    assert client.get("/home").status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, client, create_user):
    user = create_user("manager")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"email": user.email, "password": "wrong password!"}).status_code == 401
    locked = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    other = create_user("manager")
    assert client.post("/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code == 302


def test_the_lock_is_shared_by_separate_app_instances(app, database_url, create_user):
    """Counts live in the database, so two workers cannot double the allowed attempts."""
    from helpers import make_test_config

    from vendorportal import create_app

    user = create_user("manager")
    other_worker = create_app(make_test_config(database_url))
    clients = [app.test_client(), other_worker.test_client()]
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        clients[i % 2].post("/login", data={"email": user.email, "password": "wrong password!"})
    assert clients[1].post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 429


def test_sign_out_revokes_the_session_cookie_for_real(client, app, create_user):
    user = create_user("executive")
    sign_in(client, user)
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = replay.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_every_session(app, create_user):
    user = create_user("manager")
    first, second = app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    response = first.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert second.get("/home").status_code == 302
    assert first.get("/home").status_code == 302
    sign_in(app.test_client(), user, "a brand new passphrase")


def test_password_change_checks_the_current_password_and_the_length(client, create_user):
    user = create_user("manager")
    sign_in(client, user)
    wrong = client.post("/account/password", data={
        "current_password": "not it at all", "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "short", "confirm": "short"})
    assert short.status_code == 400 and "Use at least 12 characters." in short.get_data(as_text=True)


def test_disabling_a_user_ends_its_sessions(app, client, create_user):
    from vendorportal.auth import services
    from vendorportal.auth.models import User
    from vendorportal.extensions import db

    user, admin = create_user("manager"), create_user("admin")
    sign_in(client, user)
    with app.app_context():
        services.update_user(db.session, db.session.get(User, admin.id), db.session.get(User, user.id),
                             name="M", role="manager", vendor_id=None, is_active=False, language=None)
        db.session.commit()
    assert client.get("/home").status_code == 302


def test_next_is_followed_only_to_local_paths(client, create_user):
    user = create_user("manager")
    response = client.post("/login?next=//evil.example/x", data={
        "email": user.email, "password": TEST_PASSWORD, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/home"
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "next": "/contracts/"})
    assert response.headers["Location"] == "/contracts/"


def test_session_cookie_flags_and_security_headers(app, client, create_user):
    user = create_user("manager")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/home")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    # No inline script anywhere: every <script> has a src.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.get_data(as_text=True))
    assert not re.search(r"\sstyle=\"", page.get_data(as_text=True))
