"""When invitations stop taking answers (DESIGN §5 time rules): "Invitations can be answered until the retreat's
last day ends, unless response_deadline is earlier." The rule gives the instant; how a text writes it is formatting.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..timezones import zone


def last_day_ends_at(ends_on: date, timezone: str | None) -> datetime:
    """Midnight after the retreat's last day in its own time zone: the first instant that is no longer that day."""
    return datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=zone(timezone))


def responses_close_at(ends_on: date, timezone: str | None, response_deadline: datetime | None) -> datetime:
    """The instant answers stop: the end of the last day, or an earlier `response_deadline` (an aware datetime)."""
    end_of_last_day = last_day_ends_at(ends_on, timezone)
    if response_deadline is not None and response_deadline < end_of_last_day:
        return response_deadline
    return end_of_last_day


# Who may answer, and while the retreat is in which state (registration applies it; notifications checks it before
# it hands an SMS reply over).
OPEN_RETREAT_STATUSES = ("published", "running")
ANSWERABLE_STATUSES = ("invited", "confirmed", "declined")


def can_respond(registration_status: str, retreat_status: str, now: datetime, closes_at: datetime) -> bool:
    return (retreat_status in OPEN_RETREAT_STATUSES and registration_status in ANSWERABLE_STATUSES
            and now < closes_at)
