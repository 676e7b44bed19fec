"""Shared set-up for the benches: a throwaway instance, a migrated database, users and tokens."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable


def make_app(database_url: str | None = None):
    """Return a production-like app on a fresh database (SQLite in a temp folder unless a URL is given)."""
    folder = tempfile.mkdtemp(prefix="vp-bench-")
    os.environ["VENDORPORTAL_INSTANCE_PATH"] = folder
    from flask_migrate import upgrade

    from vendorportal import create_app

    app = create_app({
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "DATABASE_URL": database_url or f"sqlite:///{folder}/bench.sqlite3",
        "ARGON2_MEMORY_COST": 1024, "ARGON2_TIME_COST": 1, "MAX_CONTENT_LENGTH": 200 * 1024 * 1024,
        # The bench signs in with the test client over http, without a browser to carry CSRF tokens.
        "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
    })
    with app.app_context():
        upgrade()
    return app


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Return the best wall time of `repeat` runs of fn, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median_of(fn: Callable[[], object], repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER BOUND"
