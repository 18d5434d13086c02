"""The one small interface every channel sender implements: `send(message) -> SendResult`, never raising."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SENT, TEMPORARY, PERMANENT, TECHNICAL = "sent", "temporary", "permanent", "technical"


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
    # Email only: ({"filename", "content_type", "data" (base64)}, ...)
    attachments: tuple = ()


@dataclass(frozen=True)
class SendResult:
    # sent | temporary (retried with backoff) | permanent (never retried) | technical (a person checks:
    # a provider misconfigured, or no answer so the message may have gone out)
    outcome: str
    provider: str
    error: str | None = None
    provider_message_id: str | None = None
    # The provider itself is unreachable (connection refused, timeout, login failed): stop this run,
    # the next one tries again, instead of failing every due message in a row.
    provider_down: bool = False
    detail: str | None = None
    # The provider may have sent it (the request went out, no answer came back): never try another provider,
    # which could deliver the same SMS twice.
    uncertain: bool = False

    @property
    def may_fail_over(self) -> bool:
        """Whether the next provider may try: this one certainly did not send, and not for the message's sake."""
        return self.outcome in (TEMPORARY, TECHNICAL) and not self.uncertain


class Provider(Protocol):
    name: str
    channel: str

    def send(self, message: OutgoingMessage) -> SendResult:
        ...
