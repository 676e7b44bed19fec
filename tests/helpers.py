"""Helpers for tests: sign in through the real form, bearer headers, CSRF tokens from pages."""

from __future__ import annotations

import re

TEST_PASSWORD = "correct horse battery staple"


def sign_in(client, user, password: str = TEST_PASSWORD):
    """Sign a test client in through the real form; return the response."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_test_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # Cheap hashes keep the suite fast; test_passwords checks the production cost.
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_TIME_COST": 1,
        "DB_POOL_SIZE": 2,
    }
    config.update(overrides)
    return config
