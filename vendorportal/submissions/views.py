"""Pages for monthly data: upload with a row-level error table, history, review, the review queue."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, ensure_visible, policies
from vendorportal.contracts.models import Contract
from vendorportal.core import audit
from vendorportal.core.edge import change
from vendorportal.core.errors import Conflict, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.files.downloads import file_response
from vendorportal.notifications import services as notifications
from vendorportal.scorecards import services as scorecards
from vendorportal.submissions import services
from vendorportal.submissions import templates as upload_templates
from vendorportal.submissions.forms import ReviewForm, UploadForm
from vendorportal.submissions.models import Submission

bp = Blueprint("submissions", __name__)


def _default_period() -> str:
    day = today().replace(day=1)
    month = day.month - 1 or 12
    return f"{day.year - (day.month == 1):04d}-{month:02d}"


def _upload_page(contract: Contract, form: UploadForm, outcome=None, status: int = 200):
    return render_template(
        "submissions/index.html", contract=contract, form=form, outcome=outcome,
        submissions=services.list_submissions(db.session, contract.id),
        attempts=services.list_attempts(db.session, contract.id),
        can_upload=policies.can_submit_data(actor(), contract),
    ), status


@bp.route("/contracts/<int:contract_id>/data", methods=["GET", "POST"])
@login_required
@checked()
def index(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    ensure_visible(policies.can_view_contract(actor(), contract))
    form = UploadForm(data={"period": request.args.get("period") or _default_period()})
    if not form.is_submitted():
        return _upload_page(contract, form)
    ensure_allowed(policies.can_submit_data(actor(), contract))
    if not form.validate():
        return _upload_page(contract, form, status=400)
    upload = form.file.data
    try:
        outcome = services.submit_file(db.session, actor(), contract, period=form.period.data,
                                       filename=upload.filename or "", data=upload.read(),
                                       tz=current_app.config["TIMEZONE"])
    except (ValidationFailed, Conflict) as err:
        form.period.errors = [*form.period.errors, str(getattr(err, "message", err))]
        return _upload_page(contract, form, status=400)
    db.session.commit()
    if not outcome.ok:
        flash(_("The file has errors; nothing was stored. Fix the rows below and upload it again."), "danger")
        return _upload_page(contract, form, outcome, status=422)
    notifications.deliver(notifications.submitted_mails(db.session, outcome.submission, contract))
    flash(_("Version %(v)d of %(month)s uploaded.", v=outcome.submission.version, month=outcome.submission.period),
          "success")
    return redirect(url_for("submissions.detail", submission_id=outcome.submission.id))


def _load(submission_id: int) -> tuple[Submission, Contract]:
    submission = db.get_or_404(Submission, submission_id)
    contract = db.get_or_404(Contract, submission.contract_id)
    ensure_visible(policies.can_view_contract(actor(), contract))
    return submission, contract


@bp.route("/submissions/<int:submission_id>")
@login_required
@checked()
def detail(submission_id: int):
    submission, contract = _load(submission_id)
    periods, compared = scorecards.compare_submission(db.session, contract, submission)
    can_review = policies.can_review_submissions(actor()) and submission.status == "submitted"
    return render_template("submissions/detail.html", submission=submission, contract=contract, periods=periods,
                           compared=compared, can_review=can_review, form=ReviewForm())


@bp.route("/submissions/<int:submission_id>/review", methods=["POST"])
@login_required
@checked()
def review(submission_id: int):
    submission, contract = _load(submission_id)
    ensure_allowed(policies.can_review_submissions(actor()))
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("The comment is too long."), "danger")
        return redirect(url_for("submissions.detail", submission_id=submission.id))
    with change() as step:
        if request.form.get("action") == "accept":
            scorecards.accept_month(db.session, actor(), submission, form.comment.data, today=today())
            step.success = _("%(month)s version %(v)d accepted.", month=submission.period, v=submission.version)
        else:
            services.return_submission(db.session, actor(), submission, form.comment.data or "")
            step.success = _("%(month)s version %(v)d returned to the vendor.", month=submission.period,
                             v=submission.version)
        step.mails = notifications.reviewed_mails(db.session, submission, contract)
    return redirect(url_for("submissions.detail", submission_id=submission.id))


@bp.route("/submissions/<int:submission_id>/file")
@login_required
@checked()
def download(submission_id: int):
    submission, contract = _load(submission_id)
    audit.record(db.session, "download", "submissions", submission.id, vendor_id=contract.vendor_id,
                 contract_id=contract.id)
    db.session.commit()
    return file_response(submission.file)


@bp.route("/contracts/<int:contract_id>/template.<any(xlsx, csv):fmt>")
@login_required
@checked()
def template(contract_id: int, fmt: str):
    contract = db.get_or_404(Contract, contract_id)
    ensure_visible(policies.can_view_contract(actor(), contract))
    return upload_templates.template_response(db.session, contract, fmt, request.args.get("period"))


@bp.route("/review")
@login_required
@checked(policies.can_review_submissions, hide=True)
def queue():
    return render_template("submissions/queue.html", items=services.review_queue(db.session))
