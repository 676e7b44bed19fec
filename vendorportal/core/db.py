"""The declarative Base, naming convention, shared column types and the time helper."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from sqlalchemy import DateTime, Enum, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """One Base for every model, so Alembic sees one metadata with stable constraint names."""

    # Set on the registry (not as class attributes) so Flask-SQLAlchemy's subclass of Base keeps them.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: DateTime(timezone=True)},
    )


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
str80 = Annotated[str, mapped_column(String(80))]
str200 = Annotated[str, mapped_column(String(200))]
created_at = Annotated[dt.datetime, mapped_column(default=utcnow)]


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Return value as an aware UTC datetime (SQLite hands back naive ones)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def str_enum(cls: type[enum.Enum]) -> Enum:
    """Return a column type storing an enum's values as short strings (no native enum to migrate)."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
