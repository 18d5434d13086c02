"""Attendance status rules for retreat sessions.

Scans come from QR devices that may be offline and sync later, so
``scanned_at`` is the device's clock and ``now`` is the server's.  All
datetimes must be timezone-aware: sessions run across WIB/WITA/WIT, and
comparing naive datetimes there silently gives wrong answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

PRESENT = "present"
LATE = "late"
EXCUSED = "excused"
ABSENT = "absent"
STATUSES = frozenset({PRESENT, LATE, EXCUSED, ABSENT})

REFUSAL_FUTURE = "future"
REFUSAL_OUTSIDE_WINDOW = "outside_window"

DEFAULT_OPENS_BEFORE_MINUTES = 60
DEFAULT_CLOSES_AFTER_MINUTES = 0
# Allowance for device clocks running slightly ahead of the server.
DEFAULT_MAX_FUTURE = timedelta(minutes=2)


def _require_aware(**values: datetime) -> None:
    """Raise ValueError naming the first naive datetime."""
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")


def scan_status(
    scanned_at: datetime, session_starts_at: datetime, late_tolerance_minutes: int
) -> str:
    """PRESENT up to and including start + tolerance, LATE strictly after."""
    _require_aware(scanned_at=scanned_at, session_starts_at=session_starts_at)
    if late_tolerance_minutes < 0:
        raise ValueError("late_tolerance_minutes must not be negative")
    deadline = session_starts_at + timedelta(minutes=late_tolerance_minutes)
    return LATE if scanned_at > deadline else PRESENT


def checkin_window(
    starts_at: datetime,
    ends_at: datetime,
    opens_before_minutes: int = DEFAULT_OPENS_BEFORE_MINUTES,
    closes_at: datetime | None = None,
    closes_after_minutes: int = DEFAULT_CLOSES_AFTER_MINUTES,
) -> tuple[datetime, datetime]:
    """Return (opens, closes): opens before the start, closes at the end by default.

    A session keeps its window as minutes relative to its times (so the window follows a reschedule):
    `closes_after_minutes` past the end; an explicit `closes_at` wins over it."""
    _require_aware(starts_at=starts_at, ends_at=ends_at)
    if ends_at < starts_at:
        raise ValueError("ends_at must not be before starts_at")
    if opens_before_minutes < 0:
        raise ValueError("opens_before_minutes must not be negative")
    if closes_after_minutes < 0:
        raise ValueError("closes_after_minutes must not be negative")
    opens = starts_at - timedelta(minutes=opens_before_minutes)
    if closes_at is None:
        return opens, ends_at + timedelta(minutes=closes_after_minutes)
    _require_aware(closes_at=closes_at)
    if closes_at < opens:
        raise ValueError("closes_at must not be before the window opens")
    return opens, closes_at


def scan_refusal(
    scanned_at: datetime,
    now: datetime,
    window: tuple[datetime, datetime],
    max_future: timedelta = DEFAULT_MAX_FUTURE,
) -> str | None:
    """Why a scan must be refused, or None if it is acceptable.

    The future check comes first: a scan stamped ahead of the server clock
    (beyond the skew allowance) is untrustworthy whatever the window says.
    Both window bounds are inclusive.
    """
    opens, closes = window
    _require_aware(scanned_at=scanned_at, now=now, opens=opens, closes=closes)
    if scanned_at > now + max_future:
        return REFUSAL_FUTURE
    if not opens <= scanned_at <= closes:
        return REFUSAL_OUTSIDE_WINDOW
    return None


def earliest_wins(existing_scanned_at: datetime | None, new_scanned_at: datetime) -> bool:
    """True if the new scan should replace the recorded one.

    Offline devices sync in any order and people scan twice; keeping the
    earliest scan means a late re-scan never turns "present" into "late".
    Equal times keep the existing record (idempotent re-sync).
    """
    _require_aware(new_scanned_at=new_scanned_at)
    if existing_scanned_at is None:
        return True
    _require_aware(existing_scanned_at=existing_scanned_at)
    return new_scanned_at < existing_scanned_at


def permit_covers(
    session_id: str,
    session_starts_at: datetime,
    session_ends_at: datetime,
    permit_session_ids: tuple[str, ...] | list[str],
    permit_starts_at: datetime | None,
    permit_ends_at: datetime | None,
) -> bool:
    """Whether a permit covers a session: it names the session, or (naming none) its period overlaps the
    session's time (touching ends do not overlap). Whether the permit is approved is the caller's question."""
    if permit_session_ids:
        return str(session_id) in {str(s) for s in permit_session_ids}
    if permit_starts_at is None or permit_ends_at is None:
        return False
    _require_aware(permit_starts_at=permit_starts_at, permit_ends_at=permit_ends_at,
                   session_starts_at=session_starts_at, session_ends_at=session_ends_at)
    return permit_starts_at < session_ends_at and session_starts_at < permit_ends_at


def derive_status(recorded: str | None, excused: bool, session_ended: bool) -> str | None:
    """Final status of one official for one session.

    - a scan (present/late) wins over a permit: the official actually came;
    - otherwise an approved permit covering the session makes it EXCUSED
      (also before the session ends, since the permit is already known);
    - otherwise a recorded status (e.g. EXCUSED/ABSENT set by staff) stands;
    - with nothing recorded: ABSENT once the session has ended, else None
      (not known yet).
    """
    if recorded is not None and recorded not in STATUSES:
        raise ValueError(f"unknown attendance status: {recorded!r}")
    if recorded in (PRESENT, LATE):
        return recorded
    if excused:
        return EXCUSED
    if recorded is not None:
        return recorded
    return ABSENT if session_ended else None


def attendance_rate(present: int, late: int, excused: int, records: int) -> float:
    """(present + late + excused) / records, or 0.0 when there are no records."""
    if min(present, late, excused, records) < 0:
        raise ValueError("counts must not be negative")
    attended = present + late + excused
    if attended > records:
        raise ValueError("present + late + excused cannot exceed records")
    if records == 0:
        return 0.0
    return attended / records
