"""When reminders are due (pure): computed from the retreat and its agenda, recomputed whenever they change.

A reminder is a due row: (key, kind, due_at, until). `until` is the moment the reminder makes no sense any more
(the session starts, answers close): a row whose due time came after it, or was computed in the past, is not sent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping

from retret.rules.responses import responses_close_at
from retret.timezones import DEFAULT_TIMEZONE, zone

RESPONSE_REMINDER = "response_reminder"
RETREAT_TOMORROW = "retreat_tomorrow"
SESSION_REMINDER = "session_reminder"
# The day-before reminder goes out at this local time on the day before the retreat starts.
DAY_BEFORE_AT = time(9, 0)


@dataclass(frozen=True)
class DueReminder:
    key: str
    kind: str
    due_at: datetime
    until: datetime
    session_id: str | None = None
    data: dict = field(default_factory=dict)


def retreat_reminders(retreat: Mapping, days_before_deadline: Iterable[int]) -> list[DueReminder]:
    """Answer reminders (N days before answers close) and the day-before reminder of a published retreat."""
    if retreat["status"] not in ("published", "running"):
        return []
    retreat_id, tz = str(retreat["retreat_id"]), retreat.get("timezone") or DEFAULT_TIMEZONE
    closes = responses_close_at(retreat["ends_on"], tz, retreat.get("response_deadline"))
    out = [DueReminder(f"{RESPONSE_REMINDER}:{retreat_id}:{days}", RESPONSE_REMINDER, closes - timedelta(days=days),
                       closes, data={"days": days})
           for days in sorted(set(days_before_deadline)) if days > 0]
    starts = _local_midnight(retreat["starts_on"], tz)
    day_before = datetime.combine(retreat["starts_on"] - timedelta(days=1), DAY_BEFORE_AT, zone(tz))
    out.append(DueReminder(f"{RETREAT_TOMORROW}:{retreat_id}", RETREAT_TOMORROW, day_before, starts))
    return out


def session_reminder(session: Mapping, retreat_status: str | None, lead_minutes: int) -> DueReminder | None:
    """The reminder before a mandatory session that still takes place; None otherwise (a cancelled one's goes)."""
    if not session["mandatory"] or session["status"] == "cancelled" or retreat_status == "cancelled":
        return None
    starts = session["starts_at"]
    return DueReminder(f"{SESSION_REMINDER}:{session['session_id']}", SESSION_REMINDER,
                       starts - timedelta(minutes=lead_minutes), starts, session_id=str(session["session_id"]))


def sendable(due_at: datetime, until: datetime | None, now: datetime) -> bool:
    """Whether a due row may be sent now: its time has come and what it is about has not begun."""
    return due_at <= now and (until is None or now < until)


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0, 0), zone(tz))
