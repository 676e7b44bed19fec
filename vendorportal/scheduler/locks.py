"""One runner per job at a time, however many scheduler processes or hosts are started.

PostgreSQL: a session-level advisory lock on a dedicated connection held for the whole job; it dies with the
process, so a crashed scheduler never blocks the next one. (A transaction-level lock through a pooled
connection would be released at once.) SQLite is one machine's database: an exclusive lock on a file beside
the database file (`<database>.<job>.lock`) does the same for the processes of that machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

LOCK_CLASS = 0x5650  # "VP": the first key of every advisory lock this portal takes


def lock_key(name: str) -> int:
    """Return a stable signed 32-bit key for a job name."""
    value = zlib.crc32(f"vendorportal:{name}".encode())
    return value - 2**32 if value >= 2**31 else value


@contextlib.contextmanager
def exclusive(engine, name: str, lock_dir: str | Path) -> Iterator[bool]:
    """Yield True when this process holds the job's lock for the block, False when another one has it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:a, :b)"),
                                    {"a": LOCK_CLASS, "b": lock_key(name)}).scalar())
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), {"a": LOCK_CLASS, "b": lock_key(name)})
        return
    database = engine.url.database
    if database and database != ":memory:":
        path = Path(database).with_name(f"{Path(database).name}.{name}.lock")
    else:
        path = Path(lock_dir) / f"scheduler-{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
