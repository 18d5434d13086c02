"""The versioned envelope every event travels in (DESIGN §3)."""
from __future__ import annotations

import uuid
from datetime import datetime

from marshmallow import INCLUDE, Schema, fields, validate

from ..clock import now
from ..tracing import current_trace_id

ENVELOPE_VERSION = 1


class EnvelopeSchema(Schema):
    class Meta:
        unknown = INCLUDE  # newer producers may add envelope fields

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Length(min=3, max=100))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    source = fields.String(required=True)
    sequence = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=None)
    retreat_id = fields.UUID(allow_none=True, load_default=None)
    trace_id = fields.String(required=True)
    # None = a stub: a type this subscriber does not want, sent only to keep its sequence contiguous.
    data = fields.Dict(allow_none=True, load_default=None)


def make_envelope(
    *, type: str, source: str, sequence: int, data: dict | None, retreat_id: str | None = None,
    event_id: str | None = None, occurred_at: datetime | None = None, trace_id: str | None = None,
    version: int = 1,
) -> dict:
    """Build a JSON-ready envelope (used by the relay and by tests)."""
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": type,
        "version": version,
        "source": source,
        "sequence": sequence,
        "occurred_at": (occurred_at or now()).isoformat(),
        "retreat_id": retreat_id,
        "trace_id": trace_id or current_trace_id(),
        "data": data,
    }
