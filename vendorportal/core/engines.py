"""Engine set-up per database kind, and the audit listener on the session."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from vendorportal.core import audit
from vendorportal.extensions import db


def _setup_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from pysqlite so BEGIN IMMEDIATE below is what really runs.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred BEGIN that later writes fails at once with "database is locked" when another
        # writer committed in between; taking the write lock up front makes writers queue instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def configure_engines(app: Flask) -> None:
    """Attach per-dialect connection settings and the audit listener."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_vp_configured", False):
            _setup_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
            engine._vp_configured = True  # type: ignore[attr-defined]
    audit.install(db.session)
