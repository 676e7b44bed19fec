"""The scheduler's configuration: time zone, job defaults that never drop a run, stable ids, web never schedules."""

from __future__ import annotations

import subprocess
import sys
import threading

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger


def test_jobs_are_declared_once_with_stable_ids_and_safe_defaults(app, monkeypatch):
    from vendorportal.scheduler import runner as jobs

    monkeypatch.setitem(app.config, "TIMEZONE", "Asia/Tokyo")
    monkeypatch.setitem(app.config, "SCHEDULER_REMINDER_TIME", "07:45")
    scheduler = jobs.build_scheduler(app)
    assert str(scheduler.timezone) == "Asia/Tokyo"
    built = {job.id: job for job in scheduler.get_jobs()}  # pending jobs, before start
    assert set(built) == {"packs.tick", "security.reminders"} == {j.id for j in jobs.JOBS}
    defaults = scheduler._job_defaults  # applied to each job when the scheduler starts
    assert defaults["coalesce"] is True and defaults["max_instances"] == 1
    assert defaults["misfire_grace_time"] >= 3600  # APScheduler's 1 s default silently drops late runs
    for job, _store, replace_existing in scheduler._pending_jobs:
        assert replace_existing is True  # a restart never adds a second copy of a job
        assert job.next_run_time is not None  # every job runs once at start: missed work is caught up
    assert isinstance(built["packs.tick"].trigger, IntervalTrigger)
    reminder = built["security.reminders"].trigger
    assert isinstance(reminder, CronTrigger) and str(reminder.timezone) == "Asia/Tokyo"
    assert {f.name: str(f) for f in reminder.fields}["hour"] == "7"
    assert {f.name: str(f) for f in reminder.fields}["minute"] == "45"


def test_the_web_app_never_starts_a_scheduler():
    code = ("import threading, os; os.environ['VENDORPORTAL_SECRET_KEY'] = 'x' * 40; "
            "from vendorportal import create_app; app = create_app({'TESTING': True, "
            "'DATABASE_URL': 'sqlite://'}); import sys; "
            "print(sorted(t.name for t in threading.enumerate())); "
            "print('apscheduler.schedulers.blocking' in sys.modules, 'vendorportal.scheduler.runner' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    threads, modules = out.strip().splitlines()
    assert threads == "['MainThread']" and modules == "False False"


def test_a_job_whose_lock_is_held_elsewhere_skips_its_turn(app):
    from vendorportal.extensions import db
    from vendorportal.scheduler import locks
    from vendorportal.scheduler import runner as scheduler

    with app.app_context():
        engine = db.engine
    held, release = threading.Event(), threading.Event()

    def other_scheduler():
        with locks.exclusive(engine, "packs", app.instance_path) as mine:
            assert mine
            held.set()
            release.wait(30)

    thread = threading.Thread(target=other_scheduler)
    thread.start()
    try:
        assert held.wait(30)
        if engine.dialect.name == "sqlite":
            # flock is per open file: another process would be refused; in this process we check the file
            # lock from a child process instead.
            code = ("import fcntl, sys; f = open(sys.argv[1], 'a+'); "
                    "fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)")
            path = f"{engine.url.database}.packs.lock"
            result = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=30)
            assert result.returncode != 0 and "BlockingIOError" in result.stderr
        else:
            assert scheduler.pack_tick(app) == {"skipped": True}
    finally:
        release.set()
        thread.join(30)
    assert "skipped" not in scheduler.pack_tick(app)
