"""Every route of the app, for every role: who gets in, who gets 403, who gets 404, who must sign in.

A new route fails this test until it is added to EXPECTED, and until its view is access-checked.
Ids in the URLs belong to vendor A; "vendor_a" is staff of vendor A, "vendor_b" of vendor B.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from helpers import bearer, sign_in

ROLES = ("anon", "admin", "manager", "executive", "vendor_a", "vendor_b")

# Shorthands: status per role in ROLES order.
LOGIN = 302  # pages redirect to the sign-in page when nobody is signed in


def row(anon, admin, manager, executive, vendor_a, vendor_b):
    return dict(zip(ROLES, (anon, admin, manager, executive, vendor_a, vendor_b), strict=True))


EVERYONE = row(LOGIN, 200, 200, 200, 200, 200)
OWN_VENDOR = row(LOGIN, 200, 200, 200, 200, 404)  # a thing of vendor A
MANAGE_FORM = row(LOGIN, 200, 200, 403, 403, 403)  # a create form
MANAGE_OWN_FORM = row(LOGIN, 200, 200, 403, 403, 404)  # an edit form for a thing of vendor A
ADMIN_ONLY = row(LOGIN, 200, 404, 404, 404, 404)
MANAGERS_ONLY = row(LOGIN, 200, 200, 404, 404, 404)

API_EVERYONE = row(401, 200, 200, 200, 200, 200)
API_OWN_VENDOR = row(401, 200, 200, 200, 200, 404)

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("dashboard.index", "GET"): row(302, 302, 302, 302, 302, 302),
    ("dashboard.home", "GET"): EVERYONE,
    ("auth.login", "GET"): row(200, 302, 302, 302, 302, 302),
    ("auth.login", "POST"): row(400, 302, 302, 302, 302, 302),
    ("auth.logout", "POST"): row(LOGIN, 302, 302, 302, 302, 302),
    ("auth.password", "GET"): EVERYONE,
    ("auth.password", "POST"): row(LOGIN, 400, 400, 400, 400, 400),
    ("auth.language", "POST"): row(302, 302, 302, 302, 302, 302),
    ("vendors.index", "GET"): EVERYONE,
    ("vendors.detail", "GET"): OWN_VENDOR,
    ("vendors.create", "GET"): MANAGE_FORM,
    ("vendors.create", "POST"): row(LOGIN, 400, 400, 403, 403, 403),
    ("vendors.edit", "GET"): MANAGE_OWN_FORM,
    ("vendors.edit", "POST"): row(LOGIN, 302, 302, 403, 403, 404),  # an empty POST keeps the values
    ("contracts.index", "GET"): EVERYONE,
    ("contracts.detail", "GET"): OWN_VENDOR,
    ("contracts.create", "GET"): MANAGE_FORM,
    ("contracts.create", "POST"): row(LOGIN, 400, 400, 403, 403, 403),
    ("contracts.edit", "GET"): MANAGE_OWN_FORM,
    ("contracts.edit", "POST"): row(LOGIN, 400, 400, 403, 403, 404),
    ("contracts.upload_document", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("contracts.download_document", "GET"): OWN_VENDOR,
    ("users.index", "GET"): ADMIN_ONLY,
    ("users.create", "GET"): ADMIN_ONLY,
    ("users.create", "POST"): row(LOGIN, 400, 404, 404, 404, 404),
    ("users.edit", "GET"): ADMIN_ONLY,
    ("users.edit", "POST"): row(LOGIN, 400, 404, 404, 404, 404),
    ("users.tokens", "GET"): EVERYONE,
    ("users.tokens", "POST"): EVERYONE,
    ("users.revoke_token", "POST"): row(LOGIN, 302, 404, 404, 302, 404),
    ("audit.index", "GET"): MANAGERS_ONLY,
    ("api.list_vendors", "GET"): API_EVERYONE,
    ("api.get_vendor", "GET"): API_OWN_VENDOR,
    ("api.create_vendor", "POST"): row(401, 422, 422, 403, 403, 403),
    ("api.list_contracts", "GET"): API_EVERYONE,
    ("api.get_contract", "GET"): API_OWN_VENDOR,
    ("api.create_contract", "POST"): row(401, 422, 422, 403, 403, 403),
    ("api.update_contract", "PATCH"): row(401, 200, 200, 403, 403, 404),
    ("api.list_metrics", "GET"): API_EVERYONE,
    ("api.list_targets", "GET"): API_OWN_VENDOR,
    ("api.create_target", "POST"): row(401, 422, 422, 403, 403, 404),
    ("api.create_submission", "POST"): row(401, 422, 422, 403, 422, 404),
    ("api.list_submissions", "GET"): API_OWN_VENDOR,
    ("api.get_submission", "GET"): API_OWN_VENDOR,
    ("api.accept_submission", "POST"): row(401, 200, 200, 403, 403, 404),
    ("api.return_submission", "POST"): row(401, 422, 422, 403, 403, 404),  # no comment
    ("api.get_scorecard", "GET"): row(401, 422, 422, 422, 422, 404),  # no period
    ("api.download_template", "GET"): API_OWN_VENDOR,
    ("targets.index", "GET"): OWN_VENDOR,
    ("targets.index", "POST"): row(LOGIN, 400, 400, 403, 403, 404),
    ("targets.forecast", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("targets.metrics", "GET"): EVERYONE,
    ("targets.metrics", "POST"): row(LOGIN, 400, 400, 403, 403, 403),
    ("submissions.index", "GET"): OWN_VENDOR,
    ("submissions.index", "POST"): row(LOGIN, 400, 400, 403, 400, 404),
    ("submissions.detail", "GET"): OWN_VENDOR,
    ("submissions.review", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("submissions.download", "GET"): OWN_VENDOR,
    ("submissions.template", "GET"): OWN_VENDOR,
    ("submissions.queue", "GET"): MANAGERS_ONLY,
    ("scorecards.detail", "GET"): OWN_VENDOR,
    ("scorecards.raise_dispute", "POST"): row(LOGIN, 403, 403, 403, 302, 404),
    ("scorecards.decide_dispute", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("dashboard.portfolio", "GET"): row(LOGIN, 200, 200, 200, 404, 404),
    ("checklists.templates", "GET"): row(LOGIN, 200, 200, 200, 404, 404),
    ("checklists.templates", "POST"): row(LOGIN, 404, 404, 403, 404, 404),  # no template given
    ("checklists.template", "GET"): row(LOGIN, 200, 200, 200, 404, 404),
    ("checklists.template", "POST"): row(LOGIN, 404, 404, 403, 404, 404),  # no item given
    ("checklists.vendor_assessments", "GET"): OWN_VENDOR,
    ("checklists.vendor_assessments", "POST"): row(LOGIN, 404, 404, 403, 403, 404),  # no template given
    ("checklists.assessment", "GET"): OWN_VENDOR,
    ("checklists.answer", "POST"): row(LOGIN, 403, 403, 403, 302, 404),
    ("checklists.submit", "POST"): row(LOGIN, 403, 403, 403, 302, 404),
    ("checklists.review", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("checklists.decide", "POST"): row(LOGIN, 302, 302, 403, 403, 404),
    ("checklists.evidence", "GET"): OWN_VENDOR,
    ("checklists.inbox", "GET"): EVERYONE,
    ("submissions.column_names", "GET"): EVERYONE,
    ("actions.index", "GET"): EVERYONE,
    ("actions.detail", "GET"): OWN_VENDOR,
    ("actions.create", "POST"): row(LOGIN, 302, 302, 403, 403, 403),  # an empty form: flashed, redirected
    ("actions.detail", "POST"): row(LOGIN, 302, 302, 403, 302, 404),
    ("api.list_assessments", "GET"): API_OWN_VENDOR,
    ("api.get_assessment", "GET"): API_OWN_VENDOR,
    ("api.answer_item", "POST"): row(401, 403, 403, 403, 422, 404),
    ("api.list_actions", "GET"): API_EVERYONE,
    ("api.update_action", "PATCH"): row(401, 422, 422, 403, 422, 404),
    ("ops.healthz", "GET"): row(200, 200, 200, 200, 200, 200),
    ("ops.readyz", "GET"): row(200, 200, 200, 200, 200, 200),
    ("packs.index", "GET"): EVERYONE,
    ("packs.index", "POST"): row(LOGIN, 400, 400, 403, 403, 403),
    ("packs.detail", "GET"): OWN_VENDOR,
    ("packs.pdf", "GET"): OWN_VENDOR,
    ("packs.schedules", "GET"): MANAGERS_ONLY,
    ("packs.new_schedule", "GET"): MANAGERS_ONLY,
    ("packs.new_schedule", "POST"): row(LOGIN, 400, 400, 404, 404, 404),
    ("packs.edit_schedule", "GET"): MANAGERS_ONLY,
    ("packs.edit_schedule", "POST"): row(LOGIN, 400, 400, 404, 404, 404),
    ("api.request_pack", "POST"): row(401, 422, 422, 403, 403, 403),
    ("api.list_packs", "GET"): API_EVERYONE,
    ("api.get_pack", "GET"): API_OWN_VENDOR,
    ("api.get_pack_pdf", "GET"): API_OWN_VENDOR,
    ("api.openapi", "GET"): API_EVERYONE,  # the contract is no secret, but the API answers only to a token
}

UNCHECKED_ENDPOINTS = {"static"}


@pytest.fixture
def world(app, create_vendor, create_contract, create_user, create_token):
    """Two vendors with a contract and a document each, one user per role, and their API tokens."""
    from vendorportal.contracts import services as contract_services
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db

    vendor_a, vendor_b = create_vendor(code="AAA"), create_vendor(code="BBB")
    contract_a, contract_b = create_contract(vendor_a), create_contract(vendor_b)
    users = {
        "admin": create_user("admin"), "manager": create_user("manager"), "executive": create_user("executive"),
        "vendor_a": create_user("vendor", vendor=vendor_a), "vendor_b": create_user("vendor", vendor=vendor_b),
    }
    manager = users["manager"]
    with app.app_context():
        from vendorportal.auth.models import User

        actor = db.session.get(User, manager.id)
        docs = [contract_services.add_document(db.session, actor, db.session.get(Contract, c.id), title="MSA",
                                               filename="msa.pdf", data=b"%PDF-1.4 test", max_bytes=10**6).id
                for c in (contract_a, contract_b)]
        db.session.commit()
    tokens = {role: create_token(u) for role, u in users.items()}
    # A token of vendor A's user that the matrix may revoke without breaking the API calls above.
    from vendorportal.auth import services as auth_services
    from vendorportal.auth.models import User

    with app.app_context():
        spare, _raw = auth_services.create_token(db.session, db.session.get(User, users["vendor_a"].id), "spare")
        db.session.commit()
        spare_id = spare.id
    from vendorportal.submissions import services as upload_services

    with app.app_context():
        outcome = upload_services.submit_file(
            db.session, db.session.get(User, manager.id), db.session.get(Contract, contract_a.id), period="2026-04",
            filename="april.csv", data=b"date,offered,answered\n2026-04-01,10,9\n", tz="Asia/Tokyo")
        assert outcome.ok, outcome.errors
        from vendorportal.targets import services as target_services

        dispute = target_services.raise_dispute(
            db.session, db.session.get(User, users["vendor_a"].id), db.session.get(Contract, contract_a.id),
            period="2026-04", series_key="service_level@*", reason="Storm outage", is_breached=True)
        from vendorportal.actions import services as action_services
        from vendorportal.checklists import services as checklist_services

        template = checklist_services.ensure_default_template(db.session)
        assessment = checklist_services.send_assessment(
            db.session, db.session.get(User, manager.id), vendor_id=vendor_a.id, template=template,
            due_date=dt.date(2099, 1, 1), today=dt.date(2026, 1, 1))
        first_answer = sorted(assessment.answers, key=lambda a: a.id)[0]
        evidence = checklist_services.add_evidence(db.session, db.session.get(User, users["vendor_a"].id),
                                                   vendor_id=vendor_a.id, filename="proof.pdf", data=b"%PDF-1.4",
                                                   max_bytes=10**6, answer=first_answer)
        action = action_services.create_action(db.session, db.session.get(User, manager.id), {
            "vendor_id": vendor_a.id, "title": "Fix the door", "owner": "vendor", "due_date": "2099-02-01"})
        db.session.get(Contract, contract_a.id).vendor_can_view_packs = True
        from vendorportal.packs import jobs as pack_jobs
        from vendorportal.packs import services as pack_services
        from vendorportal.packs.models import PackSchedule

        pack = pack_services.request_pack(db.session, db.session.get(User, manager.id),
                                          {"kind": "vendor", "vendor_id": vendor_a.id, "period": "2026-04"})
        schedule = pack_services.save_schedule(db.session, db.session.get(User, manager.id), None, {
            "name": "Monthly", "frequency": "monthly", "day": 5, "time_of_day": "09:00", "vendor_packs": True,
            "portfolio_pack": True, "language": "ja", "is_active": False, "recipients": [manager.id]})
        db.session.commit()
        assert pack_jobs.render_pack(db.session, pack.id).status == "done"
        submission_id, dispute_id = outcome.submission.id, dispute.id
        pack_ids = {"pack_id": pack.id, "schedule_id": db.session.get(PackSchedule, schedule.id).id}
        security_ids = {"template_id": template.id, "assessment_id": assessment.id, "item_id": first_answer.item_id,
                        "answer_id": first_answer.id, "evidence_id": evidence.id, "action_id": action.id}
    params = {"vendor_id": vendor_a.id, "contract_id": contract_a.id, "document_id": docs[0],
              "user_id": manager.id, "token_id": spare_id, "submission_id": submission_id, "fmt": "csv",
              "dispute_id": dispute_id, **security_ids, **pack_ids}
    return {"users": users, "tokens": tokens, "params": params}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNCHECKED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_matrix_and_access_checked(app):
    missing = [(r.endpoint, m) for r, m in _routes(app) if (r.endpoint, m) not in EXPECTED]
    assert not missing, f"routes without an expected status per role: {missing}"
    stale = set(EXPECTED) - {(r.endpoint, m) for r, m in _routes(app)}
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"
    unchecked = [r.endpoint for r, _m in _routes(app)
                 if not getattr(app.view_functions[r.endpoint], "access_checked", False)]
    assert not unchecked, f"views without an access check: {unchecked}"


def _request(client, method: str, url: str, role: str, tokens: dict, is_api: bool):
    headers = bearer(tokens[role]) if is_api and role != "anon" else {}
    kwargs: dict = {"headers": headers}
    if is_api and method in ("POST", "PATCH"):
        kwargs["json"] = {}
    elif method == "POST":
        kwargs["data"] = {"file": (io.BytesIO(b""), "")} if url.endswith("/documents") else {}
    return client.open(url, method=method, **kwargs)


# What a GET may write: the audit log's record that a file was downloaded, and a session's or token's "last
# seen" time. Anything else a GET changes is a bug (a page view that seeds data, a read that saves).
READ_RECORDS = {"audit_events": ("action", {"download"})}
TOUCH_COLUMNS = {"last_seen_at", "last_used_at"}


def _database_state(app) -> dict[str, list[tuple]]:
    """Return every row of every table (but the allowed read records and touches), to compare before and after."""
    from sqlalchemy import select

    from vendorportal.extensions import db

    state = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in TOUCH_COLUMNS]
            stmt = select(*columns).order_by(*table.primary_key.columns)
            if table.name in READ_RECORDS:
                column, allowed = READ_RECORDS[table.name]
                stmt = stmt.where(table.c[column].not_in(allowed))
            state[table.name] = [tuple(row) for row in db.session.execute(stmt)]
        db.session.rollback()
    return state


def _changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, world, role):
    failures = []
    for rule, method in _routes(app):
        url = rule.build({k: v for k, v in world["params"].items() if k in rule.arguments}, append_unknown=False)[1]
        client = app.test_client()
        if role != "anon" and not url.startswith("/api/"):
            sign_in(client, world["users"][role])
        before = _database_state(app) if method == "GET" else None
        response = _request(client, method, url, role, world["tokens"], url.startswith("/api/"))
        if before is not None and (changed := _changed_tables(before, _database_state(app))):
            failures.append(f"GET {url} as {role} changed the database: {', '.join(changed)}")
        expected = EXPECTED[(rule.endpoint, method)][role]
        if response.status_code != expected:
            failures.append(f"{method} {url} as {role}: {response.status_code}, expected {expected}")
        if expected == LOGIN and role == "anon" and rule.endpoint not in ("dashboard.index", "auth.language"):
            assert "/login" in response.headers.get("Location", ""), url
    assert not failures, "\n".join(failures)


def test_the_write_counter_sees_a_write(app, world):
    before = _database_state(app)
    from vendorportal.extensions import db

    with app.app_context():
        from vendorportal.core import audit

        audit.record(db.session, "update", "vendors", world["params"]["vendor_id"])
        db.session.commit()
    assert _changed_tables(before, _database_state(app)) == ["audit_events"]


def test_api_errors_have_one_shape(client, world):
    response = client.get(f"/api/v1/contracts/{world['params']['contract_id']}", headers=bearer(world["tokens"]["vendor_b"]))
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found" and error["message"] and error["details"] == []
    response = client.get("/api/v1/vendors")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_a_session_cookie_does_not_authenticate_the_api(client, world):
    sign_in(client, world["users"]["manager"])
    assert client.get("/api/v1/vendors").status_code == 401
