"""The monthly-data flow in a real browser: errors shown, fixed, returned with a comment, accepted, scored."""

import re
from decimal import Decimal

import pytest
from helpers import TEST_PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GOOD = (b"date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short\n"
        b"2026-04-01,09:00,phone,main,120,112,100,8,3\n2026-04-01,09:30,phone,main,300,270,210,30,6\n")
BAD = (b"date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short\n"
       b"2026-04-01,09:00,phone,main,120,112,100,8,3\n2026-05-01,09:30,phone,main,300,-270,210,30,6\n")


def sign_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))


def upload(page, base, contract_id, name, data):
    page.goto(f"{base}/contracts/{contract_id}/data")
    page.get_by_label("Month (YYYY-MM)").fill("2026-04")
    page.get_by_label("File (CSV or Excel)").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Upload", exact=True).click()


def test_upload_review_and_scorecard(browser, live_server, app, create_vendor, create_contract, create_user):
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.targets import services as targets

    vendor = create_vendor(name="Northwind Contact Services")
    contract = create_contract(vendor, reference="NW-1", monthly_fee=Decimal("1000000"), currency="JPY",
                               start_date="2025-01-01", end_date="2028-12-31")
    with app.app_context():
        targets.add_target(db.session, None, db.session.get(Contract, contract.id), {
            "metric": "service_level", "kind": "sla", "target": "80", "minimum": "75",
            "credit_allocation_percent": "50", "effective_from": "2026-01"})
        db.session.commit()
    staff, manager = create_user("vendor", vendor=vendor), create_user("manager")
    vendor_ctx, manager_ctx = browser.new_context(locale="en-GB"), browser.new_context(locale="en-GB")
    v, m = vendor_ctx.new_page(), manager_ctx.new_page()

    sign_in(v, live_server, staff.email)
    upload(v, live_server, contract.id, "april-bad.csv", BAD)
    errors = v.get_by_test_id("upload-errors")
    expect(errors).to_contain_text("answered")
    expect(errors.locator("tbody tr").first).to_contain_text("3")
    expect(v.get_by_test_id("attempts")).to_contain_text("Refused")
    upload(v, live_server, contract.id, "april.csv", GOOD)
    expect(v.get_by_test_id("submission-status")).to_contain_text("Waiting for review")

    sign_in(m, live_server, manager.email)
    m.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Review", exact=True).click()
    m.get_by_test_id("queue").get_by_role("link", name="2026-04").click()
    m.get_by_label("Comment").fill("Please add the 10:00 interval.")
    m.get_by_role("button", name="Return to the vendor").click()
    expect(m.get_by_test_id("submission-status")).to_contain_text("Returned")

    v.goto(f"{live_server}/contracts/{contract.id}/data")
    expect(v.get_by_test_id("submissions")).to_contain_text("Please add the 10:00 interval.")
    upload(v, live_server, contract.id, "april-v2.csv", GOOD + b"2026-04-01,10:00,phone,main,80,79,76,1,1\n")
    expect(v.get_by_test_id("submission-title")).to_contain_text("v2")

    m.goto(f"{live_server}/review")
    m.get_by_test_id("queue").get_by_role("link", name="2026-04").click()
    m.get_by_role("button", name="Accept").click()
    expect(m.get_by_test_id("submission-status")).to_contain_text("Accepted")

    v.goto(f"{live_server}/contracts/{contract.id}/scorecard?period=2026-04")
    expect(v.get_by_test_id("scorecard")).to_contain_text("78.8 %")
    expect(v.get_by_test_id("scorecard")).to_contain_text("Missed")
    vendor_ctx.close()
    manager_ctx.close()
