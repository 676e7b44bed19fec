"""Every bad file of the corpus is refused through the API with nothing stored; reported metrics score."""

import io
from pathlib import Path

from helpers import bearer, sign_in

BAD_FILES = Path(__file__).resolve().parents[2] / "unit" / "submissions" / "bad_files"
NO_CALL_TARGETS = {"ces_total_out_of_scale.csv", "csat_satisfied_more_than_responses.csv",
                   "qa_total_out_of_scale.csv", "wait_buckets_decreasing.csv"}


def _post(client, contract, token, data: bytes, name: str):
    return client.post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(token),
                       data={"period": "2026-04", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_every_bad_file_is_refused_with_a_message_and_nothing_is_stored(app, client, create_vendor, create_contract,
                                                                        create_user, create_token):
    from sqlalchemy import func, select

    from vendorportal.extensions import db
    from vendorportal.files.models import StoredFile
    from vendorportal.submissions.models import Submission, UploadAttempt

    vendor = create_vendor()
    calls, surveys = create_contract(vendor), create_contract(vendor)
    manager_token = create_token(create_user("manager"))
    client.post(f"/api/v1/contracts/{calls.id}/targets", headers=bearer(manager_token), json={
        "metric": "service_level", "kind": "sla", "target": 80, "minimum": 75, "credit_allocation_percent": 10,
        "effective_from": "2026-01"})
    token = create_token(create_user("vendor", vendor=vendor))
    files = sorted(p for p in BAD_FILES.iterdir() if p.is_file())
    assert len(files) >= 30
    for path in files:
        contract = surveys if path.name in NO_CALL_TARGETS else calls
        response = _post(client, contract, token, path.read_bytes(), path.name)
        assert response.status_code == 422, path.name
        details = response.get_json()["error"]["details"]
        assert details and all(d["message"] for d in details), path.name
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Submission)).scalar() == 0
        assert db.session.execute(select(func.count()).select_from(StoredFile)).scalar() == 0
        attempts = db.session.execute(select(func.count()).select_from(UploadAttempt)).scalar()
    assert attempts == len(files)  # each refused attempt is in the history


def test_a_reported_metric_is_uploaded_and_scored(app, client, create_vendor, create_contract, create_user,
                                                  create_token):
    vendor = create_vendor()
    contract = create_contract(vendor)
    manager = create_user("manager")
    web = app.test_client()
    sign_in(web, manager)
    added = web.post("/metrics", data={"key": "attrition", "name_en": "Agent attrition", "name_ja": "離職率",
                                       "unit": "%", "direction": "lower"})
    assert added.status_code == 302
    manager_token = create_token(manager)
    assert client.post(f"/api/v1/contracts/{contract.id}/targets", headers=bearer(manager_token), json={
        "metric": "attrition", "kind": "kpi", "target": 3, "minimum": 5, "effective_from": "2026-01"}).status_code == 201
    template = client.get(f"/api/v1/contracts/{contract.id}/template.csv?period=2026-04", headers=bearer(manager_token))
    assert "custom_attrition" in template.data.decode("utf-8-sig").splitlines()[0]
    token = create_token(create_user("vendor", vendor=vendor))
    data = b"date,offered,answered,custom_attrition\n2026-04-01,100,90,4.2\n2026-04-02,100,95,\n"
    uploaded = _post(client, contract, token, data, "april.csv")
    assert uploaded.status_code == 201, uploaded.get_json()
    client.post(f"/api/v1/submissions/{uploaded.get_json()['id']}/accept", headers=bearer(manager_token))
    card = client.get(f"/api/v1/contracts/{contract.id}/scorecard?period=2026-04", headers=bearer(token)).get_json()
    row = card["targets"][0]
    assert row["metric"] == "attrition" and row["actual"] == 4.2 and row["status"] == "missed"
    catalog = {m["key"]: m for m in client.get("/api/v1/metrics", headers=bearer(token)).get_json()["items"]}
    assert catalog["attrition"]["is_custom"] and catalog["attrition"]["name_ja"] == "離職率"
