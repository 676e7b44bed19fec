"""Start-up refuses a missing secret; production defaults are the safe ones; hashes have OWASP cost."""

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from vendorportal import ConfigurationError, create_app
from vendorportal import config as defaults


def test_missing_secret_key_stops_start_up(monkeypatch):
    monkeypatch.delenv("VENDORPORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="secret key"):
        create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": None, "DATABASE_URL": "sqlite://"})


def test_environment_variables_override_instance_config(monkeypatch, tmp_path):
    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-instance-file-0123456789abcdef'\nTIMEZONE = 'UTC'\n")
    monkeypatch.setenv("VENDORPORTAL_TIMEZONE", "Europe/London")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-instance-file-0123456789abcdef"
    assert app.config["TIMEZONE"] == "Europe/London"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "vendorportal.sqlite3")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(monkeypatch, tmp_path):
    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x" * 40})
    from sqlalchemy import text

    from vendorportal.extensions import db

    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_urls_use_psycopg_3_with_pre_ping(monkeypatch, tmp_path):
    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://u@127.0.0.1:1/none"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_production_defaults_are_safe():
    assert defaults.SESSION_COOKIE_SECURE is True and defaults.SESSION_COOKIE_HTTPONLY is True
    assert defaults.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert defaults.PERMANENT_SESSION_LIFETIME.total_seconds() <= 8 * 3600
    assert defaults.MAX_CONTENT_LENGTH and defaults.SECRET_KEY is None
    assert defaults.ARGON2_MEMORY_COST >= 19 * 1024 and defaults.ARGON2_TIME_COST >= 2


def test_password_hashes_use_argon2id_at_the_configured_cost(monkeypatch, tmp_path):
    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x" * 40})
    from vendorportal.auth.services import hash_password

    with app.app_context():
        hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$") and "m=19456,t=2,p=1" in hashed
    assert PasswordHasher().verify(hashed, "a long enough password")
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(hashed, "another password")
