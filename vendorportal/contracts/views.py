"""Contract pages: list, detail, create, edit, documents."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.contracts import domain, services
from vendorportal.contracts.forms import ContractForm, DocumentForm
from vendorportal.contracts.models import Contract, ContractDocument
from vendorportal.core import audit
from vendorportal.core.edge import change
from vendorportal.core.errors import ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.core.forms import attach_errors
from vendorportal.extensions import db
from vendorportal.files.downloads import file_response
from vendorportal.vendors import services as vendor_services

bp = Blueprint("contracts", __name__, url_prefix="/contracts")


@bp.route("/")
@login_required
@checked(policies.can_list_contracts, hide=True)
def index():
    status = request.args.get("status") or None
    day = today()
    contracts = services.list_contracts(db.session, actor())
    if status in {s.value for s in domain.ContractStatus}:
        contracts = [c for c in contracts if services.status_of(c, day).value == status]
    return render_template(
        "contracts/index.html", contracts=contracts, today=day, status_of=services.status_of, status=status,
        statuses=list(domain.ContractStatus), can_create=policies.can_create_contract(actor()),
    )


@bp.route("/<int:contract_id>")
@login_required
@checked()
def detail(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    can_edit = policies.can_edit_contract(actor(), contract)
    return render_template(
        "contracts/detail.html", contract=contract, today=today(), status=services.status_of(contract, today()),
        deadline=domain.notice_deadline(contract.end_date, contract.notice_days),
        documents=services.list_documents(db.session, contract), can_edit=can_edit,
        document_form=DocumentForm() if can_edit else None, can_view_audit=policies.can_view_audit(actor()),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@checked(policies.can_create_contract)
def create():
    form = ContractForm(vendor_choices=vendor_services.vendor_choices(db.session),
                        data={"vendor_id": request.args.get("vendor_id", type=int), "channels": ["phone"]})
    if form.validate_on_submit():
        with change(form=form) as step:
            contract = services.create_contract(db.session, form.data)
            step.success = _("Contract %(ref)s created.", ref=contract.reference)
        if step.ok:
            return redirect(url_for("contracts.detail", contract_id=contract.id))
    return render_template("contracts/form.html", form=form, contract=None), 400 if form.errors else 200


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
@checked()
def edit(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_edit_contract(actor(), contract))
    form = ContractForm(obj=contract, vendor_choices=vendor_services.vendor_choices(db.session),
                        data={"channels": contract.channel_list, "vendor_id": contract.vendor_id})
    del form.vendor_id  # a contract never moves to another vendor
    if form.validate_on_submit():
        with change(form=form) as step:
            services.update_contract(db.session, contract, {**form.data, "vendor_id": contract.vendor_id})
            step.success = _("Contract %(ref)s saved.", ref=contract.reference)
        if step.ok:
            return redirect(url_for("contracts.detail", contract_id=contract.id))
    return render_template("contracts/form.html", form=form, contract=contract), 400 if form.errors else 200


@bp.route("/<int:contract_id>/documents", methods=["POST"])
@login_required
@checked()
def upload_document(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_upload_document(actor(), contract))
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            doc = services.add_document(db.session, actor(), contract, title=form.title.data,
                                        filename=upload.filename or "", data=upload.read(),
                                        max_bytes=current_app.config["DOCUMENT_MAX_BYTES"])
        except ValidationFailed as failure:
            for message in attach_errors(form, failure) + [str(e) for f in form for e in f.errors]:
                flash(message, "danger")
        else:
            db.session.commit()
            flash(_("%(title)s version %(v)d uploaded.", title=doc.title, v=doc.version), "success")
    else:
        flash(_("Choose a file to upload."), "danger")
    return redirect(url_for("contracts.detail", contract_id=contract.id) + "#documents")


@bp.route("/documents/<int:document_id>")
@login_required
@checked()
def download_document(document_id: int):
    doc = load_visible(ContractDocument, document_id, policies.can_view_document)
    audit.record(db.session, "download", "contract_documents", doc.id, vendor_id=doc.contract.vendor_id,
                 contract_id=doc.contract_id)
    db.session.commit()
    return file_response(doc.file)


