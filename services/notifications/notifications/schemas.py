"""marshmallow schemas of the notifications API (query arguments and answers)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.http.pagination import PageArgs

from .domain.lifecycle import STATUSES
from .domain.messages import CHANNELS, KINDS


class NotificationFilterArgs(Schema):
    retreat_id = fields.UUID(load_default=None, metadata={"description": "Only this retreat's messages."})
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    registration_id = fields.UUID(load_default=None, metadata={"description": "Only messages to one registration."})


class NotificationListArgs(PageArgs, NotificationFilterArgs):
    pass


class StatsArgs(Schema):
    retreat_id = fields.UUID(load_default=None, metadata={"description": "Only this retreat's messages."})


class NotificationSchema(Schema):
    id = fields.String(metadata={"format": "uuid"})
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    kind = fields.String(metadata={"enum": list(KINDS)})
    language = fields.String()
    recipient = fields.String(metadata={"description": "Email address or E.164 phone number."})
    recipient_name = fields.String(allow_none=True)
    retreat_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    registration_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    event_id = fields.String(allow_none=True, metadata={"description": "The event that caused the message."})
    subject = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    attempts = fields.Integer()
    provider = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    message_id = fields.String(metadata={"description": "Email Message-ID (stable across re-sends)."})
    due_at = fields.DateTime(allow_none=True, metadata={"description": "When the next attempt is due."})
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class HistoryEntrySchema(Schema):
    status = fields.String(metadata={"enum": list(STATUSES)})
    at = fields.DateTime()
    detail = fields.String(allow_none=True)


class NotificationDetailSchema(NotificationSchema):
    body_text = fields.String()
    body_html = fields.String(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    next_cursor = fields.String(allow_none=True)


class ChannelStatsSchema(Schema):
    total = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "Count per status (every status listed)."})


class NotificationStatsSchema(Schema):
    retreat_id = fields.String(allow_none=True)
    total = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer())
    channels = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelStatsSchema))
