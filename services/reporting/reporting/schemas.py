"""Marshmallow schemas of the reporting API (responses; the query arguments reuse retret's PageArgs)."""
from __future__ import annotations

from marshmallow import Schema, fields

from retret.events.catalogue import NOTIFICATION_STATUSES


class RegistrationCountsSchema(Schema):
    total = fields.Integer(required=True)
    invited = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    declined = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    waitlisted = fields.Integer(required=True)


class AttendanceCountsSchema(Schema):
    sessions = fields.Integer(required=True, metadata={"description": "Mandatory sessions that have ended."})
    records = fields.Integer(required=True, metadata={"description": "Expected attendances over those sessions."})
    present = fields.Integer(required=True)
    late = fields.Integer(required=True)
    excused = fields.Integer(required=True)
    absent = fields.Integer(required=True)
    rate = fields.Float(required=True, metadata={"description": "(present + late + excused) / records; 0 if none."})


class CertificateCountsSchema(Schema):
    lulus = fields.Integer(required=True)
    telah_mengikuti = fields.Integer(required=True)
    none = fields.Integer(required=True)


class AsOfSchema(Schema):
    registration = fields.Integer(required=True, metadata={"description": "High-water sequence of registration."})
    notifications = fields.Integer(required=True, metadata={"description": "High-water sequence of notifications."})


class SummarySchema(Schema):
    retreat_id = fields.String(required=True)
    registrations = fields.Nested(RegistrationCountsSchema, required=True)
    attendance = fields.Nested(AttendanceCountsSchema, required=True)
    certificates = fields.Nested(CertificateCountsSchema, required=True)
    as_of = fields.Nested(AsOfSchema, required=True)


# Keys are the status values themselves (`temporary-failure`, ...), hence a schema built from a dict.
ChannelCountsSchema = Schema.from_dict(
    {"total": fields.Integer(required=True),
     **{status: fields.Integer(required=True) for status in NOTIFICATION_STATUSES}},
    name="ChannelCounts",
)


class ChannelsSchema(Schema):
    email = fields.Nested(ChannelCountsSchema, required=True)
    sms = fields.Nested(ChannelCountsSchema, required=True)


class KindCountsSchema(Schema):
    total = fields.Integer(required=True)
    delivered = fields.Integer(required=True, metadata={"description": "Delivery reported (SMS)."})
    sent = fields.Integer(required=True, metadata={
        "description": "Accepted by the provider, no delivery report (email never gets one)."})
    pending = fields.Integer(required=True, metadata={"description": "created, sending or temporary-failure."})
    failed = fields.Integer(required=True, metadata={"description": "permanent-failure or technical-failure."})


class UnreachedSchema(Schema):
    registration_id = fields.String(required=True)
    nip = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": "invited | confirmed | waitlisted"})
    reason = fields.String(required=True, metadata={
        "description": "no_contact (the latest failure: the official had neither email nor phone) | all_failed"})
    messages = fields.Integer(required=True)


class UnreachedListSchema(Schema):
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(UnreachedSchema), required=True)


class ReachSchema(Schema):
    retreat_id = fields.String(required=True)
    channels = fields.Nested(ChannelsSchema, required=True, metadata={
        "description": "Messages per channel: total and one count per status."})
    kinds = fields.Dict(keys=fields.String(), values=fields.Nested(KindCountsSchema), required=True)
    unreached = fields.Nested(UnreachedListSchema, required=True, metadata={
        "description": "Open registrations (invited, confirmed, waitlisted) every message to which failed."})
    as_of = fields.Nested(AsOfSchema, required=True)


class UnitReportSchema(Schema):
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    total = fields.Integer(metadata={"description": "Registrations of the unit (any status)."})
    confirmed = fields.Integer()
    declined = fields.Integer()
    present = fields.Integer(metadata={"description": "Over ended mandatory sessions, like the summary."})
    late = fields.Integer()
    excused = fields.Integer()
    absent = fields.Integer()
    records = fields.Integer()
    rate = fields.Float()


class UnitListSchema(Schema):
    items = fields.List(fields.Nested(UnitReportSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class SessionReportSchema(Schema):
    session_id = fields.String()
    title = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    starts_at = fields.DateTime(metadata={"description": "In the retreat's time zone."})
    ends_at = fields.DateTime()
    mandatory = fields.Boolean()
    status = fields.String()
    ended = fields.Boolean()
    expected = fields.Integer(metadata={"description": "Confirmed registrations in the session's audience."})
    present = fields.Integer()
    late = fields.Integer()
    excused = fields.Integer()
    absent = fields.Integer(metadata={"description": "Counted only once the session has ended."})
    punctuality = fields.Float(allow_none=True, metadata={"description": "present / (present + late)."})


class SessionListSchema(Schema):
    items = fields.List(fields.Nested(SessionReportSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class SourceStatusSchema(Schema):
    last_sequence = fields.Integer(required=True, metadata={"description": "Every sequence up to it is applied."})
    max_seen = fields.Integer()
    gaps = fields.List(fields.Integer(), required=True, metadata={"description": "Missing sequences (first 1000)."})
    gap_count = fields.Integer()


class RebuildStateSchema(Schema):
    state = fields.String(required=True, metadata={"description": "idle | running | done | failed"})
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    events_replayed = fields.Integer(required=True)


class ProjectionSchema(Schema):
    sources = fields.Dict(keys=fields.String(), values=fields.Nested(SourceStatusSchema), required=True)
    rebuild = fields.Nested(RebuildStateSchema, required=True)
