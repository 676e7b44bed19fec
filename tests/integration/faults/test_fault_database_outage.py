"""The database goes away for a few seconds while requests keep coming, and the portal recovers by itself.

On PostgreSQL the server is really restarted (pg_ctlcluster) under a stream of API reads and writes: requests
caught by the restart answer 503 with the JSON error shape and Retry-After, quickly, none hangs, and requests
succeed again within seconds without restarting the app (the pool's pre-ping replaces dead connections).
PostgreSQL is started again at the end whatever happened.

On SQLite another writer holds the database's write lock for a few seconds: requests wait for it (busy
timeout) and then succeed; none fails.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field

import pytest
from helpers import bearer
from sqlalchemy.engine import make_url


@dataclass
class Traffic:
    """API requests in a loop from threads, each recorded as (started, finished, status, body)."""

    app: object
    token: str
    threads: int = 1
    results: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _run(self, n: int) -> None:
        client = self.app.test_client()
        deadline = time.monotonic() + 60  # bounded whatever happens
        i = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            i += 1
            started = time.monotonic()
            try:
                if i % 2:
                    response = client.get("/api/v1/vendors", headers=bearer(self.token))
                else:
                    code = f"T{n}{uuid.uuid4().hex[:8]}".upper()
                    response = client.post("/api/v1/vendors", json={"name": code, "code": code, "tier": "low"},
                                           headers=bearer(self.token))
            except Exception:  # escaped the app (a 500 in production): recorded, and the test fails on it
                self.results.append((started, time.monotonic(), 500, traceback.format_exc(), None))
                continue
            self.results.append((started, time.monotonic(), response.status_code, response.get_json(silent=True),
                                 response.headers.get("Retry-After")))
            time.sleep(0.03)

    def __enter__(self):
        self.workers = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=30)
        assert not any(w.is_alive() for w in self.workers), "a request hung"

    def wait_for_successes(self, count: int, after: float, timeout: float) -> float | None:
        """Wait until `count` requests in a row started after `after` succeeded; return when the first did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            later = sorted((r for r in list(self.results) if r[0] >= after), key=lambda r: r[0])
            for i in range(len(later) - count + 1):
                if all(r[2] in (200, 201) for r in later[i:i + count]):
                    return later[i][0]
            time.sleep(0.05)
        return None


def _pg_cluster(database_url: str) -> tuple[str, str]:
    url = make_url(database_url)
    if url.host not in ("127.0.0.1", "localhost", "::1") or not shutil.which("pg_ctlcluster"):
        pytest.skip("restarting PostgreSQL needs a local cluster and pg_ctlcluster")
    port = str(url.port or 5432)
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        version, name, cluster_port = line.split()[:3]
        if cluster_port == port:
            return version, name
    pytest.skip(f"no local cluster on port {port}")


def _pg_ready(port: int) -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-q"]).returncode == 0


@pytest.fixture
def postgres_cluster(database_url):
    """The local cluster of the test database; running again when the test ends, even after a failure."""
    version, name = _pg_cluster(database_url)
    port = make_url(database_url).port or 5432
    yield version, name
    if not _pg_ready(port):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], timeout=120)
    for _ in range(120):
        if _pg_ready(port):
            break
        time.sleep(0.5)
    assert _pg_ready(port), "PostgreSQL did not come back"


def _postgres_restart(request, app, token) -> None:
    version, name = request.getfixturevalue("postgres_cluster")
    with Traffic(app, token) as traffic:
        assert traffic.wait_for_successes(5, after=0, timeout=15), traffic.results[-5:]
        restart_started = time.monotonic()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
                       check=True, timeout=120, capture_output=True)
        restarted = time.monotonic()
        recovered = traffic.wait_for_successes(10, after=restarted, timeout=20)
    results = traffic.results
    assert recovered is not None, f"no recovery after the restart: {results[-10:]}"
    assert recovered - restarted < 5, recovered - restarted
    during = [r for r in results if r[1] >= restart_started and r[0] <= restarted]
    assert during, "no request ran during the restart"
    for started, finished, status, body, retry_after in results:
        assert finished - started < 10, "a request hung"
        assert status in (200, 201, 503), (status, body)
        if status == 503:
            assert body["error"]["code"] == "unavailable" and retry_after, body
    after = [r for r in results if r[0] >= recovered]
    assert all(r[2] in (200, 201) for r in after), [r[2] for r in after]


def _sqlite_locked(app, database_url, token) -> None:
    path = make_url(database_url).database
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        with Traffic(app, token, threads=3) as traffic:
            assert traffic.wait_for_successes(5, after=0, timeout=15), traffic.results[-5:]
            holder.execute("BEGIN IMMEDIATE")  # another writer takes the write lock ...
            locked = time.monotonic()
            time.sleep(3)
            holder.execute("ROLLBACK")  # ... and lets go three seconds later
            released = time.monotonic()
            assert traffic.wait_for_successes(6, after=released, timeout=15), traffic.results[-6:]
    finally:
        holder.close()
    results = traffic.results
    assert all(r[2] in (200, 201) for r in results), [(r[2], r[3]) for r in results if r[2] not in (200, 201)]
    waited = [r for r in results if locked <= r[0] < released - 0.5]
    assert waited, "no request arrived while the database was locked"
    assert all(r[1] >= released - 0.05 for r in waited), "a request went through the lock instead of waiting"
    assert max(r[1] - r[0] for r in results) < 6


def test_the_portal_rides_out_a_database_outage_by_itself(request, app, database_url, is_postgres, create_user,
                                                          create_token):
    token = create_token(create_user("manager"))
    if is_postgres:
        _postgres_restart(request, app, token)
    else:
        _sqlite_locked(app, database_url, token)
