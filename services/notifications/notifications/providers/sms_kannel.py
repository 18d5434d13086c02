"""SMS through Kannel's smsbox `sendsms` HTTP interface, with delivery reports (DESIGN §6).

One GET per message: username/password, from (SMS_SENDER_ID), to (E.164), text as UTF-8 (coding=2, UCS-2, when
the text is not GSM-7), dlr-mask=31 (every report) and a dlr-url pointing at this service's
/api/v1/providers/kannel/dlr with the shared secret, the notification id and the attempt; Kannel fills in %d
(the report type) and %A (the SMSC's answer).

Answers: 2xx ("0: Accepted for delivery", "3: Queued for later delivery") → sent; 401/403 (bad account) and
other 4xx → technical failure for a person to check (misconfiguration, refused number); 5xx and connection
refused → temporary (retried with backoff; the run stops). No answer after the request went out (read timeout,
connection dropped) → technical failure, flagged uncertain: the SMS may have gone out, so it is neither retried
nor handed to another provider (its delivery report, if it comes, settles it).
"""
from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlencode, urlsplit

import requests

from ..config import KannelSettings
from ..domain import sms
from ..domain.delivery_reports import DLR_MASK_ALL
from .base import SENT, TECHNICAL, TEMPORARY, OutgoingMessage, SendResult

log = logging.getLogger(__name__)
DLR_PATH = "/api/v1/providers/kannel/dlr"
MAX_ANSWER = 200
CONNECT_TIMEOUT = 3.0
_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")


def dlr_url(base_url: str, secret: str, notification_id: str, attempt: int, provider: str = "kannel") -> str:
    """The dlr-url for one attempt through `provider`; `%d` and `%A` are left for Kannel to fill in."""
    query = {"secret": secret, "id": notification_id, "attempt": attempt}
    if provider != "kannel":  # the first Kannel's URLs stay as they were
        query["provider"] = provider
    fixed = urlencode(query, quote_via=quote)
    return f"{base_url.rstrip('/')}{DLR_PATH}?{fixed}&status=%d&answer=%A"


def sendsms_params(message: OutgoingMessage, settings: KannelSettings, sender_id: str) -> dict:
    params = {
        "username": settings.username or "", "password": settings.password or "", "from": sender_id,
        "to": message.recipient.strip(), "text": message.body_text, "charset": "UTF-8",
        "coding": "0" if sms.is_gsm7(message.body_text) else "2",
        "dlr-mask": str(DLR_MASK_ALL),
        "dlr-url": dlr_url(settings.base_url, settings.dlr_secret or "", message.notification_id, message.attempts,
                           settings.name),
    }
    return params


def _reason(exc: Exception) -> str:
    """What went wrong, without the request URL (it carries the password)."""
    found = _ERRNO.search(str(exc))
    return f"{type(exc).__name__} {found.group(0).strip()}" if found else type(exc).__name__


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly did not reach Kannel (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        return "NewConnectionError" in text or "NameResolutionError" in text or "Failed to establish" in text
    return isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                            requests.exceptions.InvalidSchema))


def _answer(response: requests.Response) -> str:
    text = " ".join((response.text or "").split())
    return text if len(text) <= MAX_ANSWER else text[: MAX_ANSWER - 1] + "…"


class KannelSmsProvider:
    channel = "sms"

    def __init__(self, settings: KannelSettings, sender_id: str):
        self.settings = settings
        self.sender_id = sender_id
        self.name = settings.name  # kannel, kannel2, ...: the history says which gateway sent it
        self.rate_per_second = settings.rate_per_second

    @property
    def where(self) -> str:
        return urlsplit(self.settings.sendsms_url).netloc

    def send(self, message: OutgoingMessage) -> SendResult:
        params = sendsms_params(message, self.settings, self.sender_id)
        try:
            response = requests.get(self.settings.sendsms_url, params=params,
                                    timeout=(min(CONNECT_TIMEOUT, self.settings.timeout), self.settings.timeout),
                                    allow_redirects=False)
        except requests.RequestException as exc:
            if _never_sent(exc):
                return SendResult(TEMPORARY, self.name, error=f"Kannel unreachable at {self.where}: {_reason(exc)}",
                                  provider_down=True)
            log.error("Kannel did not answer; the SMS may have gone out", extra={
                "notification_id": message.notification_id, "error": _reason(exc)})
            return SendResult(TECHNICAL, self.name, uncertain=True, provider_down=True,
                              error=f"no answer from Kannel at {self.where} ({_reason(exc)}): the SMS may have "
                                    f"gone out; check before sending again")
        return self._result(response, message)

    def _result(self, response: requests.Response, message: OutgoingMessage) -> SendResult:
        code, answer = response.status_code, _answer(response)
        if 200 <= code < 300:
            return SendResult(SENT, self.name, detail=f"Kannel {code}: {answer}")
        if code in (401, 403):
            log.error("Kannel refused the account: check its USERNAME / PASSWORD settings",
                      extra={"provider": self.name, "status": code, "answer": answer})
            account = f"{self.settings.prefix}USERNAME / {self.settings.prefix}PASSWORD"
            return SendResult(TECHNICAL, self.name, provider_down=True,
                              error=f"Kannel {code}: {answer} (check {account})")
        if code >= 500:  # 503: bearerbox not reachable from smsbox, queue full, ...
            return SendResult(TEMPORARY, self.name, error=f"Kannel {code}: {answer}", provider_down=True)
        # Other 4xx (a refused number, a missing parameter) or a redirect (a wrong URL): a person checks.
        log.error("Kannel refused the message", extra={
            "notification_id": message.notification_id, "status": code, "answer": answer})
        return SendResult(TECHNICAL, self.name, error=f"Kannel {code}: {answer}")
