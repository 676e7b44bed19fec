"""The app factory: the base app (configuration, database, extensions), then the web layer, then the commands."""

from __future__ import annotations

from flask import Flask

from vendorportal.auth import cli as auth_cli
from vendorportal.core.setup import base_app
from vendorportal.demo import cli as demo_cli
from vendorportal.notifications import cli as notifications_cli
from vendorportal.ops import cli as ops_cli
from vendorportal.packs import cli as packs_cli
from vendorportal.scheduler import cli as scheduler_cli
from vendorportal.web import init_web

COMMANDS = (*ops_cli.COMMANDS, *demo_cli.COMMANDS, *auth_cli.COMMANDS, *notifications_cli.COMMANDS,
            *packs_cli.COMMANDS, *scheduler_cli.COMMANDS)


def create_app(test_config: dict | None = None) -> Flask:
    """Build a VendorPortal app: config, extensions, blueprints, CLI, in that order."""
    app = base_app(test_config)
    init_web(app)
    for command in COMMANDS:  # on app.cli, so both `vendorportal` and test runners see them
        app.cli.add_command(command)
    return app
