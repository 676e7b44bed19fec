"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and an ephemeral port, collecting what it receives."""

from __future__ import annotations

import asyncio
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Envelope:
    """What the client said in MAIL FROM and RCPT TO (recipients the headers may not show)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]


class _Collector:
    """aiosmtpd handler: parse each message with email.policy.default and keep it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        message = BytesParser(policy=email.policy.default).parsebytes(content)
        with self.received:
            self.messages.append(message)
            self.envelopes.append(Envelope(envelope.mail_from, tuple(envelope.rcpt_tos)))
            self.received.notify_all()
        return "250 Message accepted for delivery"


class _EphemeralController(Controller):
    """A Controller that binds its own socket to port 0, so the port is free by construction (no guess, no race)."""

    def __init__(self, handler, **kwargs) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((HOST, 0))
        self._socket.listen()
        super().__init__(handler, hostname=HOST, port=self._socket.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._socket)

    def close_socket(self) -> None:
        # The asyncio server closes the socket it was given; this covers a start() that failed before that.
        self._socket.close()


class LocalSMTPServer:
    """Context manager running a real SMTP server; `.port`, `.messages`, `.envelopes`, `wait_for(count)`."""

    def __init__(self) -> None:
        self._handler = _Collector()
        self._controller: _EphemeralController | None = None

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the SMTP server is not running")
        return self._controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self._handler.received:
            return list(self._handler.messages)

    @property
    def envelopes(self) -> list[Envelope]:
        with self._handler.received:
            return list(self._handler.envelopes)

    def wait_for(self, count: int, timeout: float = 5) -> list[EmailMessage]:
        """Wait until at least count messages have arrived and return them; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._handler.received:
            while len(self._handler.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout}s, got {len(self._handler.messages)}")
                self._handler.received.wait(remaining)
            return list(self._handler.messages)

    def start(self) -> LocalSMTPServer:
        if self._controller is not None:
            raise RuntimeError("the SMTP server is already running")
        controller = _EphemeralController(self._handler)
        try:
            controller.start()
        except BaseException:
            controller.stop(no_assert=True)
            controller.close_socket()
            raise
        self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is None:
            return
        loop = controller.loop
        # Let every session finish its own teardown before the loop stops: cancelling a live SMTP session is
        # what leaves unclosed transports and "Task was destroyed but it is pending" behind.
        _drain_sessions(loop)
        controller.stop()
        controller.close_socket()
        if not loop.is_closed():  # the controller closes its loop only when its thread ran to the end
            loop.close()

    def __enter__(self) -> LocalSMTPServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _drain_sessions(loop: asyncio.AbstractEventLoop, timeout: float = 5) -> None:
    """Wait (bounded) until the loop has no tasks left but the ones a closing server owns."""

    async def idle() -> None:
        current = asyncio.current_task()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not [task for task in asyncio.all_tasks() if task is not current and not task.done()]:
                return
            await asyncio.sleep(0.01)

    if loop.is_running():
        asyncio.run_coroutine_threadsafe(idle(), loop).result(timeout + 1)
