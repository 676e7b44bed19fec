"""The `vendorportal` console script: a FlaskGroup bound to create_app (which adds each feature's commands),
plus init-instance, which runs before any configuration exists."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask.cli import FlaskGroup, NoAppException

from vendorportal.app import create_app
from vendorportal.core.setup import ROOT, ConfigurationError


def _create_app():
    try:
        return create_app()
    except ConfigurationError as err:
        # Flask prints NoAppException as a one-line error instead of a traceback.
        raise NoAppException(str(err)) from None


cli = FlaskGroup(create_app=_create_app, help="VendorPortal: run the portal and manage its data.")


@cli.command("init-instance", with_appcontext=False)
@click.option("--instance-path", type=click.Path(file_okay=False), default=None,
              help="Instance folder (default: VENDORPORTAL_INSTANCE_PATH or ./instance).")
@click.option("--demo", is_flag=True, help="Allow session cookies over plain http on 127.0.0.1 (demo only).")
def init_instance(instance_path: str | None, demo: bool) -> None:
    """Create instance/config.py with a fresh secret key, unless it exists."""
    folder = Path(instance_path or os.environ.get("VENDORPORTAL_INSTANCE_PATH") or ROOT / "instance")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.py"
    if config.exists():
        click.echo(f"{config} exists; left as it is.")
        return
    text = "# Created by `vendorportal init-instance`. Keep this file private.\n"
    text += f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    if demo:
        text += ("# The demo serves plain http on 127.0.0.1; never use these two lines behind HTTPS.\n"
                 "SESSION_COOKIE_SECURE = False\nREMEMBER_COOKIE_SECURE = False\n")
    config.write_text(text, encoding="utf-8")
    config.chmod(0o600)
    click.echo(f"Wrote {config}")
