"""The one JSON error shape of the API (also used by the app's error handlers for requests under /api/)."""

from __future__ import annotations

from flask import jsonify


def api_error(status: int, code: str, message: str, details: list | None = None):
    """Return the one JSON error shape of the API."""
    body = {"error": {"code": code, "message": str(message), "details": details or []}}
    return jsonify(body), status
