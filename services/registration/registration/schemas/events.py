"""The event log."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class EventsArgs(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1),
                           metadata={"description": "Return events with a sequence above this one"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class Event(Schema):
    sequence = fields.Integer()
    id = fields.String()
    type = fields.String()
    version = fields.Integer()
    occurred_at = fields.DateTime()
    retreat_id = fields.String(allow_none=True)
    trace_id = fields.String()
    data = fields.Dict()
    published_at = fields.DateTime(allow_none=True)


class EventList(Schema):
    items = fields.List(fields.Nested(Event))
    next_after = fields.Integer(allow_none=True, metadata={"description": "Pass as ?after= for the next page"})
