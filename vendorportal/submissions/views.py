"""Pages for monthly data: upload with a row-level error table, history, review, the review queue."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.contracts.models import Contract
from vendorportal.core import audit
from vendorportal.core.edge import change
from vendorportal.core.errors import Conflict, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.files.downloads import file_response
from vendorportal.notifications import services as notifications
from vendorportal.scorecards import services as scorecards
from vendorportal.submissions import edge, services
from vendorportal.submissions import templates as upload_templates
from vendorportal.submissions.forms import ReviewForm, UploadForm
from vendorportal.submissions.models import Submission

bp = Blueprint("submissions", __name__)


def _default_period() -> str:
    day = today().replace(day=1)
    month = day.month - 1 or 12
    return f"{day.year - (day.month == 1):04d}-{month:02d}"


def _upload_page(contract: Contract, form: UploadForm, done: edge.Upload | None = None, status: int = 200):
    return render_template(
        "submissions/index.html", contract=contract, form=form, checked=done.checked if done else None,
        dry_run=done is not None and done.outcome is None,
        figures=services.month_figures(done.checked, done.rules) if done and done.checked.ok else {},
        submissions=services.list_submissions(db.session, contract.id),
        attempts=services.list_attempts(db.session, contract.id),
        can_upload=policies.can_submit_data(actor(), contract),
    ), status


@bp.route("/contracts/<int:contract_id>/data", methods=["GET", "POST"])
@login_required
@checked()
def index(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    form = UploadForm(data={"period": request.args.get("period") or _default_period()})
    if not form.is_submitted():
        return _upload_page(contract, form)
    ensure_allowed(policies.can_submit_data(actor(), contract))
    if not form.validate():
        return _upload_page(contract, form, status=400)
    file, dry_run = form.file.data, request.form.get("dry_run") == "1"
    try:
        done = edge.upload(actor(), contract, period=form.period.data, filename=file.filename or "", data=file.read(),
                           tz=current_app.config["TIMEZONE"], number_format=form.number_format.data or None,
                           dry_run=dry_run)
    except (ValidationFailed, Conflict) as err:
        form.period.errors = [*form.period.errors, str(getattr(err, "message", err))]
        return _upload_page(contract, form, status=400)
    db.session.commit()
    if dry_run or not done.outcome.ok:
        return _upload_page(contract, form, done, status=200 if done.checked.ok else 422)
    submission = done.outcome.submission
    notifications.deliver(notifications.submitted_mails(db.session, submission, contract))
    flash(_("Version %(v)d of %(month)s uploaded.", v=submission.version, month=submission.period), "success")
    return redirect(url_for("submissions.detail", submission_id=submission.id))


def _load(submission_id: int) -> tuple[Submission, Contract]:
    submission = db.get_or_404(Submission, submission_id)
    contract = load_visible(Contract, submission.contract_id, policies.can_view_contract)
    return submission, contract


@bp.route("/submissions/<int:submission_id>")
@login_required
@checked()
def detail(submission_id: int):
    submission, contract = _load(submission_id)
    periods, compared = scorecards.compare_submission(db.session, contract, submission)
    can_review = policies.can_review_submissions(actor()) and submission.status == "submitted"
    return render_template("submissions/detail.html", submission=submission, contract=contract, periods=periods,
                           compared=compared, can_review=can_review, form=ReviewForm(),
                           warnings=services.stored_warnings(submission), derived=services.derived(submission),
                           profile=services.profile_name(submission.profile, str(get_locale() or "en")))


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
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    language = request.args.get("headers") or str(get_locale() or "en")
    return upload_templates.template_response(db.session, contract, fmt, request.args.get("period"), language)


@bp.route("/help/column-names")
@login_required
@checked()
def column_names():
    return render_template("submissions/column_names.html", catalog=upload_templates.column_catalog())


@bp.route("/review")
@login_required
@checked(policies.can_review_submissions, hide=True)
def queue():
    return render_template("submissions/queue.html", items=services.review_queue(db.session))
