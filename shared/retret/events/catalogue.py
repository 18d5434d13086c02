"""Every event type: its source, its data schema, a sample (used by contract tests) and its personal fields.

Personal fields (contacts, invitation links, health and emergency details) are dotted paths into `data`; the relay
strips them for subscribers that are not allowed personal data (reporting).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import Schema, fields, validate

from ..queues import NOTIFICATIONS, REGISTRATION

REGISTRATION_STATUSES = ("invited", "confirmed", "declined", "cancelled", "waitlisted")
RETREAT_STATUSES = ("draft", "published", "running", "finished", "cancelled")
SESSION_KINDS = ("apel", "lecture", "discussion", "physical", "ceremony", "meal", "other")
SESSION_STATUSES = ("scheduled", "cancelled")
SPEAKER_STATUSES = ("invited", "confirmed", "declined")
NOTIFICATION_STATUSES = (
    "created", "sending", "sent", "delivered", "temporary-failure", "permanent-failure", "technical-failure",
)


class RetreatData(Schema):
    retreat_id = fields.UUID(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    organizer = fields.String(allow_none=True)
    venue = fields.String(allow_none=True)
    timezone = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(RETREAT_STATUSES))
    attendance_threshold = fields.Float(required=True)
    late_tolerance_minutes = fields.Integer(required=True)
    capacity = fields.Integer(allow_none=True)
    response_deadline = fields.AwareDateTime(allow_none=True)
    old_starts_on = fields.Date(allow_none=True)
    old_ends_on = fields.Date(allow_none=True)
    # The language of the retreat's messages ("id" or "en"; none, from an older event: Bahasa Indonesia).
    language = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("id", "en")))


class RetreatBrief(Schema):
    """What a message about a registration needs to say about its retreat."""
    code = fields.String(required=True)
    title = fields.String(required=True)
    venue = fields.String(allow_none=True)
    timezone = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    response_deadline = fields.AwareDateTime(allow_none=True)
    # The language of the retreat's messages ("id" or "en"; none, from an older event: Bahasa Indonesia).
    language = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("id", "en")))


class OfficialData(Schema):
    nip = fields.String(required=True)
    name = fields.String(required=True)
    position = fields.String(allow_none=True)
    position_kind = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    rank = fields.String(allow_none=True)
    echelon = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    # The language the official prefers for messages ("id" or "en"; none: the retreat's). Registration emits it;
    # optional all the same, for events emitted before it did.
    language = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("id", "en")))


class SessionData(Schema):
    """An agenda item as it is now; `old_*` are its times before a reschedule (session.rescheduled)."""
    session_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SESSION_KINDS))
    description = fields.String(allow_none=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    location = fields.String(allow_none=True)
    mandatory = fields.Boolean(required=True)
    audience_groups = fields.List(fields.String(), load_default=list)  # empty = everyone
    speaker_ids = fields.List(fields.UUID(), load_default=list)
    checkin_opens_at = fields.AwareDateTime(allow_none=True)
    checkin_closes_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(SESSION_STATUSES))
    old_starts_at = fields.AwareDateTime(allow_none=True)
    old_ends_at = fields.AwareDateTime(allow_none=True)


class SpeakerData(Schema):
    speaker_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    name = fields.String(required=True)
    position = fields.String(allow_none=True)
    institution = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(SPEAKER_STATUSES))


class ParticipantInvitedData(Schema):
    registration_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    official = fields.Nested(OfficialData, required=True)
    retreat = fields.Nested(RetreatBrief, required=True)
    invitation_url = fields.String(required=True)


class ParticipantUpdatedData(Schema):
    nip = fields.String(required=True)
    registration_ids = fields.List(fields.UUID(), load_default=list)
    changed = fields.List(fields.String(), required=True)
    official = fields.Nested(OfficialData, required=True)


class RegistrationStatusData(Schema):
    registration_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    reason = fields.String(allow_none=True)
    official = fields.Nested(OfficialData, required=True)
    retreat = fields.Nested(RetreatBrief, required=True)
    invitation_url = fields.String(allow_none=True)
    shirt_size = fields.String(allow_none=True)
    health_notes = fields.String(allow_none=True)
    emergency_contact = fields.String(allow_none=True)
    # The code on the official's QR badge (confirmed registrations only): for the confirmation message's badge.
    badge_code = fields.String(allow_none=True)
    # Set when the official answered by SMS (sms.reply_received): notifications answers that reply by SMS
    # instead of sending the usual confirmation SMS.
    reply_id = fields.UUID(allow_none=True, load_default=None)


class AttendanceData(Schema):
    registration_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("present", "late", "excused")))
    scanned_at = fields.AwareDateTime(allow_none=True)
    method = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)


class AttendanceClearedData(Schema):
    """The pair has no attendance any more (`absent` stays derived): what an approval excused, once it is withdrawn."""
    registration_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(("permit_withdrawn",)))


class PermitData(Schema):
    permit_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("sick", "duty", "family", "other")))
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    session_ids = fields.List(fields.UUID(), load_default=list)
    status = fields.String(required=True, validate=validate.OneOf(("pending", "approved", "rejected", "withdrawn")))
    reason = fields.String(allow_none=True)
    # Why an admin approved or rejected it (permit.approved / permit.rejected): told to the official.
    decision_reason = fields.String(allow_none=True)
    # permit.withdrawn: who took it back (the official is not told of their own act; never a staff username) and why.
    withdrawn_by = fields.String(allow_none=True, load_default=None,
                                 validate=validate.OneOf(("official", "organiser")))
    withdrawal_reason = fields.String(allow_none=True, load_default=None)


class GroupAssignedData(Schema):
    registration_id = fields.UUID(required=True)
    retreat_id = fields.UUID(required=True)
    group = fields.String(allow_none=True)
    room = fields.String(allow_none=True)


class NotificationStatusData(Schema):
    notification_id = fields.UUID(required=True)
    registration_id = fields.UUID(allow_none=True)
    retreat_id = fields.UUID(allow_none=True)
    channel = fields.String(required=True, validate=validate.OneOf(("email", "sms")))
    kind = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_STATUSES))
    attempts = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)


class SmsReplyData(Schema):
    """An official answered an invitation by SMS (two-way SMS); registration applies it like the link."""
    registration_id = fields.UUID(required=True)
    answer = fields.String(required=True, validate=validate.OneOf(("confirm", "decline")))
    reason = fields.String(allow_none=True)
    received_at = fields.AwareDateTime(required=True)
    reply_id = fields.UUID(required=True)
    retreat_id = fields.UUID(allow_none=True, load_default=None)


@dataclass(frozen=True)
class EventType:
    name: str
    source: str
    schema: type[Schema]
    sample: dict
    personal: frozenset[str] = field(default_factory=frozenset)
    version: int = 1


RETREAT_ID = "7b0c4c1e-3f0a-4d43-9a43-2d1f3b8a9c01"
REGISTRATION_ID = "0f8e1a52-6f3c-4b7e-8d0a-5c2b9e7d4a11"
SESSION_ID = "5d2c7b3a-1e4f-4a6b-9c8d-7e6f5a4b3c21"
SPEAKER_ID = "9a8b7c6d-5e4f-4321-8765-43210fedcb31"

_OFFICIAL = {
    "nip": "198609262015051001", "name": "Dr. Budi Santoso, S.Sos., M.Si.", "position": "Camat Lowokwaru",
    "position_kind": "camat", "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru", "rank": "IV/a",
    "echelon": "III.a", "email": "budi.santoso@malangkota.go.id", "phone": "+6281234567890", "language": None,
}
_BRIEF = {
    "code": "RETRET-MLG-2025", "title": "Retret Pejabat Struktural Kota Malang 2025",
    "venue": "Poltekad, Karangploso", "timezone": "Asia/Jakarta", "starts_on": "2025-05-15",
    "ends_on": "2025-05-17", "response_deadline": None,
}
_RETREAT = {
    "retreat_id": RETREAT_ID, "code": _BRIEF["code"], "title": _BRIEF["title"], "organizer": "BKPSDM Kota Malang",
    "venue": _BRIEF["venue"], "timezone": "Asia/Jakarta", "starts_on": "2025-05-15", "ends_on": "2025-05-17",
    "status": "published", "attendance_threshold": 0.9, "late_tolerance_minutes": 5, "capacity": None,
    "response_deadline": None, "old_starts_on": None, "old_ends_on": None,
}
_SESSION = {
    "session_id": SESSION_ID, "retreat_id": RETREAT_ID, "title": "Apel Pagi", "kind": "apel",
    "starts_at": "2025-05-15T05:30:00+07:00", "ends_at": "2025-05-15T06:30:00+07:00",
    "description": "Apel pembukaan dan pengarahan Komandan", "location": "Lapangan Poltekad", "mandatory": True,
    "audience_groups": [], "speaker_ids": [SPEAKER_ID], "checkin_opens_at": "2025-05-15T04:30:00+07:00",
    "checkin_closes_at": "2025-05-15T06:30:00+07:00", "status": "scheduled", "old_starts_at": None,
    "old_ends_at": None,
}
_INVITATION_URL = "https://retret.example.go.id/portal/invitations/eyJyIjoiMGY4ZSJ9.c2lnbmF0dXJl"
_REG_STATUS = {
    "registration_id": REGISTRATION_ID, "retreat_id": RETREAT_ID, "status": "confirmed", "reason": None,
    "official": _OFFICIAL, "retreat": _BRIEF, "invitation_url": _INVITATION_URL, "shirt_size": "L",
    "health_notes": None, "emergency_contact": "Siti (istri) 081298765432",
    "badge_code": "InN4Y1FfN2RhM0tSdU5YLUIi.Zk1h2b3c4d5e6f7g8h9i0jKlMnOpQrS", "reply_id": None,
}
_PERMIT = {
    "permit_id": "3c2b1a09-8f7e-4d6c-9b5a-493827161501", "registration_id": REGISTRATION_ID,
    "retreat_id": RETREAT_ID, "kind": "sick", "starts_at": "2025-05-16T08:00:00+07:00",
    "ends_at": "2025-05-16T12:00:00+07:00", "session_ids": [SESSION_ID], "status": "pending",
    "reason": "Demam, surat dokter terlampir",
}

_CONTACTS = frozenset({"official.email", "official.phone"})
_REG_PERSONAL = _CONTACTS | {"invitation_url", "health_notes", "emergency_contact", "badge_code"}


def _types() -> list[EventType]:
    reg = REGISTRATION
    out = [
        EventType(f"retreat.{verb}", reg, RetreatData, {**_RETREAT, "status": status})
        for verb, status in (("published", "published"), ("updated", "published"),
                             ("rescheduled", "published"), ("cancelled", "cancelled"))
    ]
    out += [
        EventType(f"session.{verb}", reg, SessionData, {**_SESSION, "status": status})
        for verb, status in (("scheduled", "scheduled"), ("updated", "scheduled"), ("cancelled", "cancelled"))
    ]
    out.append(EventType("session.rescheduled", reg, SessionData, {
        **_SESSION, "starts_at": "2025-05-15T06:00:00+07:00", "ends_at": "2025-05-15T07:00:00+07:00",
        "checkin_opens_at": "2025-05-15T05:00:00+07:00", "checkin_closes_at": "2025-05-15T07:00:00+07:00",
        "old_starts_at": _SESSION["starts_at"], "old_ends_at": _SESSION["ends_at"]}))
    out.append(EventType("speaker.updated", reg, SpeakerData, {
        "speaker_id": SPEAKER_ID, "retreat_id": RETREAT_ID, "name": "Prof. Dr. Zudan Arif Fakrulloh",
        "position": "Kepala BKN", "institution": "Badan Kepegawaian Negara",
        "topic": "Manajemen talenta ASN", "status": "confirmed"}))
    out.append(EventType("participant.invited", reg, ParticipantInvitedData, {
        "registration_id": REGISTRATION_ID, "retreat_id": RETREAT_ID, "status": "invited", "official": _OFFICIAL,
        "retreat": _BRIEF, "invitation_url": _INVITATION_URL}, personal=_CONTACTS | {"invitation_url"}))
    out.append(EventType("participant.updated", reg, ParticipantUpdatedData, {
        "nip": _OFFICIAL["nip"], "registration_ids": [REGISTRATION_ID], "changed": ["position", "phone"],
        "official": _OFFICIAL}, personal=_CONTACTS))
    out += [
        EventType(f"registration.{status}", reg, RegistrationStatusData,
                  {**_REG_STATUS, "status": status, "reason": reason,
                   "badge_code": _REG_STATUS["badge_code"] if status == "confirmed" else None},
                  personal=_REG_PERSONAL)
        for status, reason in (("confirmed", None), ("declined", "Tugas dinas ke Jakarta"),
                               ("cancelled", "Dibatalkan panitia"), ("waitlisted", None))
    ]
    out.append(EventType("attendance.updated", reg, AttendanceData, {
        "registration_id": REGISTRATION_ID, "session_id": SESSION_ID, "retreat_id": RETREAT_ID,
        "status": "late", "scanned_at": "2025-05-15T05:41:12+07:00", "method": "badge", "device_id": "pos-1"}))
    out.append(EventType("attendance.cleared", reg, AttendanceClearedData, {
        "registration_id": REGISTRATION_ID, "session_id": SESSION_ID, "retreat_id": RETREAT_ID,
        "reason": "permit_withdrawn"}))
    out += [
        EventType(f"permit.{verb}", reg, PermitData, {**_PERMIT, "status": status, "decision_reason": decision},
                  personal=frozenset({"reason", "decision_reason"}))
        for verb, status, decision in (("requested", "pending", None), ("approved", "approved", "Surat dokter sah"),
                                       ("rejected", "rejected", "Sesi wajib tidak dapat diganti"))
    ]
    out.append(EventType("permit.withdrawn", reg, PermitData, {
        **_PERMIT, "status": "withdrawn", "decision_reason": "Surat dokter sah", "withdrawn_by": "organiser",
        "withdrawal_reason": "Peserta sudah sehat dan hadir"},
        personal=frozenset({"reason", "decision_reason", "withdrawal_reason"})))
    out.append(EventType("group.assigned", reg, GroupAssignedData, {
        "registration_id": REGISTRATION_ID, "retreat_id": RETREAT_ID, "group": "Peleton 3", "room": "Barak B-12"}))
    out.append(EventType("sms.reply_received", NOTIFICATIONS, SmsReplyData, {
        "registration_id": REGISTRATION_ID, "answer": "decline", "reason": "Tugas dinas ke Jakarta",
        "received_at": "2025-05-10T02:15:00+00:00", "reply_id": "2b3c4d5e-6f70-4182-9394-a5b6c7d8e9f0",
        "retreat_id": RETREAT_ID}))
    out.append(EventType("notification.status_changed", NOTIFICATIONS, NotificationStatusData, {
        "notification_id": "6e5d4c3b-2a19-4876-9543-210fedcba941", "registration_id": REGISTRATION_ID,
        "retreat_id": RETREAT_ID, "channel": "email", "kind": "invitation", "status": "sent", "attempts": 1,
        "error": None, "provider": "smtp"}))
    return out


CATALOGUE: dict[str, EventType] = {t.name: t for t in _types()}


def event_type(name: str) -> EventType:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"unknown event type {name!r}; add it to retret.events.catalogue") from None


def sources() -> set[str]:
    return {t.source for t in CATALOGUE.values()}
