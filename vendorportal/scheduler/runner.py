"""The scheduler process: APScheduler 3 with in-memory jobs declared here, run by `vendorportal scheduler`.

Never started by the web app. Jobs are rebuilt from this table at start (stable ids, replace_existing), so
no pickled job store exists; managers' pack schedules are rows the pack job reads on every tick. Every job
runs once at start, which renders what was missed while the scheduler was down, and then on its trigger.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from vendorportal.core.audit import AuditActor, set_actor
from vendorportal.core.formatting import today
from vendorportal.extensions import db
from vendorportal.notifications import jobs as reminder_jobs
from vendorportal.packs import jobs as packs
from vendorportal.packs.domain import parse_time
from vendorportal.scheduler.locks import exclusive

log = logging.getLogger(__name__)

ACTOR = AuditActor(None, "scheduler", "scheduler")
STOP = threading.Event()  # set on SIGTERM/SIGINT: a tick finishes the pack it renders and stops


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Flask], object]
    trigger: Callable[[Flask, ZoneInfo], object]
    description: str


def pack_tick(app: Flask) -> dict:
    """Claim due schedule periods, recover packs of dead renderers, render the queue, mail finished packs."""
    with app.app_context(), exclusive(db.engine, "packs", app.instance_path) as mine:
        if not mine:
            log.info("packs: another scheduler holds the lock; skipping this tick")
            return {"skipped": True}
        set_actor(db.session, ACTOR)
        try:
            summary = packs.tick(db.session, tz=ZoneInfo(app.config["TIMEZONE"]), stop=STOP, actor=ACTOR)
            if any(summary.values()):
                log.info("packs: %s", summary)
            return summary
        finally:
            db.session.remove()


def reminders(app: Flask) -> dict:
    """The daily checklist and action reminders (each event once per person, so a rerun sends nothing new)."""
    with app.app_context(), exclusive(db.engine, "reminders", app.instance_path) as mine:
        if not mine:
            return {"skipped": True}
        try:
            set_actor(db.session, ACTOR)
            sent = reminder_jobs.send_daily_reminders(db.session, today())
            log.info("reminders: %s mail(s)", sent)
            return {"sent": sent}
        finally:
            db.session.remove()


def _daily_at(app: Flask, tz: ZoneInfo):
    at = parse_time(app.config["SCHEDULER_REMINDER_TIME"])
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=tz)


JOBS: tuple[Job, ...] = (
    Job("packs.tick", pack_tick,
        lambda app, tz: IntervalTrigger(seconds=int(app.config["SCHEDULER_TICK_SECONDS"]), timezone=tz),
        "claim scheduled packs, render the queue, mail finished packs"),
    Job("security.reminders", reminders, _daily_at, "daily checklist and action reminders"),
)


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Return the configured scheduler with every job, each due at once (catch-up) and then on its trigger."""
    tz = ZoneInfo(app.config["TIMEZONE"])
    scheduler = BlockingScheduler(
        timezone=tz,
        executors={"default": ThreadPoolExecutor(max_workers=len(JOBS))},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"])},
    )
    start = dt.datetime.now(tz)
    for job in JOBS:
        scheduler.add_job(job.func, job.trigger(app, tz), args=[app], id=job.id, name=job.description,
                          replace_existing=True, next_run_time=start)
    return scheduler


def run_once(app: Flask) -> dict[str, object]:
    """Run every job once, in order (`vendorportal scheduler --once`: cron-style hosts and tests)."""
    return {job.id: job.func(app) for job in JOBS}


def run_forever(app: Flask) -> None:
    scheduler = build_scheduler(app)

    def stop(signum, _frame):
        log.info("scheduler: signal %s, stopping after the current step", signum)
        STOP.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started (time zone %s): %s", app.config["TIMEZONE"],
             ", ".join(f"{j.id} [{j.description}]" for j in JOBS))
    scheduler.start()
