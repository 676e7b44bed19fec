"""What every CLI command shares: who the audit log names, and how a command fails."""

from __future__ import annotations

import getpass
import sys

import click

from vendorportal.core.audit import AuditActor


def cli_actor() -> AuditActor:
    """Return the audit actor of a command: the operating-system user who ran it."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        who = "unknown"
    return AuditActor(None, f"cli:{who}", "cli")


def fail(message: str) -> None:
    """Print an error in one line and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
