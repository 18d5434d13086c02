"""What the API answers: models as plain data, a retreat's times in the retreat's own time zone."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from retret import clock
from retret.rules.responses import responses_close_at
from retret.timezones import in_zone as local  # local(value, retreat.timezone): how every view shows a time
from retret.rules.nip import nip_kind

from .domain import agenda
from .event_data import official_data, session_slot
from .models import AgendaSession, Attendance, Official, Permit, Registration, Retreat, Speaker, User


def utc(value: datetime | None) -> datetime | None:
    return clock.as_utc(value) if value is not None else None


def closes_at(retreat: Retreat) -> datetime:
    return responses_close_at(retreat.ends_on, retreat.timezone, utc(retreat.response_deadline))


def user_view(user: User) -> dict:
    return {"id": user.id, "username": user.username, "role": user.role, "created_at": utc(user.created_at)}


def retreat_view(retreat: Retreat) -> dict:
    tz = retreat.timezone
    return {
        "id": retreat.id, "code": retreat.code, "title": retreat.title, "organizer": retreat.organizer,
        "venue": retreat.venue, "timezone": tz, "language": retreat.language, "starts_on": retreat.starts_on,
        "ends_on": retreat.ends_on,
        "status": retreat.status, "attendance_threshold": retreat.attendance_threshold,
        "late_tolerance_minutes": retreat.late_tolerance_minutes, "capacity": retreat.capacity,
        "response_deadline": local(retreat.response_deadline, tz), "responses_close_at": local(closes_at(retreat), tz),
        "published_at": local(retreat.published_at, tz), "cancelled_at": local(retreat.cancelled_at, tz),
        "created_at": local(retreat.created_at, tz), "updated_at": local(retreat.updated_at, tz),
    }


def official_view(official: Official) -> dict:
    return {**official_data(official), "nip_kind": nip_kind(official.nip), "created_at": utc(official.created_at),
            "updated_at": utc(official.updated_at)}


# What an operator or the secretariat reading registrations does not get: the official's personal link (it acts
# as the official) and what the official told only the organiser (DESIGN §5).
ADMIN_ONLY_FIELDS = ("invitation_url", "health_notes", "emergency_contact")


def registration_view(registration: Registration, invitation_url: str | None, private: bool = True) -> dict:
    """A registration for staff; `private=False` leaves out ADMIN_ONLY_FIELDS."""
    tz = registration.retreat.timezone
    view = {
        "id": registration.id, "retreat_id": registration.retreat_id, "number": registration.number,
        "status": registration.status, "official": official_view(registration.official),
        "group": registration.group, "room": registration.room, "group_manual": registration.group_manual,
        "room_manual": registration.room_manual, "health_category": registration.health_category,
        "reason": registration.reason, "shirt_size": registration.shirt_size,
        "health_notes": registration.health_notes, "emergency_contact": registration.emergency_contact,
        "token_version": registration.token_version, "invitation_url": invitation_url,
        "invited_at": local(registration.invited_at, tz), "responded_at": local(registration.responded_at, tz),
        "created_at": local(registration.created_at, tz), "updated_at": local(registration.updated_at, tz),
    }
    if not private:
        for name in ADMIN_ONLY_FIELDS:
            del view[name]
    return view


def invitation_registration_view(registration: Registration, can_respond: bool) -> dict:
    """The official's own registration, as their invitation link shows it (no contacts of others, no NIP list)."""
    official, tz = registration.official, registration.retreat.timezone
    return {
        "id": registration.id, "retreat_id": registration.retreat_id, "status": registration.status,
        "official": {"name": official.name, "position": official.position, "unit_code": official.unit_code,
                     "unit_name": official.unit_name},
        "group": registration.group, "room": registration.room, "reason": registration.reason,
        "shirt_size": registration.shirt_size, "health_notes": registration.health_notes,
        "emergency_contact": registration.emergency_contact,
        "responded_at": local(registration.responded_at, tz), "can_respond": can_respond,
    }


def invitation_session_view(session: AgendaSession) -> dict:
    """A session the official may ask a permit for (no check-in details, no speakers)."""
    tz, slot = session.retreat.timezone, session_slot(session)
    return {"id": session.id, "title": session.title, "kind": session.kind, "starts_at": local(slot.starts_at, tz),
            "ends_at": local(slot.ends_at, tz), "location": session.location, "mandatory": session.mandatory}


def invitation_permit_view(permit: Permit) -> dict:
    """The official's own permit, with the organiser's decision (no staff usernames)."""
    tz = permit.registration.retreat.timezone
    return {
        "id": permit.id, "kind": permit.kind, "reason": permit.reason, "session_ids": list(permit.session_ids or []),
        "starts_at": local(permit.starts_at, tz), "ends_at": local(permit.ends_at, tz), "status": permit.status,
        "decided_at": local(permit.decided_at, tz), "decision_reason": permit.decision_reason,
        "withdrawn_at": local(permit.withdrawn_at, tz), "created_at": local(permit.created_at, tz),
    }


def invitation_view(registration: Registration, can_respond: bool, sessions: Iterable[AgendaSession] = (),
                    permits: Iterable[Permit] = ()) -> dict:
    """`sessions`: those of the official's agenda; `permits`: the official's own, newest first."""
    retreat, tz = registration.retreat, registration.retreat.timezone
    close = local(closes_at(retreat), tz)
    return {
        "sessions": [invitation_session_view(s) for s in sessions],
        "permits": [invitation_permit_view(p) for p in permits],
        "registration": invitation_registration_view(registration, can_respond),
        "retreat": {
            "id": retreat.id, "code": retreat.code, "title": retreat.title, "organizer": retreat.organizer,
            "venue": retreat.venue, "starts_on": retreat.starts_on, "ends_on": retreat.ends_on, "timezone": tz,
            "status": retreat.status, "response_deadline": local(retreat.response_deadline, tz),
            "responses_close_at": close,
        },
        "can_respond": can_respond,
        "responses_close_at": close,
    }


def speaker_view(speaker: Speaker) -> dict:
    tz = speaker.retreat.timezone
    return {
        "id": speaker.id, "retreat_id": speaker.retreat_id, "name": speaker.name, "position": speaker.position,
        "institution": speaker.institution, "status": speaker.status, "topic": speaker.topic,
        "notes": speaker.notes, "created_at": local(speaker.created_at, tz),
        "updated_at": local(speaker.updated_at, tz),
    }


def session_view(session: AgendaSession) -> dict:
    tz, slot = session.retreat.timezone, session_slot(session)
    opens, closes = agenda.checkin_window(slot, session.checkin_opens_before_minutes,
                                          session.checkin_closes_after_minutes)
    speakers = [link.speaker for link in session.speaker_links]
    return {
        "id": session.id, "retreat_id": session.retreat_id, "title": session.title, "kind": session.kind,
        "description": session.description, "starts_at": local(slot.starts_at, tz),
        "ends_at": local(slot.ends_at, tz), "location": session.location, "mandatory": session.mandatory,
        "audience_groups": list(session.audience_groups or []),
        "speaker_ids": [s.id for s in speakers],
        "speakers": [{"id": s.id, "name": s.name, "position": s.position, "institution": s.institution,
                      "status": s.status} for s in speakers],
        "checkin_opens_before_minutes": session.checkin_opens_before_minutes,
        "checkin_closes_after_minutes": session.checkin_closes_after_minutes,
        "checkin_opens_at": local(opens, tz), "checkin_closes_at": local(closes, tz),
        "status": session.status, "cancelled_at": local(session.cancelled_at, tz),
        "created_at": local(session.created_at, tz), "updated_at": local(session.updated_at, tz),
    }


def _person(registration: Registration) -> dict:
    """Who an attendance or permit is about, as staff and stations see it (never contacts)."""
    official = registration.official
    return {"nip": official.nip, "name": official.name, "unit_code": official.unit_code,
            "unit_name": official.unit_name, "group": registration.group}


def attendance_view(attendance: Attendance, timezone: str) -> dict:
    return {
        "id": attendance.id, "retreat_id": attendance.retreat_id, "registration_id": attendance.registration_id,
        "session_id": attendance.session_id, "status": attendance.status,
        "scanned_at": local(attendance.scanned_at, timezone), "method": attendance.method,
        "device_id": attendance.device_id, "scan_id": attendance.scan_id,
        "official": _person(attendance.registration),
        "created_at": local(attendance.created_at, timezone), "updated_at": local(attendance.updated_at, timezone),
    }


def permit_view(permit: Permit, private: bool = True) -> dict:
    """A permit; `private=False` (operators, the secretariat) leaves out the official's reason."""
    tz = permit.registration.retreat.timezone
    view = {
        "id": permit.id, "retreat_id": permit.retreat_id, "registration_id": permit.registration_id,
        "official": _person(permit.registration), "kind": permit.kind, "reason": permit.reason,
        "session_ids": list(permit.session_ids or []), "starts_at": local(permit.starts_at, tz),
        "ends_at": local(permit.ends_at, tz), "status": permit.status, "requested_by": permit.requested_by,
        "decided_by": permit.decided_by, "decided_at": local(permit.decided_at, tz),
        "decision_reason": permit.decision_reason, "withdrawn_by": permit.withdrawn_by,
        "withdrawn_at": local(permit.withdrawn_at, tz), "withdrawal_reason": permit.withdrawal_reason,
        "created_at": local(permit.created_at, tz), "updated_at": local(permit.updated_at, tz),
    }
    if not private:
        del view["reason"]
    return view
