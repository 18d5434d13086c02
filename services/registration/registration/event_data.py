"""The data of the events registration emits, shaped exactly as retret.events.catalogue declares them."""
from __future__ import annotations

from retret import clock

from .domain import agenda
from .domain.officials import OFFICIAL_FIELDS
from .models import AgendaSession, Attendance, Official, Permit, Registration, Retreat, Speaker


def _aware(value):
    return clock.as_utc(value) if value is not None else None


def official_data(official: Official) -> dict:
    return {name: getattr(official, name) for name in OFFICIAL_FIELDS}


def retreat_brief(retreat: Retreat) -> dict:
    return {"code": retreat.code, "title": retreat.title, "venue": retreat.venue, "timezone": retreat.timezone,
            "language": retreat.language, "starts_on": retreat.starts_on, "ends_on": retreat.ends_on,
            "response_deadline": _aware(retreat.response_deadline)}


def retreat_data(retreat: Retreat, old_starts_on=None, old_ends_on=None) -> dict:
    return {
        "retreat_id": retreat.id, "code": retreat.code, "title": retreat.title, "organizer": retreat.organizer,
        "venue": retreat.venue, "timezone": retreat.timezone, "language": retreat.language,
        "starts_on": retreat.starts_on,
        "ends_on": retreat.ends_on, "status": retreat.status, "attendance_threshold": retreat.attendance_threshold,
        "late_tolerance_minutes": retreat.late_tolerance_minutes, "capacity": retreat.capacity,
        "response_deadline": _aware(retreat.response_deadline),
        "old_starts_on": old_starts_on, "old_ends_on": old_ends_on,
    }


def participant_invited(registration: Registration, invitation_url: str) -> dict:
    return {
        "registration_id": registration.id, "retreat_id": registration.retreat_id, "status": registration.status,
        "official": official_data(registration.official), "retreat": retreat_brief(registration.retreat),
        "invitation_url": invitation_url,
    }


def registration_status(registration: Registration, invitation_url: str | None, badge_code: str | None = None,
                        reply_id: str | None = None) -> dict:
    return {
        "registration_id": registration.id, "retreat_id": registration.retreat_id, "status": registration.status,
        "reason": registration.reason, "official": official_data(registration.official),
        "retreat": retreat_brief(registration.retreat), "invitation_url": invitation_url,
        "shirt_size": registration.shirt_size, "health_notes": registration.health_notes,
        "emergency_contact": registration.emergency_contact, "badge_code": badge_code, "reply_id": reply_id,
    }


def group_assigned(registration: Registration) -> dict:
    return {"registration_id": registration.id, "retreat_id": registration.retreat_id, "group": registration.group,
            "room": registration.room}


def participant_updated(official: Official, changed: list[str], registration_ids: list[str]) -> dict:
    return {"nip": official.nip, "registration_ids": registration_ids, "changed": changed,
            "official": official_data(official)}


def session_slot(session: AgendaSession) -> agenda.Slot:
    """The session's times, aware (SQLite hands them back naive)."""
    return agenda.Slot(clock.as_utc(session.starts_at), clock.as_utc(session.ends_at))


def session_data(session: AgendaSession, old_starts_at=None, old_ends_at=None) -> dict:
    slot = session_slot(session)
    opens, closes = agenda.checkin_window(slot, session.checkin_opens_before_minutes,
                                          session.checkin_closes_after_minutes)
    return {
        "session_id": session.id, "retreat_id": session.retreat_id, "title": session.title, "kind": session.kind,
        "description": session.description, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
        "location": session.location, "mandatory": session.mandatory,
        "audience_groups": list(session.audience_groups or []),
        "speaker_ids": [link.speaker_id for link in session.speaker_links],
        "checkin_opens_at": opens, "checkin_closes_at": closes, "status": session.status,
        "old_starts_at": _aware(old_starts_at), "old_ends_at": _aware(old_ends_at),
    }


def speaker_data(speaker: Speaker) -> dict:
    """What subscribers learn of a speaker: never the organiser's notes."""
    return {"speaker_id": speaker.id, "retreat_id": speaker.retreat_id, "name": speaker.name,
            "position": speaker.position, "institution": speaker.institution, "topic": speaker.topic,
            "status": speaker.status}


def attendance_data(attendance: Attendance) -> dict:
    """attendance.updated: the current status of one registration at one session (consumers upsert)."""
    return {"registration_id": attendance.registration_id, "session_id": attendance.session_id,
            "retreat_id": attendance.retreat_id, "status": attendance.status,
            "scanned_at": _aware(attendance.scanned_at), "method": attendance.method,
            "device_id": attendance.device_id}


def cleared_data(attendance: Attendance, reason: str) -> dict:
    """attendance.cleared: the pair has no attendance any more (consumers remove it; absent stays derived)."""
    return {"registration_id": attendance.registration_id, "session_id": attendance.session_id,
            "retreat_id": attendance.retreat_id, "reason": reason}


def permit_data(permit: Permit) -> dict:
    """permit.*: the reasons are personal (the relay keeps them from reporting); the admin's decision reason is
    what notifications tells the official ("Alasan: ...")."""
    return {"permit_id": permit.id, "registration_id": permit.registration_id, "retreat_id": permit.retreat_id,
            "kind": permit.kind, "starts_at": _aware(permit.starts_at), "ends_at": _aware(permit.ends_at),
            "session_ids": list(permit.session_ids or []), "status": permit.status, "reason": permit.reason,
            "decision_reason": permit.decision_reason, **_withdrawal(permit)}


def _withdrawal(permit: Permit) -> dict:
    """permit.withdrawn: by the official or by the organiser (never a staff username on the bus), and why."""
    if permit.withdrawn_by is None:
        return {}
    return {"withdrawn_by": "official" if permit.withdrawn_by == "official" else "organiser",
            "withdrawal_reason": permit.withdrawal_reason}
