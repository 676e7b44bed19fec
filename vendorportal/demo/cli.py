"""The seed-demo command: the demo client, safe to run again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from vendorportal.core.commands import cli_actor
from vendorportal.core.edge import unit_of_work
from vendorportal.demo.services import DEMO_PASSWORD
from vendorportal.demo.services import seed_demo as seed


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo client: three vendors, their contracts and one user of each role."""
    with unit_of_work(cli_actor()) as session:
        result = seed(session)
    click.echo("Demo data " + ("loaded." if result.created else "was already there."))
    click.echo(f"Sign in at http://127.0.0.1:5000 with any of these (password for all: {DEMO_PASSWORD}):")
    for email, role in result.sign_ins:
        click.echo(f"  {role:<10} {email}")


COMMANDS = (seed_demo,)
