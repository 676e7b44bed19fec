"""Where failed sign-ins are counted: the database (default) or Redis (REDIS_URL set), shared by every worker.

Both stores keep the same rule per key ("email:…" or "ip:…"): the first failure opens a window of
LOGIN_WINDOW_SECONDS; the failure that reaches the key's limit within the window locks the key for
LOGIN_LOCK_SECONDS. In Redis a failure is one Lua script (INCR, PEXPIRE on the first failure, SET of the
lock key with PX at the limit), so concurrent workers on any number of hosts cannot lose a count.

When Redis is configured but cannot be reached (refused, or no answer within REDIS_SOCKET_TIMEOUT), the
counts go to the database instead, a warning is logged (at most once a minute per process), and that process
leaves Redis alone for REDIS_RETRY_SECONDS before trying it again. The limits still hold, shared through the
database; nobody is locked out because Redis is down, and a Redis error never counts as a lock. A lock
recorded in the database during an outage is still honoured after Redis is back: the lock check always reads
both stores.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.auth.models import LoginThrottle
from vendorportal.core.db import as_utc

log = logging.getLogger(__name__)

_FAIL = """
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then redis.call('SET', KEYS[2], '1', 'PX', ARGV[3]) end
return n
"""


class Counts(Protocol):
    def locked_until(self, keys: list[str], now: dt.datetime) -> dt.datetime | None: ...

    def count_failure(self, key: str, limit: int, now: dt.datetime) -> None: ...

    def clear(self, key: str) -> None: ...


class DatabaseCounts:
    """Counts in the login_throttles table (one row per key), written in the request's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_until(self, keys: list[str], now: dt.datetime) -> dt.datetime | None:
        rows = self.session.execute(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).scalars()
        until = [as_utc(r.locked_until) for r in rows if r.locked_until and as_utc(r.locked_until) > now]
        return max(until) if until else None

    def count_failure(self, key: str, limit: int, now: dt.datetime) -> None:
        cfg = current_app.config
        window = dt.timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
        row = self.session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_started_at=now)
            self.session.add(row)
        if now - as_utc(row.window_started_at) > window:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + dt.timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
        self.session.flush()

    def clear(self, key: str) -> None:
        row = self.session.get(LoginThrottle, key)
        if row is not None:
            self.session.delete(row)


class RedisCounts:
    """Counts in Redis: "<prefix>fail:<key>" (failures, expires with the window), "<prefix>lock:<key>"."""

    def __init__(self, client, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._fail = client.register_script(_FAIL)

    def _keys(self, key: str) -> list[str]:
        return [f"{self.prefix}fail:{key}", f"{self.prefix}lock:{key}"]

    def locked_until(self, keys: list[str], now: dt.datetime) -> dt.datetime | None:
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.pttl(self._keys(key)[1])
        left = [ms for ms in pipe.execute() if ms and ms > 0]
        return now + dt.timedelta(milliseconds=max(left)) if left else None

    def count_failure(self, key: str, limit: int, now: dt.datetime) -> None:
        cfg = current_app.config
        self._fail(keys=self._keys(key), args=[int(cfg["LOGIN_WINDOW_SECONDS"] * 1000), int(limit),
                                               int(cfg["LOGIN_LOCK_SECONDS"] * 1000)])

    def clear(self, key: str) -> None:
        self.client.delete(*self._keys(key))


class Failover:
    """Redis first, the database when Redis fails; locks are read from both.

    After a Redis error the database alone is used for REDIS_RETRY_SECONDS (per process), so an outage
    costs at most one socket timeout now and then, not one per sign-in.
    """

    _warned_at: float | None = None

    def __init__(self, primary: RedisCounts, fallback: DatabaseCounts, retry_seconds: float) -> None:
        self.primary, self.fallback, self.retry_seconds = primary, fallback, retry_seconds

    def _redis_up(self) -> bool:
        return time.monotonic() >= getattr(self.primary.client, "_vp_down_until", 0.0)

    def _redis_failed(self, err: Exception) -> None:
        now = time.monotonic()
        self.primary.client._vp_down_until = now + self.retry_seconds
        if Failover._warned_at is None or now - Failover._warned_at >= 60:
            Failover._warned_at = now
            log.warning("Redis is unavailable for sign-in throttling (%s); counting failed sign-ins in the "
                        "database until it is back.", err)

    def locked_until(self, keys: list[str], now: dt.datetime) -> dt.datetime | None:
        from redis.exceptions import RedisError

        found = [self.fallback.locked_until(keys, now)]
        if self._redis_up():
            try:
                found.append(self.primary.locked_until(keys, now))
            except RedisError as err:
                self._redis_failed(err)
        found = [u for u in found if u is not None]
        return max(found) if found else None

    def count_failure(self, key: str, limit: int, now: dt.datetime) -> None:
        from redis.exceptions import RedisError

        if self._redis_up():
            try:
                self.primary.count_failure(key, limit, now)
                return
            except RedisError as err:
                self._redis_failed(err)
        self.fallback.count_failure(key, limit, now)

    def clear(self, key: str) -> None:
        from redis.exceptions import RedisError

        self.fallback.clear(key)
        if self._redis_up():
            try:
                self.primary.clear(key)
            except RedisError as err:
                self._redis_failed(err)


def redis_client(app=None):
    """Return the app's Redis client (made once per app; None when REDIS_URL is not set)."""
    app = app or current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("vendorportal_redis")
    if client is None:
        import redis

        timeout = float(app.config.get("REDIS_SOCKET_TIMEOUT", 0.5))
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                      health_check_interval=30)
        app.extensions["vendorportal_redis"] = client
    return client


def counts(session: Session) -> Counts:
    """Return the store for this app: Redis with the database as fallback, or the database alone."""
    client = redis_client()
    database = DatabaseCounts(session)
    if client is None:
        return database
    cfg = current_app.config
    prefix = cfg.get("REDIS_KEY_PREFIX", "vendorportal:") + "login:"
    return Failover(RedisCounts(client, prefix), database, float(cfg.get("REDIS_RETRY_SECONDS", 5)))
