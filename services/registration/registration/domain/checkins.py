"""Check-ins: whether a scan is accepted, and what it records (pure; the shared time rules in
retret.rules.attendance).

A scan is refused with one of the codes of DESIGN §5, checked in this order: the session (unknown, cancelled), the
person (unknown_code, other_retreat, not_confirmed), the time (future, outside_window). An accepted scan is
present or late by the retreat's tolerance. A scan of someone outside a session's audience (groups) is accepted
like any other — they came — but reporting does not count them as expected (so it neither raises nor lowers the
session's rate)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retret.rules import attendance as rules
from retret.rules.attendance import EXCUSED, LATE, PRESENT

from .agenda import CANCELLED, Slot, checkin_window

UNKNOWN_CODE, NOT_CONFIRMED, OTHER_RETREAT = "unknown_code", "not_confirmed", "other_retreat"
OUTSIDE_WINDOW, FUTURE, SESSION_CANCELLED = rules.REFUSAL_OUTSIDE_WINDOW, rules.REFUSAL_FUTURE, "session_cancelled"
UNKNOWN_SESSION = "unknown_session"  # added to DESIGN §5's codes: a session that is not of this retreat
BADGE, NIP, MANUAL, PERMIT = "badge", "nip", "manual", "permit"
METHODS = (BADGE, NIP, MANUAL, PERMIT)
SCANNED = (PRESENT, LATE)
RECORDED, DUPLICATE, REJECTED = "recorded", "duplicate", "rejected"

MESSAGES = {
    UNKNOWN_CODE: "Kode badge atau NIP tidak dikenal.",
    NOT_CONFIRMED: "Peserta ini belum mengonfirmasi kehadiran (status pendaftarannya bukan 'confirmed').",
    OTHER_RETREAT: "Badge atau NIP ini terdaftar pada retret lain.",
    OUTSIDE_WINDOW: "Waktu pindai berada di luar jendela presensi sesi ini.",
    FUTURE: "Waktu pindai lebih dari 2 menit di masa depan; periksa jam perangkat.",
    SESSION_CANCELLED: "Sesi ini sudah dibatalkan.",
    UNKNOWN_SESSION: "Sesi tidak ditemukan pada retret ini.",
}


class Refused(Exception):
    """A scan the rules refuse; `code` is one of DESIGN §5's, the message is for the operator."""

    def __init__(self, code: str):
        super().__init__(MESSAGES[code])
        self.code, self.message = code, MESSAGES[code]


@dataclass(frozen=True)
class SessionFacts:
    status: str
    slot: Slot
    opens_before_minutes: int
    closes_after_minutes: int


def check_person(registration_status: str | None, known_elsewhere: bool) -> None:
    """`registration_status`: of the person's registration in this retreat (None: not registered here)."""
    if registration_status is None:
        raise Refused(OTHER_RETREAT if known_elsewhere else UNKNOWN_CODE)
    if registration_status != "confirmed":
        raise Refused(NOT_CONFIRMED)


def check_session(session: SessionFacts | None, retreat_status: str) -> None:
    """The session must be of this retreat and take place: not cancelled, nor its whole retreat."""
    if session is None:
        raise Refused(UNKNOWN_SESSION)
    if CANCELLED in (session.status, retreat_status):
        raise Refused(SESSION_CANCELLED)


def scan_status(session: SessionFacts, scanned_at: datetime, now: datetime, late_tolerance_minutes: int) -> str:
    """present | late for a scan at `scanned_at`, or Refused (future, outside_window)."""
    window = checkin_window(session.slot, session.opens_before_minutes, session.closes_after_minutes)
    refusal = rules.scan_refusal(scanned_at, now, window)
    if refusal is not None:
        raise Refused(refusal)
    return rules.scan_status(scanned_at, session.slot.starts_at, late_tolerance_minutes)


def scan_wins(recorded_status: str | None, recorded_scanned_at: datetime | None, scanned_at: datetime) -> bool:
    """Whether an accepted scan becomes the attendance: there is none yet, only a permit's (a scan wins over a
    permit: the official came), or it is earlier than the recorded scan (offline devices upload in any order)."""
    if recorded_status is None or recorded_status not in SCANNED:
        return True
    return rules.earliest_wins(recorded_scanned_at, scanned_at)


def permit_excuses(recorded_status: str | None) -> bool:
    """Whether an approved permit turns an attendance into excused: not when the official was scanned."""
    return recorded_status not in SCANNED and recorded_status != EXCUSED
