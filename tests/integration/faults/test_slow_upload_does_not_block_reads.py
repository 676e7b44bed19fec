"""A file that takes seconds to read does not hold the database: another client's reads, served by another worker
of the same real gunicorn, answer at their usual speed while it is read (issue 11: parsing happens outside any
database transaction, so on SQLite no write lock is held while a file is read)."""

from __future__ import annotations

import threading
import time

from faultkit import http, interval_csv, multipart


def _slow_file() -> bytes:
    """A valid month that the column-wise fast path declines (an extra column), so every row is read one by one."""
    data, _rows = interval_csv(days=30, queues=90)
    header, _sep, body = data.partition(b"\n")
    lines = body.rstrip(b"\n").split(b"\n")
    return header + b",remarks\n" + b"\n".join(line + b",ok" for line in lines) + b"\n"


def test_reads_by_another_client_are_not_held_up_by_a_slow_upload(gunicorn, portal):
    server = gunicorn(workers=2)
    base = f"http://127.0.0.1:{server.port}"
    reader = {"Authorization": f"Bearer {portal['manager_token']}"}
    for _ in range(3):  # warm both workers and their connections
        assert http("GET", f"{base}/api/v1/vendors", headers=reader).status_code == 200
    body, content_type = multipart({"period": "2026-04"}, "file", "april.csv", _slow_file())
    done: dict = {}

    def upload():
        started = time.monotonic()
        answer = http("POST", f"{base}/api/v1/contracts/{portal['contract'].id}/submissions", body=body,
                      headers={"Authorization": f"Bearer {portal['staff_token']}", "Content-Type": content_type},
                      timeout=120)
        done.update(status=answer.status_code, seconds=time.monotonic() - started, finished=time.monotonic())

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(1.5)  # the body is in and the file is being read
    slowest = 0.0
    reads_until = time.monotonic()
    while thread.is_alive() and time.monotonic() - reads_until < 20:
        started = time.monotonic()
        assert http("GET", f"{base}/api/v1/vendors", headers=reader, timeout=30).status_code == 200
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.1)
    last_read = time.monotonic()
    thread.join(timeout=120)
    assert done.get("status") == 201, done
    assert done["finished"] > last_read - 0.5, "the reads must have happened while the file was read"
    assert done["seconds"] > 2.0, f"the file must be slow to read for this test to mean anything: {done}"
    assert slowest < 1.0, f"a read waited {slowest:.2f} s while another client's file was read"
