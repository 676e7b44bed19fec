"""The generate-packs command: a period's review packs now, on every core."""

from __future__ import annotations

import os
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorportal.core.commands import cli_actor, fail
from vendorportal.core.edge import unit_of_work
from vendorportal.core.errors import NotFound
from vendorportal.extensions import db
from vendorportal.packs import domain, jobs, services
from vendorportal.packs.models import Pack


@click.command("generate-packs")
@click.option("--period", required=True, help="The month the packs report, YYYY-MM.")
@click.option("--vendor-id", type=int, default=None, help="Only this vendor's pack (default: every vendor and "
              "the portfolio pack).")
@click.option("--language", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--jobs", "workers", type=int, default=0, help="Processes to render with (default: every core).")
@with_appcontext
def generate_packs(period: str, vendor_id: int | None, language: str, workers: int) -> None:
    """Render a period's review packs now, on all cores; exit non-zero naming the packs that failed."""
    if not domain.is_period(period):
        fail(f"--period must be YYYY-MM, got {period!r}.")
    try:
        with unit_of_work(cli_actor()) as session:
            packs = services.queue_period(session, period, language=language, vendor_id=vendor_id)
            names = {p.id: _pack_name(p) for p in packs}
    except NotFound:
        fail(f"no vendor {vendor_id}.")
    if not names:
        click.echo(f"No contract ran in {period}: nothing to render.")
        return
    workers = workers or os.cpu_count() or 1
    click.echo(f"Rendering {len(names)} pack(s) for {period} ({language}) with {min(workers, len(names))} "
               f"process(es).", err=True)
    with click.progressbar(length=len(names), label="Packs", file=sys.stderr, show_pos=True) as bar:
        outcomes = jobs.render_many(list(names), workers=workers, actor=cli_actor(),
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
    deadline = time.monotonic() + current_app.config["PACK_LEASE_SECONDS"]
    settled = []
    for outcome in outcomes:
        while outcome.status == "skipped":
            pack = db.session.get(Pack, outcome.pack_id, populate_existing=True)
            status, error = (pack.status, pack.error) if pack else ("failed", "the pack was deleted")
            db.session.rollback()  # never wait inside a transaction (on SQLite it holds the write lock)
            if status != "rendering" or time.monotonic() > deadline:
                outcome = jobs.RenderOutcome(outcome.pack_id, status, error)
                break
            time.sleep(poll_seconds)
        settled.append(outcome)
    return settled


def _pack_name(pack) -> str:
    who = f"vendor {pack.vendor_id}" if pack.kind == "vendor" else "portfolio"
    return f"{who} {pack.period} {pack.language} v{pack.version}"


COMMANDS = (generate_packs,)
