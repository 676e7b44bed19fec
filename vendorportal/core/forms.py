"""Helpers shared by forms: copying service field errors onto form fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from vendorportal.core.errors import ValidationFailed


def attach_errors(form: FlaskForm, failure: ValidationFailed) -> list[str]:
    """Put each service error next to its field; return the ones no field owns."""
    loose: list[str] = []
    for err in failure.errors:
        field = getattr(form, err.field, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), str(err.message)]
        else:
            loose.append(str(err.message))
    return loose


def safe_next(target: str | None, default: str) -> str:
    """Return target only when it is a local path on this portal."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def choices(pairs) -> list:
    """Return SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
