"""/api/v1/contracts."""

from flask import request, url_for

from vendorportal.access.decorators import actor, checked, ensure_allowed, load_visible, policies
from vendorportal.api.base import bp, invalid_body, json_body, token_required, validation_error
from vendorportal.contracts import services
from vendorportal.contracts.models import Contract
from vendorportal.core.errors import ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.core.ids import record_id
from vendorportal.extensions import db


@bp.get("/contracts")
@token_required
@checked(policies.can_list_contracts, hide=True)
def list_contracts():
    day = today()
    contracts = services.list_contracts(db.session, actor(), vendor_id=request.args.get("vendor_id", type=record_id))
    return {"items": [services.to_dict(c, day) for c in contracts]}


@bp.get("/contracts/<int:contract_id>")
@token_required
@checked()
def get_contract(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    return services.to_dict(contract, today())


@bp.post("/contracts")
@token_required
@checked(policies.can_create_contract)
def create_contract():
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        contract = services.create_contract(db.session, body)
    except ValidationFailed as failure:
        return validation_error(failure)
    db.session.commit()
    return (services.to_dict(contract, today()), 201,
            {"Location": url_for("api.get_contract", contract_id=contract.id)})


@bp.patch("/contracts/<int:contract_id>")
@token_required
@checked()
def update_contract(contract_id: int):
    contract = load_visible(Contract, contract_id, policies.can_view_contract)
    ensure_allowed(policies.can_edit_contract(actor(), contract))
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        services.update_contract(db.session, contract, body, partial=True)
    except ValidationFailed as failure:
        return validation_error(failure)
    db.session.commit()
    return services.to_dict(contract, today())
