"""What reporting does with each event it receives: upsert its projection, order-tolerant.

Every handler runs inside the bus inbox transaction (`Bus.consume`), one event of a source at a time. After a loss
and a replay an older event may arrive after a newer one: each row (or group of fields) keeps the sequence of the
event that last set it, and an event only writes what it is newer than. The relay has already removed contacts and
invitation links; nothing here would store them anyway (profile fields are picked by name).
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret.events.subscriptions import SUBSCRIPTIONS
from retret.queues import REPORTING
from retret.rules.attendance import STATUSES as ATTENDANCE_STATUSES
from retret.timezones import DEFAULT_TIMEZONE

from .domain.values import (
    as_bool, as_date, as_datetime, as_float, as_int, as_str_list, as_text, as_uuid, as_uuid_list,
)
from .models import (
    CLEARED, AgendaSession, Attendance, NotificationOutcome, Permit, Registration, Retreat, Speaker,
)

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.9
DEFAULT_TOLERANCE = 5
# Profile fields reporting keeps (never email or phone), with the length kept for short columns.
PROFILE_FIELDS = {"name": None, "position": None, "position_kind": 100, "unit_code": 100, "unit_name": None,
                  "rank": 100, "echelon": 100}


def _facts(envelope: dict) -> tuple[dict, int]:
    return envelope["data"], int(envelope["sequence"])


def _skip(envelope: dict, why: str) -> None:
    log.warning("event not projected", extra={"type": envelope.get("type"), "source": envelope.get("source"),
                                              "sequence": envelope.get("sequence"), "reason": why})


def _occurred(envelope: dict):
    return as_datetime(envelope.get("occurred_at"))


def _retreat_id(data: dict, envelope: dict) -> str | None:
    return as_uuid(data.get("retreat_id")) or as_uuid(envelope.get("retreat_id"))


# ---------------------------------------------------------------------------------------------- retreats
def on_retreat(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    retreat_id = _retreat_id(data, envelope)
    if retreat_id is None:
        return _skip(envelope, "no retreat_id")
    row = session.get(Retreat, retreat_id)
    if row is None:
        row = _new_retreat(session, retreat_id)
    elif row.last_sequence >= sequence:
        return None
    _apply_brief(row, data)
    row.organizer = as_text(data.get("organizer"))
    row.status = as_text(data.get("status"), 40) or row.status
    threshold = as_float(data.get("attendance_threshold"))
    if threshold is not None and 0 <= threshold <= 1:
        row.attendance_threshold = threshold
    row.late_tolerance_minutes = _first(as_int(data.get("late_tolerance_minutes")), row.late_tolerance_minutes)
    row.capacity = as_int(data.get("capacity"))
    row.last_sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


def _newer_row(session: Session, model, key, sequence: int, column: str = "sequence", **identity):
    """The row an event may write: a new one, or the stored one when the event is newer than what last set it;
    None when the stored row is as new or newer (an older event arriving after a replay)."""
    row = session.get(model, key)
    if row is None:
        row = model(**identity)
        session.add(row)
    elif getattr(row, column) >= sequence:
        return None
    return row


def _first(*values):
    return next((v for v in values if v is not None), None)


def _new_retreat(session: Session, retreat_id: str) -> Retreat:
    row = Retreat(id=retreat_id, timezone=DEFAULT_TIMEZONE, attendance_threshold=DEFAULT_THRESHOLD,
                  late_tolerance_minutes=DEFAULT_TOLERANCE, last_sequence=0)
    session.add(row)
    return row


def _apply_brief(row: Retreat, data: dict) -> None:
    """Fields a retreat event and a registration event's retreat brief share."""
    row.code = as_text(data.get("code")) or row.code
    row.title = as_text(data.get("title")) or row.title
    row.venue = as_text(data.get("venue"))
    row.timezone = as_text(data.get("timezone"), 100) or row.timezone or DEFAULT_TIMEZONE
    row.starts_on = as_date(data.get("starts_on")) or row.starts_on
    row.ends_on = as_date(data.get("ends_on")) or row.ends_on
    row.response_deadline = as_datetime(data.get("response_deadline"))


def _ensure_retreat(session: Session, retreat_id: str, brief) -> None:
    """A registration event may come before any retreat.* event (replay): know the retreat from its brief."""
    if session.get(Retreat, retreat_id) is not None:
        return
    row = _new_retreat(session, retreat_id)
    if isinstance(brief, dict):
        _apply_brief(row, brief)


# ---------------------------------------------------------------------------------------------- agenda
def on_session(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    session_id, retreat_id = as_uuid(data.get("session_id")), _retreat_id(data, envelope)
    starts_at, ends_at = as_datetime(data.get("starts_at")), as_datetime(data.get("ends_at"))
    if not (session_id and retreat_id and starts_at and ends_at):
        return _skip(envelope, "session without id, retreat or times")
    row = _newer_row(session, AgendaSession, session_id, sequence, column="last_sequence", id=session_id)
    if row is None:
        return None
    row.retreat_id = retreat_id
    row.title = as_text(data.get("title"))
    row.kind = as_text(data.get("kind"), 100)
    row.starts_at, row.ends_at = starts_at, ends_at
    row.location = as_text(data.get("location"))
    row.mandatory = as_bool(data.get("mandatory"), True)
    row.audience_groups = as_str_list(data.get("audience_groups"))
    row.speaker_ids = as_uuid_list(data.get("speaker_ids"))
    row.status = as_text(data.get("status"), 40) or ("cancelled" if envelope["type"] == "session.cancelled"
                                                      else "scheduled")
    row.last_sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


def on_speaker(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    speaker_id, retreat_id = as_uuid(data.get("speaker_id")), _retreat_id(data, envelope)
    if not (speaker_id and retreat_id):
        return _skip(envelope, "speaker without id or retreat")
    row = _newer_row(session, Speaker, speaker_id, sequence, column="last_sequence", id=speaker_id)
    if row is None:
        return None
    row.retreat_id = retreat_id
    row.name = as_text(data.get("name"))
    row.position = as_text(data.get("position"))
    row.institution = as_text(data.get("institution"))
    row.status = as_text(data.get("status"), 40) or "invited"
    row.last_sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


# ---------------------------------------------------------------------------------------------- roster
def _registration(session: Session, registration_id: str) -> Registration:
    row = session.get(Registration, registration_id)
    if row is None:
        row = Registration(registration_id=registration_id, profile_sequence=0, status_sequence=0,
                           group_sequence=0)
        session.add(row)
    return row


def _apply_profile(row: Registration, official, sequence: int) -> None:
    """Profile fields from a newer event; only the keys the event carries (never contacts)."""
    if not isinstance(official, dict) or row.profile_sequence >= sequence:
        return
    if official.get("nip") is not None:
        row.nip = as_text(official["nip"], 40)
    for name, length in PROFILE_FIELDS.items():
        if name in official:
            setattr(row, name, as_text(official[name], length))
    row.profile_sequence = sequence


def on_registration_status(session: Session, envelope: dict) -> None:
    """participant.invited and registration.confirmed/declined/cancelled/waitlisted."""
    data, sequence = _facts(envelope)
    registration_id, retreat_id = as_uuid(data.get("registration_id")), _retreat_id(data, envelope)
    if not (registration_id and retreat_id):
        return _skip(envelope, "registration without id or retreat")
    _ensure_retreat(session, retreat_id, data.get("retreat"))
    row = _registration(session, registration_id)
    row.retreat_id = retreat_id
    _apply_profile(row, data.get("official"), sequence)
    status = as_text(data.get("status"), 40)
    if status and sequence > row.status_sequence:
        row.status, row.status_sequence = status, sequence
        row.reason = as_text(data.get("reason"))
    row.updated_at = _occurred(envelope)
    return None


def on_participant_updated(session: Session, envelope: dict) -> None:
    """A profile change of an official: every registration of that official (listed or known by NIP)."""
    data, sequence = _facts(envelope)
    official = data.get("official") if isinstance(data.get("official"), dict) else {}
    nip = as_text(data.get("nip") or official.get("nip"), 40)
    ids = set(as_uuid_list(data.get("registration_ids")))
    if nip:
        ids.update(session.execute(
            select(Registration.registration_id).where(Registration.nip == nip)).scalars())
    if not ids:
        return _skip(envelope, "no registration known for this official")
    for registration_id in sorted(ids):
        row = _registration(session, registration_id)
        _apply_profile(row, {"nip": nip, **official}, sequence)
        row.updated_at = _occurred(envelope)
    return None


def on_group_assigned(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    registration_id, retreat_id = as_uuid(data.get("registration_id")), _retreat_id(data, envelope)
    if registration_id is None:
        return _skip(envelope, "no registration_id")
    row = _registration(session, registration_id)
    row.retreat_id = row.retreat_id or retreat_id
    if sequence > row.group_sequence:
        row.group, row.room = as_text(data.get("group"), 200), as_text(data.get("room"), 200)
        row.group_sequence = sequence
        row.updated_at = _occurred(envelope)
    return None


# ---------------------------------------------------------------------------------------------- attendance
def on_attendance(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    registration_id, session_id = as_uuid(data.get("registration_id")), as_uuid(data.get("session_id"))
    retreat_id, status = _retreat_id(data, envelope), as_text(data.get("status"), 40)
    if not (registration_id and session_id and retreat_id and status in ATTENDANCE_STATUSES):
        return _skip(envelope, "attendance without registration, session, retreat or a known status")
    row = _newer_row(session, Attendance, (registration_id, session_id), sequence, registration_id=registration_id, session_id=session_id)
    if row is None:
        return None
    row.retreat_id, row.status = retreat_id, status
    row.scanned_at = as_datetime(data.get("scanned_at"))
    row.method = as_text(data.get("method"), 100)
    row.device_id = as_text(data.get("device_id"), 200)
    row.sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


def on_attendance_cleared(session: Session, envelope: dict) -> None:
    """The pair has no attendance any more (a withdrawn permit's excuse). The row stays as a tombstone with this
    event's sequence, so an older attendance.updated replayed later cannot bring it back; a newer one (a scan
    after) overwrites it like any row."""
    data, sequence = _facts(envelope)
    registration_id, session_id = as_uuid(data.get("registration_id")), as_uuid(data.get("session_id"))
    retreat_id = _retreat_id(data, envelope)
    if not (registration_id and session_id and retreat_id):
        return _skip(envelope, "cleared attendance without registration, session or retreat")
    row = _newer_row(session, Attendance, (registration_id, session_id), sequence, registration_id=registration_id,
                     session_id=session_id)
    if row is None:
        return None
    row.retreat_id, row.status = retreat_id, CLEARED
    row.scanned_at = row.method = row.device_id = None
    row.sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


def on_permit(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    permit_id, registration_id = as_uuid(data.get("permit_id")), as_uuid(data.get("registration_id"))
    retreat_id, status = _retreat_id(data, envelope), as_text(data.get("status"), 40)
    if not (permit_id and registration_id and retreat_id and status):
        return _skip(envelope, "permit without id, registration, retreat or status")
    row = _newer_row(session, Permit, permit_id, sequence, permit_id=permit_id)
    if row is None:
        return None
    row.registration_id, row.retreat_id, row.status = registration_id, retreat_id, status
    row.kind = as_text(data.get("kind"), 100) or "other"
    row.session_ids = as_uuid_list(data.get("session_ids"))
    row.starts_at, row.ends_at = as_datetime(data.get("starts_at")), as_datetime(data.get("ends_at"))
    row.sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


# ---------------------------------------------------------------------------------------------- notifications
def on_notification_status(session: Session, envelope: dict) -> None:
    data, sequence = _facts(envelope)
    notification_id, status = as_uuid(data.get("notification_id")), as_text(data.get("status"), 40)
    if not (notification_id and status):
        return _skip(envelope, "notification without id or status")
    row = _newer_row(session, NotificationOutcome, notification_id, sequence, notification_id=notification_id)
    if row is None:
        return None
    row.registration_id = as_uuid(data.get("registration_id"))
    row.retreat_id = _retreat_id(data, envelope)
    row.channel = as_text(data.get("channel"), 40) or "email"
    row.kind = as_text(data.get("kind"), 100) or "other"
    row.status = status
    row.attempts = as_int(data.get("attempts")) or 0
    row.error = as_text(data.get("error"), 2000)
    row.provider = as_text(data.get("provider"), 100)
    row.source = as_text(envelope.get("source"), 40) or "notifications"
    row.sequence = sequence
    row.updated_at = _occurred(envelope)
    return None


_BY_PREFIX: dict[str, Callable[[Session, dict], None]] = {
    "retreat.": on_retreat,
    "session.": on_session,
    "speaker.": on_speaker,
    "participant.invited": on_registration_status,
    "participant.updated": on_participant_updated,
    "registration.": on_registration_status,
    "group.": on_group_assigned,
    "attendance.cleared": on_attendance_cleared,  # before "attendance.": the first prefix that matches wins
    "attendance.": on_attendance,
    "permit.": on_permit,
    "notification.": on_notification_status,
}


def _handler_for(type_name: str) -> Callable[[Session, dict], None]:
    for prefix, handler in _BY_PREFIX.items():
        if type_name.startswith(prefix):
            return handler
    raise LookupError(f"reporting subscribes to {type_name} but has no handler for it")


# One handler per subscribed type (retret.events.subscriptions decides what reporting receives).
HANDLERS: dict[str, Callable[[Session, dict], None]] = {
    name: _handler_for(name) for name in sorted(SUBSCRIPTIONS[REPORTING].types)
}
