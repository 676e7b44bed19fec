"""The main flows in a real browser: each role signs in to its own home; a manager creates a vendor and a contract."""

import re

import pytest
from helpers import TEST_PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))


@pytest.fixture
def people(create_vendor, create_contract, create_user):
    northwind = create_vendor(name="Northwind Contact Services", code="NWCS")
    callplus = create_vendor(name="株式会社コールプラス", code="CALLPLUS")
    create_contract(northwind, reference="NW-1", title="Hotline")
    other = create_contract(callplus, reference="CP-1", title="会員サポート")
    return {
        "admin": create_user("admin", name="Ada Admin"),
        "manager": create_user("manager", name="Hana Kobayashi"),
        "executive": create_user("executive", name="Kenji Watanabe"),
        "vendor": create_user("vendor", vendor=northwind, name="Maria Santos"),
        "other_contract": other,
    }


@pytest.mark.parametrize(("role", "heading", "nav"), [
    ("admin", "Vendor management", ["Vendors", "Contracts", "Audit log", "Users"]),
    ("manager", "Vendor management", ["Vendors", "Contracts", "Audit log"]),
    ("executive", "Vendor portfolio", ["Vendors", "Contracts"]),
    ("vendor", "Northwind Contact Services", ["Vendors", "Contracts"]),
])
def test_each_role_signs_in_to_its_own_home(page, live_server, people, role, heading, nav):
    sign_in(page, live_server, people[role].email)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    navigation = page.get_by_role("navigation", name="Main navigation")
    for label in nav:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    if role != "admin":
        expect(navigation.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    if role == "vendor":
        expect(page.get_by_text("NW-1")).to_be_visible()
        expect(page.get_by_text("CP-1")).to_have_count(0)
        response = page.goto(f"{live_server}/contracts/{people['other_contract'].id}")
        assert response.status == 404
        page.vp_errors.clear()  # the 404 above was asked for
        page.go_back()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_manager_creates_a_vendor_and_a_contract_through_the_forms(page, live_server, people):
    sign_in(page, live_server, people["manager"].email)
    page.get_by_role("link", name="New vendor").first.click()
    page.get_by_label("Name", exact=True).fill("BrightDesk Solutions")
    page.get_by_label("Code", exact=True).fill("bright")
    page.get_by_label("Tier", exact=True).select_option("medium")
    page.get_by_label("Contact e-mail").fill("ops@brightdesk.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("vendor-name")).to_have_text("BrightDesk Solutions")
    expect(page.get_by_role("code").filter(has_text="BRIGHT")).to_be_visible()

    page.get_by_role("link", name="New contract").click()
    expect(page.get_by_label("Vendor", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Reference", exact=True).fill("BD-2026-01")
    page.get_by_label("Title", exact=True).fill("E-mail and chat support")
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("Chat", exact=True).check()
    page.get_by_label("Start date").fill("2026-01-01")
    page.get_by_label("End date").fill("2025-12-31")  # wrong on purpose: the form must say so next to the field
    page.get_by_label("Monthly fee", exact=True).fill("46500")
    page.get_by_label("Currency", exact=True).select_option("USD")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The end date must not be before the start date.")).to_be_visible()
    page.get_by_label("End date").fill("2028-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("contract-title")).to_have_text("E-mail and chat support")
    expect(page.get_by_test_id("contract-status")).to_contain_text("Active")
    expect(page.get_by_text("46,500.00 USD")).to_be_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Contracts", exact=True).click()
    expect(page.get_by_test_id("contracts")).to_contain_text("BD-2026-01")


def test_japanese_user_sees_japanese_pages(page, live_server, create_user):
    user = create_user("manager", language="ja", name="小林 花")
    page.goto(live_server + "/login")
    page.get_by_label("Language").first.select_option("ja")
    expect(page.get_by_role("button", name="ログイン")).to_be_visible()
    page.get_by_label("メール", exact=True).fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("navigation", name=re.compile(".")).get_by_role("link", name="ベンダー", exact=True)).to_be_visible()
