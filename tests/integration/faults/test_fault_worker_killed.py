"""A gunicorn worker killed (SIGKILL) in the middle of a monthly-data upload leaves nothing behind: no submission,
no stored file, no upload attempt. Killed while the body arrives (both databases) and, on PostgreSQL, killed inside
its database transaction after the file row was inserted. The master starts a new worker and the same upload sent
again is stored whole. Through the same real server, a 100 KB header or cookie is refused with a 4xx, never a 500."""

from __future__ import annotations

import os
import signal
import socket
import time

from faultkit import http, interval_csv, multipart
from sqlalchemy import func, select


def _counts(app) -> dict[str, int]:
    from vendorportal.extensions import db
    from vendorportal.files.models import StoredFile
    from vendorportal.submissions.models import Submission, UploadAttempt

    with app.app_context():
        try:
            return {model.__tablename__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (Submission, StoredFile, UploadAttempt)}
        finally:
            db.session.remove()


def _raw_upload(server, path: str, token: str, body: bytes, content_type: str) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    conn.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {token}\r\n"
                 f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
    return conn


def _answer_after_kill(conn: socket.socket, rest: bytes = b"") -> bytes:
    try:
        if rest:
            conn.sendall(rest)
        return conn.recv(65536)
    except OSError:  # reset: the worker's end of the connection died with it
        return b""
    finally:
        conn.close()


def _wait_for_replacement(server, dead: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if len(pids) == server.workers and dead not in pids:
            return
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not replace worker {dead}:\n{server.log()[-2000:]}")


def _kill_inside_the_transaction(server, database_url: str, path: str, token: str, body: bytes,
                                 content_type: str) -> None:
    """PostgreSQL: hold a lock on submissions so the worker stops inside its transaction, after the stored file
    is inserted and before the submission is; kill it there, release the lock, and see the transaction undone."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(database_url, poolclass=NullPool)
    activity = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND {}"

    def wait_for(watch, sql: str, params: dict, want: bool):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = watch.execute(text(sql), params).scalar()
            if bool(found) is want:
                return found
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {sql} to be {want}")

    try:
        with engine.connect() as locker, engine.execution_options(isolation_level="AUTOCOMMIT").connect() as watch:
            locker.execute(text("LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE"))
            conn = _raw_upload(server, path, token, body, content_type)
            worker = server.worker_serving(conn)
            conn.sendall(body)
            blocked = wait_for(watch, activity.format(
                "wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO submissions%%'"), {}, True)
            # Its transaction has written already (an xid is assigned at the first write: the stored file) ...
            assert watch.execute(text(activity.format("pid = :pid AND backend_xid IS NOT NULL")),
                                 {"pid": blocked}).scalar() == blocked
            # ... which nobody else can see yet.
            assert watch.execute(text("SELECT count(*) FROM stored_files")).scalar() == 0
            os.kill(worker, signal.SIGKILL)
            assert b"201" not in _answer_after_kill(conn)
            locker.rollback()  # release: the orphaned backend finishes its INSERT, finds its client gone, aborts
            wait_for(watch, activity.format("pid = :pid"), {"pid": blocked}, False)
    finally:
        engine.dispose()
    _wait_for_replacement(server, worker)


def test_a_worker_killed_mid_upload_leaves_no_partial_submission_and_a_retry_stores_it(
        app, gunicorn, portal, database_url, is_postgres):
    server = gunicorn(workers=2)
    contract, token = portal["contract"], portal["staff_token"]
    data, rows = interval_csv(days=30, queues=6)  # 17,280 rows, about 1 MB
    body, content_type = multipart({"period": "2026-04"}, "file", "april.csv", data)
    path = f"/api/v1/contracts/{contract.id}/submissions"

    # 1. Killed while the body is still arriving (two thirds sent, slowly).
    conn = _raw_upload(server, path, token, body, content_type)
    sent = 0
    for chunk_end in range(64 * 1024, len(body) * 2 // 3, 64 * 1024):
        conn.sendall(body[sent:chunk_end])
        sent = chunk_end
        time.sleep(0.01)
    worker = server.worker_serving(conn)
    # Meanwhile the other worker serves a write at once: a slow upload holds no transaction (nor SQLite's lock).
    started = time.monotonic()
    other = http("POST", server.url + "/api/v1/vendors", body=b'{"name": "Meanwhile", "code": "MEANWHILE", "tier": "low"}',
                 headers={"Authorization": f"Bearer {portal['manager_token']}", "Content-Type": "application/json"})
    assert other.status_code == 201 and time.monotonic() - started < 3, (other.status_code, other.text[:300])
    os.kill(worker, signal.SIGKILL)
    answer = _answer_after_kill(conn, body[sent:])
    assert b"201" not in answer.split(b"\r\n", 1)[0], answer[:200]
    assert _counts(app) == {"submissions": 0, "stored_files": 0, "upload_attempts": 0}
    _wait_for_replacement(server, worker)  # the master replaces it; nobody restarts anything by hand

    # 2. PostgreSQL: killed inside its database transaction, with the stored file already inserted.
    if is_postgres:
        _kill_inside_the_transaction(server, database_url, path, token, body, content_type)
        assert _counts(app) == {"submissions": 0, "stored_files": 0, "upload_attempts": 0}

    # 3. The same upload again is stored whole.
    retry = http("POST", server.url + path, body=body, timeout=60,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    assert retry.status_code == 201, retry.text[:500]
    created = retry.json()
    assert created["rows"] == rows and created["version"] == 1
    assert _counts(app) == {"submissions": 1, "stored_files": 1, "upload_attempts": 1}
    from vendorportal.extensions import db
    from vendorportal.submissions import services
    from vendorportal.submissions.models import Submission

    with app.app_context():
        stored = db.session.get(Submission, created["id"])
        assert len(services.read_rows(stored)) == rows
        assert stored.file.size == len(data)
        db.session.remove()
    assert "Traceback" not in server.log()


def test_a_100_kb_header_or_cookie_gets_a_4xx_from_the_real_server(gunicorn, portal):
    server = gunicorn(workers=1)
    huge = "a" * 100_000
    for headers in ({"Cookie": "vp_session=" + huge}, {"X-Anything": huge},
                    {"Authorization": "Bearer vp_" + huge}):
        response = http("GET", server.url + "/login", headers=headers, timeout=10)
        assert 400 <= response.status_code < 500, (list(headers), response.status_code)
    # Many headers, each small, add up to more than the server reads.
    many = {f"X-H{i}": "b" * 100 for i in range(200)}
    assert 400 <= http("GET", server.url + "/login", headers=many, timeout=10).status_code < 500
    # The worker is still fine afterwards.
    assert http("GET", server.url + "/login", timeout=10).status_code == 200
