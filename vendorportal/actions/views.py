"""Pages for corrective actions: the board, a new action by hand, an action's steps with evidence."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.actions import services
from vendorportal.actions.models import Action
from vendorportal.checklists import services as checklists
from vendorportal.core.edge import change
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.notifications import services as notifications
from vendorportal.notifications.links import page_link

bp = Blueprint("actions", __name__, url_prefix="/actions")


@bp.route("/")
@login_required
@checked(policies.can_list_actions, hide=True)
def index():
    filters = {"vendor_id": request.args.get("vendor_id", type=int), "status": request.args.get("status") or None,
               "source": request.args.get("source") or None}
    page = services.board_page(db.session, actor(), filters=filters, overdue_only=request.args.get("overdue") == "1",
                               today=today())
    return render_template("actions/index.html", **page)


@bp.route("/new", methods=["POST"])
@login_required
@checked(policies.can_create_action)
def create():
    with change(_("Action created.")) as step:
        action = services.create_action(db.session, actor(), request.form.to_dict())
        step.mails = notifications.action_assigned(db.session, action, page_link("action", action.id))
    if not step.ok:
        return redirect(url_for("actions.index"))
    return redirect(url_for("actions.detail", action_id=action.id))


@bp.route("/<int:action_id>", methods=["GET", "POST"])
@login_required
@checked()
def detail(action_id: int):
    action = load_visible(Action, action_id, policies.can_view_action)
    if request.method == "GET":
        return render_template("actions/detail.html", **services.action_page(db.session, actor(), action,
                                                                             today=today()))
    ensure_allowed(policies.can_update_action(actor(), action))
    with change(_("Action updated.")) as step:
        event = services.update_action(db.session, actor(), action, status=request.form.get("status") or None,
                                       comment=request.form.get("comment"))
        upload = request.files.get("evidence")
        if upload is not None and upload.filename:
            checklists.add_evidence(db.session, actor(), vendor_id=action.vendor_id, filename=upload.filename,
                                    data=upload.read(), max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
                                    action_event_id=event.id)
        if event.to_status == "done":
            step.mails = notifications.action_done(db.session, action, page_link("action", action.id))
    return redirect(url_for("actions.detail", action_id=action.id))
