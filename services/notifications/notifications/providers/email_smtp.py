"""Email over SMTP (smtplib): STARTTLS and login configurable, multipart text + HTML (+ attachments), a stable
Message-ID.

SMTP 4xx answers and connection problems are temporary failures (retried with backoff); 5xx answers are
permanent. Login or STARTTLS problems are configuration errors: temporary, and the run stops."""
from __future__ import annotations

import base64
import logging
import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from retret import clock

from ..config import SmtpSettings
from .base import PERMANENT, SENT, TEMPORARY, OutgoingMessage, SendResult

log = logging.getLogger(__name__)
NAME = "smtp"
MAX_ERROR = 500


class MessageRejected(ValueError):
    """The message cannot be built (an address no server would accept)."""


def _address(addr_spec: str, display_name: str | None = None) -> Address:
    try:
        return Address(display_name=" ".join((display_name or "").split()), addr_spec=addr_spec.strip())
    except (ValueError, IndexError, TypeError) as exc:
        raise MessageRejected(f"invalid address {addr_spec!r}: {exc}") from exc


def sender_address(mail_from: str) -> tuple[str, str]:
    """(display name, address) of MAIL_FROM, which may be "Name <addr>" or a bare address."""
    parsed = getaddresses([mail_from])
    if not parsed or not parsed[0][1]:
        raise MessageRejected(f"MAIL_FROM is not an address: {mail_from!r}")
    return parsed[0]


def build_message(message: OutgoingMessage, mail_from: str) -> EmailMessage:
    name, addr = sender_address(mail_from)
    email = EmailMessage()
    try:
        email["From"] = _address(addr, name)
        email["To"] = _address(message.recipient, message.recipient_name)
        email["Subject"] = message.subject or ""
    except (ValueError, TypeError) as exc:
        raise MessageRejected(str(exc)) from exc
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email["X-Retret-Notification-Id"] = message.notification_id
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for item in message.attachments:
        maintype, _, subtype = item["content_type"].partition("/")
        email.add_attachment(base64.b64decode(item["data"]), maintype=maintype, subtype=subtype,
                             filename=item["filename"])
    email["Content-Language"] = message.language  # last: making the message mixed moves Content-* headers down
    return email


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def _smtp_text(code: int, reply) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return _short(f"SMTP {code} {reply}".strip())


def _by_code(code: int, reply) -> SendResult:
    outcome = PERMANENT if 500 <= code < 600 else TEMPORARY
    return SendResult(outcome, NAME, error=_smtp_text(code, reply))


class SmtpEmailProvider:
    name = NAME
    channel = "email"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, message: OutgoingMessage) -> SendResult:
        try:
            email = build_message(message, self.settings.mail_from)
        except MessageRejected as exc:
            return SendResult(PERMANENT, NAME, error=_short(str(exc)))
        try:
            envelope_from = sender_address(self.settings.mail_from)[1]
            with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout) as smtp:
                smtp.ehlo()
                if self.settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(email, from_addr=envelope_from, to_addrs=[message.recipient.strip()])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()), (550, b"recipient refused"))
            return _by_code(code, reply)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
            log.error("SMTP login/STARTTLS failed: check the SMTP_* settings", extra={"error": str(exc)})
            return SendResult(TEMPORARY, NAME, error=_short(f"SMTP configuration: {exc}"), provider_down=True)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
            return SendResult(TEMPORARY, NAME, error=_short(f"SMTP connection: {exc}"), provider_down=True)
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, HELO refused, ...
            return _by_code(exc.smtp_code, exc.smtp_error)
        except (OSError, socket.timeout, smtplib.SMTPException) as exc:  # refused, unreachable, timeout, DNS
            return SendResult(TEMPORARY, NAME, error=_short(f"SMTP unreachable: {exc!r}"), provider_down=True)
        return SendResult(SENT, NAME, provider_message_id=message.message_id,
                          detail=f"accepted by {self.settings.host}:{self.settings.port}")
