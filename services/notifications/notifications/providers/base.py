"""The one small interface every channel sender implements: `send(message) -> SendResult`, never raising."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"


@dataclass(frozen=True)
class OutgoingMessage:
    """What a provider needs to send one notification (a snapshot; no database objects)."""
    notification_id: str
    channel: str
    recipient: str
    recipient_name: str | None
    subject: str | None
    body_text: str
    body_html: str | None
    message_id: str
    attempts: int
    language: str = "id"


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent | temporary | permanent
    provider: str
    error: str | None = None
    provider_message_id: str | None = None
    # The provider itself is unreachable (connection refused, timeout, login failed): stop this run,
    # the next one tries again, instead of failing every due message in a row.
    provider_down: bool = False
    detail: str | None = None


class Provider(Protocol):
    name: str
    channel: str

    def send(self, message: OutgoingMessage) -> SendResult:
        ...
