"""Pages for security checklists: templates and versions, assessments, answers, evidence, review; the inbox."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.actions.models import Action
from vendorportal.checklists import services
from vendorportal.checklists.default import CATEGORY_NAMES
from vendorportal.checklists.models import Answer, Assessment, ChecklistTemplate
from vendorportal.core import audit
from vendorportal.core.edge import change
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.files.downloads import file_response
from vendorportal.files.models import Evidence
from vendorportal.notifications import services as notifications
from vendorportal.notifications.links import page_link
from vendorportal.vendors.models import Vendor

bp = Blueprint("checklists", __name__)

ITEM_TEXT_FIELDS = ("code", "category", "question_en", "question_ja", "guidance_en", "guidance_ja")


def _locale() -> str:
    return str(get_locale() or "en")


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _item_form() -> dict:
    data = {k: request.form.get(k, "") for k in ITEM_TEXT_FIELDS}
    data["weight"] = request.form.get("weight", type=int)
    data["evidence_required"] = request.form.get("evidence_required") == "y"
    return data


def _evidence_upload():
    upload = request.files.get("evidence")
    return upload if upload is not None and upload.filename else None


@bp.route("/checklists/templates", methods=["GET", "POST"])
@login_required
@checked(policies.can_view_templates, hide=True)
def templates():
    if request.method == "POST":
        ensure_allowed(policies.can_manage_templates(actor()))
        source = db.get_or_404(ChecklistTemplate, request.form.get("template_id", type=int) or 0)
        with change() as step:
            copy = services.copy_template(db.session, actor(), source)
            step.success = _("Version %(v)d created; edit it before sending it.", v=copy.version)
        return redirect(url_for("checklists.template", template_id=copy.id))
    return render_template("checklists/templates.html", templates=services.list_templates(db.session),
                           can_manage=policies.can_manage_templates(actor()))


@bp.route("/checklists/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
@checked(policies.can_view_templates, hide=True)
def template(template_id: int):
    tpl = db.get_or_404(ChecklistTemplate, template_id)
    if request.method == "POST":
        ensure_allowed(policies.can_manage_templates(actor()))
        op, item_id = request.form.get("op"), request.form.get("item_id", type=int)
        with change() as step:
            item = services.edit_template(db.session, tpl, op=op, item_id=item_id, data=_item_form())
            step.success = (_("Item %(code)s added.", code=item.code) if op == "add"
                            else _("Item %(code)s saved.", code=item.code))
        anchor = "" if op == "add" else f"#item-{item_id}"
        return redirect(url_for("checklists.template", template_id=tpl.id) + anchor)
    return render_template("checklists/template.html", template=tpl, locale=_locale(), categories=CATEGORY_NAMES,
                           can_edit=policies.can_manage_templates(actor()) and not tpl.is_in_use)


@bp.route("/vendors/<int:vendor_id>/assessments", methods=["GET", "POST"])
@login_required
@checked()
def vendor_assessments(vendor_id: int):
    vendor = load_visible(Vendor, vendor_id, policies.can_view_vendor)
    if request.method == "POST":
        ensure_allowed(policies.can_review_assessments(actor()))
        tpl = db.get_or_404(ChecklistTemplate, request.form.get("template_id", type=int) or 0)
        with change(_("Assessment sent to %(vendor)s.", vendor=vendor.name)) as step:
            sent = services.send_assessment(db.session, actor(), vendor_id=vendor.id, template=tpl,
                                            due_date=_date(request.form.get("due_date")), today=today())
            step.mails = notifications.assessment_sent(db.session, sent, page_link("assessment", sent.id))
        if not step.ok:
            return redirect(url_for("checklists.vendor_assessments", vendor_id=vendor.id))
        return redirect(url_for("checklists.assessment", assessment_id=sent.id))
    page = services.vendor_assessments_page(db.session, actor(), vendor, today=today())
    return render_template("checklists/vendor_assessments.html", locale=_locale(), **page)


def _assessment(assessment_id: int) -> Assessment:
    assessment = load_visible(Assessment, assessment_id, policies.can_view_assessment)
    return assessment


@bp.route("/assessments/<int:assessment_id>")
@login_required
@checked()
def assessment(assessment_id: int):
    page = services.assessment_page(db.session, actor(), _assessment(assessment_id), today=today())
    return render_template("checklists/assessment.html", locale=_locale(), **page)


@bp.route("/assessments/<int:assessment_id>/items/<int:item_id>", methods=["POST"])
@login_required
@checked()
def answer(assessment_id: int, item_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_answer_assessment(actor(), item))
    with change(_("Answer saved.")):
        saved = services.save_answer(db.session, item, item_id=item_id, response=request.form.get("response"),
                                     comment=request.form.get("comment"))
        if (upload := _evidence_upload()) is not None:
            services.add_evidence(db.session, actor(), vendor_id=item.vendor_id, filename=upload.filename,
                                  data=upload.read(), max_bytes=current_app.config["EVIDENCE_MAX_BYTES"], answer=saved)
    return redirect(url_for("checklists.assessment", assessment_id=item.id) + f"#item-{item_id}")


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@login_required
@checked()
def submit(assessment_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_answer_assessment(actor(), item))
    with change(_("Assessment submitted for review.")) as step:
        services.submit_assessment(db.session, item)
        vendor = db.session.get(Vendor, item.vendor_id)
        step.mails = notifications.assessment_submitted(db.session, item, vendor.name, page_link("assessment", item.id))
    return redirect(url_for("checklists.assessment", assessment_id=item.id))


@bp.route("/answers/<int:answer_id>/review", methods=["POST"])
@login_required
@checked()
def review(answer_id: int):
    found = db.get_or_404(Answer, answer_id)
    item = _assessment(found.assessment_id)
    ensure_allowed(policies.can_review_assessments(actor()))
    with change(_("Review saved.")) as step:
        finding = services.review_answer(
            db.session, actor(), found, accept=request.form.get("decision") == "accept",
            severity=request.form.get("severity"), description=request.form.get("description"),
            due_date=_date(request.form.get("due_date")))
        if finding is not None:
            action = db.session.get(Action, finding.action_id)
            step.mails = notifications.action_assigned(db.session, action, page_link("action", action.id))
    return redirect(url_for("checklists.assessment", assessment_id=item.id) + f"#item-{found.item_id}")


@bp.route("/assessments/<int:assessment_id>/decide", methods=["POST"])
@login_required
@checked()
def decide(assessment_id: int):
    item = _assessment(assessment_id)
    ensure_allowed(policies.can_review_assessments(actor()))
    with change(_("Assessment updated.")) as step:
        if request.form.get("decision") == "close":
            services.close_assessment(db.session, item)
        else:
            services.return_assessment(db.session, item, request.form.get("comment", ""))
            step.mails = notifications.assessment_returned(db.session, item, page_link("assessment", item.id))
    return redirect(url_for("checklists.assessment", assessment_id=item.id))


@bp.route("/evidence/<int:evidence_id>")
@login_required
@checked()
def evidence(evidence_id: int):
    found = load_visible(Evidence, evidence_id, policies.can_view_evidence)
    audit.record(db.session, "download", "evidence_files", found.id, vendor_id=found.vendor_id)
    db.session.commit()
    return file_response(found.file)


# The inbox belongs to notifications; its endpoint keeps the checklists name it has always had (checklists.inbox).
@bp.route("/notifications")
@login_required
@checked()
def inbox():
    return render_template("checklists/notifications.html", items=notifications.inbox(db.session, actor()))
