"""A real SMTP server (aiosmtpd) that keeps what it receives in memory, for tests; it can hold a client at a
chosen point of the conversation (fault tests kill the sender there)."""
from __future__ import annotations

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from .infra import free_port


class _Collector:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.reply: str | None = None  # e.g. "451 try later" to simulate a failing server
        # Hold the client before the message is given (at RCPT) or after it was kept but before the 250 answer:
        # `reached` is set when a client is held; the client waits until `release()`.
        self.hold: str | None = None  # None | "before" | "after"
        self.reached = threading.Event()
        self.released = threading.Event()

    def hold_at(self, point: str) -> None:
        self.reached.clear()
        self.released.clear()
        self.hold = point

    def release(self) -> None:
        self.hold = None
        self.released.set()

    async def _held(self, point: str) -> None:
        if self.hold == point:
            self.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 120)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._held("before")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        await self._held("after")
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.collector = _Collector()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def down(self) -> None:
        """The server goes away (connections refused) until `up()`; what it kept stays."""
        self.controller.stop()

    def up(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self) -> list:
        with self.collector.lock:
            return list(self.collector.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


def text_body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""
