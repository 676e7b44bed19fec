"""The API contract: GET /api/v1/openapi.json documents every /api/v1 route, and the API keeps to it.

The url_map walk stops drift: a new route, or a new method on one, fails here until schemas.py documents it.
Then schemathesis generates requests from the document (against the WSGI app, no server) with a token of each
role, over real data, and checks that nothing answers 5xx and every answer has a documented status, content
type and schema. Answers forbid undocumented keys, so a key added to a to_dict must be documented too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import schemathesis
from helpers import bearer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROLES = ("admin", "manager", "executive", "vendor")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and role: 27 operations x 4 roles; half the examples use the ids of real rows.
EXAMPLES = 20
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
PATH = "/api/v1/openapi.json"


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", rule)


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_api_route_and_method_is_documented(app):
    from vendorportal.api import openapi, schemas

    document = openapi.build(app)
    routes = list(_api_routes(app))
    assert len(routes) > 20  # the walk found the API
    missing, undocumented = [], []
    for rule, method in routes:
        operation = document["paths"].get(_openapi_path(rule.rule), {}).get(method.lower())
        if operation is None:
            missing.append(f"{method} {rule.rule}")
        elif operation.get("x-undocumented") or (rule.endpoint, method) not in schemas.OPERATIONS:
            undocumented.append(f"{method} {rule.rule} ({rule.endpoint}): add it to OPERATIONS in api/schemas.py")
    assert not missing, f"routes missing from the OpenAPI document: {missing}"
    assert not undocumented, "\n".join(undocumented)
    stale = set(schemas.OPERATIONS) - {(r.endpoint, m) for r, m in routes}
    assert not stale, f"documented operations without a route: {stale}"
    documented = {(path, method) for path, item in document["paths"].items() for method in item if method != "parameters"}
    assert len(documented) == len(routes), "the document has operations the app does not"


def test_the_document_is_valid_openapi_with_bodies_errors_and_security(app):
    from vendorportal.api import openapi

    document = openapi.build(app)
    schemathesis.openapi.from_dict(document).validate()  # against the OpenAPI 3.1 meta-schema
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]}
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    for rule, method in _api_routes(app):
        op = document["paths"][_openapi_path(rule.rule)][method.lower()]
        assert op["security"] == [{"bearerAuth": []}] and "401" in op["responses"], rule.endpoint
        if method in ("POST", "PATCH"):
            assert "requestBody" in op and "422" in op["responses"] and "413" in op["responses"], rule.endpoint
        for status, response in op["responses"].items():
            if status.startswith("4"):
                assert response["$ref"].startswith("#/components/responses/"), (rule.endpoint, status)
    upload = document["paths"]["/api/v1/contracts/{contract_id}/submissions"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    assert document["components"]["schemas"]["SubmissionUpload"]["properties"]["file"]["format"] == "binary"
    assert list(document["paths"]["/api/v1/packs/{pack_id}/pdf"]["get"]["responses"]["200"]["content"]) == [
        "application/pdf"]
    template = document["paths"]["/api/v1/contracts/{contract_id}/template.{fmt}"]["get"]
    assert "text/csv" in template["responses"]["200"]["content"]


def test_the_documented_months_are_the_months_the_api_takes():
    from vendorportal.api.schemas import PERIOD_PATTERN
    from vendorportal.targets.services import FIRST_YEAR, LAST_YEAR

    for year in (0, 1, 1899, 1900, 2026, 2999, 3000, 9999):
        assert bool(re.match(PERIOD_PATTERN, f"{year:04d}-04")) == (FIRST_YEAR <= year <= LAST_YEAR), year


def test_the_document_is_served_to_any_token_and_no_one_else(client, create_user, create_token):
    from vendorportal.api import openapi

    assert client.get(PATH).status_code == 401
    response = client.get(PATH, headers=bearer(create_token(create_user("executive"))))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == openapi.document(client.application)


@pytest.fixture
def world(app, create_vendor, create_contract, create_user, create_token):
    """Vendor A with a contract, a target, an accepted and a waiting submission, an assessment, an action and
    a rendered pack; vendor B with a contract; a user and a token per role (the vendor user is A's staff)."""
    from vendorportal.actions import services as actions
    from vendorportal.auth.models import User
    from vendorportal.checklists import services as checklists
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.packs import jobs as pack_jobs
    from vendorportal.packs import services as packs
    from vendorportal.submissions import services as uploads
    from vendorportal.targets import services as targets

    vendor_a, vendor_b = create_vendor(code="AAA"), create_vendor(code="BBB")
    contract_a = create_contract(vendor_a, channels=["phone", "chat"], vendor_can_view_packs=True)
    create_contract(vendor_b)
    users = {role: create_user(role, vendor=vendor_a if role == "vendor" else None) for role in ROLES}
    with app.app_context():
        manager = db.session.get(User, users["manager"].id)
        contract = db.session.get(Contract, contract_a.id)
        targets.add_target(db.session, manager, contract, {
            "metric": "answer_rate", "kind": "sla", "target": "90", "minimum": "80",
            "credit_allocation_percent": "10", "effective_from": "2026-01"})
        csv = b"date,offered,answered\n%s-01,100,85\n"
        accepted = uploads.submit_file(db.session, manager, contract, period="2026-03", filename="march.csv",
                                       data=csv % b"2026-03", tz="Asia/Tokyo")
        uploads.accept_submission(db.session, manager, accepted.submission)
        waiting = uploads.submit_file(db.session, manager, contract, period="2026-04", filename="april.csv",
                                      data=csv % b"2026-04", tz="Asia/Tokyo")
        assert accepted.ok and waiting.ok, (accepted.errors, waiting.errors)
        template = checklists.ensure_default_template(db.session)
        assessment = checklists.send_assessment(db.session, manager, vendor_id=vendor_a.id, template=template,
                                                due_date=dt.date(2099, 1, 1), today=dt.date(2026, 1, 1))
        action = actions.create_action(db.session, manager, {
            "vendor_id": vendor_a.id, "title": "Fix the door", "owner": "vendor", "due_date": "2099-02-01"})
        pack = packs.request_pack(db.session, manager, {"kind": "vendor", "vendor_id": vendor_a.id,
                                                        "period": "2026-03"})
        db.session.commit()
        assert pack_jobs.render_pack(db.session, pack.id).status == "done"
        ids = {"vendor_id": vendor_a.id, "contract_id": contract_a.id, "submission_id": waiting.submission.id,
               "assessment_id": assessment.id, "item_id": assessment.answers[0].item_id, "action_id": action.id,
               "pack_id": pack.id}
    return {"ids": ids, "tokens": {role: create_token(user) for role, user in users.items()}}


UPLOAD = b"date,offered,answered\n2026-05-01,100,95\n"


def _with_real_rows(case, ids: dict, real: bool):
    """Point a generated body at real rows (and give an upload a good file) when real is drawn."""
    if real and isinstance(case.body, dict):
        if "file" in case.body:
            case.body = {**case.body, "file": UPLOAD, "period": "2026-05"}
        for key in ("vendor_id", "item_id"):
            if key in case.body:
                case.body[key] = ids[key]
    return case


def _strategy(operation, ids: dict):
    """Cases for one operation: about half with the ids of real rows in the path and body, half generated."""
    names = {p.name for p in operation.path_parameters}
    real = operation.as_strategy(path_parameters={k: v for k, v in ids.items() if k in names})
    both = st.one_of(real, operation.as_strategy()) if names & set(ids) else real
    return st.tuples(both, st.booleans()).map(lambda pair: _with_real_rows(pair[0], ids, pair[1]))


def _exercise(operation, strategy, headers: dict) -> None:
    @SETTINGS
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_server_error_and_no_answer_off_the_document(app, world, role):
    headers = bearer(world["tokens"][role])
    schema = schemathesis.openapi.from_wsgi(PATH, app, headers=headers)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _exercise(operation, _strategy(operation, world["ids"]), headers)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not only the first's
            failures.append(f"{operation.label} as {role}:\n{exc}")
    assert not failures, "\n\n".join(failures)


# What schemathesis found, pinned -----------------------------------------------------------------


def test_ids_no_database_column_holds_are_404_or_422_not_500(client, world, monkeypatch):
    headers = bearer(world["tokens"]["manager"])
    huge = "99999999999999999999"
    assert client.get(f"/api/v1/vendors/{huge}", headers=headers).status_code == 404
    assert client.get("/api/v1/vendors/4294967296", headers=headers).status_code == 404
    # werkzeug's own max= would answer 405 here, because POST shares the path
    assert client.get(f"/api/v1/contracts/{huge}/submissions", headers=headers).status_code == 404
    assert client.get(f"/api/v1/contracts?vendor_id={huge}", headers=headers).status_code == 200
    body = {"vendor_id": int(huge), "reference": "R-1", "title": "T", "channels": ["phone"],
            "start_date": "2026-01-01", "end_date": "2026-12-31", "monthly_fee": 1}
    response = client.post("/api/v1/contracts", json=body, headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["details"][0]["field"] == "vendor_id"
    response = client.post("/api/v1/packs", json={"kind": "vendor", "vendor_id": int(huge), "period": "2026-03"},
                           headers=headers)
    assert response.status_code == 422


def test_a_month_without_neighbours_is_422_not_500(client, world):
    headers = bearer(world["tokens"]["manager"])
    contract = world["ids"]["contract_id"]
    for period in ("0000-01", "0001-01", "9999-12", "2026-04\n"):
        response = client.get(f"/api/v1/contracts/{contract}/scorecard", query_string={"period": period},
                              headers=headers)
        assert response.status_code == 422, period
        assert response.get_json()["error"]["details"][0]["field"] == "period"
    ok = client.get(f"/api/v1/contracts/{contract}/scorecard?period=2026-03", headers=headers)
    assert ok.status_code == 200


def test_action_events_carry_their_time_zone(client, world):
    headers = bearer(world["tokens"]["manager"])
    response = client.patch(f"/api/v1/actions/{world['ids']['action_id']}", json={"comment": "Seen"}, headers=headers)
    assert response.status_code == 200
    assert dt.datetime.fromisoformat(response.get_json()["events"][-1]["at"]).utcoffset() == dt.timedelta(0)


def test_a_body_over_the_limit_is_413_in_the_error_shape(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/api/v1/vendors", json={"name": "x" * 2000, "code": "BIG", "tier": "low"},
                           headers=bearer(world["tokens"]["manager"]))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
