"""/api/v1 assessments, answers and actions."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.actions import services as actions
from vendorportal.actions.models import Action
from vendorportal.api.base import bp, conflict_error, invalid_body, json_body, token_required, validation_error
from vendorportal.api.errors import api_error
from vendorportal.checklists import services
from vendorportal.checklists.models import Assessment
from vendorportal.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.core.ids import record_id
from vendorportal.extensions import db
from vendorportal.notifications import services as notifications
from vendorportal.vendors.models import Vendor


@bp.get("/vendors/<int:vendor_id>/assessments")
@token_required
@checked()
def list_assessments(vendor_id: int):
    vendor = load_visible(Vendor, vendor_id, policies.can_view_vendor)
    locale = str(get_locale() or "en")
    items = services.list_assessments(db.session, vendor.id)
    return {"items": [services.assessment_to_dict(a, locale) for a in items]}


@bp.get("/assessments/<int:assessment_id>")
@token_required
@checked()
def get_assessment(assessment_id: int):
    assessment = load_visible(Assessment, assessment_id, policies.can_view_assessment)
    body = services.assessment_to_dict(assessment, str(get_locale() or "en"))
    body["findings"] = [{"id": f.id, "answer_id": f.answer_id, "severity": f.severity, "description": f.description,
                         "due_date": f.due_date.isoformat(), "action_id": f.action_id}
                        for f in services.findings_of(db.session, assessment.id)]
    return body


@bp.post("/assessments/<int:assessment_id>/answers")
@token_required
@checked()
def answer_item(assessment_id: int):
    assessment = load_visible(Assessment, assessment_id, policies.can_view_assessment)
    ensure_allowed(policies.can_answer_assessment(actor(), assessment))
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        item_id = int(body.get("item_id"))
    except (TypeError, ValueError):
        return validation_error(ValidationFailed([FieldError("item_id", _l("Must be a whole number."))]))
    try:
        services.save_answer(db.session, assessment, item_id=item_id, response=body.get("response"),
                             comment=body.get("comment"))
    except ValidationFailed as failure:
        return validation_error(failure)
    except Conflict as err:
        return conflict_error(err)
    db.session.commit()
    return services.assessment_to_dict(assessment, str(get_locale() or "en"))


@bp.get("/actions")
@token_required
@checked(policies.can_list_actions, hide=True)
def list_actions():
    day = today()
    items = actions.list_actions(db.session, actor(), vendor_id=request.args.get("vendor_id", type=record_id),
                                 status=request.args.get("status") or None, source=request.args.get("source") or None,
                                 overdue_only=request.args.get("overdue") in ("1", "true"), today=day)
    return {"items": [actions.action_to_dict(a, day) for a in items]}


@bp.patch("/actions/<int:action_id>")
@token_required
@checked()
def update_action(action_id: int):
    action = load_visible(Action, action_id, policies.can_view_action)
    ensure_allowed(policies.can_update_action(actor(), action))
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        event = actions.update_action(db.session, actor(), action, status=body.get("status"),
                                      comment=body.get("comment"))
    except ValidationFailed as failure:
        return validation_error(failure)
    except Forbidden:
        return api_error(403, "forbidden", _l("You may not make this change to the action."))
    mails = []
    if event.to_status == "done":
        mails = notifications.action_done(db.session, action, url_for("actions.detail", action_id=action.id,
                                                                        _external=True))
    db.session.commit()
    notifications.deliver(mails)
    return actions.action_to_dict(action, today())
