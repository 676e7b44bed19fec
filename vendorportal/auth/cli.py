"""Commands for people and API tokens: create-user, create-token, list-tokens, revoke-token."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from vendorportal.auth import services
from vendorportal.auth.models import ApiToken
from vendorportal.core.commands import cli_actor, fail
from vendorportal.core.db import utcnow
from vendorportal.core.edge import unit_of_work
from vendorportal.core.errors import NotFound, ValidationFailed
from vendorportal.extensions import db


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    lines = sys.stdin.read().splitlines()
    if len(lines) < 2:
        fail("give the password twice on standard input, one per line.")
    if lines[0] != lines[1]:
        fail("the two passwords differ.")
    return lines[0]


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "manager", "executive", "vendor"]))
@click.option("--vendor-id", type=int, default=None, help="Required for role vendor.")
@click.option("--name", default="", help="Display name (default: the part of the e-mail before @).")
@click.option("--language", type=click.Choice(["en", "ja"]), default=None)
@with_appcontext
def create_user(email: str, role: str, vendor_id: int | None, name: str, language: str | None) -> None:
    """Create a user; the password is read from standard input (twice) or prompted for."""
    password = _read_password()
    try:
        with unit_of_work(cli_actor()) as session:
            user = services.create_user(session, email=email, name=name, role=role, password=password,
                                        vendor_id=vendor_id, language=language)
            user_id = user.id
    except ValidationFailed as failure:
        fail("; ".join(f"{e.field}: {e.message}" for e in failure.errors))
    click.echo(f"Created user {user_id} ({email}, {role}).")


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="CLI token")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create an API token for a user and print it alone on the last line."""
    try:
        with unit_of_work(cli_actor()) as session:
            user = services.find_user_by_email(session, email)
            row, raw = services.create_token(session, user, name)
            token_id = row.id
    except NotFound:
        fail(f"no user with e-mail {email}.")
    click.echo(f"Token {token_id} for {email}. It is shown only now; store it safely:")
    click.echo(raw)


@click.command("list-tokens")
@click.option("--email", default=None, help="Only this user's tokens.")
@with_appcontext
def list_tokens(email: str | None) -> None:
    """List API tokens (never their secrets)."""
    user = services.find_user_by_email(db.session, email) if email else None
    for t in services.list_tokens(db.session, user):
        state = "revoked" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.user.email}\t{t.name}\t{t.prefix}…\t{state}\tlast used {t.last_used_at or '-'}")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token(token_id: int) -> None:
    """Revoke an API token by its id."""
    with unit_of_work(cli_actor()) as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            fail(f"no token {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    click.echo(f"Token {token_id} revoked.")


COMMANDS = (create_user, create_token, list_tokens, revoke_token,)
