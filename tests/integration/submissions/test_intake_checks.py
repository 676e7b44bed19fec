"""Uploads that were once accepted with a wrong scorecard, the dry run, and warnings wherever people decide."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from helpers import bearer, sign_in

HEADER = "date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short"
ROWS = [("2026-04-01", "09:00", "main", 120, 112, 100, 8, 3), ("2026-04-02", "09:00", "main", 80, 79, 76, 1, 1)]


def two_channels(phone: str, email: str) -> bytes:
    lines = [HEADER]
    for channel in (phone, email):
        lines += [",".join(str(v) for v in (date, interval, channel, queue, *counts))
                  for date, interval, queue, *counts in ROWS]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def world(create_vendor, create_contract, create_user, create_token):
    vendor = create_vendor(name="株式会社コールプラス")
    contract = create_contract(vendor, channels=["phone", "email"], monthly_fee=Decimal("1000000"), currency="JPY",
                               at_risk_percent=10, start_date="2025-01-01", end_date="2028-12-31")
    manager, staff = create_user("manager"), create_user("vendor", vendor=vendor)
    return {"contract": contract, "manager": create_token(manager), "vendor": create_token(staff),
            "manager_user": manager, "vendor_user": staff}


def upload(client, world, data: bytes, name="april.csv", **fields):
    return client.post(f"/api/v1/contracts/{world['contract'].id}/submissions", headers=bearer(world["vendor"]),
                       data={"period": "2026-04", "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def scorecard(client, world, data: bytes) -> dict:
    sub = upload(client, world, data)
    assert sub.status_code == 201, sub.get_json()
    accept = client.post(f"/api/v1/submissions/{sub.get_json()['id']}/accept", headers=bearer(world["manager"]))
    assert accept.status_code == 200
    card = client.get(f"/api/v1/contracts/{world['contract'].id}/scorecard?period=2026-04",
                      headers=bearer(world["manager"])).get_json()
    return {(t["metric"], t["channel"]): (t["actual"], t["status"], t["credit"]) for t in card["targets"]}


def add_targets(client, world):
    for channel in ("phone", "email"):
        response = client.post(f"/api/v1/contracts/{world['contract'].id}/targets", headers=bearer(world["manager"]),
                               json={"metric": "service_level", "kind": "sla", "target": 95, "minimum": 92,
                                     "weight": 1, "credit_allocation_percent": 40, "effective_from": "2026-01",
                                     "channel": channel})
        assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(("phone", "email"), [("電話", "メール"), ("Voice", "Email"), ("TEL", "E-mail")])
def test_channels_written_the_way_people_write_them_score_like_the_template(client, world, phone, email):
    add_targets(client, world)
    card = scorecard(client, world, two_channels(phone, email))
    # Before: every phone and e-mail target showed "no data" and the credits were 0.
    assert card[("service_level", "phone")][1] == "breach" and card[("service_level", "phone")][2] == "40000"
    assert card[("service_level", "email")][1] == "breach" and card[("service_level", "email")][2] == "40000"


def test_a_channel_the_contract_does_not_have_is_refused_naming_the_allowed_ones(client, world):
    response = upload(client, world, two_channels("phone", "chat"))
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert details[0]["row"] == 4 and details[0]["column"] == "channel"
    assert "its channels are phone, email" in details[0]["message"]


def test_a_dry_run_answers_the_month_and_stores_nothing(client, world, app):
    from vendorportal.extensions import db
    from vendorportal.submissions.models import Submission, UploadAttempt

    for how in ({"dry_run": "true"}, {}):
        response = client.post(
            f"/api/v1/contracts/{world['contract'].id}/submissions" + ("" if how else "?dry_run=1"),
            headers=bearer(world["vendor"]), content_type="multipart/form-data",
            data={"period": "2026-04", "file": (io.BytesIO(two_channels("電話", "メール")), "april.csv"), **how})
        body = response.get_json()
        assert response.status_code == 200 and body["dry_run"] is True and body["ok"] is True, body
        assert body["rows"] == 4 and body["errors"] == []
        assert body["month"]["*"]["totals"]["offered"] == "400"
        assert body["month"]["phone"]["metrics"]["answer_rate"] == pytest.approx(191 / 200 * 100)
    bad = upload(client, world, two_channels("phone", "fax"), dry_run="1").get_json()
    assert bad["ok"] is False and bad["errors"][0]["column"] == "channel"
    with app.app_context():
        assert db.session.query(Submission).count() == 0 and db.session.query(UploadAttempt).count() == 0


def test_a_refused_upload_keeps_the_warnings_that_explain_it(client, world):
    data = b"date,channel,offred,answered\n2026-05-01,phone,10,11\n"
    body = upload(client, world, data).get_json()
    assert body["error"]["code"] == "invalid_file"
    assert [w["column"] for w in body["warnings"]] == ["offred"]
    assert "Did you mean offered?" in body["warnings"][0]["message"]


def test_an_implausible_month_is_taken_with_a_warning_the_reviewer_sees(client, world):
    data = b"date,offered,answered,handle_time_total_s\n2026-04-01,100,90,33.3\n"  # AHT 0.37 s
    response = upload(client, world, data)
    assert response.status_code == 201
    [warning] = response.get_json()["warnings"]
    assert warning["column"] == "aht" and "average handle time is 0.4 s" in warning["message"]
    page = client.get(f"/submissions/{response.get_json()['id']}")
    assert page.status_code == 302  # the page needs a signed-in person
    sign_in(client, world["manager_user"])
    html = client.get(f"/submissions/{response.get_json()['id']}").get_data(as_text=True)
    assert 'data-testid="submission-warnings"' in html and "average handle time is 0.4 s" in html


def test_the_upload_page_checks_a_file_and_shows_its_warnings(client, world):
    sign_in(client, world["vendor_user"])
    data = "date,channel,offred,offered\n2026-04-01,電話,1,10\n".encode()
    page = client.post(f"/contracts/{world['contract'].id}/data", content_type="multipart/form-data",
                       data={"period": "2026-04", "file": (io.BytesIO(data), "april.csv"), "dry_run": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="upload-warnings"' in html and "offred" in html
    assert "nothing was stored" in html and 'data-testid="check-figures"' in html
    versions = client.get(f"/contracts/{world['contract'].id}/data").get_data(as_text=True)
    assert "No uploads yet." in versions


@pytest.mark.parametrize(("language", "heading"), [("en", "Column names"), ("ja", "列名一覧")])
def test_the_column_names_page_lists_every_accepted_name_in_the_readers_language(client, world, app, language,
                                                                                 heading):
    from vendorportal.auth.models import User
    from vendorportal.extensions import db

    with app.app_context():
        db.session.get(User, world["manager_user"].id).language = language
        db.session.commit()
    sign_in(client, world["manager_user"])
    html = client.get("/help/column-names").get_data(as_text=True)
    assert heading in html and "受電数" in html and "e-mail" in html and "チャット" in html
    assert ("秒、h:mm:ss または mm:ss" if language == "ja" else "seconds, h:mm:ss or mm:ss") in html
