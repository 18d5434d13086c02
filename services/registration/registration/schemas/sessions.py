"""Sessions: the retreat's agenda."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from retret.events.catalogue import SESSION_KINDS, SESSION_STATUSES
from retret.http.pagination import PageArgs

from .fields import BlankIsNone, Text, list_schema
from .patching import patch_schema
from .retreats import DATE_RANGE, Moment

MAX_SPEAKERS, MAX_GROUPS = 20, 50
WINDOW_MINUTES = validate.Range(min=0, max=1440)


class SessionCreate(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("description", "location")

    title = Text(required=True, min=1, max=200)
    kind = fields.String(required=True, validate=validate.OneOf(SESSION_KINDS))
    description = Text(max=5000, allow_none=True, load_default=None)
    starts_at = Moment(required=True, metadata={"description": "With its offset, e.g. 2025-05-16T05:30:00+07:00"})
    ends_at = Moment(required=True)
    location = Text(max=200, allow_none=True, load_default=None)
    mandatory = fields.Boolean(load_default=True, metadata={"description": "Counts for the certificate"})
    speaker_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_SPEAKERS),
                              metadata={"description": "Speakers of the same retreat, in the order shown"})
    audience_groups = fields.List(Text(min=1, max=100), load_default=list, validate=validate.Length(max=MAX_GROUPS),
                                  metadata={"description": "Group (peleton) names; empty = everyone"})
    checkin_opens_before_minutes = fields.Integer(strict=True, load_default=60, validate=WINDOW_MINUTES, metadata={
        "description": "Check-in opens this many minutes before the start"})
    checkin_closes_after_minutes = fields.Integer(strict=True, load_default=0, validate=WINDOW_MINUTES, metadata={
        "description": "Check-in closes this many minutes after the end"})

    @validates_schema
    def _ends_after_start(self, data, **_kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Waktu selesai harus setelah waktu mulai.", "ends_at")


SessionUpdate = patch_schema("SessionUpdate", SessionCreate)


class SessionSpeaker(Schema):
    id = fields.String()
    name = fields.String()
    position = fields.String(allow_none=True)
    institution = fields.String(allow_none=True)
    status = fields.String()


class Session(Schema):
    id = fields.String()
    retreat_id = fields.String()
    title = fields.String()
    kind = fields.String(metadata={"enum": list(SESSION_KINDS)})
    description = fields.String(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    location = fields.String(allow_none=True)
    mandatory = fields.Boolean()
    audience_groups = fields.List(fields.String())
    speaker_ids = fields.List(fields.String())
    speakers = fields.List(fields.Nested(SessionSpeaker))
    checkin_opens_before_minutes = fields.Integer()
    checkin_closes_after_minutes = fields.Integer()
    checkin_opens_at = fields.DateTime()
    checkin_closes_at = fields.DateTime()
    status = fields.String(metadata={"enum": list(SESSION_STATUSES)})
    cancelled_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


SessionList = list_schema("SessionList", Session)


class SessionListArgs(PageArgs):
    date = fields.Date(validate=DATE_RANGE, metadata={"description": "Only sessions starting on this day "
                                                                     "(in the retreat's time zone)"})
    kind = fields.String(validate=validate.OneOf(SESSION_KINDS))
    mandatory = fields.Boolean()
    include_cancelled = fields.Boolean(load_default=False)
