"""Sign-in throttling in Redis (REDIS_URL set): shared by every app instance, same rules as the database,
atomic under concurrency, and safe when Redis is down (counts fall back to the database)."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest
from helpers import TEST_PASSWORD, make_test_config
from sqlalchemy import func, select

from vendorportal import create_app

REDIS_ENV = "VENDORPORTAL_TEST_REDIS_URL"


@pytest.fixture(scope="session")
def redis_url():
    import redis

    url = os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as err:
        pytest.skip(f"no Redis at {url} ({err}); start redis-server or set {REDIS_ENV}")
    finally:
        client.close()
    return url


@pytest.fixture
def prefix(redis_url):
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    value = f"vp-test-{uuid.uuid4().hex[:12]}:"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=value + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def make_app(app, database_url):
    """Build more app instances on the test database (as more workers or hosts would be)."""
    from vendorportal.extensions import db

    made = []

    def make(**overrides):
        instance = create_app(make_test_config(database_url, **overrides))
        made.append(instance)
        return instance

    yield make
    for instance in made:
        with instance.app_context():
            db.engine.dispose()
        client = instance.extensions.get("vendorportal_redis")
        if client is not None:
            client.close()


def _fail(client, email, ip="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": "wrong password!"},
                       environ_base={"REMOTE_ADDR": ip}).status_code


def _ok(client, email, ip="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": TEST_PASSWORD},
                       environ_base={"REMOTE_ADDR": ip}).status_code


def _db_throttle_rows(app) -> int:
    from vendorportal.auth.models import LoginThrottle
    from vendorportal.extensions import db

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(LoginThrottle)).scalar_one()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_apps_sharing_redis_allow_the_limit_once_not_once_per_app(app, make_app, redis_url, prefix, create_user):
    import redis

    user = create_user("manager")
    first, second = (make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix) for _ in range(2))
    clients = [first.test_client(), second.test_client()]
    limit = app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit):
        assert _fail(clients[i % 2], user.email) == 401
    # The right password is refused on both instances: the count is the sum over both, not per instance.
    assert _ok(clients[0], user.email) == 429
    assert _ok(clients[1], user.email) == 429
    store = redis.Redis.from_url(redis_url)
    assert int(store.get(f"{prefix}login:fail:email:{user.email}")) == limit
    assert 0 < store.pttl(f"{prefix}login:lock:email:{user.email}") <= app.config["LOGIN_LOCK_SECONDS"] * 1000
    store.close()
    assert _db_throttle_rows(app) == 0  # counted in Redis, not in the database
    other = create_user("manager")
    assert _ok(clients[1], other.email) == 302


def test_concurrent_failures_from_two_apps_are_all_counted(make_app, redis_url, prefix):
    """INCR and its expiry run as one Lua script, so no failure is lost under concurrency."""
    import redis

    from vendorportal.auth import throttle
    from vendorportal.core.db import utcnow
    from vendorportal.extensions import db

    apps = [make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix) for _ in range(2)]
    threads_per_app, failures_each = 4, 25
    errors: list[BaseException] = []

    def hammer(instance):
        try:
            with instance.app_context():
                counts = throttle.counts(db.session)
                for _ in range(failures_each):
                    counts.count_failure("email:race@client.example", 10_000, utcnow())
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=hammer, args=(a,)) for a in apps for _ in range(threads_per_app)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    store = redis.Redis.from_url(redis_url)
    key = f"{prefix}login:fail:email:race@client.example"
    assert int(store.get(key)) == len(threads) * failures_each
    assert store.pttl(key) > 0  # the window expires
    store.close()


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_both_stores_follow_the_same_rules(make_app, redis_url, prefix, create_user, backend):
    """Per e-mail and per address limits, a success clears the e-mail's count, the lock ends after
    LOGIN_LOCK_SECONDS, and a failure later in the same window locks again at once."""
    extra = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix} if backend == "redis" else {}
    portal = make_app(LOGIN_MAX_FAILURES=3, LOGIN_IP_MAX_FAILURES=8, LOGIN_WINDOW_SECONDS=60,
                      LOGIN_LOCK_SECONDS=1, **extra)
    client = portal.test_client()
    user, other = create_user("manager"), create_user("manager")
    ip = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"

    assert [_fail(client, user.email, ip) for _ in range(2)] == [401, 401]
    assert _ok(client, user.email, ip) == 302  # clears the e-mail's count (not the address's)
    client.post("/logout")
    assert [_fail(client, user.email, ip) for _ in range(3)] == [401, 401, 401]
    assert _ok(client, user.email, ip) == 429
    time.sleep(1.2)  # the lock has ended, the window has not
    assert _fail(client, user.email, ip) == 401
    assert _ok(client, user.email, ip) == 429  # locked again by one more failure
    time.sleep(1.2)
    assert _ok(client, user.email, ip) == 302
    client.post("/logout")
    # The address has failed 6 times; two more (any e-mail) reach its limit of 8.
    assert [_fail(client, f"nobody-{i}@client.example", ip) for i in range(2)] == [401, 401]
    assert _ok(client, other.email, ip) == 429
    assert _ok(client, other.email, "10.8.0.1") == 302
    assert (_db_throttle_rows(portal) > 0) is (backend == "database")


def test_redis_down_counts_in_the_database_and_locks_nobody_out(make_app, create_user, caplog):
    user = create_user("manager")
    portal = make_app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", REDIS_RETRY_SECONDS=0)
    client = portal.test_client()
    with caplog.at_level("WARNING", logger="vendorportal.auth.throttle"):
        assert _ok(client, user.email) == 302  # Redis down does not lock anybody out
    client.post("/logout")
    assert any("Redis is unavailable" in r.getMessage() for r in caplog.records)
    limit = portal.config["LOGIN_MAX_FAILURES"]
    assert [_fail(client, user.email) for _ in range(limit)] == [401] * limit
    assert _ok(client, user.email) == 429  # and does not let guessing run unlimited
    assert _db_throttle_rows(portal) >= 1


def test_a_lock_set_in_the_database_during_an_outage_holds_when_redis_is_back(make_app, redis_url, prefix,
                                                                              create_user):
    user = create_user("manager")
    during = make_app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", REDIS_KEY_PREFIX=prefix).test_client()
    for _ in range(during.application.config["LOGIN_MAX_FAILURES"]):
        _fail(during, user.email)
    after = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix).test_client()
    assert _ok(after, user.email) == 429


def test_a_hanging_redis_costs_one_short_timeout_then_is_left_alone_for_a_while(make_app, create_user):
    """A Redis that accepts connections but never answers: sign-ins wait at most REDIS_SOCKET_TIMEOUT once,
    then use the database alone for REDIS_RETRY_SECONDS."""
    user = create_user("manager")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        portal = make_app(REDIS_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}/0", REDIS_SOCKET_TIMEOUT=0.3,
                          REDIS_RETRY_SECONDS=60)
        client = portal.test_client()
        started = time.monotonic()
        assert _fail(client, user.email) == 401
        first = time.monotonic() - started
        started = time.monotonic()
        assert [_fail(client, user.email) for _ in range(4)] == [401] * 4
        rest = time.monotonic() - started
        assert _ok(client, user.email) == 429
    assert 0.3 <= first < 3, first
    assert rest < 2, rest  # no Redis timeout paid again
