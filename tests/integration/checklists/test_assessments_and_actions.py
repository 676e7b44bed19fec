"""Assessments end to end through the API and pages, scores, evidence rules, actions and reminders."""

import datetime as dt
import io

import pytest
from helpers import bearer, make_test_config, sign_in
from smtp_server import LocalSMTPServer

PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def setup(app, create_vendor, create_user, create_token):
    from vendorportal.checklists import services
    from vendorportal.extensions import db

    vendor, other = create_vendor(name="Northwind"), create_vendor(name="Other")
    manager = create_user("manager")
    staff = create_user("vendor", vendor=vendor)
    other_staff = create_user("vendor", vendor=other)
    with app.app_context():
        template = services.ensure_default_template(db.session)
        assessment = services.send_assessment(db.session, manager, vendor_id=vendor.id, template=template,
                                              due_date=dt.date(2099, 1, 31), today=dt.date(2026, 11, 1))
        db.session.commit()
        assessment_id, template_id = assessment.id, template.id
        items = [(a.item_id, a.item.code, a.item.evidence_required) for a in assessment.answers]
    return {"vendor": vendor, "manager": manager, "staff": staff, "other_staff": other_staff,
            "assessment_id": assessment_id, "template_id": template_id, "items": items,
            "tokens": {"manager": create_token(manager), "staff": create_token(staff),
                       "other": create_token(other_staff), "executive": create_token(create_user("executive"))}}


def test_the_default_template_has_items_in_both_languages(app, setup):
    from vendorportal.checklists.models import ChecklistTemplate
    from vendorportal.extensions import db

    with app.app_context():
        template = db.session.get(ChecklistTemplate, setup["template_id"])
        assert len(template.items) >= 25
        assert {i.category for i in template.items} >= {"governance", "people", "physical", "access", "data",
                                                       "remote_work", "operations", "incidents", "subcontracting",
                                                       "continuity"}
        assert all(i.question_en and i.question_ja and not i.question_ja.isascii() for i in template.items)


def test_vendor_answers_through_the_api_and_other_vendors_cannot(client, setup):
    aid, tokens = setup["assessment_id"], setup["tokens"]
    item_id = setup["items"][0][0]
    answered = client.post(f"/api/v1/assessments/{aid}/answers", headers=bearer(tokens["staff"]),
                           json={"item_id": item_id, "response": "yes", "comment": "ISO 27001 since 2019"})
    assert answered.status_code == 200
    body = client.get(f"/api/v1/assessments/{aid}", headers=bearer(tokens["staff"])).get_json()
    first = next(i for i in body["items"] if i["item_id"] == item_id)
    assert first["response"] == "yes" and first["comment"] == "ISO 27001 since 2019"
    assert client.get(f"/api/v1/assessments/{aid}", headers=bearer(tokens["other"])).status_code == 404
    assert client.post(f"/api/v1/assessments/{aid}/answers", headers=bearer(tokens["other"]),
                       json={"item_id": item_id, "response": "no"}).status_code == 404
    assert client.post(f"/api/v1/assessments/{aid}/answers", headers=bearer(tokens["manager"]),
                       json={"item_id": item_id, "response": "no"}).status_code == 403
    assert client.post(f"/api/v1/assessments/{aid}/answers", headers=bearer(tokens["staff"]),
                       json={"item_id": item_id, "response": "maybe"}).status_code == 422
    listed = client.get(f"/api/v1/vendors/{setup['vendor'].id}/assessments", headers=bearer(tokens["staff"]))
    assert [a["id"] for a in listed.get_json()["items"]] == [aid]
    assert client.get(f"/api/v1/vendors/{setup['vendor'].id}/assessments",
                      headers=bearer(tokens["other"])).status_code == 404


def _answer_all(app, setup, response="yes"):
    from vendorportal.auth.models import User
    from vendorportal.checklists import services
    from vendorportal.checklists.models import Assessment
    from vendorportal.extensions import db

    with app.app_context():
        assessment = db.session.get(Assessment, setup["assessment_id"])
        staff = db.session.get(User, setup["staff"].id)
        for answer in assessment.answers:
            services.save_answer(db.session, assessment, item_id=answer.item_id, response=response, comment=None)
            if answer.item.evidence_required:
                services.add_evidence(db.session, staff, vendor_id=assessment.vendor_id, filename="proof.pdf",
                                      data=PDF, max_bytes=10**6, answer=answer)
        services.submit_assessment(db.session, assessment)
        db.session.commit()


def test_submit_needs_every_answer_and_required_evidence(app, client, setup):
    web = app.test_client()
    sign_in(web, setup["staff"])
    page = web.post(f"/assessments/{setup['assessment_id']}/submit", follow_redirects=True).get_data(as_text=True)
    assert "has no answer yet" in page
    _answer_all(app, setup)
    status = client.get(f"/api/v1/assessments/{setup['assessment_id']}", headers=bearer(setup["tokens"]["staff"]))
    assert status.get_json()["status"] == "submitted"


def test_manager_raises_a_finding_and_the_action_runs_to_verified(app, client, setup):
    _answer_all(app, setup)
    web_manager, web_vendor = app.test_client(), app.test_client()
    sign_in(web_manager, setup["manager"])
    sign_in(web_vendor, setup["staff"])
    from vendorportal.checklists.models import Assessment
    from vendorportal.extensions import db

    with app.app_context():
        answers = sorted(db.session.get(Assessment, setup["assessment_id"]).answers, key=lambda a: a.id)
        first, rest = answers[0].id, [a.id for a in answers[1:]]
    assert web_vendor.post(f"/answers/{first}/review", data={"decision": "accept"}).status_code == 403
    web_manager.post(f"/answers/{first}/review", data={"decision": "finding", "severity": "high",
                                                        "description": "No yearly refresher training",
                                                        "due_date": "2099-03-31"})
    for answer_id in rest:
        web_manager.post(f"/answers/{answer_id}/review", data={"decision": "accept"})
    actions = client.get("/api/v1/actions", headers=bearer(setup["tokens"]["staff"])).get_json()["items"]
    assert len(actions) == 1 and actions[0]["source"] == "finding" and actions[0]["status"] == "open"
    action_id = actions[0]["id"]
    assert client.get("/api/v1/actions", headers=bearer(setup["tokens"]["other"])).get_json()["items"] == []
    patch = lambda token, body: client.patch(f"/api/v1/actions/{action_id}", headers=bearer(token), json=body)  # noqa: E731
    assert patch(setup["tokens"]["other"], {"status": "done"}).status_code == 404
    assert patch(setup["tokens"]["executive"], {"status": "done"}).status_code == 403
    assert patch(setup["tokens"]["staff"], {"status": "in_progress", "comment": "Booked the training"}).status_code == 200
    assert patch(setup["tokens"]["staff"], {"status": "done", "comment": "All operators trained"}).status_code == 200
    assert patch(setup["tokens"]["staff"], {"status": "verified"}).status_code == 403
    verified = patch(setup["tokens"]["manager"], {"status": "verified", "comment": "Checked the records"})
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    assert [e["to"] for e in verified.get_json()["events"]] == ["in_progress", "done", "verified"]
    closed = web_manager.post(f"/assessments/{setup['assessment_id']}/decide", data={"decision": "close"})
    assert closed.status_code == 302
    body = client.get(f"/api/v1/assessments/{setup['assessment_id']}", headers=bearer(setup["tokens"]["manager"]))
    assert body.get_json()["status"] == "closed" and body.get_json()["score"] < 100


def test_evidence_rules_size_type_and_names(app, setup, database_url):
    from vendorportal import create_app

    item_id = next(i for i, _c, required in setup["items"] if required)
    web = app.test_client()
    sign_in(web, setup["staff"])
    url = f"/assessments/{setup['assessment_id']}/items/{item_id}"
    exe = web.post(url, data={"response": "yes", "evidence": (io.BytesIO(b"MZ\x90\x00 program"), "policy.pdf")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "Attach a PDF, PNG, JPEG, Word, Excel or PowerPoint file." in exe.get_data(as_text=True)
    odd_name = web.post(url, data={"response": "yes", "evidence": (io.BytesIO(PDF), "../../etc/passwd")},
                        content_type="multipart/form-data")
    assert odd_name.status_code == 302
    small = create_app(make_test_config(database_url, EVIDENCE_MAX_BYTES=100)).test_client()
    sign_in(small, setup["staff"])
    too_big = small.post(url, data={"response": "yes", "evidence": (io.BytesIO(PDF + b"x" * 200), "big.pdf")},
                         content_type="multipart/form-data")
    assert too_big.status_code == 413
    from vendorportal.extensions import db
    from vendorportal.files.models import Evidence

    with app.app_context():
        stored = db.session.query(Evidence).one()
        assert stored.file.original_name == "passwd" and stored.file.sha256
        evidence_id = stored.id
    other = app.test_client()
    sign_in(other, setup["other_staff"])
    assert other.get(f"/evidence/{evidence_id}").status_code == 404
    assert web.get(f"/evidence/{evidence_id}").data == PDF


def test_reminders_mail_each_event_once(app, database_url, setup):
    from vendorportal import create_app
    from vendorportal.checklists.models import Assessment
    from vendorportal.extensions import db
    from vendorportal.notifications import services as notifications
    from vendorportal.notifications.models import Notification

    with LocalSMTPServer() as server:
        mailer = create_app(make_test_config(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port))
        with mailer.app_context():
            assessment = db.session.get(Assessment, setup["assessment_id"])
            assessment.due_date = dt.date(2026, 12, 5)
            db.session.commit()
            for _ in range(2):  # the daily job runs twice on the same day
                mails = notifications.run_reminders(db.session, dt.date(2026, 12, 1), lambda kind, i: f"/x/{i}")
                db.session.commit()
                notifications.deliver(mails)
            server.wait_for(1)
            assert len(server.messages) == 1 and server.messages[0]["To"] == setup["staff"].email
            assert db.session.query(Notification).count() == 1
            mails = notifications.run_reminders(db.session, dt.date(2026, 12, 6), lambda kind, i: f"/x/{i}")
            db.session.commit()
            notifications.deliver(mails)
            server.wait_for(2)
            assert "overdue" in server.messages[1]["Subject"]


def test_audit_events_for_answers_reviews_and_evidence(app, runner, setup):
    _answer_all(app, setup)
    from sqlalchemy import select

    from vendorportal.core.audit import AuditEvent
    from vendorportal.extensions import db

    with app.app_context():
        kinds = set(db.session.execute(select(AuditEvent.entity_type)).scalars())
    assert {"assessment_answers", "evidence_files", "assessments"} <= kinds
    assert runner.invoke(args=["verify-audit"]).exit_code == 0


def test_send_reminders_command_is_idempotent(app, runner, setup):
    from vendorportal.checklists.models import Assessment
    from vendorportal.extensions import db
    from vendorportal.notifications.models import Notification

    with app.app_context():
        db.session.get(Assessment, setup["assessment_id"]).due_date = dt.date(2026, 12, 5)
        db.session.commit()
    first = runner.invoke(args=["send-reminders", "--date", "2026-12-01"])
    again = runner.invoke(args=["send-reminders", "--date", "2026-12-01"])
    assert first.exit_code == 0 and "1 reminder(s)" in first.output
    assert again.exit_code == 0 and "0 reminder(s)" in again.output
    with app.app_context():
        assert db.session.query(Notification).count() == 1


def test_managers_create_actions_by_hand(app, client, setup):
    web = app.test_client()
    sign_in(web, setup["manager"])
    created = web.post("/actions/new", data={"vendor_id": setup["vendor"].id, "title": "Review the IVR menu",
                                             "owner": "client", "due_date": "2099-05-01", "description": ""})
    assert created.status_code == 302
    items = client.get("/api/v1/actions?source=manual", headers=bearer(setup["tokens"]["manager"])).get_json()["items"]
    assert [a["title"] for a in items] == ["Review the IVR menu"] and items[0]["owner"] == "client"
    vendor_web = app.test_client()
    sign_in(vendor_web, setup["staff"])
    assert vendor_web.post("/actions/new", data={"vendor_id": setup["vendor"].id, "title": "x", "owner": "vendor",
                                                 "due_date": "2099-05-01"}).status_code == 403


def test_a_copied_version_is_edited_while_the_version_in_use_never_changes(app, setup):
    from vendorportal.checklists.models import ChecklistTemplate
    from vendorportal.extensions import db

    web = app.test_client()
    sign_in(web, setup["manager"])
    in_use = setup["template_id"]
    with app.app_context():
        first_item = db.session.get(ChecklistTemplate, in_use).items[0]
        first_id, question = first_item.id, first_item.question_en
    refused = web.post(f"/checklists/templates/{in_use}", data={
        "item_id": first_id, "category": "governance", "question_en": "Changed?", "question_ja": "変更？", "weight": 1},
        follow_redirects=True)
    assert "cannot change" in refused.get_data(as_text=True)
    copied = web.post("/checklists/templates", data={"template_id": in_use})
    new_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        items = db.session.get(ChecklistTemplate, new_id).items
        count, new_first = len(items), items[0].id
    web.post(f"/checklists/templates/{new_id}", data={
        "item_id": new_first, "category": "governance", "question_en": "Is ISO 27001 current?",
        "question_ja": "ISO 27001 は有効ですか。", "weight": 3})
    web.post(f"/checklists/templates/{new_id}", data={
        "op": "add", "code": "AI-01", "category": "data", "question_en": "Is generative AI use approved?",
        "question_ja": "生成AIの利用は承認されていますか。", "weight": 2})
    web.post(f"/checklists/templates/{new_id}", data={"op": "remove", "item_id": new_first + 1})
    with app.app_context():
        new = db.session.get(ChecklistTemplate, new_id)
        assert new.version == 2 and len(new.items) == count
        assert new.items[0].question_en == "Is ISO 27001 current?" and new.items[-1].code == "AI-01"
        assert db.session.get(ChecklistTemplate, in_use).items[0].question_en == question


def test_wrongly_typed_input_is_a_clear_422_not_a_server_error(app, client, setup):
    aid, tokens = setup["assessment_id"], setup["tokens"]
    item_id = setup["items"][0][0]
    answer = client.post(f"/api/v1/assessments/{aid}/answers", headers=bearer(tokens["staff"]),
                         json={"item_id": item_id, "response": "yes", "comment": 7})
    assert answer.status_code == 422 and answer.get_json()["error"]["details"][0]["field"] == "comment"
    web = app.test_client()
    sign_in(web, setup["manager"])
    web.post("/actions/new", data={"vendor_id": setup["vendor"].id, "title": "Fix", "owner": "vendor",
                                   "due_date": "2099-01-01"})
    action_id = client.get("/api/v1/actions", headers=bearer(tokens["manager"])).get_json()["items"][0]["id"]
    patched = client.patch(f"/api/v1/actions/{action_id}", headers=bearer(tokens["staff"]), json={"comment": 5})
    assert patched.status_code == 422
    unknown_vendor = web.post("/actions/new", data={"vendor_id": "999999", "title": "x", "owner": "vendor",
                                                    "due_date": "2099-01-01"}, follow_redirects=True)
    assert unknown_vendor.status_code == 200 and "There is no such vendor." in unknown_vendor.get_data(as_text=True)
