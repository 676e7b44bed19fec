"""The scheduler command: the scheduler's own process (or every job once)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron-style hosts).")
@with_appcontext
def scheduler(once: bool) -> None:
    """Run the scheduler: review packs on their schedules and the daily reminders. One process per site is
    enough; more are safe (each job takes a lock)."""
    from vendorportal.scheduler import runner  # local import: the web app has this command but never loads APScheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # not every 15-s tick
    app = current_app._get_current_object()
    if once:
        for job_id, result in runner.run_once(app).items():
            click.echo(f"{job_id}: {result}")
        return
    runner.run_forever(app)


COMMANDS = (scheduler,)
