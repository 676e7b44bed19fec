"""/api/v1 targets, metric catalog, submissions and scorecards."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.api.base import bp, conflict_error, invalid_body, json_body, token_required, validation_error
from vendorportal.api.errors import api_error
from vendorportal.contracts.models import Contract
from vendorportal.core.errors import Conflict, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.notifications import services as notifications
from vendorportal.scorecards import services as scorecards
from vendorportal.submissions import edge
from vendorportal.submissions import services as uploads
from vendorportal.submissions import templates as upload_templates
from vendorportal.submissions.models import Submission
from vendorportal.targets import services as targets


def _contract(contract_id: int) -> Contract:
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    return contract



@bp.get("/metrics")
@token_required
@checked(policies.can_list_contracts, hide=True)
def list_metrics():
    return {"items": [m.as_dict() for m in targets.catalog(db.session).values()]}


@bp.get("/contracts/<int:contract_id>/targets")
@token_required
@checked()
def list_targets(contract_id: int):
    contract = _contract(contract_id)
    period = request.args.get("period")
    try:
        items = (targets.targets_in_force(db.session, contract, str(targets.parse_period(period))) if period
                 else targets.target_versions(db.session, contract.id))
    except ValidationFailed as failure:
        return validation_error(failure)
    return {"items": [targets.target_to_dict(t) for t in items]}


@bp.post("/contracts/<int:contract_id>/targets")
@token_required
@checked()
def create_target(contract_id: int):
    contract = _contract(contract_id)
    ensure_allowed(policies.can_manage_targets(actor(), contract))
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        target = targets.add_target(db.session, actor(), contract, body)
    except ValidationFailed as failure:
        return validation_error(failure)
    db.session.commit()
    return targets.target_to_dict(target), 201


@bp.post("/contracts/<int:contract_id>/submissions")
@token_required
@checked()
def create_submission(contract_id: int):
    contract = _contract(contract_id)
    ensure_allowed(policies.can_submit_data(actor(), contract))
    upload = request.files.get("file")
    if upload is None:
        return api_error(422, "invalid", _("Some fields are not valid."),
                         [{"field": "file", "message": _("Choose a file to upload.")}])
    dry_run = (request.form.get("dry_run") or request.args.get("dry_run") or "").lower() in ("1", "true", "yes")
    try:
        done = edge.upload(actor(), contract, period=request.form.get("period", ""), filename=upload.filename or "",
                           data=upload.read(), tz=current_app.config["TIMEZONE"],
                           number_format=request.form.get("number_format") or None, dry_run=dry_run)
    except ValidationFailed as failure:
        return validation_error(failure)
    except Conflict as err:
        return conflict_error(err)
    db.session.commit()  # a refused file still leaves its attempt in the history
    warnings = [uploads.issue_dict(w) for w in done.checked.warnings]
    if dry_run:
        return {"dry_run": True, "ok": done.checked.ok, "period": done.rules.period, "rows": done.checked.row_count,
                "errors": [uploads.issue_dict(e) for e in done.checked.errors], "warnings": warnings,
                "month": uploads.month_figures(done.checked, done.rules), "profile": done.checked.profile,
                "derived_from_averages": bool(done.checked.derived and done.checked.derived["from_averages"])}
    outcome = done.outcome
    if not outcome.ok:
        response, status = api_error(422, "invalid_file", _("The file has errors; nothing was stored."),
                                     [uploads.issue_dict(e) for e in outcome.errors])
        body = response.get_json()
        body["warnings"] = warnings
        return body, status
    notifications.deliver(notifications.submitted_mails(db.session, outcome.submission, contract))
    body = uploads.submission_to_dict(outcome.submission)
    return body, 201, {"Location": url_for("api.get_submission", submission_id=outcome.submission.id)}


@bp.get("/contracts/<int:contract_id>/submissions")
@token_required
@checked()
def list_submissions(contract_id: int):
    contract = _contract(contract_id)
    items = uploads.list_submissions(db.session, contract.id, request.args.get("period") or None)
    return {"items": [uploads.submission_to_dict(s) for s in items]}


def _submission(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    _contract(submission.contract_id)
    return submission


@bp.get("/submissions/<int:submission_id>")
@token_required
@checked()
def get_submission(submission_id: int):
    return uploads.submission_to_dict(_submission(submission_id))


def _review(submission_id: int, decide, *, body_required: bool):
    """Accept or return a month for the API: decide(submission, body), then commit and mail the vendor."""
    submission = _submission(submission_id)
    ensure_allowed(policies.can_review_submissions(actor()))
    body = json_body() if body_required or request.data else {}
    if not isinstance(body, dict):
        return invalid_body()
    try:
        decide(submission, body)
    except ValidationFailed as failure:
        return validation_error(failure)
    except Conflict as err:
        return conflict_error(err)
    db.session.commit()
    notifications.deliver(notifications.reviewed_mails(db.session, submission, _contract(submission.contract_id)))
    return uploads.submission_to_dict(submission)


@bp.post("/submissions/<int:submission_id>/accept")
@token_required
@checked()
def accept_submission(submission_id: int):
    return _review(submission_id, lambda submission, body: scorecards.accept_month(
        db.session, actor(), submission, body.get("comment"), today=today()), body_required=False)


@bp.post("/submissions/<int:submission_id>/return")
@token_required
@checked()
def return_submission(submission_id: int):
    return _review(submission_id, lambda submission, body: uploads.return_submission(
        db.session, actor(), submission, str(body.get("comment") or "")), body_required=True)


@bp.get("/contracts/<int:contract_id>/scorecard")
@token_required
@checked()
def get_scorecard(contract_id: int):
    contract = _contract(contract_id)
    try:
        month = targets.parse_period(request.args.get("period"))
    except ValidationFailed as failure:
        return validation_error(failure)
    return scorecards.to_dict(scorecards.build_scorecard(db.session, contract, month))


@bp.get("/contracts/<int:contract_id>/template.<any(xlsx, csv):fmt>")
@token_required
@checked()
def download_template(contract_id: int, fmt: str):
    contract = _contract(contract_id)
    return upload_templates.template_response(db.session, contract, fmt, request.args.get("period"))
