"""Real `vendorportal scheduler` processes against the real test database (SQLite or PostgreSQL) and a real SMTP
server: two schedulers at once render and mail each scheduled pack exactly once, a scheduler killed mid-render
leaves nothing half-written and the next one completes the period, and periods missed while no scheduler ran
are rendered when one starts. Nothing of the project is mocked; the children are killed before the test ends.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from smtp_server import LocalSMTPServer
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from vendorportal.files.models import StoredFile
from vendorportal.packs.models import Pack, PackClaim, PackDelivery

TOKYO = ZoneInfo("Asia/Tokyo")  # the TIMEZONE the children run with


# ---------------------------------------------------------------- scheduler processes

SECRET = "scheduler-test-secret-key-0123456789abcdef"


def _command() -> list[str]:
    """The installed console script beside this interpreter (what an operator runs), else the same entry point."""
    script = Path(sys.executable).with_name("vendorportal")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from vendorportal.cli import cli; cli()"]


class SchedulerProcess:
    """One `vendorportal scheduler` child process; its stdout and stderr go to a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in wait()/kill()
        self.proc = subprocess.Popen(_command() + ["scheduler", *args], env=env, cwd=workdir,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit by itself; kill it and fail when it does not in time."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not exit within {timeout}s:\n{self.log()[-3000:]}") from None
        finally:
            self._log.close()

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM (the documented way to stop the scheduler) and wait; SIGKILL and fail if it hangs."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        """SIGKILL and reap (a zombie would still answer kill(pid, 0) and look alive to requeue_orphans)."""
        if self.alive():
            self.proc.kill()
        self.proc.wait(10)
        self._log.close()


@pytest.fixture
def smtp_server():
    with LocalSMTPServer() as server:
        yield server


@pytest.fixture
def scheduler_env(database_url, tmp_path, smtp_server) -> dict[str, str]:
    """Environment of a scheduler process: the test database, a shared instance folder, a 1 s tick, real SMTP."""
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORPORTAL_")}
    env.update({
        "VENDORPORTAL_DATABASE_URL": database_url,
        "VENDORPORTAL_SECRET_KEY": SECRET,
        "VENDORPORTAL_INSTANCE_PATH": str(instance),
        "VENDORPORTAL_SCHEDULER_TICK_SECONDS": "1",
        "VENDORPORTAL_MAIL_SERVER": "127.0.0.1",
        "VENDORPORTAL_MAIL_PORT": str(smtp_server.port),
        "VENDORPORTAL_PORTAL_URL": "http://portal.test",
        "VENDORPORTAL_TIMEZONE": TOKYO.key,
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture
def schedulers(scheduler_env, tmp_path):
    """start(name, *args, **env_overrides) -> SchedulerProcess; every process still running is killed at teardown."""
    started: list[SchedulerProcess] = []

    def start(name: str, *args: str, **overrides: str) -> SchedulerProcess:
        env = dict(scheduler_env)
        env.update({f"VENDORPORTAL_{k}": str(v) for k, v in overrides.items()})
        process = SchedulerProcess(name, list(args), env, tmp_path)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.kill()


@pytest.fixture
def reader_engine(database_url):
    """A plain engine of the test's own (no BEGIN IMMEDIATE, no audit hook), to peek while the children work."""
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def db_reader(reader_engine):
    def session() -> Session:
        return Session(reader_engine)

    return session


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll predicate() until it returns something truthy (returned); fail with the last value on timeout."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {value!r}")


# ---------------------------------------------------------------- the portfolio and its schedule


@dataclass
class Setup:
    schedule_id: int
    periods: list[str]
    vendor_ids: list[int]
    codes: dict[int, str]  # vendor id -> code (in the PDF file name)
    recipients: dict[str, int | None]  # e-mail -> None (client staff: every pack) or the vendor id it may see

    @property
    def subjects(self) -> set[str]:
        return {f"vendor:{v}" for v in self.vendor_ids} | {"portfolio"}

    @property
    def expected_packs(self) -> int:
        return len(self.periods) * len(self.subjects)

    def mails_expected(self) -> set[tuple[str, str]]:
        """(recipient, PDF file name) of every mail the schedule owes: one per recipient and pack it may see."""
        out = set()
        for period in self.periods:
            for email, only in self.recipients.items():
                for vendor_id in self.vendor_ids if only is None else [only]:
                    out.add((email, f"review-pack-{self.codes[vendor_id]}-{period}-en-v1.pdf"))
                if only is None:
                    out.add((email, f"review-pack-portfolio-{period}-en-v1.pdf"))
        return out


@pytest.fixture
def portfolio(app, create_vendor, create_contract, create_user):
    """make(vendors, missed=1): vendors with a running contract, recipients, and a monthly schedule whose last
    `missed` firings have passed (active_from is moved to just before the oldest of them)."""

    def make(vendors: int, missed: int = 1) -> Setup:
        from vendorportal.core.audit import AuditActor, set_actor
        from vendorportal.extensions import db
        from vendorportal.packs import domain, services
        from vendorportal.packs.models import PackSchedule

        today = dt.datetime.now(TOKYO).date()
        window = {"start_date": (today - dt.timedelta(days=500)).isoformat(),
                  "end_date": (today + dt.timedelta(days=500)).isoformat()}
        made = [create_vendor(name=f"Scheduler Vendor {i}") for i in range(vendors)]
        for i, vendor in enumerate(made):
            create_contract(vendor, vendor_can_view_packs=(i == 0), **window)
        manager = create_user("manager")
        executive = create_user("executive")
        sees_own = create_user("vendor", vendor=made[0])  # contract lets vendor staff see their pack
        sees_none = create_user("vendor", vendor=made[-1]) if vendors > 1 else None  # contract does not
        recipients: dict[str, int | None] = {manager.email: None, executive.email: None, sees_own.email: made[0].id}
        ids = [manager.id, executive.id, sees_own.id] + ([sees_none.id] if sees_none else [])
        # Fire on yesterday's day of the month at midnight: the latest firing passed a day or two ago and the
        # next one is weeks away, so no new firing can happen while a test runs.
        day = (today - dt.timedelta(days=1)).day
        with app.app_context():
            set_actor(db.session, AuditActor(manager.id, manager.email, "ui"))
            schedule = services.save_schedule(db.session, db.session.get(type(manager), manager.id), None, {
                "name": "Monthly review packs", "frequency": "monthly", "day": day, "time_of_day": "00:00",
                "vendor_packs": True, "portfolio_pack": True, "language": "en", "is_active": True,
                "recipients": ids})
            now = dt.datetime.now(dt.UTC)
            rule = services.rule_of(schedule)
            passed = domain.firings(rule, now - dt.timedelta(days=40 * (missed + 1)), now, TOKYO)[-missed:]
            assert len(passed) == missed
            assert domain.next_firing(rule, now, TOKYO).at - now > dt.timedelta(days=20)
            schedule.active_from = passed[0].at - dt.timedelta(minutes=1)
            db.session.commit()
            schedule_id = schedule.id
            assert db.session.get(PackSchedule, schedule_id).recipients
        return Setup(schedule_id, [f.period for f in passed], [v.id for v in made], {v.id: v.code for v in made},
                     recipients)

    return make


# ---------------------------------------------------------------- reading what the children did


def pack_rows(reader) -> list[dict]:
    with reader() as s:
        return [{"id": p.id, "subject": p.subject, "period": p.period, "language": p.language, "version": p.version,
                 "status": p.status, "file_id": p.file_id, "attempts": p.attempts, "lease_owner": p.lease_owner,
                 "delivered_at": p.delivered_at, "schedule_id": p.schedule_id}
                for p in s.execute(select(Pack).order_by(Pack.id)).scalars()]


def statuses(reader) -> Counter:
    return Counter(p["status"] for p in pack_rows(reader))


def all_done_and_mailed(reader, expected: int):
    rows = pack_rows(reader)
    if len(rows) == expected and all(r["status"] == "done" and r["delivered_at"] is not None for r in rows):
        return rows
    return None


def check_stored_pdfs(reader) -> dict[int, str]:
    """Every review-pack file is a complete PDF whose SHA-256 is the stored one, and belongs to exactly one done
    pack; no pack is done without a file and no pack that is not done has one. Return pack id -> sha256."""
    with reader() as s:
        files = {f.id: f for f in s.execute(select(StoredFile).where(
            StoredFile.original_name.like("review-pack-%"))).scalars()}
        packs = list(s.execute(select(Pack)).scalars())
        shas = {}
        for pack in packs:
            if pack.status != "done":
                assert pack.file_id is None, f"pack {pack.id} is {pack.status} but has a file"
                continue
            assert pack.file_id in files, f"pack {pack.id} is done without a stored PDF"
            stored = files[pack.file_id]
            data = bytes(stored.data)
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], f"pack {pack.id}: incomplete PDF"
            assert hashlib.sha256(data).hexdigest() == stored.sha256, f"pack {pack.id}: SHA-256 mismatch"
            assert stored.size == len(data) and stored.content_type == "application/pdf"
            assert pack.page_count and pack.page_count >= 1
            shas[pack.id] = stored.sha256
        used = Counter(p.file_id for p in packs if p.file_id is not None)
        assert set(used) == set(files), f"stored PDFs no done pack points to: {set(files) - set(used)}"
        assert all(n == 1 for n in used.values()), "two packs share one stored PDF"
        return shas


def check_exactly_once(reader, setup: Setup) -> list[dict]:
    """One pack (version 1, done) per (subject, period) owed, one claim each pointing at it, one delivery per
    recipient who may see it."""
    rows = pack_rows(reader)
    keys = Counter((r["subject"], r["period"], r["language"]) for r in rows)
    assert keys == Counter({(subject, period, "en"): 1 for subject in setup.subjects for period in setup.periods}), \
        keys
    assert all(r["version"] == 1 and r["status"] == "done" and r["schedule_id"] == setup.schedule_id
               for r in rows), rows
    with reader() as s:
        claims = list(s.execute(select(PackClaim)).scalars())
        deliveries = Counter((d.pack_id, d.user_id) for d in s.execute(select(PackDelivery)).scalars())
    assert Counter((c.schedule_id, c.period, c.subject) for c in claims) == Counter(
        {(setup.schedule_id, period, subject): 1 for subject in setup.subjects for period in setup.periods})
    by_key = {(r["subject"], r["period"]): r["id"] for r in rows}
    assert all(c.pack_id == by_key[(c.subject, c.period)] for c in claims)
    assert all(n == 1 for n in deliveries.values()), deliveries
    assert sum(deliveries.values()) == len(setup.mails_expected())
    return rows


def check_mails(smtp_server, setup: Setup, shas_by_name: dict[str, str]) -> None:
    """Each recipient got exactly one mail per pack it may see, with the stored PDF attached, and nothing else."""
    got = Counter()
    for message, envelope in zip(smtp_server.messages, smtp_server.envelopes, strict=True):
        [attachment] = list(message.iter_attachments())
        name = attachment.get_filename()
        data = attachment.get_content()
        assert hashlib.sha256(data).hexdigest() == shas_by_name[name], f"{name}: mailed PDF is not the stored one"
        for rcpt in envelope.rcpt_tos:
            got[(rcpt, name)] += 1
    assert set(got) == setup.mails_expected(), (set(got) ^ setup.mails_expected())
    assert all(n == 1 for n in got.values()), {k: n for k, n in got.items() if n != 1}


def shas_by_file_name(reader) -> dict[str, str]:
    with reader() as s:
        return {f.original_name: f.sha256 for f in s.execute(select(StoredFile).where(
            StoredFile.original_name.like("review-pack-%"))).scalars()}


def audit_chain_intact(app) -> None:
    from vendorportal.core.audit import verify_chain
    from vendorportal.extensions import db

    with app.app_context():
        try:
            result = verify_chain(db.session)
        finally:
            db.session.remove()
    assert result.ok, result


# ---------------------------------------------------------------- 1. two schedulers at once


def test_two_schedulers_started_together_render_and_mail_each_pack_once(app, portfolio, schedulers, db_reader,
                                                                         smtp_server):
    setup = portfolio(vendors=3)
    first = schedulers("scheduler-a")
    second = schedulers("scheduler-b")
    try:
        wait_until(lambda: "scheduler started" in first.log() and "scheduler started" in second.log(),
                   timeout=30, what="both schedulers to start")
        assert first.alive() and second.alive(), "both schedulers must run side by side"
        wait_until(lambda: all_done_and_mailed(db_reader, setup.expected_packs), timeout=90,
                   what=f"{setup.expected_packs} packs done and mailed")
        smtp_server.wait_for(len(setup.mails_expected()), timeout=10)
        # Let both tick a few more times: a later tick of either must neither claim, render nor mail again.
        time.sleep(2)
        assert first.alive() and second.alive(), "a scheduler exited by itself"
    finally:
        codes = (first.terminate(), second.terminate())
    logs = first.log() + second.log()
    assert codes == (0, 0), logs[-3000:]
    assert "Traceback" not in logs, logs[-3000:]
    # They really competed: while one held the packs job, a tick of the other found the lock taken.
    assert "packs: another scheduler holds the lock; skipping this tick" in logs

    rows = check_exactly_once(db_reader, setup)
    assert len(rows) == 4
    check_stored_pdfs(db_reader)
    check_mails(smtp_server, setup, shas_by_file_name(db_reader))
    assert len(smtp_server.messages) == len(setup.mails_expected()) == 9
    audit_chain_intact(app)


# ---------------------------------------------------------------- 2. killed mid-render


def test_a_scheduler_killed_mid_render_leaves_nothing_half_written_and_the_next_one_completes(
        app, portfolio, schedulers, db_reader, smtp_server):
    setup = portfolio(vendors=3)
    victim = schedulers("scheduler-killed")
    try:
        def frozen_mid_render():
            """Seen rendering after another pack was done: freeze the process (SIGSTOP) and look again, so the
            kill lands while a pack is surely being rendered; if it moved on in between, let it go on."""
            if not (counts := statuses(db_reader))["rendering"] or not counts["done"]:
                return None
            victim.proc.send_signal(signal.SIGSTOP)
            if (counts := statuses(db_reader))["rendering"] and counts["done"]:
                return counts
            victim.proc.send_signal(signal.SIGCONT)
            return None

        wait_until(frozen_mid_render, timeout=60, interval=0.02, what="a pack rendering after another one was done")
        victim.proc.send_signal(signal.SIGKILL)
    finally:
        victim.kill()
    assert victim.proc.returncode == -signal.SIGKILL

    # What the dead scheduler left: its pack still 'rendering' under its lease, finished packs complete, no
    # half-written PDF anywhere.
    rows = pack_rows(db_reader)
    orphans = [r for r in rows if r["status"] == "rendering"]
    assert len(orphans) == 1, rows
    assert orphans[0]["lease_owner"] == f"{socket.gethostname()}:{victim.pid}"
    assert orphans[0]["file_id"] is None
    done_before = {r["id"] for r in rows if r["status"] == "done"}
    assert done_before and len(done_before) < setup.expected_packs
    shas_before = check_stored_pdfs(db_reader)
    assert set(shas_before) == done_before

    survivor = schedulers("scheduler-restarted")
    try:
        wait_until(lambda: all_done_and_mailed(db_reader, setup.expected_packs), timeout=90,
                   what=f"{setup.expected_packs} packs done and mailed after the restart")
        smtp_server.wait_for(len(setup.mails_expected()), timeout=10)
    finally:
        code = survivor.terminate()
    assert code == 0, survivor.log()[-3000:]
    assert f"renderer {socket.gethostname()}:{victim.pid} gone, queued again" in survivor.log()

    rows = check_exactly_once(db_reader, setup)
    assert not [r for r in rows if r["status"] == "rendering"]
    attempts = {r["id"]: r["attempts"] for r in rows}
    assert attempts[orphans[0]["id"]] == 2, "the orphan is rendered again, once"
    assert all(n == 1 for pack_id, n in attempts.items() if pack_id != orphans[0]["id"])
    shas = check_stored_pdfs(db_reader)
    assert {k: shas[k] for k in done_before} == shas_before, "a PDF finished before the kill was replaced"
    check_mails(smtp_server, setup, shas_by_file_name(db_reader))


# ---------------------------------------------------------------- 3. periods missed while no scheduler ran


def tick_summary(process: SchedulerProcess) -> dict:
    """The pack job's summary that `vendorportal scheduler --once` prints as "packs.tick: {...}"."""
    [line] = [line for line in process.log().splitlines() if line.startswith("packs.tick: ")]
    return ast.literal_eval(line.removeprefix("packs.tick: "))


def test_periods_missed_while_no_scheduler_ran_are_rendered_once_when_one_starts(
        app, portfolio, schedulers, db_reader, smtp_server):
    setup = portfolio(vendors=1, missed=2)
    assert len(set(setup.periods)) == 2
    once = schedulers("scheduler-once", "--once")
    assert once.wait(timeout=90) == 0, once.log()[-3000:]
    assert tick_summary(once) == {"requeued": 0, "claimed": 4, "rendered": 4, "failed": 0, "delivered": 4}
    rows = check_exactly_once(db_reader, setup)
    assert {r["period"] for r in rows} == set(setup.periods)
    check_stored_pdfs(db_reader)
    smtp_server.wait_for(len(setup.mails_expected()), timeout=10)
    check_mails(smtp_server, setup, shas_by_file_name(db_reader))

    again = schedulers("scheduler-once-again", "--once")
    assert again.wait(timeout=60) == 0, again.log()[-3000:]
    assert tick_summary(again) == {"requeued": 0, "claimed": 0, "rendered": 0, "failed": 0, "delivered": 0}
    assert check_exactly_once(db_reader, setup) == rows
    time.sleep(0.2)
    assert len(smtp_server.messages) == len(setup.mails_expected())


# ---------------------------------------------------------------- 4. retries with back-off, then a report

# No data makes a pack fail to render (a vendor without a contract, a period in year 1: all render), so the
# failure is injected in the database, not in the code: a trigger refuses to store review-pack PDFs, as a full
# disk or a quota would. render_pack, its retries and the report run unchanged in a real scheduler process.
REFUSAL = "test storage refuses review-pack PDFs"
REFUSE_SQLITE = (f"CREATE TRIGGER vp_test_refuse_pdfs BEFORE INSERT ON stored_files "
                 f"WHEN NEW.original_name LIKE 'review-pack-%' BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")
REFUSE_POSTGRES = (
    f"CREATE FUNCTION vp_test_refuse_pdfs() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER vp_test_refuse_pdfs BEFORE INSERT ON stored_files FOR EACH ROW "
    "WHEN (NEW.original_name LIKE 'review-pack-%') EXECUTE FUNCTION vp_test_refuse_pdfs()",
)


@pytest.fixture
def storage_refuses_pdfs(reader_engine):
    postgres = reader_engine.dialect.name == "postgresql"
    with reader_engine.begin() as conn:
        for statement in REFUSE_POSTGRES if postgres else (REFUSE_SQLITE,):
            conn.execute(text(statement))  # text(): the driver's own escaping of the % in LIKE
    try:
        yield
    finally:
        with reader_engine.begin() as conn:
            if postgres:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS vp_test_refuse_pdfs ON stored_files")
                conn.exec_driver_sql("DROP FUNCTION IF EXISTS vp_test_refuse_pdfs()")
            else:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS vp_test_refuse_pdfs")


def test_a_pack_that_cannot_be_stored_is_tried_again_with_back_off_and_then_reported_to_managers(
        app, create_user, schedulers, db_reader, smtp_server, storage_refuses_pdfs):
    from vendorportal.auth.models import User
    from vendorportal.core.audit import AuditActor, set_actor
    from vendorportal.core.db import as_utc
    from vendorportal.extensions import db
    from vendorportal.notifications.models import Notification
    from vendorportal.packs import services

    manager, admin = create_user("manager"), create_user("admin")
    create_user("executive")  # not told: failures go to managers and admins
    first_of_month = dt.datetime.now(TOKYO).date().replace(day=1)
    period = f"{(first_of_month - dt.timedelta(days=1)):%Y-%m}"
    with app.app_context():
        set_actor(db.session, AuditActor(manager.id, manager.email, "ui"))
        pack_id = services.request_pack(db.session, db.session.get(User, manager.id),
                                        {"kind": "portfolio", "period": period, "language": "en"}).id
        db.session.commit()
        db.session.remove()

    def row() -> dict:
        with db_reader() as s:
            pack = s.get(Pack, pack_id)
            return {"status": pack.status, "attempts": pack.attempts, "error": pack.error, "file_id": pack.file_id,
                    "started_at": as_utc(pack.started_at), "next_attempt_at": as_utc(pack.next_attempt_at),
                    "finished_at": pack.finished_at, "lease_token": pack.lease_token}

    queued_after: dict[int, dict] = {}  # failed try number -> the pack as seen while it waited for the next one

    def failed_for_good():
        now = row()
        if now["status"] == "queued" and now["attempts"]:
            queued_after[now["attempts"]] = now
        return now if now["status"] == "failed" else None

    scheduler = schedulers("scheduler-failing", PACK_MAX_ATTEMPTS=3, PACK_RETRY_SECONDS=1)
    try:
        final = wait_until(failed_for_good, timeout=60, interval=0.02, what="the pack to fail for good")
        smtp_server.wait_for(2, timeout=10)
        time.sleep(1.5)  # more ticks: a pack that failed for good is not tried again, nor reported again
        assert scheduler.alive()
    finally:
        code = scheduler.terminate()
    assert code == 0, scheduler.log()[-3000:]

    # Tries 1 and 2 failed and were queued again after base, then 2 x base seconds; try 3 was the last.
    assert sorted(queued_after) == [1, 2], queued_after
    for attempt, delay in ((1, 1), (2, 2)):
        waited = queued_after[attempt]
        assert REFUSAL in waited["error"]
        assert waited["next_attempt_at"] - waited["started_at"] >= dt.timedelta(seconds=delay)
    assert queued_after[2]["started_at"] >= queued_after[1]["next_attempt_at"], "try 2 started before its time"
    assert final["started_at"] >= queued_after[2]["next_attempt_at"], "try 3 started before its time"
    assert row() == final and final["attempts"] == 3 and REFUSAL in final["error"]
    assert final["file_id"] is None and final["lease_token"] is None and final["finished_at"] is not None
    with db_reader() as s:
        assert not s.execute(select(StoredFile).where(StoredFile.original_name.like("review-pack-%"))).first()
        notices = Counter(n.user_id for n in s.execute(select(Notification).where(
            Notification.kind == "pack_failed", Notification.event_key == f"pack:{pack_id}:failed")).scalars())
    assert notices == Counter({manager.id: 1, admin.id: 1})

    messages = smtp_server.messages
    assert sorted(rcpt for e in smtp_server.envelopes for rcpt in e.rcpt_tos) == sorted([manager.email, admin.email])
    for message in messages:
        assert "could not be rendered" in message["Subject"]
        body = message.get_body(("plain",)).get_content()
        assert REFUSAL in body and f"http://portal.test/packs/{pack_id}" in body
