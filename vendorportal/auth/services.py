"""Use cases for people: sign-in with throttling, server-side sessions, API tokens, user management."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.auth import throttle
from vendorportal.auth.models import ApiToken, Role, User, UserSession
from vendorportal.core import audit
from vendorportal.core.db import as_utc, utcnow
from vendorportal.core.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from vendorportal.vendors.models import Vendor

TOKEN_PREFIX = "vp_"  # noqa: S105 - a prefix, not a secret


class InvalidCredentials(DomainError):
    """E-mail or password wrong (the message never says which)."""


@dataclass
class SignInLocked(DomainError):
    """Too many failed sign-ins for this e-mail or address; try again later."""

    until: dt.datetime


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password at the configured cost."""
    return _hasher().hash(password)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_rules(password: str, field: str = "password") -> list[FieldError]:
    """Return the problems with a new password (length only, as NIST SP 800-63B advises)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return [FieldError(field, _l("Use at least %(n)d characters.", n=minimum))]
    if len(password) > 256:
        return [FieldError(field, _l("Use at most 256 characters."))]
    return []


# Sign-in throttling ---------------------------------------------------------------------------


def authenticate(session: Session, email: str, password: str, ip: str | None) -> User:
    """Return the user for valid credentials; count failures and lock after too many.

    :raises SignInLocked: the e-mail or the address is locked for now.
    :raises InvalidCredentials: the e-mail or the password is wrong, or the account is disabled.
    """
    cfg = current_app.config
    now = utcnow()
    email = normalise_email(email)
    keys = [f"email:{email}"] + ([f"ip:{ip}"] if ip else [])
    counts = throttle.counts(session)  # Redis when REDIS_URL is set, else the database
    until = counts.locked_until(keys, now)
    if until:
        raise SignInLocked(until)
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    hasher = _hasher()
    ok = False
    try:
        # Verify against a throwaway hash for unknown e-mails so timing does not reveal accounts.
        ok = hasher.verify(user.password_hash if user else _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.is_active:
        counts.count_failure(f"email:{email}", cfg["LOGIN_MAX_FAILURES"], now)
        if ip:
            counts.count_failure(f"ip:{ip}", cfg["LOGIN_IP_MAX_FAILURES"], now)
        audit.record(session, "sign_in_failed", "users", user.id if user else None,
                     after={"email": email[:254], "ip": ip})
        raise InvalidCredentials()
    counts.clear(f"email:{email}")
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = now
    session.flush()
    return user


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    key = f"{current_app.config['ARGON2_MEMORY_COST']}:{current_app.config['ARGON2_TIME_COST']}"
    if key not in _DUMMY:
        _DUMMY[key] = _hasher().hash(secrets.token_hex(16))
    return _DUMMY[key]


# Server-side sessions -------------------------------------------------------------------------


def start_session(session: Session, user: User, ip: str | None, user_agent: str | None) -> str:
    """Create a server-side session for the user and return its secret token (goes in the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(UserSession(
        user_id=user.id, token_hash=_sha256(token), created_at=now, last_seen_at=now,
        expires_at=now + dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
        ip=(ip or "")[:64] or None, user_agent=(user_agent or "")[:255] or None,
    ))
    audit.record(session, "sign_in", "users", user.id, vendor_id=user.vendor_id, after={"ip": ip})
    session.flush()
    user.session_token = token
    return token


def load_session_user(session: Session, token: str) -> User | None:
    """Return the user of a live session token, or None when it is unknown, revoked or expired."""
    if not token:
        return None
    row = session.execute(
        select(UserSession).where(UserSession.token_hash == _sha256(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if as_utc(row.expires_at) <= now or now - as_utc(row.last_seen_at) > idle:
        return None
    user = row.user
    if not user.is_active:
        return None
    if now - as_utc(row.last_seen_at) > dt.timedelta(minutes=1):
        # Written at most once a minute so page views do not each cost a write. The caller (the edge's user
        # loader) commits it at once: read-only requests never commit, so the touch would be rolled back and
        # an active reader would hit the idle limit, and the row lock would be held until the end of the request.
        session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        session.info["touched"] = True
    user.session_token = token
    return user


def end_session(session: Session, token: str | None) -> None:
    """Revoke one session so its cookie no longer signs anybody in."""
    if not token:
        return
    row = session.execute(
        select(UserSession).where(UserSession.token_hash == _sha256(token))
    ).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, "sign_out", "users", row.user_id)
        session.flush()


def revoke_sessions(session: Session, user: User) -> None:
    """Revoke every session of a user (password change, disabled account)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change the user's own password and end all its sessions.

    :raises ValidationFailed: the current password is wrong or the new one breaks the rules.
    """
    try:
        _hasher().verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise ValidationFailed([FieldError("current_password", _l("The current password is wrong."))]) from None
    errors = check_password_rules(new, "new_password")
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user)
    audit.record(session, "password_change", "users", user.id, vendor_id=user.vendor_id)
    session.flush()


# API tokens -----------------------------------------------------------------------------------


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for the user; return the row and the secret, which is shown only once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=(name or "API token")[:200], prefix=raw[:10], token_hash=_sha256(raw))
    session.add(row)
    session.flush()
    return row, raw


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    """Return tokens, newest first: one user's, or everybody's when user is None."""
    stmt = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(session.execute(stmt).scalars())


def revoke_token(session: Session, actor: User, token: ApiToken) -> None:
    """Revoke a token so it no longer authenticates."""
    if not policies.can_revoke_token(actor, token):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def user_for_token(session: Session, raw: str) -> User | None:
    """Return the active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == _sha256(raw))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - as_utc(row.last_used_at) > dt.timedelta(minutes=5):
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        session.info["touched"] = True  # committed by the caller at once; see load_session_user
    return row.user


# Users ----------------------------------------------------------------------------------------


def _check_user_fields(session: Session, email: str, role: str, vendor_id: int | None,
                       existing: User | None = None) -> tuple[str, Role, list[FieldError]]:
    errors: list[FieldError] = []
    try:
        email = validate_email(email or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.append(FieldError("email", _l("Enter a valid e-mail address.")))
    try:
        role_value = Role(role)
    except ValueError:
        errors.append(FieldError("role", _l("Choose one of the roles.")))
        role_value = Role.MANAGER
    if role_value is Role.VENDOR:
        if vendor_id is None or session.get(Vendor, vendor_id) is None:
            errors.append(FieldError("vendor_id", _l("Vendor staff must belong to a vendor.")))
    elif vendor_id is not None:
        errors.append(FieldError("vendor_id", _l("Only vendor staff belong to a vendor.")))
    clash = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if clash is not None and clash is not existing:
        errors.append(FieldError("email", _l("A user with this e-mail already exists.")))
    return email, role_value, errors


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                vendor_id: int | None = None, language: str | None = None) -> User:
    """Create a user.

    :raises ValidationFailed: with one entry per bad field.
    """
    email, role_value, errors = _check_user_fields(session, email, role, vendor_id)
    errors += check_password_rules(password)
    if not (name or "").strip():
        name = email.split("@")[0]
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, name=name.strip()[:200], role=role_value,
                vendor_id=vendor_id if role_value is Role.VENDOR else None,
                password_hash=hash_password(password), language=language or None)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, actor: User, user: User, *, name: str, role: str,
                vendor_id: int | None, is_active: bool, language: str | None) -> User:
    """Change a user's name, role, vendor, language or active flag; disabling ends its sessions."""
    _, role_value, errors = _check_user_fields(session, user.email, role, vendor_id, existing=user)
    if user.id == actor.id and (not is_active or role_value is not Role.ADMIN):
        errors.append(FieldError("role", _l("You cannot remove your own administrator access.")))
    if errors:
        raise ValidationFailed(errors)
    was_active = user.is_active
    user.name = (name or user.name).strip()[:200]
    user.role = role_value
    user.vendor_id = vendor_id if role_value is Role.VENDOR else None
    user.is_active = is_active
    user.language = language or None
    if was_active and not is_active:
        revoke_sessions(session, user)
    session.flush()
    return user


def reset_password(session: Session, user: User, password: str) -> None:
    """Set a new password for a user (by an administrator) and end the user's sessions."""
    errors = check_password_rules(password)
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user)
    session.flush()


def set_language(session: Session, user: User, language: str) -> None:
    """Save the user's chosen language."""
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationFailed([FieldError("language", _l("Choose one of the languages."))])
    user.language = language
    session.flush()


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.role, User.email)).scalars())


def people_to_notify(session: Session, *, vendor_id: int | None = None,
                     client_roles: tuple[Role, ...] = (Role.MANAGER,)) -> list[User]:
    """Return the active staff of a vendor, or (vendor_id None) the active client users in client_roles."""
    stmt = select(User).where(User.is_active.is_(True))
    if vendor_id is None:
        stmt = stmt.where(User.role.in_(client_roles))
    else:
        stmt = stmt.where(User.role == Role.VENDOR, User.vendor_id == vendor_id)
    return list(session.execute(stmt.order_by(User.id)).scalars())


def find_user_by_email(session: Session, email: str) -> User:
    user = session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()
    if user is None:
        raise NotFound(email)
    return user


__all__ = ["Conflict", "InvalidCredentials", "SignInLocked"]
