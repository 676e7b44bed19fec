"""The contract scorecard page, with disputes and the staffing check."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.contracts.models import Contract
from vendorportal.core.errors import Conflict, ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.metrics import services as staffing
from vendorportal.scorecards import services
from vendorportal.scorecards.domain import Month
from vendorportal.scorecards.forms import DecisionForm, DisputeForm
from vendorportal.targets import services as targets
from vendorportal.targets.models import Dispute

bp = Blueprint("scorecards", __name__)


def _month() -> Month:
    try:
        return targets.parse_period(request.args.get("period"))
    except ValidationFailed:
        day = today()
        return Month(day.year, day.month).shift(-1)


@bp.route("/contracts/<int:contract_id>/scorecard")
@login_required
@checked()
def detail(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    month = _month()
    card = services.build_scorecard(db.session, contract, month)
    check = staffing.staffing_shortfalls(db.session, contract, str(month))
    return render_template(
        "scorecards/detail.html", contract=contract, card=card, month=month, prev=month.shift(-1),
        next=month.shift(1), view=services.to_dict(card), locale=str(get_locale() or "en"),
        disputes=targets.disputes_of(db.session, contract.id, [str(month)]),
        can_dispute=policies.can_raise_dispute(actor(), contract), can_decide=policies.can_decide_disputes(actor()),
        breached=services.breached_targets(card),
        dispute_form=DisputeForm(), decision_form=DecisionForm(), staffing=check,
        charts=services.trend_charts(db.session, contract, month, str(get_locale() or "en"),
                                     target_label=_("Target"), minimum_label=_("Minimum")),
    )


@bp.route("/contracts/<int:contract_id>/disputes", methods=["POST"])
@login_required
@checked()
def raise_dispute(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_raise_dispute(actor(), contract))
    form = DisputeForm()
    period = form.period.data or ""
    if form.validate_on_submit():
        try:
            month = targets.parse_period(period)
            breached = services.was_breached(db.session, contract, month, form.series_key.data)
            targets.raise_dispute(db.session, actor(), contract, period=period, series_key=form.series_key.data,
                                  reason=form.reason.data, is_breached=breached)
        except ValidationFailed as failure:
            flash(str(failure.errors[0].message), "danger")
        else:
            db.session.commit()
            flash(_("Dispute sent to the vendor manager."), "success")
    else:
        flash(_("Say why the breach should be relieved."), "danger")
    return redirect(url_for("scorecards.detail", contract_id=contract.id, period=period) + "#disputes")


@bp.route("/disputes/<int:dispute_id>/decide", methods=["POST"])
@login_required
@checked()
def decide_dispute(dispute_id: int):
    dispute = db.get_or_404(Dispute, dispute_id)
    contract = load_visible(Contract, dispute.contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_decide_disputes(actor()))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            targets.decide_dispute(db.session, actor(), dispute, grant=request.form.get("action") == "grant",
                                   reason=form.decision_reason.data)
        except (ValidationFailed, Conflict) as err:
            flash(str(getattr(err, "message", None) or err), "danger")
        else:
            db.session.commit()
            flash(_("Dispute decided."), "success")
    else:
        flash(_("Record the reason for the decision."), "danger")
    return redirect(url_for("scorecards.detail", contract_id=contract.id, period=dispute.period) + "#disputes")
