"""Load: the portal under gunicorn on PostgreSQL with a mix of users, then 20 concurrent uploads on SQLite.

PostgreSQL part (issue: "drives the portal under gunicorn (4 workers) on PostgreSQL with a mix of users"):
  a fresh database `load_<pid>_<hex>` beside --pg-url, migrated with `vendorportal init-db`, the demo
  (`vendorportal seed-demo`), its review packs (`vendorportal generate-packs`), --vendors scale vendors with
  --months of history, and the load users; then `gunicorn --workers 4 wsgi:app` from the repository root and,
  for --seconds, --users users of each kind at once, each sending its next request as soon as the last answers:
    upload     vendor staff uploading a --rows-row interval CSV (15-minute intervals) to a month of their own
               contract that is not accepted (each upload is a new version of that month)
    page: ...  managers, signed in through the real form with its CSRF token: contract, scorecard,
               portfolio and home pages
    pack pdf   executives downloading review packs (GET /api/v1/packs/<id>/pdf, checked against the stored SHA-256)
    api card   scorecard reads (GET /api/v1/contracts/<id>/scorecard?period=YYYY-MM)
  then a burst of --burst uploads at the same instant to one month of one contract (several vendor staff, each
  with a token). Afterwards every upload answered 201 is looked up in the database: its row count, its stored
  rows and the SHA-256 of its stored file bytes must equal what was sent; `vendorportal verify-audit` checks the
  audit chain. Prints requests/s, p50/p95/p99 per kind, errors by status, the machine's load, and a verdict.

SQLite part: a fresh SQLite instance under `gunicorn --workers 2`, --sqlite-uploads uploads released at the
same instant to different contracts and months; all must answer 201, be stored intact, and the server log must
not mention "database is locked".

Run: /tmp/venv/bin/python bench/load.py [--seconds 60] [--users 3] [--rows 5000] [--quick] [--keep]
                                         [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--only pg|sqlite]
Exit status 0 when every verdict is OK.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "load bench password 2026"
PLACEHOLDER_MONTH = b"@@@@-@@"
PLACEHOLDER_TAG = b"@tag@"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
KIND_ORDER = ["upload", "page: contract", "page: scorecard", "page: portfolio", "page: home", "pack pdf",
              "api card"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the machine


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def cpu_busy_ticks() -> tuple[int, int]:
    """Return (busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def process_ticks(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            if int(text[text.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class LoadSampler(threading.Thread):
    """Sample the 1-minute load average every second while a phase runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            self.samples.append(loadavg()[0])

    def stop(self) -> list[float]:
        self._halt.set()
        self.join(timeout=5)
        return self.samples


@dataclass
class CpuWindow:
    """CPU used on the whole machine during a window, and how much of it was ours."""

    seconds: float = 0.0
    busy_percent: float = 0.0  # of all cores
    server_percent: float = 0.0  # gunicorn workers
    database_percent: float = 0.0  # PostgreSQL backends serving the bench's database
    client_percent: float = 0.0  # this process (the load generator)

    @property
    def others_percent(self) -> float:
        return max(0.0, self.busy_percent - self.server_percent - self.database_percent - self.client_percent)


class CpuMeter:
    def __init__(self, worker_pids: list[int], backend_pids) -> None:
        self.worker_pids, self.backend_pids = worker_pids, backend_pids
        self.hz = os.sysconf("SC_CLK_TCK")
        self.cores = os.cpu_count() or 1

    def start(self) -> None:
        self.t0 = time.monotonic()
        self.busy0, self.total0 = cpu_busy_ticks()
        self.workers0 = {p: process_ticks(p) for p in self.worker_pids}
        self.backends0 = {p: process_ticks(p) for p in self.backend_pids()}
        self.self0 = sum(os.times()[:2])

    def stop(self) -> CpuWindow:
        seconds = time.monotonic() - self.t0
        busy, total = cpu_busy_ticks()
        workers = sum(process_ticks(p) - self.workers0.get(p, 0) for p in self.worker_pids)
        backends = sum(process_ticks(p) - self.backends0.get(p, 0) for p in self.backend_pids())
        client = (sum(os.times()[:2]) - self.self0) * self.hz
        capacity = seconds * self.hz * self.cores
        if capacity <= 0:
            return CpuWindow()
        return CpuWindow(seconds, 100 * (busy - self.busy0) / max(1, total - self.total0),
                         100 * workers / capacity, 100 * backends / capacity, 100 * client / capacity)


# ---------------------------------------------------------------- HTTP


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes


class Http:
    """One user agent: a cookie jar and a new connection per request (gunicorn's sync workers close them)."""

    def __init__(self, port: int, timeout: float = 120.0) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "----vpload" + secrets.token_hex(12)
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode())
    parts.append(data)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: Http, email: str, password: str) -> Reply:
    """Sign in through the real form: read the CSRF token from the page, then post it with the credentials."""
    page = client.request("GET", "/login")
    match = CSRF_RE.search(page.body.decode("utf-8", "replace"))
    if page.status != 200 or not match:
        return Reply(page.status if page.status != 200 else 599, page.headers, b"no CSRF token on /login")
    form = urlencode({"csrf_token": match.group(1) or match.group(2), "email": email, "password": password,
                      "next": ""}).encode()
    return client.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})


# ---------------------------------------------------------------- data


def csv_template(rows: int, seed: int) -> bytes:
    """Return `rows` 15-minute interval rows over days 1-28 (valid in any month) with placeholders.

    PLACEHOLDER_MONTH stands for YYYY-MM in every date and PLACEHOLDER_TAG for the last row's queue, so each
    upload is a different file (its own SHA-256) without building the rows again.
    """
    from vendorportal.demo import performance

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(performance.HEADER)
    made = queue = 0
    while made < rows:
        for day in range(1, 29):
            for slot in range(96):
                if made >= rows:
                    break
                row = performance._interval_row(rng, dt.date(2026, 2, day), slot // 4, "phone", 1.0)
                row[0] = f"{PLACEHOLDER_MONTH.decode()}-{day:02d}"
                row[1] = f"{slot // 4:02d}:{slot % 4 * 15:02d}"
                row[3] = PLACEHOLDER_TAG.decode() if made == rows - 1 else f"q{queue}"
                writer.writerow(row)
                made += 1
        queue += 1
    return out.getvalue().encode()


def fill(template: bytes, period: str, tag: str) -> bytes:
    return template.replace(PLACEHOLDER_MONTH, period.encode()).replace(PLACEHOLDER_TAG, tag.encode())


def month_list(last, count: int) -> list[str]:
    return [str(last.shift(-n)) for n in range(count)]


LOAD_TARGETS = (("service_level", "sla", "phone", 80, 75, 2, 40), ("answer_rate", "sla", "phone", 95, 92, 1, 30),
                ("asa", "kpi", "phone", 30, 45, 1, 0), ("aht", "kpi", "phone", 330, 360, 1, 0),
                ("csat", "kpi", None, 85, 80, 1, 0))


def add_load_contract(session, vendor_id: int, reference: str, first) -> int:
    from vendorportal.contracts import services as contracts
    from vendorportal.targets import services as targets

    start = dt.date(first.year, first.month, 1)
    contract = contracts.create_contract(session, {
        "vendor_id": vendor_id, "reference": reference, "title": f"Load contract {reference}",
        "channels": ["phone"], "start_date": start.isoformat(), "end_date": dt.date(start.year + 4, 12, 31).isoformat(),
        "monthly_fee": "3000000", "currency": "JPY", "at_risk_percent": "10", "submission_due_day": 10})
    for metric, kind, channel, target, minimum, weight, allocation in LOAD_TARGETS:
        targets.add_target(session, None, contract, {
            "metric": metric, "kind": kind, "channel": channel, "target": str(target), "minimum": str(minimum),
            "weight": str(weight), "credit_allocation_percent": str(allocation), "effective_from": str(first)})
    return contract.id


def in_process_app(url: str, folder: str):
    os.environ["VENDORPORTAL_INSTANCE_PATH"] = folder
    from vendorportal import create_app

    return create_app({"SECRET_KEY": "load-bench-in-process-" + secrets.token_hex(16), "DATABASE_URL": url})


@dataclass
class PgSeed:
    period: str  # the last complete month
    uploaders: list[dict]  # {email, token, contract_id}
    managers: list[str]
    executives: list[str]  # tokens
    readers: list[str]  # tokens
    burst: dict  # {contract_id, period, tokens}
    contract_ids: list[int]
    card_contract_ids: list[int]
    card_periods: list[str]
    packs: dict[int, str]  # pack id -> sha256 of its PDF
    summary: str


def seed_pg(url: str, folder: str, env: dict, args) -> PgSeed:
    from sqlalchemy import select

    from vendorportal.auth import services as auth
    from vendorportal.contracts.models import Contract
    from vendorportal.core.formatting import today
    from vendorportal.demo.services import seed_scale
    from vendorportal.extensions import db
    from vendorportal.files.models import StoredFile
    from vendorportal.packs.models import Pack
    from vendorportal.scorecards.domain import Month
    from vendorportal.targets.models import Target
    from vendorportal.vendors import services as vendors
    from vendorportal.vendors.models import Vendor

    app = in_process_app(url, folder)
    with app.app_context():
        day = today()
        last = Month(day.year, day.month).shift(-1)
        period = str(last)
        nwcs = db.session.execute(select(Vendor.id).where(Vendor.code == "NWCS")).scalar_one()
    # The demo's packs for last month (3 vendors and the portfolio); --quick renders Northwind's only.
    started = time.perf_counter()
    pack_args = ["generate-packs", "--period", period, "--language", "en", "--jobs", "2"]
    cli(env, *(pack_args + (["--vendor-id", str(nwcs)] if args.quick else [])))
    pack_seconds = time.perf_counter() - started
    with app.app_context():
        started = time.perf_counter()
        seed_scale(db.session, args.vendors, args.months, day)
        first = last.shift(-(max(args.months, 24) - 1))
        users = args.users
        uploaders = []
        for n in range(users):
            vendor = vendors.create_vendor(db.session, {"name": f"Load Vendor {n:02d}", "code": f"LOAD{n:02d}",
                                                        "tier": "high"})
            contract_id = add_load_contract(db.session, vendor.id, f"LOAD-{n:02d}", first)
            user = auth.create_user(db.session, email=f"staff{n:02d}@load-vendor.example", name=f"Staff {n}",
                                    role="vendor", password=PASSWORD, vendor_id=vendor.id)
            uploaders.append({"email": user.email, "token": auth.create_token(db.session, user, "load")[1],
                              "contract_id": contract_id})
        burst_vendor = vendors.create_vendor(db.session, {"name": "Load Burst Vendor", "code": "LOADBURST",
                                                          "tier": "high"})
        burst_contract = add_load_contract(db.session, burst_vendor.id, "LOAD-BURST", first)
        burst_tokens = []
        for n in range(args.burst):
            user = auth.create_user(db.session, email=f"burst{n:02d}@load-vendor.example", name=f"Burst {n}",
                                    role="vendor", password=PASSWORD, vendor_id=burst_vendor.id)
            burst_tokens.append(auth.create_token(db.session, user, "load")[1])
        managers, executives, readers = [], [], []
        for n in range(users):
            manager = auth.create_user(db.session, email=f"manager{n:02d}@load.example", name=f"Manager {n}",
                                       role="manager", password=PASSWORD)
            managers.append(manager.email)
            executive = auth.create_user(db.session, email=f"exec{n:02d}@load.example", name=f"Executive {n}",
                                         role="executive", password=PASSWORD)
            executives.append(auth.create_token(db.session, executive, "load")[1])
            reader = auth.create_user(db.session, email=f"reader{n:02d}@load.example", name=f"Reader {n}",
                                      role="manager", password=PASSWORD)
            readers.append(auth.create_token(db.session, reader, "scorecard reader")[1])
        db.session.commit()
        seeded = time.perf_counter() - started
        load_ids = {u["contract_id"] for u in uploaders} | {burst_contract}
        contract_ids = [c for c in db.session.execute(select(Contract.id).order_by(Contract.id)).scalars()
                        if c not in load_ids]
        with_targets = set(db.session.execute(select(Target.contract_id).distinct()).scalars())
        card_ids = [c for c in contract_ids if c in with_targets]
        packs = dict(db.session.execute(select(Pack.id, StoredFile.sha256).join(StoredFile, StoredFile.id == Pack.file_id)
                                        .where(Pack.status == "done").order_by(Pack.id)).all())
        sizes = db.session.execute(select(StoredFile.size).join(Pack, Pack.file_id == StoredFile.id)).scalars().all()
        vendor_count = db.session.execute(select(Vendor.id)).scalars().all()
        summary = (f"demo + {args.vendors} scale vendors x {args.months} months ({len(vendor_count)} vendors, "
                   f"{len(contract_ids) + len(load_ids)} contracts); {len(packs)} packs for {period} rendered in "
                   f"{pack_seconds:.0f} s ({min(sizes) / 1e3:.0f}-{max(sizes) / 1e3:.0f} kB); "
                   f"load users seeded in {seeded:.1f} s")
        db.session.remove()
        db.engine.dispose()
    if not packs:
        raise SystemExit("generate-packs rendered no pack")
    return PgSeed(period=period, uploaders=uploaders, managers=managers, executives=executives, readers=readers,
                  burst={"contract_id": burst_contract, "period": str(last.shift(-12)), "tokens": burst_tokens},
                  contract_ids=contract_ids, card_contract_ids=card_ids, card_periods=month_list(last, 12),
                  packs=packs, summary=summary)


# ---------------------------------------------------------------- processes


def server_env(url: str, folder: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORPORTAL_")}
    env.update({"VENDORPORTAL_DATABASE_URL": url, "VENDORPORTAL_SECRET_KEY": secrets.token_hex(32),
                "VENDORPORTAL_INSTANCE_PATH": folder, "VENDORPORTAL_SESSION_COOKIE_SECURE": "false",
                "VENDORPORTAL_REMEMBER_COOKIE_SECURE": "false", "PYTHONUNBUFFERED": "1",
                # The CLI and gunicorn import the package from this tree, like the in-process set-up does.
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])})
    return env


def cli(env: dict, *command: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("vendorportal")
    argv = [str(exe), *command] if exe.exists() else [sys.executable, "-m", "vendorportal.cli", *command]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0 and command[0] != "verify-audit":
        raise SystemExit(f"`vendorportal {' '.join(command)}` failed ({result.returncode}):\n"
                         f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn --workers N --bind 127.0.0.1:PORT wsgi:app` from the repository root, as the README deploys it."""

    def __init__(self, env: dict, workers: int, log_path: Path) -> None:
        self.env, self.workers, self.log_path = env, workers, log_path
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> None:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             # Its own control socket: gunicorn >= 27 otherwise shares ~/.gunicorn/gunicorn.ctl with any other
             # gunicorn on the machine.
             "--control-socket", str(self.log_path.with_name("gunicorn.ctl")), "wsgi:app"], cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}:\n{self.log()[-4000:]}")
            try:
                ready = Http(self.port, timeout=5).request("GET", "/readyz").status == 200
                if ready and len(self.worker_pids()) >= self.workers:
                    time.sleep(3.0)  # let the other workers finish importing, or the first requests measure imports
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /readyz within {timeout:.0f} s:\n{self.log()[-4000:]}")

    def worker_pids(self) -> list[int]:
        return children_of(self.proc.pid) if self.proc else []

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


EXCEPTION_RE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Violation|Timeout|Shutdown)): (.*)")


def scan_log(text: str) -> dict:
    """Count what matters in a server log: tracebacks, their exceptions, worker timeouts, 'database is locked'."""
    lines = text.splitlines()
    exceptions: Counter = Counter()
    for line in lines:
        match = EXCEPTION_RE.match(line)
        if match:
            exceptions[f"{match.group(1)}: {match.group(2)[:110]}"] += 1
    first = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), None)
    where = ""
    if first is not None:
        frames = [line.strip() for line in lines[first:first + 400]
                  if line.strip().startswith(f'File "{ROOT}/vendorportal')]
        where = frames[-1] if frames else ""
    return {"tracebacks": sum(1 for line in lines if line.startswith("Traceback")),
            "locked": sum(1 for line in lines if "database is locked" in line),
            "timeouts": sum(1 for line in lines if "WORKER TIMEOUT" in line),
            "exceptions": exceptions, "where": where}


def print_log_findings(scan: dict) -> None:
    for text, n in scan["exceptions"].most_common(6):
        print(f"    {n:4} x {text}")
    if scan["where"]:
        print(f"    first traceback's deepest portal frame: {scan['where'].replace(str(ROOT) + '/', '')}")


# ---------------------------------------------------------------- the mix


@dataclass
class Upload:
    submission_id: int
    contract_id: int
    period: str
    version: int
    rows: int
    sha256: str
    answered_sha256: str


@dataclass
class Recorder:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))
    examples: dict = field(default_factory=dict)
    uploads: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status, ok: bool, detail: bytes | str = b"") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if not ok:
                key = (kind, status)
                if key not in self.examples:
                    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else detail
                    self.examples[key] = " ".join(text.split())[:300]

    def errors(self, expected: dict[str, int]) -> Counter:
        out: Counter = Counter()
        for kind, counts in self.statuses.items():
            for status, n in counts.items():
                if status != expected.get(kind, 200):
                    out[(kind, status)] += n
        return out


EXPECTED = {"upload": 201, "burst upload": 201, "sign-in": 302}


def timed(recorder: Recorder, kind: str, call, check=None):
    """Run call() -> Reply, record its latency and status; a failed check records status 'bad body'."""
    started = time.perf_counter()
    try:
        reply = call()
    except Exception as exc:  # noqa: BLE001 - a refused or timed-out connection is a result, not a crash
        recorder.add(kind, time.perf_counter() - started, f"{type(exc).__name__}", False, str(exc))
        return None
    elapsed = time.perf_counter() - started
    ok = reply.status == EXPECTED.get(kind, 200)
    status: int | str = reply.status
    if ok and check is not None:
        try:
            problem = check(reply)
        except Exception as exc:  # noqa: BLE001 - an unreadable body is a failed check
            problem = f"unreadable body: {type(exc).__name__}: {exc}"
        if problem:
            ok, status = False, "bad body"
            reply = Reply(reply.status, reply.headers, problem.encode())
    recorder.add(kind, elapsed, status, ok, reply.body)
    return reply


def upload_once(client: Http, recorder: Recorder, token: str, contract_id: int, period: str, template: bytes,
                rows: int, tag: str, kind: str = "upload") -> None:
    data = fill(template, period, tag)
    body, content_type = multipart({"period": period}, "file", f"{period}-{tag}.csv", data, "text/csv")
    sent = hashlib.sha256(data).hexdigest()
    reply = timed(recorder, kind, lambda: client.request(
        "POST", f"/api/v1/contracts/{contract_id}/submissions", body, {**bearer(token), "Content-Type": content_type}))
    if reply is not None and reply.status == 201:
        answer = json.loads(reply.body)
        with recorder.lock:
            recorder.uploads.append(Upload(answer["id"], contract_id, period, answer["version"], rows, sent,
                                           answer.get("sha256", "")))


def run_mix(port: int, seed: PgSeed, args, templates: list[bytes], cpu: CpuMeter) -> dict:
    from vendorportal.scorecards.domain import Month

    recorder = Recorder()
    users = args.users
    threads_total = 4 * users
    window: dict = {}

    def open_window() -> None:
        # Runs once, when every user is ready and before any is released, so each sees the deadline.
        window["started"] = time.monotonic()
        window["deadline"] = window["started"] + args.seconds

    barrier = threading.Barrier(threads_total + 1, action=open_window)

    def wait_for_start() -> float:
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            return 0.0
        return window["deadline"]

    def uploader(n: int) -> None:
        me = seed.uploaders[n]
        client, rng = Http(port), random.Random(100 + n)
        months = month_list(Month.parse(seed.period), 12)[:11]  # the 12th back is the burst's month
        deadline, count = wait_for_start(), 0
        while time.monotonic() < deadline:
            upload_once(client, recorder, me["token"], me["contract_id"], rng.choice(months), templates[n],
                        args.rows, f"u{n:02d}x{count:06d}")
            count += 1

    def manager(n: int) -> None:
        client, rng = Http(port), random.Random(200 + n)
        signed = timed(recorder, "sign-in", lambda: sign_in(client, seed.managers[n], PASSWORD),
                       lambda r: None if r.headers.get("location", "").endswith("/home") else "not sent home")
        deadline = wait_for_start()
        if signed is None or signed.status != 302:
            return
        pages = ["page: contract", "page: scorecard", "page: portfolio", "page: home"]
        i = n
        while time.monotonic() < deadline:
            kind = pages[i % len(pages)]
            i += 1
            if kind == "page: contract":
                path = f"/contracts/{rng.choice(seed.contract_ids)}"
            elif kind == "page: scorecard":
                path = f"/contracts/{rng.choice(seed.card_contract_ids)}/scorecard?period={rng.choice(seed.card_periods)}"
            elif kind == "page: portfolio":
                path = f"/portfolio?period={rng.choice(seed.card_periods[:3])}"
            else:
                path = "/home"
            timed(recorder, kind, lambda p=path: client.request("GET", p),
                  lambda r: None if b"</html>" in r.body[-200:] else "not a whole page")

    def executive(n: int) -> None:
        client, rng = Http(port), random.Random(300 + n)
        ids = sorted(seed.packs)
        deadline = wait_for_start()
        while time.monotonic() < deadline:
            pack = rng.choice(ids)

            def same_pdf(reply: Reply, pack: int = pack) -> str | None:
                if hashlib.sha256(reply.body).hexdigest() != seed.packs[pack]:
                    return f"pack {pack}: downloaded PDF differs from the stored one"
                return None

            timed(recorder, "pack pdf", lambda p=pack: client.request("GET", f"/api/v1/packs/{p}/pdf",
                                                                       headers=bearer(seed.executives[n])), same_pdf)

    def reader(n: int) -> None:
        client, rng = Http(port), random.Random(400 + n)
        deadline = wait_for_start()
        while time.monotonic() < deadline:
            path = (f"/api/v1/contracts/{rng.choice(seed.card_contract_ids)}/scorecard"
                    f"?period={rng.choice(seed.card_periods)}")
            timed(recorder, "api card", lambda p=path: client.request("GET", p, headers=bearer(seed.readers[n])),
                  lambda r: None if "targets" in json.loads(r.body) else "no targets in the answer")

    threads = [threading.Thread(target=fn, args=(n,), daemon=True)
               for fn in (uploader, manager, executive, reader) for n in range(users)]
    for t in threads:
        t.start()
    sampler = LoadSampler()
    barrier.wait(timeout=300)  # every manager has signed in
    started = window["started"]
    cpu.start()
    sampler.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    window_cpu = cpu.stop()
    return {"recorder": recorder, "elapsed": elapsed, "load": sampler.stop(), "cpu": window_cpu,
            "load_after": loadavg()}


def burst(port: int, tokens: list[str], targets: list[tuple[int, str]], template: bytes, rows: int,
          kind: str) -> tuple[Recorder, float]:
    """Release one upload per token at the same instant; targets[i] is the (contract, month) of upload i."""
    recorder = Recorder()
    barrier = threading.Barrier(len(tokens))

    def one(i: int) -> None:
        client = Http(port)
        barrier.wait(timeout=60)
        contract_id, period = targets[i]
        upload_once(client, recorder, tokens[i], contract_id, period, template, rows, f"b{i:03d}", kind)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(tokens))]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return recorder, time.monotonic() - started


# ---------------------------------------------------------------- verification


def verify_uploads(engine_url: str, uploads: list[Upload]) -> list[str]:
    """Return what is wrong with the stored uploads: each 201 must have its rows and its file, byte for byte."""
    from sqlalchemy import bindparam, create_engine, text

    problems = []
    if not uploads:
        return problems
    engine = create_engine(engine_url)
    query = text("SELECT s.id, s.contract_id, s.period, s.version, s.row_count, s.rows_blob, f.sha256, f.data "
                 "FROM submissions s JOIN stored_files f ON f.id = s.file_id WHERE s.id IN :ids"
                 ).bindparams(bindparam("ids", expanding=True))
    found = {}
    try:
        with engine.connect() as conn:
            ids = [u.submission_id for u in uploads]
            for start in range(0, len(ids), 200):
                for row in conn.execute(query, {"ids": ids[start:start + 200]}).mappings():
                    found[row["id"]] = dict(row)
    finally:
        engine.dispose()
    for up in uploads:
        row = found.get(up.submission_id)
        if row is None:
            problems.append(f"submission {up.submission_id} ({up.period}) answered 201 but is not in the database")
            continue
        stored = hashlib.sha256(bytes(row["data"] or b"")).hexdigest()
        rows_blob = zlib.decompress(bytes(row["rows_blob"])).decode() if row["rows_blob"] else ""
        stored_rows = max(0, sum(1 for _ in csv.reader(io.StringIO(rows_blob))) - 1)
        checks = [(row["contract_id"] == up.contract_id and row["period"] == up.period, "contract or month differs"),
                  (row["version"] == up.version, f"version {row['version']} != answered {up.version}"),
                  (row["row_count"] == up.rows, f"row_count {row['row_count']} != {up.rows} sent"),
                  (stored_rows == up.rows, f"{stored_rows} stored rows != {up.rows} sent"),
                  (stored == up.sha256, "stored file bytes differ from what was sent"),
                  (row["sha256"] == up.sha256, "recorded SHA-256 differs from the file sent"),
                  (up.answered_sha256 == up.sha256, "the 201 answer named another SHA-256")]
        problems += [f"submission {up.submission_id}: {message}" for ok, message in checks if not ok]
    return problems


def count_stored(engine_url: str, contract_ids: list[int]) -> int:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM submissions WHERE contract_id IN :ids")
                                .bindparams(bindparam("ids", expanding=True)), {"ids": contract_ids}).scalar_one()
    finally:
        engine.dispose()


# ---------------------------------------------------------------- report


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def latency_table(recorder: Recorder, elapsed: float | None, kinds: list[str]) -> list[str]:
    lines = [f"  {'kind':<18} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
             f"{'max ms':>8} {'errors':>7}"]
    errors = recorder.errors(EXPECTED)
    total = 0
    for kind in kinds:
        values = recorder.latencies.get(kind)
        if not values:
            continue
        total += len(values)
        bad = sum(n for (k, _s), n in errors.items() if k == kind)
        rate = f"{len(values) / elapsed:7.2f}" if elapsed else f"{'':>7}"
        lines.append(f"  {kind:<18} {len(values):>8} {rate} {pct(values, 50) * 1000:>8.0f} "
                     f"{pct(values, 95) * 1000:>8.0f} {pct(values, 99) * 1000:>8.0f} {max(values) * 1000:>8.0f} "
                     f"{bad:>7}")
    if elapsed:
        lines.append(f"  {'all':<18} {total:>8} {total / elapsed:7.2f}")
    return lines


def error_lines(recorder: Recorder) -> list[str]:
    errors = recorder.errors(EXPECTED)
    if not errors:
        return ["  errors by status: none"]
    lines = ["  errors by status:"]
    for (kind, status), n in sorted(errors.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        lines.append(f"    {kind:<18} {status!s:>16} x {n}   e.g. {recorder.examples.get((kind, status), '')[:200]}")
    return lines


def server_errors(recorder: Recorder) -> int:
    """5xx answers and requests the server never answered (refused, reset, timed out)."""
    return sum(n for (_k, status), n in recorder.errors(EXPECTED).items()
               if (isinstance(status, int) and status >= 500) or (not isinstance(status, int) and status != "bad body"))


def verdict(ok: bool) -> str:
    return "OK" if ok else "FAIL"


# ---------------------------------------------------------------- PostgreSQL


def postmaster_start(dsn: str) -> str:
    """When the PostgreSQL server started: a change during the run means somebody restarted it."""
    import psycopg

    for _attempt in range(30):
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                return str(conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0])
        except psycopg.OperationalError:
            time.sleep(1)
    return "unreachable"


def source_state() -> str:
    """The commit and whether the working tree differs from it (read-only git commands)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "source: unknown"
    if not head:
        return "source: not a git checkout"
    return f"source: {head}" + (f" + {len(changed)} modified tracked files" if changed else " (clean)")


def run_pg(args) -> bool:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = make_url(args.pg_url)
    name = f"load_{os.getpid()}_{secrets.token_hex(3)}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    engine_url = make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    folder = tempfile.mkdtemp(prefix="vp-load-pg-")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        server_version = conn.execute("SHOW server_version").fetchone()[0]
    log(f"PostgreSQL {server_version}: database {name}, instance {folder}")
    env = server_env(url, folder)
    server = None
    try:
        try:
            started = time.perf_counter()
            cli(env, "init-db")
            cli(env, "seed-demo")
            log(f"migrated and demo seeded in {time.perf_counter() - started:.0f} s; rendering packs, "
                "seeding scale data")
            seed = seed_pg(url, folder, env, args)
            log(seed.summary)
            templates = [csv_template(args.rows, seed=n) for n in range(args.users + 1)]
            size = len(fill(templates[0], seed.period, "x"))
            server = Gunicorn(env, args.workers, Path(folder) / "gunicorn.log")
            server.start()
            log(f"gunicorn --workers {args.workers} on port {server.port}; mix for {args.seconds} s with "
                f"{args.users} users per kind")

            def backend_pids() -> list[int]:
                with psycopg.connect(admin_dsn, autocommit=True) as conn:
                    return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                       (name,))]

            load_before = loadavg()
            pg_started = postmaster_start(admin_dsn)
            cpu = CpuMeter(server.worker_pids(), backend_pids)
            mix = run_mix(server.port, seed, args, templates, cpu)
            log(f"mix done in {mix['elapsed']:.1f} s; same-month burst of {args.burst}")
            b = seed.burst
            burst_rec, burst_seconds = burst(server.port, b["tokens"],
                                             [(b["contract_id"], b["period"])] * len(b["tokens"]),
                                             templates[-1], args.rows, "burst upload")
        finally:
            if server is not None:
                server.stop()
        pg_restarted = postmaster_start(admin_dsn) != pg_started
        recorder = mix["recorder"]
        uploads = recorder.uploads + burst_rec.uploads
        problems = verify_uploads(engine_url, uploads)
        load_contracts = [u["contract_id"] for u in seed.uploaders] + [b["contract_id"]]
        stored = count_stored(engine_url, load_contracts)
        audit = cli(env, "verify-audit")
        scan = scan_log(server.log())
    finally:
        if args.keep:
            log(f"kept database {name} and instance {folder}")
        else:
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------ print
    cpu_w: CpuWindow = mix["cpu"]
    during = mix["load"] or [loadavg()[0]]
    elapsed = mix["elapsed"]
    print(f"VendorPortal load mix: PostgreSQL {server_version}, gunicorn --workers {args.workers} (sync), "
          f"{args.seconds} s, {args.users} users of each kind ({4 * args.users} at once), no think time")
    print(f"  data: {seed.summary}")
    print(f"  uploads: {args.rows:,}-row interval CSV ({size / 1e6:.2f} MB) to months not accepted; "
          f"pages: contract, scorecard, portfolio, home; packs: {len(seed.packs)} PDFs; API: scorecard reads")
    print(f"  machine: {os.cpu_count()} cores; load average before {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, during the mix 1-min {min(during):.2f}-{max(during):.2f}, after "
          f"{mix['load_after'][0]:.2f} {mix['load_after'][1]:.2f} {mix['load_after'][2]:.2f}")
    print(f"  CPU during the mix: {cpu_w.busy_percent:.0f} % of {os.cpu_count()} cores busy = gunicorn workers "
          f"{cpu_w.server_percent:.0f} % + PostgreSQL backends {cpu_w.database_percent:.0f} % + load generator "
          f"{cpu_w.client_percent:.0f} % + everything else on the machine {cpu_w.others_percent:.0f} %")
    print(f"  elapsed {elapsed:.1f} s (requests in flight at {args.seconds} s run to completion)")
    signin = recorder.latencies.get("sign-in", [])
    if signin:
        print(f"  sign-ins before the mix: {len(signin)}, median {statistics.median(signin) * 1000:.0f} ms "
              f"(Argon2id at the production cost)")
    for line in latency_table(recorder, elapsed, KIND_ORDER):
        print(line)
    for line in error_lines(recorder):
        print(line)
    mix_5xx = server_errors(recorder)
    answered = len(recorder.uploads)
    lost_mix = [p for p in problems if any(f"submission {u.submission_id}" in p for u in recorder.uploads)]
    print(f"  server errors (5xx or no answer): {mix_5xx}")
    print(f"  uploads answered 201: {answered}; checked in the database (row_count, stored rows, file SHA-256): "
          f"{answered - len({p.split(':')[0] for p in lost_mix})} intact, lost or damaged "
          f"{len({p.split(':')[0] for p in lost_mix})}")
    for p in lost_mix[:10]:
        print(f"    {p}")
    burst_201 = burst_rec.statuses["burst upload"].get(201, 0)
    versions = sorted(u.version for u in burst_rec.uploads)
    burst_problems = [p for p in problems if p not in lost_mix]
    burst_ok = burst_201 == len(b["tokens"]) and versions == list(range(1, len(b["tokens"]) + 1)) and not burst_problems
    print(f"  same-month burst: {len(b['tokens'])} vendor staff upload one month of one contract at the same "
          f"instant: {burst_201} x 201 in {burst_seconds:.1f} s, versions {versions}   {verdict(burst_ok)}")
    for line in error_lines(burst_rec)[1:] if burst_rec.errors(EXPECTED) else []:
        print(line)
    for p in burst_problems[:10]:
        print(f"    {p}")
    stored_ok = stored == len(uploads)
    print(f"  submissions stored on the load contracts: {stored} (answered 201: {len(uploads)})   "
          f"{verdict(stored_ok)}")
    audit_line = (audit.stdout.strip() or audit.stderr.strip()).splitlines()[-1:] or [""]
    print(f"  audit chain (vendorportal verify-audit): exit {audit.returncode}, {audit_line[0][:150]}")
    print(f"  server log: {scan['tracebacks']} tracebacks, {scan['timeouts']} worker timeouts, "
          f"{scan['locked']} 'database is locked'")
    if pg_restarted:
        print("  NOTE: the PostgreSQL server was restarted during the run (by something else on this machine); "
              "errors while it was down are not the portal's")
    print_log_findings(scan)
    mix_ok = mix_5xx == 0 and not lost_mix and not recorder.errors(EXPECTED) and answered > 0
    ok = mix_ok and burst_ok and stored_ok and audit.returncode == 0 and scan["tracebacks"] == 0
    print(f"  verdict PostgreSQL: mix (zero 5xx, zero lost uploads, no other errors) {verdict(mix_ok)}; "
          f"burst {verdict(burst_ok)}; store count {verdict(stored_ok)}; audit {verdict(audit.returncode == 0)}; "
          f"server log {verdict(scan['tracebacks'] == 0)}   => {verdict(ok)}")
    print(flush=True)
    return ok


# ---------------------------------------------------------------- SQLite


def run_sqlite(args) -> bool:
    from vendorportal.scorecards.domain import Month

    folder = tempfile.mkdtemp(prefix="vp-load-sqlite-")
    url = f"sqlite:///{folder}/load.sqlite3"
    env = server_env(url, folder)
    count = args.sqlite_uploads
    server = None
    log(f"SQLite: instance {folder}, {count} concurrent uploads under gunicorn --workers {args.sqlite_workers}")
    try:
        try:
            cli(env, "init-db")
            from vendorportal.auth import services as auth
            from vendorportal.core.formatting import today
            from vendorportal.extensions import db
            from vendorportal.vendors import services as vendors

            app = in_process_app(url, folder)
            with app.app_context():
                day = today()
                last = Month(day.year, day.month).shift(-1)
                months = month_list(last, 5)
                vendor = vendors.create_vendor(db.session, {"name": "SQLite Load Vendor", "code": "SQLOAD",
                                                            "tier": "high"})
                contracts = [add_load_contract(db.session, vendor.id, f"SQ-{n}", last.shift(-23)) for n in range(4)]
                user = auth.create_user(db.session, email="staff@sqlite-load.example", name="Staff", role="vendor",
                                        password=PASSWORD, vendor_id=vendor.id)
                tokens = [auth.create_token(db.session, user, f"load {n}")[1] for n in range(count)]
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
            targets = [(contracts[i % len(contracts)], months[(i // len(contracts)) % len(months)])
                       for i in range(count)]
            template = csv_template(args.rows, seed=99)
            server = Gunicorn(env, args.sqlite_workers, Path(folder) / "gunicorn.log")
            server.start()
            load_before = loadavg()
            recorder, seconds = burst(server.port, tokens, targets, template, args.rows, "upload")
            load_after = loadavg()
        finally:
            if server is not None:
                server.stop()
        problems = verify_uploads(url, recorder.uploads)
        scan = scan_log(server.log())
    finally:
        if args.keep:
            log(f"kept SQLite instance {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    created = recorder.statuses["upload"].get(201, 0)
    distinct = len(set(targets)) == len(targets)
    ok = created == count and not problems and scan["locked"] == 0 and scan["tracebacks"] == 0 and distinct
    print(f"SQLite, gunicorn --workers {args.sqlite_workers}: {count} uploads of {args.rows:,} rows released at the same "
          f"instant ({len(set(c for c, _ in targets))} contracts x {len(set(p for _, p in targets))} months)")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    for line in latency_table(recorder, None, ["upload"]):
        print(line)
    print(f"  answered 201: {created} of {count} in {seconds:.1f} s; stored intact: {created - len(problems)}; "
          f"'database is locked' in the server log: {scan['locked']}; tracebacks: {scan['tracebacks']}")
    for line in error_lines(recorder):
        print(line)
    for p in problems[:10]:
        print(f"    {p}")
    print_log_findings(scan)
    print(f"  verdict SQLite: {verdict(ok)}")
    return ok


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=3, help="users of each kind (4 kinds) at once")
    parser.add_argument("--rows", type=int, default=5000, help="rows per uploaded file")
    parser.add_argument("--vendors", type=int, default=50, help="scale vendors beside the demo")
    parser.add_argument("--months", type=int, default=24, help="months of history per scale vendor")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers on PostgreSQL")
    parser.add_argument("--burst", type=int, default=8, help="uploads to one month at the same instant")
    parser.add_argument("--sqlite-workers", type=int, default=2)
    parser.add_argument("--sqlite-uploads", type=int, default=20)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server; the bench creates (and drops) its own load_* database there")
    parser.add_argument("--only", choices=["pg", "sqlite"])
    parser.add_argument("--keep", action="store_true", help="keep the databases and instance folders")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 s, 500-row files, 10 scale vendors")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rows, args.vendors, args.months = min(args.seconds, 10), min(args.rows, 500), 10, 12
    for key in [k for k in os.environ if k.startswith("VENDORPORTAL_")]:
        del os.environ[key]  # the bench configures its own servers and in-process app
    started = time.perf_counter()
    print(f"bench/load.py {' '.join(sys.argv[1:])}  ({dt.datetime.now():%Y-%m-%d %H:%M}, "
          f"{os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in loadavg())}, {source_state()})")
    print()
    results = []
    if args.only in (None, "pg"):
        results.append(run_pg(args))
    if args.only in (None, "sqlite"):
        results.append(run_sqlite(args))
    print(f"\noverall: {verdict(all(results))} in {time.perf_counter() - started:.0f} s "
          f"(load average at the end {' '.join(f'{v:.2f}' for v in loadavg())})")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
