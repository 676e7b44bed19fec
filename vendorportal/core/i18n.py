"""Locale selection and helpers around Flask-Babel."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
LANGUAGE_COOKIE = "vp_lang"


def select_locale() -> str:
    """Pick the user's saved language, else the language cookie, else Accept-Language."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # CLI and scheduler speak the default
    try:
        user = current_user._get_current_object() if current_user else None
    except Exception:  # noqa: BLE001 - no request user (CLI, scheduler)
        user = None
    lang = getattr(user, "language", None)
    if lang in supported:
        return lang
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in supported:
        return cookie
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def enum_label(value) -> str:
    """Return the translated label of an enum value used in the UI."""
    key = getattr(value, "value", value)
    label = ENUM_LABELS.get(key)
    return str(label) if label is not None else str(key)


ENUM_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Vendor manager"),
    "executive": _l("Executive"),
    "vendor": _l("Vendor staff"),
    "critical": _l("Critical"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
    "upcoming": _l("Upcoming"),
    "active": _l("Active"),
    "renewal_due": _l("Renewal due"),
    "expired": _l("Expired"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "chat": _l("Chat"),
    "sms": _l("SMS"),
    "social": _l("Social media"),
    "exclude_short": _l("Short abandons excluded"),
    "offered": _l("All offered contacts"),
    "answered": _l("Answered contacts only"),
    "exclude_within_sl": _l("Abandons within threshold excluded"),
    "within_sl_good": _l("Abandons within threshold count as met"),
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "sign_out": _l("Signed out"),
    "password_change": _l("Password changed"),
    "download": _l("Downloaded"),
    "ui": _l("Web"),
    "api": _l("API"),
    "cli": _l("Command line"),
    "system": _l("System"),
    "scheduler": _l("Scheduler"),
}
