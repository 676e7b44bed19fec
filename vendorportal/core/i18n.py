"""Locale selection and helpers around Flask-Babel."""

from __future__ import annotations

from flask import current_app, has_request_context, request
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
