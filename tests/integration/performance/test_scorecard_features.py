"""Disputes, relief, earn-back, escalation, the staffing check, the portfolio and the demo's states."""

import io
from decimal import Decimal

import pytest
from helpers import bearer, sign_in

HEADER = "date,interval,channel,offered,answered,answered_within_sl,abandoned,abandoned_short,agents_staffed,handle_time_total_s\n"


def month_file(period: str, sl_ratio: float, staffed: int = 20) -> bytes:
    rows = []
    for day in (1, 2):
        for hour in (9, 10):
            answered = 100
            rows.append(f"{period}-{day:02d},{hour:02d}:00,phone,110,{answered},{int(answered * sl_ratio)},10,2,"
                        f"{staffed},{answered * 240}")
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def contract_with_sla(client, create_vendor, create_contract, create_user, create_token):
    vendor = create_vendor()
    contract = create_contract(vendor, monthly_fee=Decimal("2000000"), currency="JPY", at_risk_percent=10,
                               earn_back_months=2, escalation_breaches=2, escalation_window_months=3,
                               start_date="2025-01-01", end_date="2028-12-31")
    manager, staff = create_user("manager"), create_user("vendor", vendor=vendor)
    tokens = {"manager": create_token(manager), "vendor": create_token(staff)}
    response = client.post(f"/api/v1/contracts/{contract.id}/targets", headers=bearer(tokens["manager"]), json={
        "metric": "service_level", "kind": "sla", "channel": "phone", "target": 80, "minimum": 75,
        "credit_allocation_percent": 50, "effective_from": "2026-01"})
    assert response.status_code == 201
    return contract, tokens, manager, staff


def accept(client, contract, tokens, period, data):
    sub = client.post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(tokens["vendor"]),
                      data={"period": period, "file": (io.BytesIO(data), f"{period}.csv")},
                      content_type="multipart/form-data")
    assert sub.status_code == 201, sub.get_json()
    assert client.post(f"/api/v1/submissions/{sub.get_json()['id']}/accept",
                       headers=bearer(tokens["manager"])).status_code == 200


def card(client, contract, tokens, period):
    return client.get(f"/api/v1/contracts/{contract.id}/scorecard?period={period}", headers=bearer(tokens["manager"])).get_json()


def test_earn_back_and_escalation(client, contract_with_sla):
    contract, tokens, _m, _s = contract_with_sla
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.70))  # breach
    first = card(client, contract, tokens, "2026-03")
    assert first["targets"][0]["status"] == "breach" and first["credits_total"] == "100000"
    assert first["targets"][0]["earn_back"] == "pending"
    accept(client, contract, tokens, "2026-04", month_file("2026-04", 0.90))
    accept(client, contract, tokens, "2026-05", month_file("2026-05", 0.90))
    earned = card(client, contract, tokens, "2026-03")
    assert earned["targets"][0]["earned_back"] is True and earned["credits_net"] == "0"
    accept(client, contract, tokens, "2026-06", month_file("2026-06", 0.70))
    accept(client, contract, tokens, "2026-07", month_file("2026-07", 0.70))
    escalated = card(client, contract, tokens, "2026-07")
    assert escalated["escalations"] and escalated["escalations"][0]["termination_right_may_be_open"]


def test_volume_over_forecast_relieves_queue_speed_targets(app, client, contract_with_sla):
    contract, tokens, _m, _s = contract_with_sla
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.targets import services as targets

    with app.app_context():
        targets.set_forecast(db.session, db.session.get(Contract, contract.id), "2026-03", 300)
        db.session.commit()
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.70))  # 440 offered > 300 + 10 %
    relieved = card(client, contract, tokens, "2026-03")
    assert relieved["targets"][0]["status"] == "relieved" and relieved["credits_total"] == "0"
    assert relieved["volume_relieved"] is True


def test_a_granted_dispute_relieves_the_breach(app, client, contract_with_sla):
    contract, tokens, manager, staff = contract_with_sla
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.70))
    vendor_client, manager_client = app.test_client(), app.test_client()
    sign_in(vendor_client, staff)
    sign_in(manager_client, manager)
    raised = vendor_client.post(f"/contracts/{contract.id}/disputes", data={
        "series_key": "service_level@phone", "period": "2026-03", "reason": "Carrier outage on 3 March"})
    assert raised.status_code == 302
    assert manager_client.post(f"/contracts/{contract.id}/disputes", data={
        "series_key": "service_level@phone", "period": "2026-03", "reason": "x"}).status_code == 403
    page = manager_client.get(f"/contracts/{contract.id}/scorecard?period=2026-03").get_data(as_text=True)
    assert "Carrier outage on 3 March" in page
    from vendorportal.extensions import db
    from vendorportal.targets.models import Dispute

    with app.app_context():
        dispute_id = db.session.query(Dispute.id).scalar()
    assert vendor_client.post(f"/disputes/{dispute_id}/decide", data={"decision_reason": "no", "action": "grant"}).status_code == 403
    decided = manager_client.post(f"/disputes/{dispute_id}/decide", data={"decision_reason": "Outage confirmed", "action": "grant"})
    assert decided.status_code == 302
    relieved = card(client, contract, tokens, "2026-03")
    assert relieved["targets"][0]["status"] == "relieved" and relieved["targets"][0]["relief"] == "dispute"
    assert relieved["credits_total"] == "0"


def test_a_dispute_needs_a_breach(app, client, contract_with_sla):
    contract, tokens, _manager, staff = contract_with_sla
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.95))
    vendor_client = app.test_client()
    sign_in(vendor_client, staff)
    page = vendor_client.post(f"/contracts/{contract.id}/disputes", data={
        "series_key": "service_level@phone", "period": "2026-03", "reason": "x"}, follow_redirects=True)
    assert "Only a breached target can be disputed." in page.get_data(as_text=True)


def test_staffing_check_flags_intervals_below_the_erlang_requirement(app, client, contract_with_sla):
    contract, tokens, manager, _s = contract_with_sla
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.9, staffed=5))
    manager_client = app.test_client()
    sign_in(manager_client, manager)
    page = manager_client.get(f"/contracts/{contract.id}/scorecard?period=2026-03").get_data(as_text=True)
    # 110 calls/hour at 240 s AHT is 7.3 Erlangs: 5 agents can never meet 80/20.
    assert "4 of 4 intervals" in page
    accept(client, contract, tokens, "2026-04", month_file("2026-04", 0.9, staffed=12))
    page = manager_client.get(f"/contracts/{contract.id}/scorecard?period=2026-04").get_data(as_text=True)
    assert "No interval with agents staffed fell short" in page


def test_portfolio_shows_every_active_contract_with_credits_late_and_missing(app, client, contract_with_sla,
                                                                             create_user, create_vendor, create_contract):
    contract, tokens, _m, _s = contract_with_sla
    silent = create_contract(create_vendor(name="Silent Vendor"), start_date="2025-01-01", end_date="2028-12-31")
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.70))
    executive = app.test_client()
    sign_in(executive, create_user("executive"))
    page = executive.get("/portfolio?period=2026-03").get_data(as_text=True)
    assert contract.reference in page and silent.reference in page
    assert "100,000 JPY" in page  # credits due
    assert 'data-testid="missing-count">1<' in page and 'data-testid="late-count">1<' in page
    assert "cell-breach" in page


def test_submission_review_page_compares_the_month_and_flags_reported_figures(app, client, contract_with_sla):
    contract, tokens, manager, _s = contract_with_sla
    accept(client, contract, tokens, "2026-03", month_file("2026-03", 0.9))
    data = month_file("2026-04", 0.9).decode().replace("handle_time_total_s\n", "handle_time_total_s,reported_service_level\n", 1)
    data = "\n".join(line + (",70" if i else "") for i, line in enumerate(data.strip().split("\n"))) + "\n"
    sub = client.post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(tokens["vendor"]),
                      data={"period": "2026-04", "file": (io.BytesIO(data.encode()), "april.csv")},
                      content_type="multipart/form-data")
    assert sub.status_code == 201, sub.get_json()
    manager_client = app.test_client()
    sign_in(manager_client, manager)
    page = manager_client.get(f"/submissions/{sub.get_json()['id']}").get_data(as_text=True)
    assert "2026-03" in page and "differs by more than 0.5" in page
    queue = manager_client.get("/review").get_data(as_text=True)
    assert contract.reference in queue


def test_the_demo_shows_every_state(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from sqlalchemy import func, select

    from vendorportal.extensions import db
    from vendorportal.submissions.models import Submission
    from vendorportal.targets.models import Dispute

    with app.app_context():
        statuses = dict(db.session.execute(select(Submission.status, func.count()).group_by(Submission.status)).all())
        late = db.session.execute(select(func.count()).where(Submission.is_late.is_(True))).scalar()
        granted = db.session.execute(select(func.count()).where(Dispute.status == "granted")).scalar()
    assert statuses.get("accepted", 0) >= 25 and statuses.get("returned") == 1 and statuses.get("submitted") == 1
    assert late >= 2 and granted == 1
    assert runner.invoke(args=["verify-audit"]).exit_code == 0


def test_an_escalation_raises_one_corrective_action(client, contract_with_sla):
    contract, tokens, _m, _s = contract_with_sla
    accept(client, contract, tokens, "2026-06", month_file("2026-06", 0.70))
    accept(client, contract, tokens, "2026-07", month_file("2026-07", 0.70))  # 2 breaches in 3 months
    actions = client.get("/api/v1/actions?source=escalation", headers=bearer(tokens["vendor"])).get_json()["items"]
    assert len(actions) == 1 and actions[0]["contract_id"] == contract.id and actions[0]["owner"] == "vendor"
    assert "2026-07" in actions[0]["title"]


def test_the_demo_has_assessments_findings_and_actions_in_every_status(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from sqlalchemy import func, select

    from vendorportal.actions.models import Action
    from vendorportal.checklists.models import Assessment, Finding
    from vendorportal.extensions import db

    with app.app_context():
        assessments = dict(db.session.execute(select(Assessment.status, func.count()).group_by(Assessment.status)).all())
        actions = {s for s in db.session.execute(select(Action.status)).scalars()}
        findings = db.session.execute(select(func.count()).select_from(Finding)).scalar()
    assert assessments.get("closed") == 3 and assessments.get("in_progress") == 3
    assert actions >= {"open", "in_progress", "done", "verified"} and findings >= 3
