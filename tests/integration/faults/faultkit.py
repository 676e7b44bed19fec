"""Helpers for fault tests: a real gunicorn serving the test database, monthly-data files of any size."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEADER = "date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short,wait_time_total_s"


def interval_csv(days: int = 30, queues: int = 1, year: int = 2026, month: int = 4) -> tuple[bytes, int]:
    """A valid monthly-data CSV: every 15-minute interval of `days` days for `queues` phone queues."""
    lines = [HEADER]
    for day in range(1, days + 1):
        for q in range(queues):
            for minute in range(0, 24 * 60, 15):
                offered = 10 + (day + q + minute) % 7
                lines.append(f"{year:04d}-{month:02d}-{day:02d},{minute // 60:02d}:{minute % 60:02d},phone,q{q},"
                             f"{offered},{offered - 1},{offered - 2},1,0,{offered * 20}")
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """Return (body, content type) of a multipart/form-data request, built by hand for raw sockets."""
    boundary = "vpfault" + uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
              "Content-Type: text/csv\r\n\r\n".encode())
    out.write(data)
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Answer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self):
        return json.loads(self.content)


def http(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> Answer:
    """One HTTP request with the standard library (to 127.0.0.1 only)."""
    assert url.startswith("http://127.0.0.1:"), url
    host, _, path = url[len("http://"):].partition("/")
    conn = HTTPConnection(host, timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.read())
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


class Gunicorn:
    """`gunicorn -w N wsgi:app` from the project folder, on the test database, in its own process group."""

    def __init__(self, database_url: str, instance: Path, workers: int = 2, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / "gunicorn.log"
        environment = {**os.environ, "VENDORPORTAL_DATABASE_URL": database_url,
                       "VENDORPORTAL_SECRET_KEY": "fault-test-secret-key-0123456789abcdef",
                       "VENDORPORTAL_INSTANCE_PATH": str(instance), **env}
        environment.pop("VENDORPORTAL_TEST_DATABASE_URL", None)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers = workers

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _ppid(int(entry.name)) == self.proc.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"gunicorn exited:\n{self.log()[-3000:]}"
            try:
                if http("GET", self.url + "/healthz", timeout=2).status_code == 200 and \
                        len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {timeout}s:\n{self.log()[-3000:]}")

    def worker_serving(self, client: socket.socket, timeout: float = 10) -> int:
        """Return the pid of the worker that holds the server side of this client connection."""
        client_port = client.getsockname()[1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inode = _server_socket_inode(self.port, client_port)
            if inode:
                for pid in self.worker_pids():
                    try:
                        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
                    except OSError:
                        continue
                    if f"socket:[{inode}]" in links:
                        return pid
            time.sleep(0.05)
        raise AssertionError("no gunicorn worker holds the connection")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)  # quick shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        # Any worker left behind (the group is gone with the master, but be sure).
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGKILL)
        self._log.close()


def _server_socket_inode(server_port: int, client_port: int) -> int | None:
    """The inode of the accepted socket 127.0.0.1:server_port <- 127.0.0.1:client_port (from /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote, inode = parts[1], parts[2], int(parts[9])
            if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port \
                    and inode:
                return inode
    return None
