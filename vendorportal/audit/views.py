"""The audit log page for managers."""

from flask import Blueprint, render_template, request
from flask_login import login_required

from vendorportal.access.decorators import checked, policies
from vendorportal.audit import services
from vendorportal.contracts.models import Contract
from vendorportal.extensions import db
from vendorportal.vendors.models import Vendor

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE = 100


@bp.route("/")
@login_required
@checked(policies.can_view_audit, hide=True)
def index():
    vendor_id = request.args.get("vendor_id", type=int)
    contract_id = request.args.get("contract_id", type=int)
    before_id = request.args.get("before", type=int)
    events = services.list_events(db.session, vendor_id=vendor_id, contract_id=contract_id,
                                  before_id=before_id, limit=PAGE)
    vendor = db.session.get(Vendor, vendor_id) if vendor_id else None
    contract = db.session.get(Contract, contract_id) if contract_id else None
    return render_template("audit/index.html", events=events, vendor=vendor, contract=contract,
                           next_before=events[-1].id if len(events) == PAGE else None)
