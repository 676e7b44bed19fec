"""Field-by-field cleaning of raw input (form data or JSON) that collects every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from vendorportal.core.errors import FieldError, ValidationFailed

_MISSING = object()


class Cleaner:
    """Pull typed values out of a mapping; every bad field adds one FieldError.

    With partial=True (PATCH), absent fields are skipped instead of being required.
    """

    def __init__(self, data: Mapping[str, Any] | None, partial: bool = False):
        self.data = data if isinstance(data, Mapping) else {}
        self.partial = partial
        self.errors: list[FieldError] = []
        self.values: dict[str, Any] = {}
        if data is not None and not isinstance(data, Mapping):
            self.errors.append(FieldError("body", _l("The body must be a JSON object.")))

    def _raw(self, key: str, required: bool, default: Any) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None or (isinstance(value, str) and not value.strip()):
            if value is _MISSING and self.partial:
                return _MISSING
            if required:
                self.errors.append(FieldError(key, _l("This field is required.")))
                return _MISSING
            self.values[key] = default
            return _MISSING
        return value

    def text(self, key: str, *, required: bool = True, max_len: int = 200, default: str | None = None) -> None:
        value = self._raw(key, required, default)
        if value is _MISSING:
            return
        if not isinstance(value, str):
            self.errors.append(FieldError(key, _l("Must be text.")))
        elif len(value.strip()) > max_len:
            self.errors.append(FieldError(key, _l("Use at most %(n)d characters.", n=max_len)))
        else:
            self.values[key] = value.strip()

    def email(self, key: str, *, required: bool = False) -> None:
        value = self._raw(key, required, None)
        if value is _MISSING:
            return
        try:
            self.values[key] = validate_email(str(value), check_deliverability=False).normalized
        except EmailNotValidError:
            self.errors.append(FieldError(key, _l("Enter a valid e-mail address.")))

    def integer(self, key: str, *, required: bool = True, minimum: int | None = None,
                maximum: int | None = None, default: int | None = None) -> None:
        value = self._raw(key, required, default)
        if value is _MISSING:
            return
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            self.errors.append(FieldError(key, _l("Must be a whole number.")))
            return
        try:
            number = int(str(value).strip()) if not isinstance(value, int | float) else int(value)
        except ValueError:
            self.errors.append(FieldError(key, _l("Must be a whole number.")))
            return
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            self.errors.append(FieldError(key, _l("Must be between %(lo)s and %(hi)s.", lo=minimum, hi=maximum)))
            return
        self.values[key] = number

    def decimal(self, key: str, *, required: bool = True, minimum: Decimal | None = None,
                maximum: Decimal | None = None, places: int = 2, default: Decimal | None = None) -> None:
        value = self._raw(key, required, default)
        if value is _MISSING:
            return
        if isinstance(value, bool):
            self.errors.append(FieldError(key, _l("Must be a number.")))
            return
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.errors.append(FieldError(key, _l("Must be a number.")))
            return
        if not number.is_finite():
            self.errors.append(FieldError(key, _l("Must be a number.")))
            return
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            self.errors.append(FieldError(key, _l("Must be between %(lo)s and %(hi)s.", lo=minimum, hi=maximum)))
            return
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.errors.append(FieldError(key, _l("Use at most %(n)d decimal places.", n=places)))
            return
        self.values[key] = number

    def date(self, key: str, *, required: bool = True) -> None:
        value = self._raw(key, required, None)
        if value is _MISSING:
            return
        if isinstance(value, dt.date):
            self.values[key] = value
            return
        try:
            self.values[key] = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.errors.append(FieldError(key, _l("Use a date like 2026-04-30.")))

    def boolean(self, key: str, *, default: bool = False) -> None:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if not self.partial:
                self.values[key] = default
            return
        if isinstance(value, bool):
            self.values[key] = value
        elif str(value).lower() in ("1", "true", "yes", "on", "y"):
            self.values[key] = True
        elif str(value).lower() in ("0", "false", "no", "off", "n", ""):
            self.values[key] = False
        else:
            self.errors.append(FieldError(key, _l("Must be true or false.")))

    def choice(self, key: str, choices: Iterable[str], *, required: bool = True, default: str | None = None) -> None:
        value = self._raw(key, required, default)
        if value is _MISSING:
            return
        allowed = list(choices)
        if str(value) not in allowed:
            self.errors.append(FieldError(key, _l("Choose one of: %(choices)s.", choices=", ".join(allowed))))
        else:
            self.values[key] = str(value)

    def multi_choice(self, key: str, choices: Iterable[str], *, required: bool = True) -> None:
        value = self._raw(key, required, [])
        if value is _MISSING:
            return
        items = value.split(",") if isinstance(value, str) else value
        allowed = list(choices)
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            self.errors.append(FieldError(key, _l("Must be a list of: %(choices)s.", choices=", ".join(allowed))))
            return
        cleaned = [i.strip() for i in items if i.strip()]
        bad = [i for i in cleaned if i not in allowed]
        if bad or (required and not cleaned):
            self.errors.append(FieldError(key, _l("Choose from: %(choices)s.", choices=", ".join(allowed))))
            return
        self.values[key] = [c for c in allowed if c in cleaned]

    def error(self, key: str, message) -> None:
        self.errors.append(FieldError(key, message))

    def result(self) -> dict[str, Any]:
        """Return the cleaned values, or raise ValidationFailed with every problem found."""
        if self.errors:
            raise ValidationFailed(self.errors)
        return self.values
