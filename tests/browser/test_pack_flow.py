"""Scheduled review packs end to end: a manager creates a schedule due in a minute in a real browser, the real
scheduler process renders it, each recipient's mail arrives at a local SMTP server with the PDF attached, and an
executive downloads the same PDF from the pack's page.

Set VENDORPORTAL_TEST_SCREENSHOTS=<dir> to keep screenshots of the pages the test passes through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import TEST_PASSWORD
from playwright.sync_api import expect
from smtp_server import LocalSMTPServer

pytestmark = pytest.mark.browser

WAIT_SECONDS = 150  # from saving the schedule until every pack is rendered and mailed
LEAD_SECONDS = 15  # time to fill in and save the form before the schedule is due
SHOTS = os.environ.get("VENDORPORTAL_TEST_SCREENSHOTS")


def sign_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def watch_console(page) -> list[str]:
    """Collect console and script errors, as the `page` fixture does for its own page."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def first_firing_after(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first whole minute (local time) at least LEAD_SECONDS after a moment: day boundaries come for free."""
    local = (moment + dt.timedelta(seconds=LEAD_SECONDS)).astimezone(tz)
    return local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def previous_month(day: dt.date) -> str:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def scheduler_command() -> list[str]:
    script = Path(sys.executable).with_name("vendorportal")  # the console script operators run
    if script.exists():
        return [str(script), "scheduler"]
    return [sys.executable, "-c", "from vendorportal.cli import cli; cli()", "scheduler"]


def start_scheduler(database_url: str, smtp_port: int, portal_url: str, instance: Path, log_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORPORTAL_")}
    env.update({  # read by app.config.from_prefixed_env, which JSON-parses each value
        "VENDORPORTAL_DATABASE_URL": database_url,
        "VENDORPORTAL_SECRET_KEY": "scheduler-test-secret-key-that-is-long-enough",
        "VENDORPORTAL_INSTANCE_PATH": str(instance),
        "VENDORPORTAL_SCHEDULER_TICK_SECONDS": "1",
        "VENDORPORTAL_MAIL_SERVER": "127.0.0.1",
        "VENDORPORTAL_MAIL_PORT": str(smtp_port),
        "VENDORPORTAL_PORTAL_URL": portal_url,
        "PYTHONUNBUFFERED": "1",
    })
    return subprocess.Popen(scheduler_command(), env=env, stdout=log_file, stderr=subprocess.STDOUT)


def stop_scheduler(proc) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: the scheduler finishes the pack it renders and stops
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def pack_mails(server) -> list:
    return [m for m in server.messages if "Review pack" in m["Subject"]]


def pdf_attachment(message) -> tuple[str, bytes]:
    attachments = [a for a in message.iter_attachments() if a.get_content_type() == "application/pdf"]
    assert len(attachments) == 1, f"{message['Subject']}: {len(attachments)} PDF attachment(s)"
    return attachments[0].get_filename(), attachments[0].get_content()


def check_pdf(data: bytes, pages: int, text: str) -> None:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages
    assert text in reader.pages[0].extract_text()


def test_scheduled_pack_is_mailed_and_downloaded(page, browser, live_server, app, database_url, tmp_path,
                                                 create_vendor, create_contract, create_user):
    from vendorportal.extensions import db
    from vendorportal.packs.models import Pack, PackClaim, PackDelivery, PackSchedule

    tz = ZoneInfo(app.config["TIMEZONE"])
    vendor = create_vendor(name="Northwind Contact Services", code="NWCS")
    today = dt.datetime.now(tz).date()
    create_contract(vendor, reference="NW-1", start_date=(today - dt.timedelta(days=400)).isoformat(),
                    end_date=(today + dt.timedelta(days=400)).isoformat())
    manager = create_user("manager", name="Hana Sato", email="hana@client.example")
    executive = create_user("executive", name="Kenji Ito", email="kenji@client.example")
    log_path = tmp_path / "scheduler.log"

    def log_tail() -> str:  # what the scheduler said, without the per-tick and per-page chatter
        lines = [line for line in log_path.read_text(errors="replace").splitlines()
                 if "apscheduler.executors" not in line and "weasyprint.progress" not in line]
        return "scheduler log:\n" + "\n".join(lines[-60:])

    with LocalSMTPServer() as smtp, open(log_path, "wb") as log_file:
        scheduler = start_scheduler(database_url, smtp.port, live_server, tmp_path / "instance", log_file)
        try:
            # The manager creates a schedule due at the next whole minute, for both of them.
            sign_in(page, live_server, manager.email)
            page.goto(f"{live_server}/packs/schedules/new")
            fire_at = first_firing_after(dt.datetime.now(dt.UTC), tz)
            period = previous_month(fire_at.date())
            form = page.locator("form", has=page.get_by_role("button", name="Save schedule"))
            form.get_by_label("Name", exact=True).fill("Monthly board pack")
            form.get_by_label("Frequency").select_option("monthly")
            form.get_by_label("Day of the month").fill(str(fire_at.day))
            form.get_by_label("Time (HH:MM)").fill(fire_at.strftime("%H:%M"))
            form.get_by_label("A pack for each vendor").check()
            form.get_by_label("The portfolio pack").check()
            form.get_by_label("Language").select_option("en")
            form.get_by_role("checkbox", name=re.compile("Hana Sato")).check()
            form.get_by_role("checkbox", name=re.compile("Kenji Ito")).check()
            expect(form.get_by_label("Active")).to_be_checked()
            shot(page, "schedule-form")
            form.get_by_role("button", name="Save schedule").click()
            expect(page).to_have_url(re.compile(r"/packs/schedules$"))
            # Saved in time: the first run is the one we aimed at, not next month's.
            expect(page.get_by_role("alert")).to_contain_text(
                f"Next run: {fire_at:%Y-%m-%d %H:%M}, for {period}.")
            expect(page.get_by_test_id("schedules")).to_contain_text("Monthly board pack")
            shot(page, "schedules")

            # The scheduler claims the firing, renders a vendor and a portfolio pack, and mails each of them
            # to both recipients: four mails.
            deadline = time.monotonic() + WAIT_SECONDS
            while len(pack_mails(smtp)) < 4:
                assert scheduler.poll() is None, f"the scheduler exited with {scheduler.returncode}\n{log_tail()}"
                assert time.monotonic() < deadline, (
                    f"{len(pack_mails(smtp))} of 4 pack mails after {WAIT_SECONDS}s (due at {fire_at})\n{log_tail()}")
                time.sleep(0.5)
            assert dt.datetime.now(tz) >= fire_at, "packs were mailed before the schedule was due"
            time.sleep(3)  # a few more ticks: nothing is claimed or mailed twice
            assert scheduler.poll() is None, log_tail()
        finally:
            stop_scheduler(scheduler)
        assert scheduler.returncode == 0, log_tail()
    assert "Traceback" not in log_path.read_text(errors="replace"), log_tail()

    with app.app_context():
        schedule = db.session.execute(db.select(PackSchedule)).scalar_one()
        packs = db.session.execute(db.select(Pack).order_by(Pack.kind)).scalars().all()
        assert [(p.kind, p.vendor_id, p.period, p.language, p.version, p.status, p.schedule_id) for p in packs] == [
            ("portfolio", None, period, "en", 1, "done", schedule.id),
            ("vendor", vendor.id, period, "en", 1, "done", schedule.id)], log_tail()
        assert all(p.delivered_at is not None and p.page_count for p in packs)
        assert db.session.execute(db.select(db.func.count()).select_from(PackClaim)).scalar() == 2
        deliveries = db.session.execute(db.select(PackDelivery.pack_id, PackDelivery.user_id,
                                                  PackDelivery.attached)).all()
        assert sorted(deliveries) == sorted((p.id, u.id, True) for p in packs for u in (manager, executive))
        stored = {p.id: (p.file.original_name, p.file.sha256, p.page_count) for p in packs}
        vendor_pack = next(p for p in packs if p.kind == "vendor")
        vendor_pack_id = vendor_pack.id
        names = {p.id: "Northwind Contact Services" if p.kind == "vendor" else "Portfolio" for p in packs}

    # Each recipient received each pack once, with the very PDF that was stored attached.
    mails = pack_mails(smtp)
    assert len(mails) == 4 and len(smtp.messages) == 4, [m["Subject"] for m in smtp.messages]
    received = {}
    for message in mails:
        filename, data = pdf_attachment(message)
        pack_id = next(i for i, (name, _sha, _n) in stored.items() if name == filename)
        name, sha256, pages = stored[pack_id]
        assert hashlib.sha256(data).hexdigest() == sha256
        check_pdf(data, pages, names[pack_id])
        assert names[pack_id] in message["Subject"]
        assert f"{live_server}/packs/{pack_id}" in message.get_body(("plain",)).get_content()
        received[(message["To"], pack_id)] = data
    assert set(received) == {(u.email, p) for u in (manager, executive) for p in stored}

    # The executive finds the pack in the portal and downloads it.
    exec_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        ex = exec_context.new_page()
        ex.set_default_timeout(10_000)
        errors = watch_console(ex)
        sign_in(ex, live_server, executive.email)
        ex.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Review packs").click()
        expect(ex).to_have_url(re.compile(r"/packs$"))
        table = ex.get_by_test_id("packs")
        expect(table.locator("tbody tr")).to_have_count(2)
        expect(ex.get_by_role("heading", name="Generate a pack now")).to_have_count(0)  # managers only
        shot(ex, "packs-executive")
        table.get_by_role("link", name="Northwind Contact Services").click()
        expect(ex).to_have_url(re.compile(rf"/packs/{vendor_pack_id}$"))
        expect(ex.get_by_test_id("pack-status")).to_have_text("Ready")
        name, sha256, pages = stored[vendor_pack_id]
        expect(ex.get_by_text(sha256, exact=True)).to_be_visible()
        shot(ex, "pack-detail")
        with ex.expect_download() as info:
            ex.get_by_test_id("download-pack").click()
        download = info.value
        assert download.failure() is None
        assert download.suggested_filename == name
        data = Path(download.path()).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256
        check_pdf(data, pages, "Northwind Contact Services")
        assert data == received[(executive.email, vendor_pack_id)]
        assert not errors, f"browser console errors: {errors}"
    finally:
        exec_context.close()

    page.goto(f"{live_server}/packs")  # the manager's view, with "Generate a pack now"
    expect(page.get_by_role("heading", name="Generate a pack now")).to_be_visible()
    shot(page, "packs-manager")
