"""Pages for security checklists (templates, assessments, answers, review) and corrective actions."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from vendorportal.core import audit
from vendorportal.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.security import actions, notifications, services
from vendorportal.security.checklist_default import CATEGORY_NAMES
from vendorportal.security.decorators import actor, checked, ensure_allowed, ensure_visible, policies
from vendorportal.security.models import Action, Answer, Assessment, ChecklistTemplate, Evidence
from vendorportal.uploads.downloads import file_response
from vendorportal.vendors.models import Vendor

bp = Blueprint("checklists", __name__)
actions_bp = Blueprint("actions", __name__, url_prefix="/actions")


def _locale() -> str:
    return str(get_locale() or "en")


def _problem(err: Exception) -> str:
    if isinstance(err, ValidationFailed):
        return "; ".join(str(e.message) for e in err.errors)
    return str(getattr(err, "message", "") or err)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@bp.route("/checklists/templates", methods=["GET", "POST"])
@login_required
@checked(policies.can_view_templates, hide=True)
def templates():
    if request.method == "POST":
        ensure_allowed(policies.can_manage_templates(actor()))
        source = db.get_or_404(ChecklistTemplate, request.form.get("template_id", type=int) or 0)
        copy = services.copy_template(db.session, actor(), source)
        db.session.commit()
        flash(_("Version %(v)d created; edit it before sending it.", v=copy.version), "success")
        return redirect(url_for("checklists.template", template_id=copy.id))
    services.ensure_default_template(db.session)
    db.session.commit()
    return render_template("checklists/templates.html", templates=services.list_templates(db.session),
                           can_manage=policies.can_manage_templates(actor()))


@bp.route("/checklists/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
@checked(policies.can_view_templates, hide=True)
def template(template_id: int):
    tpl = db.get_or_404(ChecklistTemplate, template_id)
    if request.method == "POST":
        ensure_allowed(policies.can_manage_templates(actor()))
        data = {k: request.form.get(k, "") for k in ("code", "category", "question_en", "question_ja",
                                                      "guidance_en", "guidance_ja")}
        data["weight"] = request.form.get("weight", type=int)
        data["evidence_required"] = request.form.get("evidence_required") == "y"
        if request.form.get("op") == "add":
            try:
                services.add_item(db.session, tpl, data)
            except (ValidationFailed, Conflict) as err:
                db.session.rollback()
                flash(_problem(err), "danger")
            else:
                db.session.commit()
                flash(_("Item %(code)s added.", code=data["code"].upper()), "success")
            return redirect(url_for("checklists.template", template_id=tpl.id))
        item = next((i for i in tpl.items if i.id == request.form.get("item_id", type=int)), None)
        if item is None:
            abort(404)
        try:
            if request.form.get("op") == "remove":
                services.remove_item(db.session, tpl, item)
            else:
                services.update_item(db.session, item, data)
        except (ValidationFailed, Conflict) as err:
            db.session.rollback()
            flash(_problem(err), "danger")
        else:
            db.session.commit()
            flash(_("Item %(code)s saved.", code=item.code), "success")
        return redirect(url_for("checklists.template", template_id=tpl.id) + f"#item-{item.id}")
    return render_template("checklists/template.html", template=tpl, locale=_locale(), categories=CATEGORY_NAMES,
                           can_edit=policies.can_manage_templates(actor()) and not tpl.is_in_use)


@bp.route("/vendors/<int:vendor_id>/assessments", methods=["GET", "POST"])
@login_required
@checked()
def vendor_assessments(vendor_id: int):
    vendor = db.get_or_404(Vendor, vendor_id)
    ensure_visible(policies.can_view_vendor(actor(), vendor))
    if request.method == "POST":
        ensure_allowed(policies.can_review_assessments(actor()))
        tpl = db.get_or_404(ChecklistTemplate, request.form.get("template_id", type=int) or 0)
        due = _date(request.form.get("due_date"))
        try:
            if due is None:
                raise ValidationFailed([FieldError("due_date", _l("Use a date like 2026-04-30."))])
            assessment = services.send_assessment(db.session, actor(), vendor_id=vendor.id, template=tpl,
                                                  due_date=due, today=today())
        except ValidationFailed as err:
            flash(_problem(err), "danger")
            return redirect(url_for("checklists.vendor_assessments", vendor_id=vendor.id))
        mails = notifications.assessment_sent(db.session, assessment, _link("assessment", assessment.id))
        db.session.commit()
        notifications.deliver(mails)
        flash(_("Assessment sent to %(vendor)s.", vendor=vendor.name), "success")
        return redirect(url_for("checklists.assessment", assessment_id=assessment.id))
    services.ensure_default_template(db.session)
    db.session.commit()
    items = services.list_assessments(db.session, vendor.id)
    return render_template(
        "checklists/vendor_assessments.html", vendor=vendor, assessments=items,
        scores={a.id: services.scores(a) for a in items}, categories=CATEGORY_NAMES, locale=_locale(),
        templates=services.list_templates(db.session), can_send=policies.can_review_assessments(actor()),
        open_actions=actions.open_actions(db.session, actor(), vendor_id=vendor.id, today=today()), today=today(),
        is_overdue=actions.is_overdue)


def _link(kind: str, ident: int) -> str:
    if kind == "assessment":
        return url_for("checklists.assessment", assessment_id=ident, _external=True)
    return url_for("actions.detail", action_id=ident, _external=True)


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.get_or_404(Assessment, assessment_id)
    ensure_visible(policies.can_view_assessment(actor(), assessment))
    return assessment


@bp.route("/assessments/<int:assessment_id>")
@login_required
@checked()
def assessment(assessment_id: int):
    item = _assessment(assessment_id)
    answers = sorted(item.answers, key=lambda a: a.item.position)
    can_answer = policies.can_answer_assessment(actor(), item) and item.status in services.OPEN_STATUSES
    previous, changes = services.changes_since_previous(db.session, item)
    return render_template(
        "checklists/assessment.html", assessment=item, answers=answers, scores=services.scores(item),
        previous=previous, changes=changes,
        findings={f.answer_id: f for f in services.findings_of(db.session, item.id)}, categories=CATEGORY_NAMES,
        locale=_locale(), can_answer=can_answer,
        can_review=policies.can_review_assessments(actor()) and item.status == "submitted",
        vendor=db.session.get(Vendor, item.vendor_id), default_due=(today() + dt.timedelta(days=30)).isoformat())


@bp.route("/assessments/<int:assessment_id>/items/<int:item_id>", methods=["POST"])
@login_required
@checked()
def answer(assessment_id: int, item_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_answer_assessment(actor(), item))
    try:
        saved = services.save_answer(db.session, item, item_id=item_id, response=request.form.get("response"),
                                     comment=request.form.get("comment"))
        upload = request.files.get("evidence")
        if upload is not None and upload.filename:
            services.add_evidence(db.session, actor(), vendor_id=item.vendor_id, filename=upload.filename,
                                  data=upload.read(), max_bytes=current_app.config["EVIDENCE_MAX_BYTES"], answer=saved)
    except services.EvidenceTooLarge:
        db.session.rollback()
        abort(413)
    except (ValidationFailed, Conflict) as err:
        db.session.rollback()
        flash(_problem(err), "danger")
    else:
        db.session.commit()
        flash(_("Answer saved."), "success")
    return redirect(url_for("checklists.assessment", assessment_id=item.id) + f"#item-{item_id}")


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@login_required
@checked()
def submit(assessment_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_answer_assessment(actor(), item))
    try:
        services.submit_assessment(db.session, item)
    except (ValidationFailed, Conflict) as err:
        flash(_problem(err), "danger")
        return redirect(url_for("checklists.assessment", assessment_id=item.id))
    vendor = db.session.get(Vendor, item.vendor_id)
    mails = notifications.assessment_submitted(db.session, item, vendor.name, _link("assessment", item.id))
    db.session.commit()
    notifications.deliver(mails)
    flash(_("Assessment submitted for review."), "success")
    return redirect(url_for("checklists.assessment", assessment_id=item.id))


@bp.route("/answers/<int:answer_id>/review", methods=["POST"])
@login_required
@checked()
def review(answer_id: int):
    found = db.get_or_404(Answer, answer_id)
    item = _assessment(found.assessment_id)
    ensure_allowed(policies.can_review_assessments(actor()))
    mails = []
    try:
        finding = services.review_answer(
            db.session, actor(), found, accept=request.form.get("decision") == "accept",
            severity=request.form.get("severity"), description=request.form.get("description"),
            due_date=_date(request.form.get("due_date")))
        if finding is not None:
            action = db.session.get(Action, finding.action_id)
            mails = notifications.action_assigned(db.session, action, _link("action", action.id))
    except (ValidationFailed, Conflict) as err:
        db.session.rollback()
        flash(_problem(err), "danger")
    else:
        db.session.commit()
        notifications.deliver(mails)
        flash(_("Review saved."), "success")
    return redirect(url_for("checklists.assessment", assessment_id=item.id) + f"#item-{found.item_id}")


@bp.route("/assessments/<int:assessment_id>/decide", methods=["POST"])
@login_required
@checked()
def decide(assessment_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_review_assessments(actor()))
    mails = []
    try:
        if request.form.get("decision") == "close":
            services.close_assessment(db.session, item)
        else:
            services.return_assessment(db.session, item, request.form.get("comment", ""))
            mails = notifications.assessment_returned(db.session, item, _link("assessment", item.id))
    except (ValidationFailed, Conflict) as err:
        flash(_problem(err), "danger")
        return redirect(url_for("checklists.assessment", assessment_id=item.id))
    db.session.commit()
    notifications.deliver(mails)
    flash(_("Assessment updated."), "success")
    return redirect(url_for("checklists.assessment", assessment_id=item.id))


@bp.route("/evidence/<int:evidence_id>")
@login_required
@checked()
def evidence(evidence_id: int):
    found = db.get_or_404(Evidence, evidence_id)
    ensure_visible(policies.can_view_evidence(actor(), found))
    audit.record(db.session, "download", "evidence_files", found.id, vendor_id=found.vendor_id)
    db.session.commit()
    return file_response(found.file)


@bp.route("/notifications")
@login_required
@checked()
def inbox():
    return render_template("checklists/notifications.html", items=notifications.inbox(db.session, actor()))


# Actions ---------------------------------------------------------------------------------------


@actions_bp.route("/")
@login_required
@checked(policies.can_list_actions, hide=True)
def index():
    day = today()
    filters = {"vendor_id": request.args.get("vendor_id", type=int), "status": request.args.get("status") or None,
               "source": request.args.get("source") or None}
    overdue = request.args.get("overdue") == "1"
    items = actions.list_actions(db.session, actor(), overdue_only=overdue, today=day, **filters)
    vendors = {v.id: v for v in db.session.query(Vendor).all()} if policies.is_client_staff(actor()) else {}
    return render_template("actions/index.html", actions=items, filters=filters, overdue=overdue, today=day,
                           is_overdue=actions.is_overdue, vendors=vendors,
                           can_create=policies.can_create_action(actor()))


@actions_bp.route("/new", methods=["POST"])
@login_required
@checked(policies.can_create_action)
def create():
    try:
        action = actions.create_action(db.session, actor(), request.form.to_dict())
    except ValidationFailed as err:
        flash(_problem(err), "danger")
        return redirect(url_for("actions.index"))
    mails = notifications.action_assigned(db.session, action, _link("action", action.id))
    db.session.commit()
    notifications.deliver(mails)
    flash(_("Action created."), "success")
    return redirect(url_for("actions.detail", action_id=action.id))


@actions_bp.route("/<int:action_id>", methods=["GET", "POST"])
@login_required
@checked()
def detail(action_id: int):
    action = db.get_or_404(Action, action_id)
    ensure_visible(policies.can_view_action(actor(), action))
    if request.method == "POST":
        ensure_allowed(policies.can_update_action(actor(), action))
        mails = []
        try:
            event = actions.update_action(db.session, actor(), action, status=request.form.get("status") or None,
                                          comment=request.form.get("comment"))
            upload = request.files.get("evidence")
            if upload is not None and upload.filename:
                services.add_evidence(db.session, actor(), vendor_id=action.vendor_id, filename=upload.filename,
                                      data=upload.read(), max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
                                      action_event_id=event.id)
            if event.to_status == "done":
                mails = notifications.action_done(db.session, action, _link("action", action.id))
        except services.EvidenceTooLarge:
            db.session.rollback()
            abort(413)
        except Forbidden:
            db.session.rollback()
            abort(403)
        except ValidationFailed as err:
            db.session.rollback()
            flash(_problem(err), "danger")
        else:
            db.session.commit()
            notifications.deliver(mails)
            flash(_("Action updated."), "success")
        return redirect(url_for("actions.detail", action_id=action.id))
    return render_template("actions/detail.html", action=action, today=today(),
                           overdue=actions.is_overdue(action, today()),
                           statuses=actions.allowed_statuses(actor(), action),
                           can_update=policies.can_update_action(actor(), action),
                           vendor=db.session.get(Vendor, action.vendor_id))
