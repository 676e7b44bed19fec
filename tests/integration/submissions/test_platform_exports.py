"""The standard exports of contact-centre platforms, uploaded as they come: read through their import profile."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import bearer, sign_in

EXPORTS = Path(__file__).resolve().parents[2] / "unit" / "submissions" / "platform_exports"


@pytest.fixture
def world(create_vendor, create_contract, create_user, create_token):
    vendor = create_vendor(name="Northwind Support")
    contract = create_contract(vendor, channels=["phone", "email", "chat"], monthly_fee=Decimal("1000000"),
                               currency="JPY", at_risk_percent=10, start_date="2025-01-01", end_date="2028-12-31")
    manager, staff = create_user("manager"), create_user("vendor", vendor=vendor)
    return {"contract": contract, "manager": create_token(manager), "vendor": create_token(staff),
            "manager_user": manager}


def upload(client, world, name: str, **fields):
    data = (EXPORTS / name).read_bytes()
    return client.post(f"/api/v1/contracts/{world['contract'].id}/submissions", headers=bearer(world["vendor"]),
                       data={"period": "2026-10", "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def add_target(client, world, metric: str, **extra):
    body = {"metric": metric, "kind": "kpi", "target": 20, "weight": 1, "credit_allocation_percent": 0,
            "effective_from": "2026-01", **extra}
    response = client.post(f"/api/v1/contracts/{world['contract'].id}/targets", headers=bearer(world["manager"]),
                           json=body)
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(("name", "profile"), [
    ("genesys_cloud_queue_interval.csv", "genesys_cloud_queue_interval"),
    ("amazon_connect_historical_queue.csv", "amazon_connect_historical_queue"),
    ("avaya_cms_split_skill_interval.csv", "avaya_cms_split_skill_interval"),
    ("zendesk_talk_calls.csv", "zendesk_talk_explore_calls"),
])
def test_a_platform_export_is_taken_without_editing_and_names_its_profile(client, world, name, profile):
    add_target(client, world, "asa", channel="phone")
    checked = upload(client, world, name, dry_run="true").get_json()
    assert checked["ok"] is True and checked["profile"] == profile, checked
    assert checked["derived_from_averages"] is True  # ASA comes as an average in each of them
    stored = upload(client, world, name)
    body = stored.get_json()
    assert stored.status_code == 201, body
    assert body["profile"] == profile and body["derived_from_averages"] is True
    accept = client.post(f"/api/v1/submissions/{body['id']}/accept", headers=bearer(world["manager"]))
    assert accept.status_code == 200
    card = client.get(f"/api/v1/contracts/{world['contract'].id}/scorecard?period=2026-10",
                      headers=bearer(world["manager"])).get_json()
    assert card["has_data"] is True and card["derived_from_averages"] is True
    [asa] = card["targets"]
    assert asa["actual"] is not None and asa["actual"] > 0


def test_the_reviewer_sees_the_profile_and_that_the_month_is_derived(client, world):
    body = upload(client, world, "genesys_cloud_queue_interval.csv").get_json()
    sign_in(client, world["manager_user"])
    html = client.get(f"/submissions/{body['id']}").get_data(as_text=True)
    assert 'data-testid="submission-profile"' in html and "Genesys Cloud" in html
    assert 'data-testid="derived-from-averages"' in html


def test_an_export_that_cannot_give_a_needed_measure_says_which_export_to_use(client, world):
    add_target(client, world, "service_level", kind="sla", minimum=75, target=80, credit_allocation_percent=40,
               channel="phone")
    response = upload(client, world, "zendesk_talk_calls.csv")
    assert response.status_code == 422, response.get_json()
    messages = " ".join(d["message"] for d in response.get_json()["error"]["details"])
    assert "Zendesk" in messages and "Explore" in messages
