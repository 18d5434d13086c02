"""What a message says, before any template: the kinds of messages, which event makes which, and the values
templates may use (pure: plain dicts in, plain dicts out)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Mapping

from retret.rules.responses import responses_close_at
from retret.timezones import DEFAULT_TIMEZONE

from .formatting import LANGUAGES, format_closing, format_date, format_date_range, format_date_range_short, \
    format_datetime, format_time, timezone_label

CHANNELS = ("email", "sms")
# Kinds written from templates (email and SMS, each language); the answer to an SMS reply is the one kind that
# is not: its few fixed sentences live with the two-way SMS rules (domain/replies.py).
TEMPLATED_KINDS = (
    "invitation", "promotion", "response_reminder", "confirmation", "declined", "cancelled", "waitlisted",
    "retreat_rescheduled", "retreat_cancelled", "session_rescheduled", "session_cancelled", "permit_approved",
    "permit_rejected", "permit_withdrawn", "group_assigned", "retreat_tomorrow", "session_reminder", "announcement",
)
SMS_REPLY = "sms_reply"
KINDS = (*TEMPLATED_KINDS, SMS_REPLY)

# Event type → message kind (to the official the event is about). An invitation after a waitlist is a promotion.
REGISTRATION_KINDS = {
    "participant.invited": "invitation",
    "registration.confirmed": "confirmation",
    "registration.declined": "declined",
    "registration.cancelled": "cancelled",
    "registration.waitlisted": "waitlisted",
    "permit.approved": "permit_approved",
    "permit.rejected": "permit_rejected",
    "permit.withdrawn": "permit_withdrawn",
    "group.assigned": "group_assigned",
}
# Kinds that go by email only while the official has an email (acknowledgements); the others go by SMS too.
EMAIL_ONLY_KINDS = frozenset({"declined", "cancelled", "waitlisted"})
# An SMS of these kinds is kept within this many segments (its free-text parts shortened, never the link).
SMS_MAX_SEGMENTS = 2


def channels_for(kind: str, email: str | None, phone: str | None) -> list[str]:
    """The channels a message of `kind` goes by: an official without an email gets an SMS instead, one without a
    phone gets the email only; nobody without either (reported as unreachable)."""
    email, phone = (email or "").strip(), (phone or "").strip()
    channels = ["email"] if email else []
    if phone and (kind not in EMAIL_ONLY_KINDS or not email):
        channels.append("sms")
    return channels


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
    """The values a template about one registration may use (participant.invited, registration.*, reminders)."""
    return {
        "official": official_view(data.get("official") or {}),
        "retreat": retreat_view(data.get("retreat") or {}, language),
        "registration_id": data.get("registration_id"),
        "status": data.get("status"),
        "invitation_url": data.get("invitation_url"),
        "reason": data.get("reason"),
        "shirt_size": data.get("shirt_size"),
        "group": data.get("group"),
        "room": data.get("room"),
        # What a confirmation carries (set by the handler once the files are made).
        "badge_attached": bool(data.get("badge_attached")),
        "agenda_attached": bool(data.get("agenda_attached")),
    }


SESSION_KIND_TEXT = {
    "id": {"apel": "Apel", "lecture": "Ceramah", "discussion": "Diskusi", "physical": "Latihan fisik",
           "ceremony": "Upacara", "meal": "Makan", "other": "Kegiatan"},
    "en": {"apel": "Roll call", "lecture": "Lecture", "discussion": "Discussion", "physical": "Physical training",
           "ceremony": "Ceremony", "meal": "Meal", "other": "Activity"},
}
PERMIT_KIND_TEXT = {"id": {"sick": "sakit", "duty": "dinas", "family": "keluarga", "other": "lainnya"},
                    "en": {"sick": "sick leave", "duty": "official duty", "family": "family", "other": "other"}}


def choose_language(official: Mapping[str, Any] | None, retreat: Mapping[str, Any] | None) -> str:
    """The official's own language, else the retreat's, else Bahasa Indonesia."""
    for source in (official or {}, retreat or {}):
        if source.get("language") in LANGUAGES:
            return source["language"]
    return "id"


def _lang(language: str) -> str:
    return language if language in LANGUAGES else "id"


def session_view(session: Mapping[str, Any], tz: str | None, language: str = "id") -> dict:
    """A session with its times written out in the retreat's zone (and its old times after a reschedule)."""
    starts, ends = _as_datetime(session.get("starts_at")), _as_datetime(session.get("ends_at"))
    old = _as_datetime(session.get("old_starts_at"))
    return {
        "title": session.get("title") or "",
        "kind_text": SESSION_KIND_TEXT[_lang(language)].get(session.get("kind") or "", "Kegiatan"),
        "location": session.get("location"),
        "starts_at_text": format_datetime(starts, tz, language) if starts else "",
        "ends_time_text": format_time(ends, tz, language) if ends else "",
        "old_starts_at_text": format_datetime(old, tz, language) if old else None,
    }


def permit_view(permit: Mapping[str, Any], tz: str | None, language: str = "id") -> dict:
    starts, ends = _as_datetime(permit.get("starts_at")), _as_datetime(permit.get("ends_at"))
    return {
        "kind_text": PERMIT_KIND_TEXT[_lang(language)].get(permit.get("kind") or "", "lainnya"),
        "status": permit.get("status"),
        "decision_reason": permit.get("decision_reason"),
        "withdrawal_reason": permit.get("withdrawal_reason"),
        "starts_at_text": format_datetime(starts, tz, language) if starts else None,
        "ends_at_text": format_datetime(ends, tz, language) if ends else None,
    }


def clean_subject(subject: str, limit: int = 250) -> str:
    """One line (a header), whitespace collapsed, at most `limit` characters."""
    line = " ".join(subject.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
