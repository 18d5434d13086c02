"""A real SMTP server (aiosmtpd) that keeps what it receives in memory, for tests."""
from __future__ import annotations

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

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
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

    @property
    def messages(self) -> list:
        with self.collector.lock:
            return list(self.collector.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


def text_body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""
