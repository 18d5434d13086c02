"""What a message says, before any template: the kinds of messages, which event makes which, and the values
templates may use (pure: plain dicts in, plain dicts out)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Mapping

from retret.rules.responses import responses_close_at
from retret.timezones import DEFAULT_TIMEZONE

from .formatting import format_closing, format_date, format_date_range, format_date_range_short, \
    timezone_label

CHANNELS = ("email", "sms")
KINDS = ("invitation", "confirmation", "declined", "cancelled", "waitlisted", "reminder", "schedule_change",
         "announcement", "sms_reply")

# Event type → message kind (to the official the event is about).
EMAIL_KINDS = {
    "participant.invited": "invitation",
    "registration.confirmed": "confirmation",
    "registration.declined": "declined",
    "registration.cancelled": "cancelled",
    "registration.waitlisted": "waitlisted",
}
# The same, by SMS (to officials with a phone): the invitation with its link, and the confirmation.
SMS_KINDS = {
    "participant.invited": "invitation",
    "registration.confirmed": "confirmation",
}
# An SMS of these kinds is kept within this many segments (its free-text parts shortened, never the link).
SMS_MAX_SEGMENTS = 2


def idempotency_key(event_id: str, kind: str, channel: str, recipient: str) -> str:
    """Event id + kind + channel + recipient (DESIGN §6)."""
    return f"{event_id}:{kind}:{channel}:{recipient.strip()}"


def message_id(key: str, domain: str = "retret") -> str:
    """A stable RFC 5322 Message-ID derived from the idempotency key: a re-send is the same message."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def retreat_view(retreat: Mapping[str, Any], language: str = "id") -> dict:
    """A retreat (RetreatBrief / RetreatData) with its dates written out in its own time zone."""
    tz = retreat.get("timezone") or DEFAULT_TIMEZONE
    starts_on, ends_on = _as_date(retreat.get("starts_on")), _as_date(retreat.get("ends_on"))
    return {
        "code": retreat.get("code") or "",
        "title": retreat.get("title") or "",
        "organizer": retreat.get("organizer"),
        "venue": retreat.get("venue"),
        "timezone": tz,
        "timezone_label": timezone_label(tz),
        "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None,
        "starts_on_text": format_date(starts_on, language) if starts_on else "",
        "ends_on_text": format_date(ends_on, language) if ends_on else "",
        "dates_text": format_date_range(starts_on, ends_on, language) if starts_on and ends_on else "",
        "dates_short": format_date_range_short(starts_on, ends_on, language) if starts_on and ends_on else "",
        "response_deadline_text": _closing_text(ends_on, tz, _as_datetime(retreat.get("response_deadline")), language),
    }


def _closing_text(ends_on: date | None, tz: str, deadline: datetime | None, language: str) -> str | None:
    """When answers stop (the shared rule), written the way people say it."""
    if ends_on is None:  # a brief without dates: only an explicit deadline can be told
        return format_closing(deadline, tz, language) if deadline else None
    return format_closing(responses_close_at(ends_on, tz, deadline), tz, language)


def official_view(official: Mapping[str, Any]) -> dict:
    keys = ("nip", "name", "position", "unit_name", "unit_code", "rank", "email", "phone")
    return {key: official.get(key) for key in keys}


def registration_context(data: Mapping[str, Any], language: str = "id") -> dict:
    """The values a template about one registration may use (participant.invited, registration.*)."""
    return {
        "official": official_view(data.get("official") or {}),
        "retreat": retreat_view(data.get("retreat") or {}, language),
        "registration_id": data.get("registration_id"),
        "status": data.get("status"),
        "invitation_url": data.get("invitation_url"),
        "reason": data.get("reason"),
        "shirt_size": data.get("shirt_size"),
    }


def clean_subject(subject: str, limit: int = 250) -> str:
    """One line (a header), whitespace collapsed, at most `limit` characters."""
    line = " ".join(subject.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
