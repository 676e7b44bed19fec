"""Vendor and contract pages: forms with errors next to fields, create, edit, documents with versions."""

import hashlib
import io

from helpers import sign_in

FORM = {
    "reference": "NW-2026-01", "title": "Hotline", "channels": ["phone", "chat"], "start_date": "2026-04-01",
    "end_date": "2028-03-31", "notice_days": "90", "monthly_fee": "1850000", "currency": "JPY",
    "at_risk_percent": "12", "earn_back_months": "3", "sl_threshold_seconds": "20", "short_abandon_seconds": "5",
    "service_level_formula": "exclude_short", "email_response_hours": "24", "volume_tolerance_percent": "10",
    "escalation_breaches": "3", "escalation_window_months": "6", "submission_due_day": "10",
}


def test_manager_creates_and_edits_a_vendor(client, create_user):
    sign_in(client, create_user("manager"))
    response = client.post("/vendors/new", data={"name": "株式会社コールプラス", "code": "callplus", "tier": "high",
                                                 "contact_email": "sato@callplus.example", "is_active": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "株式会社コールプラス" in page and "CALLPLUS" in page
    vendor_url = response.headers["Location"]
    edited = client.post(vendor_url + "/edit", data={"name": "コールプラス", "code": "CALLPLUS", "tier": "critical"})
    assert edited.status_code == 302
    assert "コールプラス" in client.get(vendor_url).get_data(as_text=True)


def test_vendor_form_shows_errors_next_to_the_fields(client, create_user, create_vendor):
    create_vendor(code="TAKEN")
    sign_in(client, create_user("manager"))
    response = client.post("/vendors/new", data={"name": "X", "code": "taken", "tier": "high", "contact_email": "nope"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Another vendor already uses this code." in html and "is-invalid" in html


def test_manager_creates_a_contract_and_sees_its_status(client, create_user, create_vendor):
    vendor = create_vendor()
    sign_in(client, create_user("manager"))
    response = client.post("/contracts/new", data={**FORM, "vendor_id": str(vendor.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "NW-2026-01" in page and "Hotline" in page
    assert "Jan 1, 2028" in page  # the notice deadline: 90 days before 2028-03-31


def test_contract_form_rejects_end_before_start_with_the_message_on_the_field(client, create_user, create_vendor):
    vendor = create_vendor()
    sign_in(client, create_user("manager"))
    response = client.post("/contracts/new", data={**FORM, "vendor_id": str(vendor.id), "end_date": "2025-01-01"})
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.get_data(as_text=True)


def test_editing_a_contract_keeps_its_vendor(client, create_user, create_vendor, create_contract):
    vendor = create_vendor()
    contract = create_contract(vendor)
    sign_in(client, create_user("manager"))
    response = client.post(f"/contracts/{contract.id}/edit", data={**FORM, "title": "Renamed"})
    assert response.status_code == 302
    assert "Renamed" in client.get(f"/contracts/{contract.id}").get_data(as_text=True)


def test_documents_are_versioned_and_downloaded_byte_for_byte(client, create_user, create_vendor, create_contract):
    contract = create_contract(create_vendor())
    sign_in(client, create_user("manager"))
    first, second = b"%PDF-1.4 first version", b"%PDF-1.4 second version"
    for data in (first, second):
        response = client.post(f"/contracts/{contract.id}/documents",
                               data={"title": "Master services agreement", "file": (io.BytesIO(data), "契約書.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 302
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "v1" in page and "v2" in page and "契約書.pdf" in page
    assert hashlib.sha256(second).hexdigest()[:16] in page
    import re

    links = re.findall(r'href="(/contracts/documents/\d+)"', page)
    assert len(links) == 2
    downloads = {client.get(link).data for link in links}
    assert downloads == {first, second}
    response = client.get(links[0])
    assert "attachment" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_a_document_that_is_not_a_document_is_refused(client, create_user, create_vendor, create_contract):
    contract = create_contract(create_vendor())
    sign_in(client, create_user("manager"))
    response = client.post(f"/contracts/{contract.id}/documents",
                           data={"title": "Evil", "file": (io.BytesIO(b"MZ\x90\x00 executable"), "msa.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Upload a PDF, Word or Excel file." in response.get_data(as_text=True)
    assert "msa.pdf" not in response.get_data(as_text=True)


def test_vendor_staff_cannot_reach_another_vendors_pages_or_documents(app, client, create_user, create_vendor,
                                                                      create_contract):
    mine, theirs = create_vendor(), create_vendor()
    other = create_contract(theirs)
    manager = app.test_client()
    sign_in(manager, create_user("manager"))
    manager.post(f"/contracts/{other.id}/documents", data={"title": "MSA", "file": (io.BytesIO(b"%PDF-1.4"), "m.pdf")},
                 content_type="multipart/form-data")
    sign_in(client, create_user("vendor", vendor=mine))
    assert client.get(f"/vendors/{theirs.id}").status_code == 404
    assert client.get(f"/contracts/{other.id}").status_code == 404
    from sqlalchemy import select

    from vendorportal.contracts.models import ContractDocument
    from vendorportal.extensions import db

    with app.app_context():
        doc_id = db.session.execute(select(ContractDocument.id)).scalar_one()
    assert client.get(f"/contracts/documents/{doc_id}").status_code == 404
    assert theirs.name not in client.get("/vendors/").get_data(as_text=True)
    assert other.reference not in client.get("/contracts/").get_data(as_text=True)


def test_renewals_due_show_on_the_managers_home(client, create_user, create_vendor, create_contract):
    import datetime as dt

    from vendorportal.core.formatting import today

    vendor = create_vendor()
    with client.application.app_context():
        day = today()
    soon = create_contract(vendor, reference="SOON", start_date="2020-01-01",
                           end_date=(day + dt.timedelta(days=40)).isoformat(), notice_days=30)
    create_contract(vendor, reference="LATER", start_date="2020-01-01",
                    end_date=(day + dt.timedelta(days=400)).isoformat(), notice_days=30)
    sign_in(client, create_user("manager"))
    html = client.get("/home").get_data(as_text=True)
    renewals = html.split('data-testid="renewals"')[1].split("</table>")[0]
    assert soon.reference in renewals and "LATER" not in renewals
