"""Upload limits: a body over MAX_CONTENT_LENGTH is 413 (the API's JSON error shape, an error page in the UI), and
while the instance folder's disk has less than DISK_FREE_MIN_BYTES free every kind of upload is refused with
507 and a clear message before anything is read or written."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from faultkit import interval_csv, multipart
from helpers import bearer, make_test_config, sign_in
from sqlalchemy import func, select

from vendorportal import config as defaults
from vendorportal import create_app

PDF = b"%PDF-1.4\n" + b"0" * 2048
DISK_MESSAGE = "The server is short of disk space, so the upload was refused and nothing was stored."
TOO_LARGE = "The upload is larger than the portal accepts."


@pytest.fixture
def security_items(app, portal):
    """An open assessment for the portal's vendor (with one of its items) and an open action."""
    from vendorportal.actions import services as actions
    from vendorportal.auth.models import User
    from vendorportal.checklists import services
    from vendorportal.extensions import db

    with app.app_context():
        manager = db.session.get(User, portal["manager"].id)
        template = services.ensure_default_template(db.session)
        assessment = services.send_assessment(db.session, manager, vendor_id=portal["vendor"].id, template=template,
                                              due_date=dt.date(2099, 1, 31), today=dt.date(2026, 11, 1))
        action = actions.create_action(db.session, manager, {
            "vendor_id": portal["vendor"].id, "title": "Encrypt laptops", "owner": "vendor", "due_date": "2099-01-31"})
        db.session.commit()
        ids = {"assessment": assessment.id, "item": assessment.answers[0].item_id, "action": action.id}
        db.session.remove()
    return ids


def _stored(app) -> dict[str, int]:
    from vendorportal.contracts.models import ContractDocument
    from vendorportal.extensions import db
    from vendorportal.files.models import Evidence, StoredFile
    from vendorportal.submissions.models import Submission, UploadAttempt

    with app.app_context():
        try:
            return {m.__tablename__: db.session.execute(select(func.count()).select_from(m)).scalar_one()
                    for m in (StoredFile, Submission, UploadAttempt, ContractDocument, Evidence)}
        finally:
            db.session.remove()


NOTHING = {"stored_files": 0, "submissions": 0, "upload_attempts": 0, "contract_documents": 0, "evidence_files": 0}


class CountingStream(io.BytesIO):
    """A request body that counts the bytes the server read from it."""

    consumed = 0

    def read(self, size=-1):
        data = super().read(size)
        self.consumed += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.consumed += len(data)
        return data


@pytest.fixture
def full_disk_app(app, database_url):
    """A second app on the test database whose minimum free space is more than the whole disk holds."""
    from vendorportal.extensions import db

    minimum = shutil.disk_usage(app.instance_path).total + 1
    portal_app = create_app(make_test_config(database_url, DISK_FREE_MIN_BYTES=minimum))
    yield portal_app
    with portal_app.app_context():
        db.engine.dispose()


def test_every_kind_of_upload_is_refused_with_507_while_the_disk_is_nearly_full(app, full_disk_app, portal,
                                                                                security_items, caplog):
    assert defaults.DISK_FREE_MIN_BYTES == 200 * 1024 * 1024
    contract = portal["contract"]
    data, _rows = interval_csv(days=2)

    # API: refused before a single byte of the body is read.
    body, content_type = multipart({"period": "2026-04"}, "file", "april.csv", data)
    stream = CountingStream(body)
    api = full_disk_app.test_client().post(
        f"/api/v1/contracts/{contract.id}/submissions", input_stream=stream, content_length=len(body),
        content_type=content_type, headers=bearer(portal["staff_token"]))
    assert api.status_code == 507
    assert api.get_json() == {"error": {"code": "insufficient_storage", "details": [], "message": DISK_MESSAGE
                                        + " Please try again later or tell an administrator."}}
    assert stream.consumed == 0
    assert any("Disk nearly full" in r.getMessage() for r in caplog.records)

    staff, manager = full_disk_app.test_client(), full_disk_app.test_client()
    sign_in(staff, portal["staff"])
    sign_in(manager, portal["manager"])
    pages = [
        (staff, f"/contracts/{contract.id}/data", {"period": "2026-04", "file": (io.BytesIO(data), "april.csv")}),
        (manager, f"/contracts/{contract.id}/documents", {"title": "MSA", "file": (io.BytesIO(PDF), "msa.pdf")}),
        (staff, f"/assessments/{security_items['assessment']}/items/{security_items['item']}",
         {"response": "yes", "comment": "done", "evidence": (io.BytesIO(PDF), "policy.pdf")}),
        (staff, f"/actions/{security_items['action']}",
         {"status": "in_progress", "comment": "started", "evidence": (io.BytesIO(PDF), "plan.pdf")}),
    ]
    for client, path, form in pages:
        response = client.post(path, data=form, content_type="multipart/form-data")
        assert response.status_code == 507, path
        assert DISK_MESSAGE in response.get_data(as_text=True), path
    assert _stored(app) == NOTHING

    # Strangers are not told about the disk: they get the usual answers.
    assert full_disk_app.test_client().post(f"/api/v1/contracts/{contract.id}/submissions").status_code == 401
    assert full_disk_app.test_client().post(f"/contracts/{contract.id}/data").status_code == 302
    # Only uploads are refused: other writes go on.
    created = full_disk_app.test_client().post("/api/v1/vendors", json={"name": "Still", "code": "STILL", "tier": "low"},
                                               headers=bearer(portal["manager_token"]))
    assert created.status_code == 201
    # The same upload on an app with room to spare is stored.
    ok = app.test_client().post(f"/api/v1/contracts/{contract.id}/submissions", data=body, content_type=content_type,
                                headers=bearer(portal["staff_token"]))
    assert ok.status_code == 201, ok.get_json()


def test_an_upload_over_the_size_limit_is_413_in_the_api_and_the_pages(app, portal, security_items):
    contract = portal["contract"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == defaults.MAX_CONTENT_LENGTH == 20 * 1024 * 1024
    too_big = b"x" * (limit + 1)

    api = app.test_client().post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(portal["staff_token"]),
                                 data={"period": "2026-04", "file": (io.BytesIO(too_big), "april.csv")},
                                 content_type="multipart/form-data")
    assert api.status_code == 413
    assert api.get_json() == {"error": {"code": "too_large", "details": [], "message": TOO_LARGE}}

    staff = app.test_client()
    sign_in(staff, portal["staff"])
    page = staff.post(f"/contracts/{contract.id}/data", content_type="multipart/form-data",
                      data={"period": "2026-04", "file": (io.BytesIO(too_big), "april.csv")})
    assert page.status_code == 413 and TOO_LARGE in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)

    # Evidence has its own, lower limit (EVIDENCE_MAX_BYTES) inside the request limit.
    evidence = PDF + b"0" * app.config["EVIDENCE_MAX_BYTES"]
    assert len(evidence) < limit
    action = staff.post(f"/actions/{security_items['action']}", content_type="multipart/form-data",
                        data={"status": "in_progress", "comment": "big", "evidence": (io.BytesIO(evidence), "big.pdf")})
    assert action.status_code == 413 and TOO_LARGE in action.get_data(as_text=True)
    assert _stored(app) == NOTHING
