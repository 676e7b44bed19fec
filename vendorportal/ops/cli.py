"""Operations commands: init-db, verify-audit, serve (web and scheduler on one machine), copy-db."""

from __future__ import annotations

import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from vendorportal.checklists import services as checklists
from vendorportal.core.audit import verify_chain
from vendorportal.core.commands import cli_actor, fail
from vendorportal.core.edge import unit_of_work
from vendorportal.extensions import db
from vendorportal.ops import copydb


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Bring the database to the newest schema and seed the default checklist (safe to run again)."""
    upgrade()
    with unit_of_work(cli_actor()) as session:
        checklists.ensure_default_template(session)
    click.echo("Database is at the newest schema.")


@click.command("verify-audit")
@with_appcontext
def verify_audit() -> None:
    """Check the audit log's hash chain; exit non-zero naming the first bad event."""
    result = verify_chain(db.session)
    if not result.ok:
        click.echo(f"Audit log is NOT intact: event {result.bad_event_id}: {result.reason} "
                   f"({result.checked} events before it verified).", err=True)
        sys.exit(1)
    click.echo(f"Audit log intact: {result.checked} events verified.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve the web pages only.")
@with_appcontext
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Run the portal on one machine (demos, a small team): the web server and, as a second process beside
    it, the scheduler. Production runs gunicorn and `vendorportal scheduler` separately (see README)."""
    child = None
    if not no_scheduler:
        child = subprocess.Popen([sys.executable, "-c", "from vendorportal.cli import cli; cli()", "scheduler"])
        click.echo(f"Scheduler started beside the web server (pid {child.pid}).", err=True)

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True)
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


@click.command("copy-db")
@click.option("--to", "target", required=True, metavar="URL", help="An empty PostgreSQL database, e.g. "
              "postgresql://user:password@host:5432/vendorportal.")
@with_appcontext
def copy_db(target: str) -> None:
    """Copy every row and stored file into an empty PostgreSQL database at the newest schema, then verify the
    counts, file hashes and audit chain there; refuse a non-empty target. Stop the portal and scheduler first."""
    try:
        committed = copydb.run(target)
    except copydb.CopyFailed as err:
        fail(str(err))
    if not committed:
        sys.exit(1)


COMMANDS = (init_db, verify_audit, serve, copy_db,)
