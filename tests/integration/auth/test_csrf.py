"""CSRF protection on every form when it is enabled (as in production)."""

import pytest
from helpers import TEST_PASSWORD, csrf_token_from, make_test_config

from vendorportal import create_app


@pytest.fixture
def csrf_client(app, database_url):
    return create_app(make_test_config(database_url, WTF_CSRF_ENABLED=True)).test_client()


def test_a_form_post_without_a_token_is_refused(csrf_client, create_user):
    user = create_user("manager")
    response = csrf_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert csrf_client.get("/home").status_code == 302


def test_a_form_post_with_a_forged_token_is_refused_and_a_real_one_works(csrf_client, create_user):
    user = create_user("manager")
    page = csrf_client.get("/login").get_data(as_text=True)
    forged = csrf_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": "x" * 40})
    assert forged.status_code == 400
    real = csrf_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                            "csrf_token": csrf_token_from(page)})
    assert real.status_code == 302
    home = csrf_client.get("/home").get_data(as_text=True)
    assert csrf_client.post("/logout").status_code == 400  # no token: still signed in
    assert csrf_client.get("/home").status_code == 200
    assert csrf_client.post("/logout", data={"csrf_token": csrf_token_from(home)}).status_code == 302
