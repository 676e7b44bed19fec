"""Wire the web layer: blueprints, who is asking, security headers, error pages, template helpers."""

from __future__ import annotations

from flask import Flask, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from vendorportal import api
from vendorportal.actions import views as actions
from vendorportal.api.errors import api_error
from vendorportal.audit import views as audit_log
from vendorportal.auth import services as auth_services
from vendorportal.auth import views as auth
from vendorportal.checklists import views as checklists
from vendorportal.contracts import views as contracts
from vendorportal.core import audit, formatting, labels
from vendorportal.core.i18n import LANGUAGE_NAMES
from vendorportal.core.ids import IdConverter
from vendorportal.core.labels import enum_label
from vendorportal.dashboard import views as dashboard
from vendorportal.dashboard.navigation import nav_items
from vendorportal.extensions import csrf, db, login_manager
from vendorportal.ops import intake
from vendorportal.ops import views as ops
from vendorportal.ops.logs import configure_logging
from vendorportal.packs import views as packs
from vendorportal.scorecards import views as scorecards
from vendorportal.submissions import views as submissions
from vendorportal.targets import views as targets
from vendorportal.users import views as users
from vendorportal.vendors import views as vendors

API_PREFIX = "/api/"

BLUEPRINTS = tuple(module.bp for module in (
    auth, dashboard, vendors, contracts, targets, submissions, scorecards, checklists, actions, packs, users,
    audit_log, ops, api))

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # vendorportal.core.ids: an id beyond the columns is a 404
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    csrf.exempt(api.bp)  # the API authenticates by bearer token only, never by cookie


def _committing_touch(user):
    """Commit a session's or token's "last seen" touch (at most once a minute) before the request goes on."""
    if db.session.info.pop("touched", False):
        db.session.commit()
    return user


def _setup_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        if is_api_request():
            return None  # cookies never authenticate the API, so it needs no CSRF protection
        return _committing_touch(auth_services.load_session_user(db.session, token))

    @login_manager.request_loader
    def load_api_user(req):
        if not req.path.startswith(API_PREFIX):
            return None
        header = req.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return None
        return _committing_touch(auth_services.user_for_token(db.session, raw.strip()))

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_api_request():
            return api_error(401, "unauthorized", _("Sign in with an API token (Authorization: Bearer …)."))
        flash(_("Please sign in to see this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def name_the_actor():
        if current_user.is_authenticated:
            via = "api" if is_api_request() else "ui"
            audit.set_actor(db.session, audit.AuditActor(current_user.id, current_user.email, via))


_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 422: "invalid", 429: "too_many_requests",
                415: "unsupported_media_type", 500: "server_error", 503: "unavailable", 507: "insufficient_storage"}


def _error_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You may see this, but you may not change it."),
        404: _("There is nothing here, or you may not see it."),
        405: _("This address does not accept that method."),
        413: _("The upload is larger than the portal accepts."),
        415: _("The portal's pages take forms, not JSON; the API is under /api/v1/."),
        429: _("Too many attempts. Please wait and try again."),
        500: _("Something went wrong on our side. It has been logged."),
        503: _("The database is unavailable for a moment. Please try again in a few seconds."),
        507: _("The server is short of disk space, so the upload was refused and nothing was stored. "
               "Please try again later or tell an administrator."),
    }
    return messages.get(status, _("The request could not be completed."))


def _setup_errors(app: Flask) -> None:
    def render_error(status: int):
        if is_api_request():
            return api_error(status, _ERROR_CODES.get(status, "error"), _error_message(status))
        return render_template("errors/error.html", status=status, message=_error_message(status)), status

    @app.errorhandler(CSRFError)
    def csrf_error(_err):
        if is_api_request():
            return render_error(400)
        return render_template(
            "errors/error.html", status=400,
            message=_("The form had expired or was not sent from this portal. Please try again."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return render_error(err.code or 500)

    @app.errorhandler(Exception)
    def server_error(err: Exception):
        try:
            db.session.rollback()
        except Exception:  # the connection may be gone with the database (restart, failover)
            app.logger.warning("Rollback failed after an error on %s %s", request.method, request.path)
        if isinstance(err, OperationalError):
            # The database is restarting, unreachable or busy: a retry in a moment will work.
            app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, err.orig)
            # Answer without the database: the rollback expired the signed-in user, and reading its language
            # (the locale selector) or its name (the page) would query again and fail inside this handler.
            g._login_user = login_manager.anonymous_user()
            with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
                response = make_response(render_error(503))
            response.headers["Retry-After"] = "5"
            return response
        if isinstance(err, DataError | OverflowError):
            # A value from the request that the database cannot hold: a NUL character (PostgreSQL), a number
            # out of range, a text longer than its column. The client's fault, so 400, never 500.
            app.logger.warning("Refused a value on %s %s: %s", request.method, request.path, err)
            return render_error(400)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)


def _security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/"):
            h.setdefault("Cache-Control", "no-store")
        h.add("Vary", "Cookie")
        return response


def _template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        enum_label=enum_label, label=labels.label, colour=labels.colour, LANGUAGE_NAMES=LANGUAGE_NAMES,
        fmt=formatting,
    )

    @app.context_processor
    def inject():
        user = current_user if current_user.is_authenticated else None
        return {"nav_items": nav_items(user, request.endpoint), "current_locale": str(get_locale() or "en"),
                "current_actor": user}

    @app.teardown_request
    def _forget(_exc):
        g.pop("api_user", None)


def init_web(app: Flask) -> None:
    """Register everything the web layer needs on the app."""
    configure_logging(app)
    _register_blueprints(app)
    intake.install(app)  # the disk-free guard (507), then the body before any database work
    _setup_login(app)
    _setup_errors(app)
    _security_headers(app)
    _template_helpers(app)
