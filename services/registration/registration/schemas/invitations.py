"""The official's invitation, as their link shows it."""
from __future__ import annotations

from marshmallow import Schema, fields

from retret.events.catalogue import REGISTRATION_STATUSES, SESSION_KINDS

from ..domain.permits import KINDS as PERMIT_KINDS, STATUSES as PERMIT_STATUSES
from .fields import BlankIsNone, Text


class InvitationOfficial(Schema):
    name = fields.String()
    position = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)


class InvitationRegistration(Schema):
    id = fields.String()
    retreat_id = fields.String()
    status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    official = fields.Nested(InvitationOfficial)
    group = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    shirt_size = fields.String(allow_none=True)
    health_notes = fields.String(allow_none=True)
    emergency_contact = fields.String(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    can_respond = fields.Boolean()


class InvitationRetreat(Schema):
    id = fields.String()
    code = fields.String()
    title = fields.String()
    organizer = fields.String(allow_none=True)
    venue = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    timezone = fields.String()
    status = fields.String()
    response_deadline = fields.DateTime(allow_none=True)
    responses_close_at = fields.DateTime()


class InvitationSession(Schema):
    """A session of the official's agenda (their group's and everyone's), times in the retreat's zone."""
    id = fields.String()
    title = fields.String()
    kind = fields.String(metadata={"enum": list(SESSION_KINDS)})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    location = fields.String(allow_none=True)
    mandatory = fields.Boolean()


class InvitationPermit(Schema):
    """One of the official's own permits, with the organiser's decision."""
    id = fields.String()
    kind = fields.String(metadata={"enum": list(PERMIT_KINDS)})
    reason = fields.String(allow_none=True)
    session_ids = fields.List(fields.String())
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"enum": list(PERMIT_STATUSES)})
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class Invitation(Schema):
    sessions = fields.List(fields.Nested(InvitationSession),
                           metadata={"description": "Scheduled sessions expecting the official, in time order"})
    permits = fields.List(fields.Nested(InvitationPermit), metadata={"description": "The official's own, newest first"})
    registration = fields.Nested(InvitationRegistration)
    retreat = fields.Nested(InvitationRetreat)
    can_respond = fields.Boolean()
    responses_close_at = fields.DateTime()


class ConfirmRequest(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("shirt_size", "health_notes", "emergency_contact")

    shirt_size = Text(max=20, allow_none=True)
    health_notes = Text(max=2000, allow_none=True)
    emergency_contact = Text(max=500, allow_none=True)


class DeclineRequest(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("reason",)

    reason = Text(max=1000, allow_none=True, load_default=None)
