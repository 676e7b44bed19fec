"""Pages for a contract's targets and forecasts, and for the metric catalog."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.contracts.models import Contract
from vendorportal.core.edge import change
from vendorportal.core.errors import ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.core.forms import attach_errors
from vendorportal.core.labels import enum_label
from vendorportal.extensions import db
from vendorportal.targets import services
from vendorportal.targets.forms import CustomMetricForm, ForecastForm, TargetForm

bp = Blueprint("targets", __name__)


def _forms(contract: Contract, catalog):
    locale = str(get_locale() or "en")
    metric_choices = [(k, f"{m.name(locale)} ({m.unit})") for k, m in catalog.items()]
    channel_choices = [(c, enum_label(c)) for c in contract.channel_list]
    period = f"{today():%Y-%m}"
    return (TargetForm(metric_choices=metric_choices, channel_choices=channel_choices,
                       data={"effective_from": period}),
            ForecastForm(prefix="forecast", data={"period": period}))


@bp.route("/contracts/<int:contract_id>/targets", methods=["GET", "POST"])
@login_required
@checked()
def index(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    catalog = services.catalog(db.session)
    form, forecast_form = _forms(contract, catalog)
    if form.is_submitted():
        ensure_allowed(policies.can_manage_targets(actor(), contract))
        if form.validate():
            saved = _("Target saved. Months before %(month)s keep their targets.", month=form.effective_from.data)
            with change(saved, form=form) as step:
                services.add_target(db.session, actor(), contract, {**form.data, "channel": form.channel.data or None})
            if step.ok:
                return redirect(url_for("targets.index", contract_id=contract.id))
    period = f"{today():%Y-%m}"
    return render_template(
        "targets/index.html", contract=contract, catalog=catalog, period=period,
        in_force=services.targets_in_force(db.session, contract, period),
        versions=services.target_versions(db.session, contract.id),
        forecasts=services.forecasts(db.session, contract.id),
        form=form, forecast_form=forecast_form, can_edit=policies.can_manage_targets(actor(), contract),
        locale=str(get_locale() or "en"),
    ), 400 if form.errors else 200


@bp.route("/contracts/<int:contract_id>/forecasts", methods=["POST"])
@login_required
@checked()
def forecast(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_manage_targets(actor(), contract))
    form = ForecastForm(prefix="forecast")
    if form.validate_on_submit():
        services.set_forecast(db.session, contract, form.period.data, form.offered.data)
        db.session.commit()
        flash(_("Forecast for %(month)s saved.", month=form.period.data), "success")
    else:
        flash(_("Enter a month like 2026-04 and a whole number of contacts."), "danger")
    return redirect(url_for("targets.index", contract_id=contract.id) + "#forecasts")


@bp.route("/metrics", methods=["GET", "POST"])
@login_required
@checked(policies.can_list_contracts, hide=True)
def metrics():
    form = CustomMetricForm()
    if form.is_submitted():
        ensure_allowed(policies.can_manage_catalog(actor()))
        if form.validate():
            try:
                services.add_custom_metric(db.session, form.data)
            except ValidationFailed as failure:
                attach_errors(form, failure)
            else:
                db.session.commit()
                flash(_("Metric %(key)s added to the catalog.", key=form.key.data), "success")
                return redirect(url_for("targets.metrics"))
    return render_template("targets/metrics.html", catalog=services.catalog(db.session), form=form,
                           can_add=policies.can_manage_catalog(actor()), locale=str(get_locale() or "en"),
                           ), 400 if form.errors else 200
