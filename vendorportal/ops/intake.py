"""Request intake, the first before-request hook: the disk-free guard for uploads, then the whole body is received
before the request's first database statement.

Disk-free guard: uploads are the monthly data files (page and API), contract documents and security evidence
(checklist answers and action updates, which carry the evidence file). While the instance folder's disk has less
than DISK_FREE_MIN_BYTES free (0 turns the guard off), a POST to one of them is answered 507 before its body is
read, so nothing is spooled or stored. Strangers are not told: only a signed-in user or an API token gets the
507; anyone else gets the usual sign-in redirect or 401.

Pages take forms: a page (any path outside /api/) posted JSON is answered 415. Flask-WTF would otherwise read
the JSON as form data and fail on anything but a flat object of strings.

Body first: a slow client must not hold a database transaction open while its body trickles in. On SQLite
every transaction takes the write lock (BEGIN IMMEDIATE), so one slow upload would otherwise stop every other
request until the busy timeout; on PostgreSQL it would keep a pooled connection idle in a transaction. Forms
are parsed here (files spool to temporary files as usual), any other body is read into memory; both are
bounded by MAX_CONTENT_LENGTH (413).
"""

from __future__ import annotations

import shutil

from flask import Flask, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

# The endpoints that accept a file (POST).
UPLOAD_ENDPOINTS = frozenset({
    "submissions.index",  # monthly data, page
    "api.create_submission",  # monthly data, API
    "contracts.upload_document",  # contract documents
    "checklists.answer",  # security evidence on a checklist answer
    "actions.detail",  # security evidence on an action update
})
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


class InsufficientStorage(HTTPException):
    """507: the server has too little free disk space to accept the upload."""

    code = 507
    description = "The server has too little free disk space to accept the upload."


def free_bytes(path: str) -> int:
    return shutil.disk_usage(path).free


def _disk_is_nearly_full(app: Flask) -> bool:
    minimum = int(app.config.get("DISK_FREE_MIN_BYTES") or 0)
    if minimum <= 0:
        return False
    free = free_bytes(app.instance_path)
    if free >= minimum:
        return False
    app.logger.warning("Disk nearly full: %d bytes free in %s, DISK_FREE_MIN_BYTES is %d.",
                       free, app.instance_path, minimum)
    return True


def _receive_body() -> None:
    if not request.content_length and "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    if request.mimetype in _FORMS:
        _ = request.form  # parsed once here; request.files and later reads use the result
    else:
        request.get_data(cache=True)  # request.get_json() and request.data read the cached bytes


def install(app: Flask) -> None:
    """Install the intake as the very first before-request hook (before CSRF, which reads forms)."""

    def intake():
        if request.method == "POST" and request.endpoint in UPLOAD_ENDPOINTS and _disk_is_nearly_full(app):
            if current_user.is_authenticated:
                raise InsufficientStorage()
            return  # not signed in: the usual answer follows, and the body is not worth reading
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.is_json and not request.path.startswith("/api/"):
                raise UnsupportedMediaType()
            _receive_body()

    app.before_request_funcs.setdefault(None, []).insert(0, intake)
