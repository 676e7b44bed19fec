"""Domain errors raised by services and translated to HTTP at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    """One problem with one input field (or one cell: row and column)."""

    field: str
    message: str
    row: int | None = None

    def as_dict(self) -> dict:
        out: dict = {"field": self.field, "message": str(self.message)}
        if self.row is not None:
            out["row"] = self.row
            out["column"] = self.field
        return out


class DomainError(Exception):
    """Base for errors a service raises on purpose."""


@dataclass
class ValidationFailed(DomainError):
    """Input broke one or more rules; nothing was changed."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)


class NotFound(DomainError):
    """The thing asked for does not exist (or the actor may not know it does)."""


class Forbidden(DomainError):
    """The actor may see the thing but not do this to it."""


class Conflict(DomainError):
    """The change clashes with the current state."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TooLarge(DomainError):
    """A file or body is larger than the portal accepts for it."""
