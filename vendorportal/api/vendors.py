"""/api/v1/vendors."""

from flask import url_for

from vendorportal.access.decorators import actor, checked, load_visible, policies
from vendorportal.api.base import bp, invalid_body, json_body, token_required, validation_error
from vendorportal.core.errors import ValidationFailed
from vendorportal.extensions import db
from vendorportal.vendors import services
from vendorportal.vendors.models import Vendor


@bp.get("/vendors")
@token_required
@checked(policies.can_list_vendors, hide=True)
def list_vendors():
    rows = services.list_vendors(db.session, actor())
    return {"items": [{**services.to_dict(v), "contract_count": n} for v, n in rows]}


@bp.get("/vendors/<int:vendor_id>")
@token_required
@checked()
def get_vendor(vendor_id: int):
    vendor = load_visible(Vendor, vendor_id, policies.can_view_vendor)
    return services.to_dict(vendor)


@bp.post("/vendors")
@token_required
@checked(policies.can_create_vendor)
def create_vendor():
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        vendor = services.create_vendor(db.session, body)
    except ValidationFailed as failure:
        return validation_error(failure)
    db.session.commit()
    return services.to_dict(vendor), 201, {"Location": url_for("api.get_vendor", vendor_id=vendor.id)}
