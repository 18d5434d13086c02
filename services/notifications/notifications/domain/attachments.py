"""Files attached to a confirmation email (pure): the official's QR badge as PNG (segno) and the agenda as an
iCalendar file (icalendar). Stored with the message as base64, so a re-send carries the very same files."""
from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Iterable, Mapping

import segno
from icalendar import Calendar, Event

BADGE_FILENAME = "kartu-peserta.png"
AGENDA_FILENAME = "agenda.ics"


def attachment(filename: str, content_type: str, data: bytes) -> dict:
    return {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}


def qr_png(badge_code: str) -> bytes:
    """The badge code as a QR code (error correction M, big enough to scan from a phone screen)."""
    out = io.BytesIO()
    segno.make_qr(badge_code, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def agenda_ics(retreat: Mapping, sessions: Iterable[Mapping], domain: str = "retret") -> bytes:
    """One VEVENT per session that is not cancelled (times in UTC: every calendar shows them in its own zone)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Retret//Agenda//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", retreat.get("title") or "Retret")
    calendar.add("x-wr-timezone", retreat.get("timezone") or "Asia/Jakarta")
    for session in sorted(sessions, key=lambda s: s["starts_at"]):
        if session.get("status") == "cancelled":
            continue
        event = Event()
        event.add("uid", f"{session['session_id']}@{domain}")
        event.add("summary", session["title"])
        event.add("dtstart", _utc(session["starts_at"]))
        event.add("dtend", _utc(session["ends_at"]))
        event.add("dtstamp", _utc(session["updated_at"]))
        if session.get("location"):
            event.add("location", session["location"])
        if session.get("description"):
            event.add("description", session["description"])
        calendar.add_component(event)
    return calendar.to_ical()


def _utc(value: datetime) -> datetime:
    from retret.clock import as_utc
    return as_utc(value)
