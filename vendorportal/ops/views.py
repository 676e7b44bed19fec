"""/healthz (the process answers) and /readyz (the database answers and its schema is at the newest migration)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from vendorportal.access.decorators import checked
from vendorportal.extensions import db
from vendorportal.ops.schema import schema_head

bp = Blueprint("ops", __name__)

@bp.get("/healthz")
@checked(public=True)
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@checked(public=True)
def readyz():
    problems = []
    current = None
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready", with its reason
        current_app.logger.warning("readyz: database not reachable: %s", exc)
        problems.append("database unreachable")
    finally:
        db.session.rollback()
    head = schema_head()
    if current is not None and current != head:
        problems.append(f"schema at {current}, newest is {head}: run `vendorportal init-db`")
    body = {"status": "not ready" if problems else "ready", "schema": current, "head": head, "problems": problems}
    return jsonify(body), 503 if problems else 200
