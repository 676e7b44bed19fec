"""A security assessment end to end in a real browser: answer with evidence, submit, finding, action verified."""

import datetime as dt
import re

import pytest
from helpers import TEST_PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))


def test_assessment_finding_and_action(browser, live_server, app, create_vendor, create_user):
    from vendorportal.auth.models import User
    from vendorportal.checklists import services
    from vendorportal.extensions import db

    vendor = create_vendor(name="Northwind Contact Services")
    staff, manager = create_user("vendor", vendor=vendor), create_user("manager")
    with app.app_context():
        template = services.ensure_default_template(db.session)
        assessment = services.send_assessment(db.session, db.session.get(User, manager.id), vendor_id=vendor.id,
                                              template=template, due_date=dt.date(2099, 1, 31),
                                              today=dt.date(2026, 1, 1))
        answers = sorted(assessment.answers, key=lambda a: a.item.position)
        last = answers[-1]
        for answer in answers[:-1]:  # the vendor answered the rest earlier
            services.save_answer(db.session, assessment, item_id=answer.item_id, response="yes", comment=None)
            if answer.item.evidence_required:
                services.add_evidence(db.session, db.session.get(User, staff.id), vendor_id=vendor.id,
                                      filename="proof.pdf", data=b"%PDF-1.4", max_bytes=10**6, answer=answer)
        db.session.commit()
        assessment_id, code = assessment.id, last.item.code
    v_ctx, m_ctx = browser.new_context(locale="en-GB"), browser.new_context(locale="en-GB")
    v, m = v_ctx.new_page(), m_ctx.new_page()

    sign_in(v, live_server, staff.email)
    v.goto(f"{live_server}/assessments/{assessment_id}")
    item = v.get_by_test_id(f"item-{code}")
    item.get_by_label("Partly").check()
    item.get_by_label("Comment").fill("Failover test planned for next quarter")
    item.get_by_label("Evidence file").set_input_files({"name": "bcp-plan.pdf", "mimeType": "application/pdf",
                                                         "buffer": b"%PDF-1.4 BCP plan"})
    item.get_by_role("button", name="Save").click()
    expect(v.get_by_test_id(f"item-{code}")).to_contain_text("bcp-plan.pdf")
    v.get_by_role("button", name="Submit for review").click()
    expect(v.get_by_test_id("assessment-status")).to_contain_text("Submitted")

    sign_in(m, live_server, manager.email)
    m.goto(f"{live_server}/assessments/{assessment_id}")
    row = m.get_by_test_id(f"item-{code}")
    row.get_by_label("Severity").select_option("high")
    row.get_by_label("What must be corrected").fill("Run and record a failover test")
    row.get_by_role("button", name="Raise a finding").click()
    row = m.get_by_test_id(f"item-{code}")
    expect(row).to_contain_text("Finding raised")
    action_link = row.get_by_role("link", name="Corrective action")
    action_url = live_server + action_link.get_attribute("href")

    v.goto(action_url)
    v.get_by_label("New status").select_option("done")
    v.get_by_label("Comment").fill("Failover tested on 12 March; report attached")
    v.get_by_label("Evidence file").set_input_files({"name": "failover-report.pdf", "mimeType": "application/pdf",
                                                      "buffer": b"%PDF-1.4 report"})
    v.get_by_role("button", name="Save").click()
    expect(v.get_by_test_id("action-status")).to_contain_text("Done")
    expect(v.get_by_label("New status").locator("option[value=verified]")).to_have_count(0)

    m.goto(action_url)
    m.get_by_label("New status").select_option("verified")
    m.get_by_role("button", name="Save").click()
    expect(m.get_by_test_id("action-status")).to_contain_text("Verified")
    expect(m.get_by_test_id("action-events")).to_contain_text("failover-report.pdf")
    v_ctx.close()
    m_ctx.close()
