"""The API blueprint and what its handlers share: the bearer-token check, reading the body, the error answers."""

from __future__ import annotations

import functools

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from vendorportal.api.errors import api_error
from vendorportal.core.errors import Conflict, ValidationFailed

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    """Answer 401 unless a valid bearer token came with the request."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return api_error(401, "unauthorized", _("Sign in with an API token (Authorization: Bearer …)."))
        return view(*args, **kwargs)

    wrapper.token_required = True  # the OpenAPI document asks for bearerAuth here
    return wrapper


def json_body() -> dict | None:
    """Return the request's JSON object, or None when the body is not JSON (or nested too deep to read)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def invalid_body():
    return api_error(400, "bad_request", _("The body must be a JSON object."))


def conflict_error(err: Conflict):
    return api_error(409, "conflict", err.message, [{"field": err.field, "message": err.message}])


def validation_error(failure: ValidationFailed):
    return api_error(422, "invalid", _("Some fields are not valid."), [e.as_dict() for e in failure.errors])
