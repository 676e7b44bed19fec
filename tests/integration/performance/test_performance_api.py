"""Targets, submissions, review and scorecards through the API, with the role rules."""

import io
from decimal import Decimal

import pytest
from helpers import bearer

HEADER = "date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short,wait_time_total_s"


def interval_csv(rows: list[tuple]) -> bytes:
    lines = [HEADER] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


# Three intervals (KAT-04): month SL = 386 / 490 = 78.78 % with short abandons excluded.
KAT04 = [
    ("2026-04-01", "09:00", "phone", "main", 120, 112, 100, 8, 3, 1200),
    ("2026-04-01", "09:30", "phone", "main", 300, 270, 210, 30, 6, 5400),
    ("2026-04-02", "09:00", "phone", "main", 80, 79, 76, 1, 1, 400),
]
KAT04_MONTH = [("2026-04-30", "", "phone", "main", 500, 461, 386, 39, 10, 7000)]


@pytest.fixture
def setup(create_vendor, create_contract, create_user, create_token):
    vendor, other = create_vendor(name="株式会社コールプラス"), create_vendor()
    contract = create_contract(vendor, monthly_fee=Decimal("1000000"), currency="JPY", at_risk_percent=10,
                               start_date="2025-01-01", end_date="2028-12-31", submission_due_day=10)
    other_contract = create_contract(other)
    tokens = {
        "manager": create_token(create_user("manager")),
        "executive": create_token(create_user("executive")),
        "vendor": create_token(create_user("vendor", vendor=vendor)),
        "other_vendor": create_token(create_user("vendor", vendor=other)),
    }
    return contract, other_contract, tokens


def add_target(client, contract, token, **body):
    data = {"metric": "service_level", "kind": "sla", "target": 80, "minimum": 75, "weight": 1,
            "credit_allocation_percent": 50, "effective_from": "2026-01", **body}
    return client.post(f"/api/v1/contracts/{contract.id}/targets", json=data, headers=bearer(token))


def upload(client, contract, token, data: bytes, period="2026-04", name="april.csv"):
    return client.post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(token),
                       data={"period": period, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_targets_are_versioned_by_month(client, setup):
    contract, _other, tokens = setup
    assert add_target(client, contract, tokens["manager"]).status_code == 201
    assert add_target(client, contract, tokens["manager"], target=85, minimum=80, effective_from="2026-04").status_code == 201
    march = client.get(f"/api/v1/contracts/{contract.id}/targets?period=2026-03", headers=bearer(tokens["manager"])).get_json()
    april = client.get(f"/api/v1/contracts/{contract.id}/targets?period=2026-04", headers=bearer(tokens["vendor"])).get_json()
    assert [t["target"] for t in march["items"]] == ["80"]
    assert [t["target"] for t in april["items"]] == ["85"]
    before = client.get(f"/api/v1/contracts/{contract.id}/targets?period=2025-12", headers=bearer(tokens["manager"]))
    assert before.get_json()["items"] == []


def test_invalid_targets_name_each_bad_field(client, setup):
    contract, _other, tokens = setup
    response = add_target(client, contract, tokens["manager"], metric="nope", kind="x", effective_from="2026-13")
    assert response.status_code == 422
    assert {"metric", "kind", "effective_from"} <= {d["field"] for d in response.get_json()["error"]["details"]}
    wrong_minimum = add_target(client, contract, tokens["manager"], target=80, minimum=90)
    assert [d["field"] for d in wrong_minimum.get_json()["error"]["details"]] == ["minimum"]
    kpi_credit = add_target(client, contract, tokens["manager"], kind="kpi", credit_allocation_percent=10)
    assert [d["field"] for d in kpi_credit.get_json()["error"]["details"]] == ["credit_allocation_percent"]


def test_target_role_rules(client, setup):
    contract, other, tokens = setup
    assert add_target(client, contract, tokens["executive"]).status_code == 403
    assert add_target(client, contract, tokens["vendor"]).status_code == 403
    assert add_target(client, contract, tokens["other_vendor"]).status_code == 404
    assert client.get(f"/api/v1/contracts/{contract.id}/targets", headers=bearer(tokens["other_vendor"])).status_code == 404


def test_metric_catalog_lists_every_metric_in_both_languages(client, setup):
    _c, _o, tokens = setup
    items = {m["key"]: m for m in client.get("/api/v1/metrics", headers=bearer(tokens["vendor"])).get_json()["items"]}
    assert {"service_level", "answer_rate", "abandonment_rate", "asa", "aht", "fcr", "csat", "nps", "ces",
            "qa_score", "email_response", "median_wait", "resolution_rate"} <= set(items)
    assert items["service_level"]["name_ja"] == "サービスレベル" and items["asa"]["direction"] == "lower"


def test_vendor_uploads_a_month_and_the_manager_accepts_it(client, setup):
    contract, _other, tokens = setup
    add_target(client, contract, tokens["manager"])
    data = interval_csv(KAT04)
    created = upload(client, contract, tokens["vendor"], data)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["version"] == 1 and body["status"] == "submitted" and body["late"] is True
    import hashlib

    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["warnings"] == []
    got = client.get(f"/api/v1/submissions/{body['id']}", headers=bearer(tokens["vendor"])).get_json()
    assert got["id"] == body["id"]
    assert client.post(f"/api/v1/submissions/{body['id']}/accept", headers=bearer(tokens["vendor"])).status_code == 403
    assert client.post(f"/api/v1/submissions/{body['id']}/accept", headers=bearer(tokens["executive"])).status_code == 403
    accepted = client.post(f"/api/v1/submissions/{body['id']}/accept", headers=bearer(tokens["manager"]))
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    again = upload(client, contract, tokens["vendor"], data)
    assert again.status_code == 409
    card = client.get(f"/api/v1/contracts/{contract.id}/scorecard?period=2026-04", headers=bearer(tokens["vendor"])).get_json()
    row = card["targets"][0]
    assert row["metric"] == "service_level" and row["actual"] == pytest.approx(386 / 490 * 100)
    assert row["status"] == "missed" and card["credits_total"] == "0"


def test_a_file_with_errors_stores_nothing_and_says_where(client, setup):
    contract, _other, tokens = setup
    add_target(client, contract, tokens["manager"])
    bad = interval_csv([KAT04[0], ("2026-04-01", "10:00", "phone", "main", 10, 12, 5, 0, 0, 30)])
    response = upload(client, contract, tokens["vendor"], bad)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert any(d["row"] == 3 and d["column"] == "answered" for d in details), details
    listed = client.get(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(tokens["vendor"])).get_json()
    assert listed["items"] == []


def test_return_needs_a_comment_and_the_vendor_uploads_a_new_version(client, setup):
    contract, _other, tokens = setup
    add_target(client, contract, tokens["manager"])
    first = upload(client, contract, tokens["vendor"], interval_csv(KAT04)).get_json()
    no_comment = client.post(f"/api/v1/submissions/{first['id']}/return", json={}, headers=bearer(tokens["manager"]))
    assert no_comment.status_code == 422
    returned = client.post(f"/api/v1/submissions/{first['id']}/return", json={"comment": "Queue totals are off"},
                           headers=bearer(tokens["manager"]))
    assert returned.get_json()["status"] == "returned"
    second = upload(client, contract, tokens["vendor"], interval_csv(KAT04_MONTH)).get_json()
    assert second["version"] == 2
    versions = client.get(f"/api/v1/contracts/{contract.id}/submissions?period=2026-04", headers=bearer(tokens["vendor"]))
    assert [s["version"] for s in versions.get_json()["items"]] == [2, 1]
    assert versions.get_json()["items"][1]["review_comment"] == "Queue totals are off"


def test_other_vendors_cannot_read_or_upload(client, setup):
    contract, _other, tokens = setup
    first = upload(client, contract, tokens["vendor"], interval_csv(KAT04)).get_json()
    assert upload(client, contract, tokens["other_vendor"], interval_csv(KAT04)).status_code == 404
    assert client.get(f"/api/v1/submissions/{first['id']}", headers=bearer(tokens["other_vendor"])).status_code == 404
    assert client.get(f"/api/v1/contracts/{contract.id}/scorecard?period=2026-04",
                      headers=bearer(tokens["other_vendor"])).status_code == 404
    assert upload(client, contract, tokens["executive"], interval_csv(KAT04)).status_code == 403


def _scorecard_after(client, contract, tokens, data: bytes, name: str):
    sub = upload(client, contract, tokens["vendor"], data, name=name)
    assert sub.status_code == 201, sub.get_json()
    client.post(f"/api/v1/submissions/{sub.get_json()['id']}/accept", headers=bearer(tokens["manager"]))
    card = client.get(f"/api/v1/contracts/{contract.id}/scorecard?period=2026-04", headers=bearer(tokens["manager"]))
    return card.get_json()


def test_interval_rows_and_one_monthly_row_give_the_same_scorecard(client, setup, create_contract):
    contract, _other, tokens = setup
    twin = create_contract(contract, vendor_id=contract.vendor_id, monthly_fee=Decimal("1000000"), currency="JPY",
                           at_risk_percent=10, start_date="2025-01-01", end_date="2028-12-31")
    for c in (contract, twin):
        add_target(client, c, tokens["manager"], target=80, minimum=79)
        add_target(client, c, tokens["manager"], metric="asa", kind="kpi", target=20, minimum=None,
                   credit_allocation_percent=0)
    by_interval = _scorecard_after(client, contract, tokens, interval_csv(KAT04), "intervals.csv")
    by_month = _scorecard_after(client, twin, tokens, interval_csv(KAT04_MONTH), "month.csv")
    strip = lambda card: {k: v for k, v in card.items() if k != "contract_id"}  # noqa: E731
    assert strip(by_interval) == strip(by_month)
    sl = by_interval["targets"][[t["metric"] for t in by_interval["targets"]].index("service_level")]
    assert sl["status"] == "breach" and sl["credit"] == "50000"
    assert by_interval["credits_total"] == "50000" and by_interval["currency"] == "JPY"


def test_credit_capped_at_the_at_risk_amount(client, setup):
    contract, _other, tokens = setup
    add_target(client, contract, tokens["manager"], credit_allocation_percent=80, minimum=79)
    add_target(client, contract, tokens["manager"], metric="answer_rate", target=99, minimum=98,
               credit_allocation_percent=60)
    card = _scorecard_after(client, contract, tokens, interval_csv(KAT04), "april.csv")
    assert card["credits_uncapped"] == "140000" and card["credits_total"] == "100000"


def test_the_same_data_in_cp932_tsv_utf8_bom_and_xlsx_gives_the_same_scorecard(client, setup, create_contract):
    contract, _other, tokens = setup
    ja_header = "日付\t時間帯\tチャネル\tキュー\t着信数\t応答数\t時間内応答数\t放棄数\t短時間放棄数\t総待ち時間(秒)"
    tsv = "\r\n".join([ja_header] + ["\t".join(str(v) for v in row) for row in KAT04]) + "\r\n"
    files = {"cp932.txt": tsv.encode("cp932"), "bom.csv": b"\xef\xbb\xbf" + interval_csv(KAT04)}
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in KAT04:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    files["book.xlsx"] = buffer.getvalue()
    cards = []
    for name, data in files.items():
        c = create_contract(contract, vendor_id=contract.vendor_id, monthly_fee=Decimal("1000000"), currency="JPY",
                            at_risk_percent=10, start_date="2025-01-01", end_date="2028-12-31")
        add_target(client, c, tokens["manager"], target=80, minimum=79)
        card = _scorecard_after(client, c, tokens, data, name)
        card.pop("contract_id")
        cards.append(card)
    assert cards[0] == cards[1] == cards[2]
    assert cards[0]["targets"][0]["actual"] == pytest.approx(386 / 490 * 100)


def test_templates_list_the_columns_the_targets_need(client, setup):
    contract, _other, tokens = setup
    add_target(client, contract, tokens["manager"])
    add_target(client, contract, tokens["manager"], metric="csat", kind="kpi", target=85, minimum=None,
               credit_allocation_percent=0)
    csv_template = client.get(f"/api/v1/contracts/{contract.id}/template.csv?period=2026-04", headers=bearer(tokens["vendor"]))
    assert csv_template.status_code == 200
    header = csv_template.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["date", "interval", "channel", "queue"]
    assert {"answered_within_sl", "offered", "abandoned_short", "csat_responses", "csat_satisfied"} <= set(header)
    xlsx = client.get(f"/api/v1/contracts/{contract.id}/template.xlsx?period=2026-04", headers=bearer(tokens["vendor"]))
    assert xlsx.status_code == 200 and xlsx.data[:4] == b"PK\x03\x04"
    # The template's own example row is valid data.
    assert upload(client, contract, tokens["vendor"], xlsx.data, name="template.xlsx").status_code == 201


def test_an_oversized_upload_is_413(database_url, setup):
    from helpers import make_test_config

    from vendorportal import create_app

    contract, _other, tokens = setup
    small = create_app(make_test_config(database_url, MAX_CONTENT_LENGTH=2048)).test_client()
    response = upload(small, contract, tokens["vendor"], b"x" * 5000)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_accept_with_a_body_that_is_not_an_object_or_a_bad_comment_is_refused(client, setup):
    contract, _other, tokens = setup
    sub = upload(client, contract, tokens["vendor"], interval_csv(KAT04)).get_json()
    url = f"/api/v1/submissions/{sub['id']}/accept"
    assert client.post(url, json=[1], headers=bearer(tokens["manager"])).status_code == 400
    assert client.post(url, json={"comment": {"x": 1}}, headers=bearer(tokens["manager"])).status_code == 422
    assert client.post(url, json={"comment": "Looks right"}, headers=bearer(tokens["manager"])).status_code == 200
