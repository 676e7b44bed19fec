"""The `vendorportal` console script: a FlaskGroup bound to create_app, plus the portal's commands."""

from __future__ import annotations

import getpass
import secrets
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, NoAppException, with_appcontext

from vendorportal import ROOT, ConfigurationError, create_app


def _create_app():
    try:
        return create_app()
    except ConfigurationError as err:
        # Flask prints NoAppException as a one-line error instead of a traceback.
        raise NoAppException(str(err)) from None


cli = FlaskGroup(create_app=_create_app, help="VendorPortal: run the portal and manage its data.")


def _actor():
    from vendorportal.core.audit import AuditActor

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        who = "unknown"
    return AuditActor(None, f"cli:{who}", "cli")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@cli.command("init-instance", with_appcontext=False)
@click.option("--instance-path", type=click.Path(file_okay=False), default=None,
              help="Instance folder (default: VENDORPORTAL_INSTANCE_PATH or ./instance).")
@click.option("--demo", is_flag=True, help="Allow session cookies over plain http on 127.0.0.1 (demo only).")
def init_instance(instance_path: str | None, demo: bool) -> None:
    """Create instance/config.py with a fresh secret key, unless it exists."""
    import os

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


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is at the newest schema.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo client: three vendors, their contracts and one user of each role."""
    from vendorportal.core.database import unit_of_work
    from vendorportal.demo.services import DEMO_PASSWORD
    from vendorportal.demo.services import seed_demo as seed

    with unit_of_work(_actor()) as session:
        result = seed(session)
    click.echo("Demo data " + ("loaded." if result.created else "was already there."))
    click.echo(f"Sign in at http://127.0.0.1:5000 with any of these (password for all: {DEMO_PASSWORD}):")
    for email, role in result.sign_ins:
        click.echo(f"  {role:<10} {email}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    lines = sys.stdin.read().splitlines()
    if len(lines) < 2:
        _fail("give the password twice on standard input, one per line.")
    if lines[0] != lines[1]:
        _fail("the two passwords differ.")
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
    from vendorportal.auth import services
    from vendorportal.core.database import unit_of_work
    from vendorportal.core.errors import ValidationFailed

    password = _read_password()
    try:
        with unit_of_work(_actor()) as session:
            user = services.create_user(session, email=email, name=name, role=role, password=password,
                                        vendor_id=vendor_id, language=language)
            user_id = user.id
    except ValidationFailed as failure:
        _fail("; ".join(f"{e.field}: {e.message}" for e in failure.errors))
    click.echo(f"Created user {user_id} ({email}, {role}).")


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="CLI token")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create an API token for a user and print it alone on the last line."""
    from vendorportal.auth import services
    from vendorportal.core.database import unit_of_work
    from vendorportal.core.errors import NotFound

    try:
        with unit_of_work(_actor()) as session:
            user = services.find_user_by_email(session, email)
            row, raw = services.create_token(session, user, name)
            token_id = row.id
    except NotFound:
        _fail(f"no user with e-mail {email}.")
    click.echo(f"Token {token_id} for {email}. It is shown only now; store it safely:")
    click.echo(raw)


@click.command("list-tokens")
@click.option("--email", default=None, help="Only this user's tokens.")
@with_appcontext
def list_tokens(email: str | None) -> None:
    """List API tokens (never their secrets)."""
    from vendorportal.auth import services
    from vendorportal.extensions import db

    user = services.find_user_by_email(db.session, email) if email else None
    for t in services.list_tokens(db.session, user):
        state = "revoked" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.user.email}\t{t.name}\t{t.prefix}…\t{state}\tlast used {t.last_used_at or '-'}")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token(token_id: int) -> None:
    """Revoke an API token by its id."""
    from vendorportal.auth.models import ApiToken
    from vendorportal.core.database import unit_of_work
    from vendorportal.core.db import utcnow

    with unit_of_work(_actor()) as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            _fail(f"no token {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    click.echo(f"Token {token_id} revoked.")


@click.command("verify-audit")
@with_appcontext
def verify_audit() -> None:
    """Check the audit log's hash chain; exit non-zero naming the first bad event."""
    from vendorportal.core.audit import verify_chain
    from vendorportal.extensions import db

    result = verify_chain(db.session)
    if not result.ok:
        click.echo(f"Audit log is NOT intact: event {result.bad_event_id}: {result.reason} "
                   f"({result.checked} events before it verified).", err=True)
        sys.exit(1)
    click.echo(f"Audit log intact: {result.checked} events verified.")


@click.command("send-reminders")
@click.option("--date", "day", default=None, help="Pretend today is this date (YYYY-MM-DD).")
@with_appcontext
def send_reminders(day: str | None) -> None:
    """Notify what is due soon or overdue today; safe to run more than once a day."""
    import datetime as dt

    from vendorportal.core import audit
    from vendorportal.core.formatting import today
    from vendorportal.extensions import db
    from vendorportal.security import notifications

    when = dt.date.fromisoformat(day) if day else today()
    audit.set_actor(db.session, _actor())
    sent = notifications.send_daily_reminders(db.session, when)
    click.echo(f"{sent} reminder(s) for {when}.")


@click.command("generate-packs")
@click.option("--period", required=True, help="The month the packs report, YYYY-MM.")
@click.option("--vendor-id", type=int, default=None, help="Only this vendor's pack (default: every vendor and "
              "the portfolio pack).")
@click.option("--language", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--jobs", "workers", type=int, default=0, help="Processes to render with (default: every core).")
@with_appcontext
def generate_packs(period: str, vendor_id: int | None, language: str, workers: int) -> None:
    """Render a period's review packs now, on all cores; exit non-zero naming the packs that failed."""
    import os

    from vendorportal.core.database import unit_of_work
    from vendorportal.core.errors import NotFound
    from vendorportal.extensions import db
    from vendorportal.packs import domain, generate, services
    from vendorportal.packs.models import Pack

    if not domain.is_period(period):
        _fail(f"--period must be YYYY-MM, got {period!r}.")
    try:
        with unit_of_work(_actor()) as session:
            packs = services.queue_period(session, period, language=language, vendor_id=vendor_id)
            names = {p.id: _pack_name(p) for p in packs}
    except NotFound:
        _fail(f"no vendor {vendor_id}.")
    if not names:
        click.echo(f"No contract ran in {period}: nothing to render.")
        return
    workers = workers or os.cpu_count() or 1
    click.echo(f"Rendering {len(names)} pack(s) for {period} ({language}) with {min(workers, len(names))} "
               f"process(es).", err=True)
    with click.progressbar(length=len(names), label="Packs", file=sys.stderr, show_pos=True) as bar:
        outcomes = generate.render_many(list(names), workers=workers, actor=_actor(),
                                        progress=lambda _outcome: bar.update(1))
    outcomes = _settle_skipped(outcomes)
    failed = [o for o in outcomes if o.status != "done"]
    for outcome in sorted(outcomes, key=lambda o: o.pack_id):
        pack = db.session.get(Pack, outcome.pack_id)
        line = f"{outcome.status:8} pack {outcome.pack_id}  {names[outcome.pack_id]}"
        if pack is not None and pack.page_count:
            line += f"  {pack.page_count} pages"
        click.echo(line)
    if failed:
        for outcome in failed:
            click.echo(f"FAILED: pack {outcome.pack_id} {names[outcome.pack_id]}: {outcome.error}", err=True)
        sys.exit(1)


def _settle_skipped(outcomes, poll_seconds: float = 1.0):
    """A pack reported 'skipped' was taken by another renderer (a running scheduler's tick): wait until that
    renderer lets go of it (at most the lease) and report the pack's real status instead of a failure."""
    import time

    from flask import current_app

    from vendorportal.extensions import db
    from vendorportal.packs import services
    from vendorportal.packs.models import Pack

    deadline = time.monotonic() + current_app.config["PACK_LEASE_SECONDS"]
    settled = []
    for outcome in outcomes:
        while outcome.status == "skipped":
            pack = db.session.get(Pack, outcome.pack_id, populate_existing=True)
            status, error = (pack.status, pack.error) if pack else ("failed", "the pack was deleted")
            db.session.rollback()  # never wait inside a transaction (on SQLite it holds the write lock)
            if status != "rendering" or time.monotonic() > deadline:
                outcome = services.RenderOutcome(outcome.pack_id, status, error)
                break
            time.sleep(poll_seconds)
        settled.append(outcome)
    return settled


def _pack_name(pack) -> str:
    who = f"vendor {pack.vendor_id}" if pack.kind == "vendor" else "portfolio"
    return f"{who} {pack.period} {pack.language} v{pack.version}"


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron-style hosts).")
@with_appcontext
def scheduler(once: bool) -> None:
    """Run the scheduler: review packs on their schedules and the daily reminders. One process per site is
    enough; more are safe (each job takes a lock)."""
    import logging

    from flask import current_app

    from vendorportal.jobs import scheduler as jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # not every 15-s tick
    app = current_app._get_current_object()
    if once:
        for job_id, result in jobs.run_once(app).items():
            click.echo(f"{job_id}: {result}")
        return
    jobs.run_forever(app)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve the web pages only.")
@with_appcontext
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Run the portal on one machine (demos, a small team): the web server and, as a second process beside
    it, the scheduler. Production runs gunicorn and `vendorportal scheduler` separately (see README)."""
    import signal
    import subprocess

    from flask import current_app
    from werkzeug.serving import run_simple

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
    from vendorportal.ops import copydb

    try:
        committed = copydb.run(target)
    except copydb.CopyFailed as err:
        _fail(str(err))
    if not committed:
        sys.exit(1)


APP_COMMANDS = (init_db, seed_demo, create_user, create_token, list_tokens, revoke_token, verify_audit,
                send_reminders, generate_packs, scheduler, serve, copy_db)


def register_commands(app) -> None:
    """Add the portal's commands to app.cli, so both `vendorportal` and test runners see them."""
    for command in APP_COMMANDS:
        app.cli.add_command(command)
