"""Demo security data: a closed and an open assessment per vendor, findings, and actions in every status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from vendorportal.actions import services as actions
from vendorportal.checklists import services

PDF = b"%PDF-1.4\n% VendorPortal demo evidence\n"


def seed_security(session: Session, manager, vendor_users: dict[int, object], vendor_ids: list[int],
                  today: dt.date) -> None:
    """Give every demo vendor a closed assessment with findings and an assessment in progress."""
    template = services.ensure_default_template(session)
    statuses = ["open", "in_progress", "done", "verified"]
    for n, vendor_id in enumerate(vendor_ids):
        staff = vendor_users.get(vendor_id, manager)
        closed = services.send_assessment(session, manager, vendor_id=vendor_id, template=template,
                                          due_date=today - dt.timedelta(days=120 - n),
                                          today=today - dt.timedelta(days=150))
        answers = sorted(closed.answers, key=lambda a: a.item.position)
        for i, answer in enumerate(answers):
            response = "partial" if i % 9 == 4 else "no" if i % 13 == 7 else "yes"
            services.save_answer(session, closed, item_id=answer.item_id, response=response,
                                 comment="See the attached record." if answer.item.evidence_required else None)
            if answer.item.evidence_required and response != "no":
                services.add_evidence(session, staff, vendor_id=vendor_id, filename=f"{answer.item.code}.pdf",
                                      data=PDF, max_bytes=10**6, answer=answer)
        services.submit_assessment(session, closed)
        findings = 0
        for answer in answers:
            if answer.response in ("no", "partial") and findings < 4:
                finding = services.review_answer(
                    session, manager, answer, accept=False, severity=("high", "medium", "low", "critical")[findings],
                    description=f"Close the gap found in {answer.item.code}.",
                    due_date=today + dt.timedelta(days=(-10 if findings == 0 else 20 * findings)))
                action = session.get(actions.Action, finding.action_id)
                walk = statuses[: statuses.index(statuses[(findings + n) % 4]) + 1]
                for status in walk[1:]:
                    role_actor = manager if status == "verified" else staff
                    actions.update_action(session, role_actor, action, status=status,
                                          comment=f"Moved to {status.replace('_', ' ')}.")
                findings += 1
            else:
                services.review_answer(session, manager, answer, accept=True)
        services.close_assessment(session, closed)
        current = services.send_assessment(session, manager, vendor_id=vendor_id, template=template,
                                           due_date=today + dt.timedelta(days=5 + 10 * n), today=today)
        for answer in sorted(current.answers, key=lambda a: a.item.position)[:8]:
            services.save_answer(session, current, item_id=answer.item_id, response="yes", comment=None)
    actions.create_action(session, manager, {
        "vendor_id": vendor_ids[0], "title": "Agree the holiday-season staffing plan", "owner": "client",
        "due_date": (today + dt.timedelta(days=14)).isoformat(),
        "description": "Client side: confirm the forecast for December so the vendor can hire in time."})
    session.flush()
