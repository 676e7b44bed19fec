"""Fixtures for fault tests: a real gunicorn on the test database (stopped before each test ends) and a portal
with a vendor, a contract and its people."""

from __future__ import annotations

import pytest
from faultkit import Gunicorn


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """Start gunicorn on the test database (call with workers=…, extra VENDORPORTAL_* env); stopped at the end."""
    started: list[Gunicorn] = []

    def start(workers: int = 2, **env: str) -> Gunicorn:
        server = Gunicorn(database_url, tmp_path, workers, **env)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def portal(app, create_vendor, create_contract, create_user, create_token):
    """A vendor with a contract, its staff member, a manager, and their API tokens."""
    vendor = create_vendor()
    contract = create_contract(vendor)
    staff, manager = create_user("vendor", vendor=vendor), create_user("manager")
    return {"vendor": vendor, "contract": contract, "staff": staff, "manager": manager,
            "staff_token": create_token(staff), "manager_token": create_token(manager)}
