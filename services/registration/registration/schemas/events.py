"""The event log."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.http.pagination import PageArgs

from .fields import ListOf

MAX_SEQUENCE = 2**63 - 1


class EventsArgs(PageArgs):
    """`?limit=&cursor=` like every list; `?after=` (a sequence) is the log's own way to start anywhere."""
    after = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_SEQUENCE),
                           metadata={"description": "Return events with a sequence above this one "
                                                    "(not together with cursor)"})


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


class EventList(ListOf):
    items = fields.List(fields.Nested(Event))
    next_after = fields.Integer(allow_none=True, metadata={"description": "The last sequence of this page when "
                                                                          "there is more: pass as ?after="})
