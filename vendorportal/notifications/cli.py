"""The send-reminders command: the day's reminders, safe to run more than once a day."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from vendorportal.core import audit
from vendorportal.core.commands import cli_actor
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.notifications import jobs


@click.command("send-reminders")
@click.option("--date", "day", default=None, help="Pretend today is this date (YYYY-MM-DD).")
@with_appcontext
def send_reminders(day: str | None) -> None:
    """Notify what is due soon or overdue today; safe to run more than once a day."""
    when = dt.date.fromisoformat(day) if day else today()
    audit.set_actor(db.session, cli_actor())
    sent = jobs.send_daily_reminders(db.session, when)
    click.echo(f"{sent} reminder(s) for {when}.")


COMMANDS = (send_reminders,)
