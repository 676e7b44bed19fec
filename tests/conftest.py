"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), app, client, factories.

Set VENDORPORTAL_TEST_DATABASE_URL=postgresql://user@host:port/db to run the suite on PostgreSQL; a fresh
database is created on that server for the run and dropped afterwards. With CI=true, a skipped test is
an error, so a missing browser or database cannot hide.
"""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import pytest
from helpers import TEST_PASSWORD, make_test_config, sign_in
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from vendorportal import create_app

PG_ENV = "VENDORPORTAL_TEST_DATABASE_URL"


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _ci() and report.skipped:
        # In CI nothing may hide behind a skip (no chromium, no PostgreSQL …).
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


def _pg_database(base_url: str):
    url = make_url(base_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"vp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name), url, name


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get(PG_ENV)
    if not base:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    url, admin_url, name = _pg_database(base)
    yield url.render_as_string(hide_password=False)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["VENDORPORTAL_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = create_app(make_test_config(database_url))
    from flask_migrate import upgrade

    with application.app_context():
        upgrade()
    yield application
    from vendorportal.extensions import db

    with application.app_context():
        db.engine.dispose()


def _clean_tables(app) -> None:
    from vendorportal.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _fresh_rows(request):
    """Every test starts with empty tables (the schema is migrated once per session)."""
    yield
    if "app" in request.fixturenames:
        _clean_tables(request.getfixturevalue("app"))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Factories -----------------------------------------------------------------------------------


@pytest.fixture
def create_vendor(app):
    from vendorportal.extensions import db
    from vendorportal.vendors import services

    def make(**data):
        data.setdefault("name", "Vendor " + uuid.uuid4().hex[:6])
        data.setdefault("code", "V" + uuid.uuid4().hex[:6].upper())
        data.setdefault("tier", "high")
        with app.app_context():
            vendor = services.create_vendor(db.session, data)
            db.session.commit()
            db.session.refresh(vendor)
            db.session.expunge(vendor)
            return vendor

    return make


@pytest.fixture
def create_contract(app):
    from vendorportal.contracts import services
    from vendorportal.extensions import db

    def make(vendor, **data):
        data.setdefault("vendor_id", vendor.id)
        data.setdefault("reference", "C-" + uuid.uuid4().hex[:8].upper())
        data.setdefault("title", "Customer care")
        data.setdefault("channels", ["phone"])
        data.setdefault("start_date", "2026-01-01")
        data.setdefault("end_date", "2028-12-31")
        data.setdefault("monthly_fee", Decimal("1000000"))
        with app.app_context():
            contract = services.create_contract(db.session, data)
            db.session.commit()
            db.session.refresh(contract)
            db.session.expunge(contract)
            return contract

    return make


@pytest.fixture
def create_user(app):
    from vendorportal.auth import services
    from vendorportal.extensions import db

    def make(role: str = "manager", vendor=None, **data):
        data.setdefault("email", f"{role}-{uuid.uuid4().hex[:8]}@client.example")
        data.setdefault("name", role.title())
        data.setdefault("password", TEST_PASSWORD)
        with app.app_context():
            user = services.create_user(db.session, role=role, vendor_id=vendor.id if vendor else None, **data)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def create_token(app):
    from vendorportal.auth import services
    from vendorportal.auth.models import User
    from vendorportal.extensions import db

    def make(user, name: str = "test") -> str:
        with app.app_context():
            _row, raw = services.create_token(db.session, db.session.get(User, user.id), name)
            db.session.commit()
            return raw

    return make


@pytest.fixture
def login():
    return sign_in
