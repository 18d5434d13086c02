"""The agenda: sessions lie within the retreat's days, keep a check-in window relative to their times, and move
with the retreat when it is rescheduled."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from retret.events.catalogue import SESSION_KINDS, SPEAKER_STATUSES
from retret.rules import attendance

from . import DomainError

KINDS = SESSION_KINDS
SPEAKER_INVITED = SPEAKER_STATUSES[0]
SCHEDULED, CANCELLED = "scheduled", "cancelled"


@dataclass(frozen=True)
class Slot:
    """When a session runs (aware datetimes)."""
    starts_at: datetime
    ends_at: datetime


def outside_field(slot: Slot, begins_at: datetime, ends_at: datetime) -> str | None:
    """Which of a session's times lies outside the retreat's days ('starts_at' or 'ends_at'), or None."""
    if slot.starts_at < begins_at or slot.starts_at >= ends_at:
        return "starts_at"
    if slot.ends_at > ends_at:
        return "ends_at"
    return None


def check_session_editable(status: str) -> None:
    if status == CANCELLED:
        raise DomainError("session_cancelled", "Sesi ini sudah dibatalkan dan tidak dapat diubah.")


def checkin_window(slot: Slot, opens_before_minutes: int, closes_after_minutes: int) -> tuple[datetime, datetime]:
    return attendance.checkin_window(slot.starts_at, slot.ends_at, opens_before_minutes=opens_before_minutes,
                                     closes_after_minutes=closes_after_minutes)


def unique(values: Iterable) -> list:
    """The values without repeats, in the order first given."""
    return list(dict.fromkeys(values))


def changed_fields(current: Mapping, incoming: Mapping) -> list[str]:
    """The keys of `incoming` whose value differs from `current`, in the order of `incoming`."""
    return [name for name, value in incoming.items() if current.get(name) != value]


# --------------------------------------------------------------------------- rescheduling with the retreat
def day_offset(old_starts_on: date, new_starts_on: date) -> int:
    return (new_starts_on - old_starts_on).days


def shifted(moment: datetime, days: int, old_zone: str, new_zone: str) -> datetime:
    """The same local wall-clock time `days` later (or earlier), read in the retreat's new zone."""
    local = moment.astimezone(ZoneInfo(old_zone)).replace(tzinfo=None)
    return (local + timedelta(days=days)).replace(tzinfo=ZoneInfo(new_zone))


def plan_reschedule(slots: Mapping[str, Slot], begins_at: datetime, ends_at: datetime, shift_days: int | None,
                    old_zone: str, new_zone: str) -> tuple[dict[str, Slot], list[str]]:
    """How the sessions follow a retreat to new dates: (new slots of the sessions that move, ids of the sessions
    that would lie outside the new days).

    With `shift_days` (shift_sessions) every session moves by that many days, keeping its local wall-clock times;
    without it the sessions stay where they are and must already fit the new days."""
    moves, outside = {}, []
    for session_id, slot in slots.items():
        if shift_days is not None:
            new = Slot(shifted(slot.starts_at, shift_days, old_zone, new_zone),
                       shifted(slot.ends_at, shift_days, old_zone, new_zone))
            if (new.starts_at, new.ends_at) != (slot.starts_at, slot.ends_at):
                moves[session_id] = new
            slot = new
        if outside_field(slot, begins_at, ends_at) is not None:
            outside.append(session_id)
    return moves, outside
