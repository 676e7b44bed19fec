"""Vendor pages: list, detail, create, edit."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.contracts import services as contract_services
from vendorportal.core.edge import change
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.vendors import services
from vendorportal.vendors.forms import VendorForm
from vendorportal.vendors.models import Vendor

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


@bp.route("/")
@login_required
@checked(policies.can_list_vendors, hide=True)
def index():
    rows = services.list_vendors(db.session, actor())
    return render_template("vendors/index.html", rows=rows, can_create=policies.can_create_vendor(actor()))


@bp.route("/<int:vendor_id>")
@login_required
@checked()
def detail(vendor_id: int):
    vendor = load_visible(Vendor, vendor_id, policies.can_view_vendor)
    contracts = contract_services.list_contracts(db.session, actor(), vendor_id=vendor.id)
    return render_template(
        "vendors/detail.html", vendor=vendor, contracts=contracts, today=today(),
        status_of=contract_services.status_of, can_edit=policies.can_edit_vendor(actor(), vendor),
        can_create_contract=policies.can_create_contract(actor()), can_view_audit=policies.can_view_audit(actor()),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@checked(policies.can_create_vendor)
def create():
    form = VendorForm()
    if form.validate_on_submit():
        with change(form=form) as step:
            vendor = services.create_vendor(db.session, form.data)
            step.success = _("Vendor %(name)s created.", name=vendor.name)
        if step.ok:
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/form.html", form=form, vendor=None), 400 if form.errors else 200


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@login_required
@checked()
def edit(vendor_id: int):
    vendor = load_visible(Vendor, vendor_id, policies.can_view_vendor)
    ensure_allowed(policies.can_edit_vendor(actor(), vendor))
    form = VendorForm(obj=vendor, data={"tier": vendor.tier.value})
    if form.validate_on_submit():
        with change(form=form) as step:
            services.update_vendor(db.session, vendor, form.data)
            step.success = _("Vendor %(name)s saved.", name=vendor.name)
        if step.ok:
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/form.html", form=form, vendor=vendor), 400 if form.errors else 200
