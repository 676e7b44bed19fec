"""Health and readiness probes; request ids; JSON log lines."""

from __future__ import annotations

import io
import json
import logging

from helpers import make_test_config


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_the_schema_is_at_the_newest_migration(client):
    from vendorportal.ops.views import schema_head

    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["schema"] == body["head"] == schema_head() and body["problems"] == []


def test_readyz_is_not_ready_on_an_unmigrated_or_unreachable_database(tmp_path):
    from vendorportal import create_app

    empty = create_app(make_test_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    response = empty.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["problems"] == ["database unreachable"]
    gone = create_app(make_test_config("postgresql://nobody@127.0.0.1:1/none"))
    response = gone.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["status"] == "not ready"
    with empty.app_context():
        from sqlalchemy import text

        from vendorportal.extensions import db

        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        db.session.execute(text("INSERT INTO alembic_version VALUES ('08e7cb486a64')"))
        db.session.commit()
    behind = empty.test_client().get("/readyz").get_json()
    assert behind["schema"] == "08e7cb486a64" and "init-db" in behind["problems"][0]


def test_every_response_carries_a_request_id_and_a_safe_incoming_one_is_kept(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.9"}).headers["X-Request-ID"] == "lb-7f3a.9"
    for bad in ("<script>", "a" * 65, "two words"):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert replaced != bad and len(replaced) == 32


def test_json_logs_carry_the_request_id(database_url):
    from vendorportal import create_app

    app = create_app(make_test_config(database_url, LOG_FORMAT="json", LOG_REQUESTS=True))
    root = logging.getLogger()
    [handler] = [h for h in root.handlers if getattr(h, "_vendorportal", False)]
    buffer = io.StringIO()
    handler.setStream(buffer)
    try:
        app.test_client().get("/nowhere", headers={"X-Request-ID": "req-42"})
        lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
    access = [entry for entry in lines if entry["logger"] == "vendorportal.access"]
    assert access and access[-1]["request_id"] == "req-42" and access[-1]["status"] == 404
    assert access[-1]["path"] == "/nowhere" and access[-1]["duration_ms"] >= 0
