"""Permits (izin) for sessions or a period."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from retret.http.pagination import PageArgs

from ..domain.permits import KINDS, STATUSES
from .checkins import CheckinOfficial
from .fields import BlankIsNone, Text, list_schema
from .retreats import Moment

MAX_SESSIONS = 200


class PermitSpan(BlankIsNone, Schema):
    """What a permit covers: named sessions, or a period."""
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    session_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_SESSIONS),
                              metadata={"description": "Sessions of the retreat; or send starts_at and ends_at"})
    starts_at = Moment(load_default=None)
    ends_at = Moment(load_default=None)

    @validates_schema
    def _sessions_or_period(self, data, **_kwargs):
        period = data.get("starts_at") is not None or data.get("ends_at") is not None
        if data.get("session_ids") and period:
            raise ValidationError("Kirim salah satu: session_ids atau periode (starts_at, ends_at).", "session_ids")
        if not data.get("session_ids") and not period:
            raise ValidationError("Wajib diisi (atau kirim periode pada starts_at dan ends_at).", "session_ids")
        if period:
            for name in ("starts_at", "ends_at"):
                if data.get(name) is None:
                    raise ValidationError("Wajib diisi bersama periode izin.", name)
            if data["ends_at"] <= data["starts_at"]:
                raise ValidationError("Waktu selesai harus setelah waktu mulai.", "ends_at")


class PermitCreate(PermitSpan):
    """By the organiser."""
    OPTIONAL_BLANK = ("reason",)

    nip = Text(min=1, max=40, metadata={"description": "The official's NIP; or send registration_id"})
    registration_id = fields.UUID()
    reason = Text(max=2000, allow_none=True, load_default=None)

    @validates_schema
    def _who(self, data, **_kwargs):
        if data.get("nip") is not None and data.get("registration_id") is not None:
            raise ValidationError("Kirim salah satu: nip atau registration_id, bukan keduanya.", "nip")
        if data.get("nip") is None and data.get("registration_id") is None:
            raise ValidationError("Wajib diisi (atau kirim registration_id).", "nip")


class OwnPermitCreate(PermitSpan):
    """By the official, through the invitation link: the reason is required."""
    reason = Text(required=True, min=1, max=2000)


class Decision(Schema):
    reason = Text(max=2000, allow_none=True, load_default=None)


class Permit(Schema):
    id = fields.String()
    retreat_id = fields.String()
    registration_id = fields.String()
    official = fields.Nested(CheckinOfficial)
    kind = fields.String(metadata={"enum": list(KINDS)})
    reason = fields.String(allow_none=True, metadata={"description": "Admins (and the official) only"})
    session_ids = fields.List(fields.String())
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    requested_by = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    withdrawn_by = fields.String(allow_none=True, metadata={"description": "A staff username, or `official`"})
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


PermitList = list_schema("PermitList", Permit)


class PermitListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
