"""/api/v1/packs: ask for a pack (202), watch its status, download its PDF, list packs."""

from __future__ import annotations

import io

from flask import request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from vendorportal.access.decorators import actor, checked, ensure_allowed, policies
from vendorportal.api.base import bp, invalid_body, json_body, token_required, validation_error
from vendorportal.api.errors import api_error
from vendorportal.core.errors import FieldError, NotFound, ValidationFailed
from vendorportal.core.ids import record_id
from vendorportal.extensions import db
from vendorportal.packs import domain, services


@bp.post("/packs")
@token_required
@checked(policies.can_list_packs, hide=True)
def request_pack():
    ensure_allowed(policies.can_request_pack(actor()))
    body = json_body()
    if not isinstance(body, dict):
        return invalid_body()
    try:
        pack = services.request_pack(db.session, actor(), body)
    except ValidationFailed as failure:
        db.session.rollback()
        return validation_error(failure)
    db.session.commit()
    response = {"id": pack.id, "status": pack.status, "version": pack.version}
    return response, 202, {"Location": url_for("api.get_pack", pack_id=pack.id)}


def _pack_or_404(pack_id: int):
    try:
        return services.get_pack(db.session, actor(), pack_id)
    except NotFound:
        return None


@bp.get("/packs/<int:pack_id>")
@token_required
@checked(policies.can_list_packs, hide=True)
def get_pack(pack_id: int):
    pack = _pack_or_404(pack_id)
    if pack is None:
        return api_error(404, "not_found", _("There is no such pack."))
    return services.to_dict(pack)


@bp.get("/packs/<int:pack_id>/pdf")
@token_required
@checked(policies.can_list_packs, hide=True)
def get_pack_pdf(pack_id: int):
    pack = _pack_or_404(pack_id)
    if pack is None:
        return api_error(404, "not_found", _("There is no such pack."))
    if pack.status != domain.PackStatus.DONE.value:
        return api_error(409, "not_ready", _("The pack is not ready yet (status: %(status)s).", status=pack.status))

    data = services.pdf_bytes(db.session, actor(), pack)
    db.session.commit()
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=services.file_name(pack), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/packs")
@token_required
@checked(policies.can_list_packs, hide=True)
def list_packs():
    period = request.args.get("period") or None
    if period is not None and not domain.is_period(period):
        return validation_error(ValidationFailed([FieldError("period", _l("Use the form YYYY-MM, e.g. 2026-10."))]))
    vendor_id = request.args.get("vendor_id", type=record_id)
    items = services.list_packs(db.session, actor(), period=period, vendor_id=vendor_id)
    return {"items": [services.to_dict(p) for p in items]}

