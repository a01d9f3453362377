"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.connections = 0
        self._lock = threading.Lock()
        self.received = threading.Condition(self._lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self._lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.received:
            self.messages.append(message)
            self.received.notify_all()
        return "250 Message accepted for delivery"


class SMTPServer:
    """``with SMTPServer() as smtp: ...``; ``smtp.port``, ``smtp.messages``, ``smtp.stop()``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._collector = _Collector()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    @property
    def connections(self) -> int:
        return self._collector.connections

    def clear(self) -> None:
        with self._collector.received:
            self._collector.messages.clear()
            self._collector.connections = 0

    def wait_for(self, count: int = 1, timeout: float = 10.0, *, to: str | None = None) -> list[EmailMessage]:
        """The messages received once ``count`` have arrived (or the timeout passed); with ``to``,
        only those addressed there (the live server's worker may still be delivering an earlier
        test's mail)."""

        def matching():
            return [m for m in self.messages if to is None or to in m.get("To", "")]

        with self._collector.received:
            self._collector.received.wait_for(lambda: len(matching()) >= count, timeout)
            return matching()

    def start(self) -> SMTPServer:
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
