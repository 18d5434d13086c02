"""Check-ins (DESIGN §5 contract), station tokens and the station manifest."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from retret.http.pagination import PageArgs
from retret.rules.attendance import EXCUSED, LATE, PRESENT

from ..domain.checkins import DUPLICATE, MANUAL, METHODS, NIP, RECORDED, REJECTED
from .fields import Text, list_schema
from .retreats import Moment

MAX_BATCH = 1000
DeviceId = lambda **kw: Text(min=1, max=100, **kw)  # noqa: E731 - a field factory, read like a field class
ScanId = lambda **kw: Text(min=1, max=100, **kw)  # noqa: E731


class CheckinCreate(Schema):
    session_id = fields.UUID(required=True)
    code = Text(min=1, max=500, metadata={"description": "The badge code (the QR's text)"})
    nip = Text(min=1, max=40, metadata={"description": "The official's NIP, typed in"})
    scanned_at = Moment(load_default=None, metadata={
        "description": "The true scan time (default: now); may lie in the past, at most 2 minutes ahead"})
    scan_id = ScanId(load_default=None, metadata={
        "description": "The client's id of the scan (default: a new one): the same id again is the same scan"})
    device_id = DeviceId(load_default=None, metadata={"description": "A station's token sets its own device"})
    method = fields.String(load_default=None, validate=validate.OneOf((NIP, MANUAL)), metadata={
        "description": "With `nip`: `manual` for a paper roll-call entered later (default `nip`)"})

    @validates_schema
    def _code_or_nip(self, data, **_kwargs):
        if data.get("code") is not None and data.get("nip") is not None:
            raise ValidationError("Kirim salah satu: code atau nip, bukan keduanya.", "code")
        if data.get("code") is None and data.get("nip") is None:
            raise ValidationError("Wajib diisi (kode badge, atau NIP pada 'nip').", "code")


class BatchScan(CheckinCreate):
    scan_id = ScanId(required=True)


class CheckinBatch(Schema):
    device_id = DeviceId(load_default=None)
    scans = fields.List(fields.Nested(BatchScan), required=True, validate=validate.Length(min=1, max=MAX_BATCH))


class CheckinOfficial(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    group = fields.String(allow_none=True)


class Attendance(Schema):
    id = fields.String()
    retreat_id = fields.String()
    registration_id = fields.String()
    session_id = fields.String()
    status = fields.String(metadata={"enum": [PRESENT, LATE, EXCUSED]})
    scanned_at = fields.DateTime(allow_none=True)
    method = fields.String(metadata={"enum": list(METHODS)})
    device_id = fields.String(allow_none=True)
    scan_id = fields.String(allow_none=True)
    official = fields.Nested(CheckinOfficial)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class Checkin(Attendance):
    duplicate = fields.Boolean(metadata={"description": "true: the attendance already existed (status as recorded)"})


class BatchResult(Schema):
    scan_id = fields.String()
    outcome = fields.String(metadata={"enum": [RECORDED, DUPLICATE, REJECTED]})
    status = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    registration_id = fields.String(allow_none=True)
    session_id = fields.String(allow_none=True)
    scanned_at = fields.DateTime(allow_none=True)


class BatchAnswer(Schema):
    results = fields.List(fields.Nested(BatchResult))


AttendanceList = list_schema("AttendanceList", Attendance)


class CheckinListArgs(PageArgs):
    session_id = fields.UUID()
    status = fields.String(validate=validate.OneOf((PRESENT, LATE, EXCUSED)))
    nip = Text(min=1, max=40)
    device_id = DeviceId()


# --------------------------------------------------------------------------- station tokens
class StationTokenCreate(Schema):
    device_id = DeviceId(required=True)
    label = Text(max=200, allow_none=True, load_default=None)


class StationToken(Schema):
    id = fields.String()
    retreat_id = fields.String()
    device_id = fields.String()
    label = fields.String(allow_none=True)
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class IssuedStationToken(StationToken):
    token = fields.String(metadata={"description": "Shown once: the station sends it as `Authorization: Bearer`"})
    station_url = fields.String(metadata={"description": "Opens the station page (/station/) with this token"})


StationTokenList = list_schema("StationTokenList", StationToken)


# --------------------------------------------------------------------------- the manifest
class ManifestArgs(Schema):
    since_version = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62), metadata={
        "description": "The `version` of the station's last manifest: only what changed after it"})


class ManifestRetreat(Schema):
    id = fields.String()
    code = fields.String()
    title = fields.String()
    timezone = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = fields.String()
    late_tolerance_minutes = fields.Integer()


class ManifestSession(Schema):
    id = fields.String()
    title = fields.String()
    kind = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    location = fields.String(allow_none=True)
    mandatory = fields.Boolean()
    audience_groups = fields.List(fields.String())
    checkin_opens_at = fields.DateTime()
    checkin_closes_at = fields.DateTime()


class ManifestBadge(Schema):
    registration_id = fields.String()
    badge_hash = fields.String(metadata={"description": "sha256 (hex) of the badge code"})
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    group = fields.String(allow_none=True)


class ManifestRemoved(Schema):
    registrations = fields.List(fields.String())
    sessions = fields.List(fields.String())


class Manifest(Schema):
    version = fields.Integer()
    since_version = fields.Integer()
    full = fields.Boolean(metadata={"description": "true: everything (since_version 0); else only the changes"})
    retreat = fields.Nested(ManifestRetreat)
    sessions = fields.List(fields.Nested(ManifestSession))
    badges = fields.List(fields.Nested(ManifestBadge))
    removed = fields.Nested(ManifestRemoved)
