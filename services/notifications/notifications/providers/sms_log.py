"""The `log` SMS provider: writes the message to the log instead of sending it (the embedded default).

Refused when APP_ENV=production (see providers.sms_providers)."""
from __future__ import annotations

import logging

from .base import SENT, OutgoingMessage, SendResult

log = logging.getLogger(__name__)
NAME = "log"


class LogSmsProvider:
    name = NAME
    channel = "sms"

    def send(self, message: OutgoingMessage) -> SendResult:
        log.info("SMS (log provider, not sent)", extra={
            "notification_id": message.notification_id, "recipient": message.recipient, "text": message.body_text})
        return SendResult(SENT, NAME, provider_message_id=f"log-{message.notification_id}",
                          detail="written to the log (log provider)")
