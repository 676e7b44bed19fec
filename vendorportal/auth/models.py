"""User, server-side session, API token and sign-in throttle rows."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorportal.core.audit import Audited
from vendorportal.core.db import Base, created_at, intpk, str200, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    EXECUTIVE = "executive"
    VENDOR = "vendor"


class User(Audited, Base):
    __tablename__ = "users"
    __audit_exclude__ = ("password_hash",)
    __table_args__ = (
        CheckConstraint(
            "(role = 'vendor' AND vendor_id IS NOT NULL) OR (role <> 'vendor' AND vendor_id IS NULL)",
            name="vendor_role_has_vendor",
        ),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str200]
    role: Mapped[Role] = mapped_column(str_enum(Role))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    vendor = relationship("Vendor", lazy="joined")

    # Flask-Login protocol. get_id returns the server-side session token, not the user id, so that
    # signing out or changing the password revokes the cookie for real.
    session_token = None  # set per request from the session cookie; not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.vendor_id, None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Audited, Base):
    __tablename__ = "api_tokens"
    __audit_exclude__ = ("token_hash",)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str200]
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    def audit_scope(self) -> tuple[int | None, int | None]:
        return None, None


class LoginThrottle(Base):
    """Failed sign-ins per key ("email:…" or "ip:…"), shared by every worker through the database."""

    __tablename__ = "login_throttles"
    __table_args__ = (Index("ix_login_throttles_locked_until", "locked_until"),)

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None]
