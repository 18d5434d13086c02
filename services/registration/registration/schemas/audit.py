"""The audit trail (admins)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.http.pagination import PageArgs

from .fields import list_schema


class AuditArgs(PageArgs):
    retreat_id = fields.UUID(metadata={"description": "Changes to this retreat and what belongs to it"})
    entity = fields.String(validate=validate.Length(max=40),
                           metadata={"description": "A table: retreats, officials, registrations, users, ..."})
    entity_id = fields.String(validate=validate.Length(max=80), metadata={"description": "With entity: one row"})
    actor = fields.String(validate=validate.Length(max=64), metadata={"description": "A staff username"})
    since = fields.AwareDateTime(metadata={"description": "Changes at or after this time"})
    until = fields.AwareDateTime(metadata={"description": "Changes before this time"})


class AuditEntry(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(metadata={"description": "The staff member's username"})
    role = fields.String()
    request = fields.String(metadata={"description": "Method and path of the request, e.g. PATCH /api/v1/retreats/<uuid:retreat_id>"})
    operation = fields.String(metadata={"enum": ["insert", "update", "delete"]})
    entity = fields.String()
    entity_id = fields.String()
    retreat_id = fields.String(allow_none=True)
    changes = fields.Dict(metadata={"description": "{column: [before, after]}; passwords are never shown"})
    trace_id = fields.String(allow_none=True, metadata={"description": "Follows the request into its events"})


AuditList = list_schema("AuditList", AuditEntry)
