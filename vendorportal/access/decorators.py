"""Decorators and helpers that turn policy answers into 401/403/404 at the edge."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort
from flask_login import current_user

from vendorportal.access import policies
from vendorportal.extensions import db


def actor():
    """Return the signed-in user, or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def ensure_visible(allowed: bool) -> None:
    """Answer 404 unless the actor may see the thing."""
    if not allowed:
        abort(404)


def ensure_allowed(allowed: bool) -> None:
    """Answer 403 unless the actor may make the change (to something it can see)."""
    if not allowed:
        abort(403)


def load_visible(model, ident: int, rule: Callable[..., bool]):
    """Load a row by id and answer 404 unless the actor may see it (absent and hidden look the same)."""
    obj = db.get_or_404(model, ident)
    ensure_visible(rule(actor(), obj))
    return obj


def checked(rule: Callable[..., bool] | None = None, *, hide: bool = False, public: bool = False):
    """Mark a view as access-checked; with a rule, check it before the view runs.

    rule(actor) is evaluated with the signed-in user (unauthenticated requests are handled by
    login_required / the API's token check before this runs). A refusal answers 404 when hide is
    true (the role may not know the thing exists) and 403 otherwise. Object-level checks happen in
    the view with ensure_visible / ensure_allowed after loading the object.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if rule is not None and not rule(actor()):
                abort(404 if hide else 403)
            return view(*args, **kwargs)

        wrapper.access_checked = True  # the route x role matrix test looks for this
        wrapper.access_public = public
        return wrapper

    return decorate


__all__ = ["actor", "checked", "ensure_allowed", "ensure_visible", "load_visible", "policies"]
