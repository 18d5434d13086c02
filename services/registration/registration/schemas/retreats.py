"""Retreats."""
from __future__ import annotations

from datetime import date, datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from retret.events.catalogue import RETREAT_STATUSES
from retret.http.pagination import PageArgs

from .fields import StrictFloat, Text, list_schema, validate_timezone
from .patching import patch_schema

# Past dates are allowed (a retreat that already ran can be recorded), within a range a calendar can compute with.
FIRST_DATE, LAST_DATE = date(1950, 1, 1), date(2100, 12, 31)
DATE_RANGE = validate.Range(min=FIRST_DATE, max=LAST_DATE)
MOMENT_RANGE = validate.Range(min=datetime(1950, 1, 1, tzinfo=timezone.utc),
                              max=datetime(2101, 1, 1, tzinfo=timezone.utc))


LANGUAGES = ("id", "en")


def Moment(**kwargs) -> fields.AwareDateTime:  # noqa: N802 - a field factory, read like a field class
    """An ISO-8601 time with its offset, within the dates a retreat may have."""
    return fields.AwareDateTime(validate=MOMENT_RANGE, **kwargs)


class RetreatCreate(Schema):
    code = Text(required=True, min=1, max=50)
    title = Text(required=True, min=1, max=200)
    organizer = Text(max=200, allow_none=True, load_default=None)
    venue = Text(max=200, allow_none=True, load_default=None)
    starts_on = fields.Date(required=True, validate=DATE_RANGE)
    ends_on = fields.Date(required=True, validate=DATE_RANGE)
    timezone = fields.String(load_default="Asia/Jakarta", validate=validate_timezone)
    language = fields.String(load_default="id", validate=validate.OneOf(LANGUAGES), metadata={
        "description": "The language of the officials' emails and SMS: id (Bahasa Indonesia) or en"})
    attendance_threshold = StrictFloat(load_default=0.9, validate=validate.Range(min=0, max=1))
    late_tolerance_minutes = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=0, max=1440))
    capacity = fields.Integer(strict=True, allow_none=True, load_default=None,
                              validate=validate.Range(min=1, max=1_000_000))
    response_deadline = Moment(allow_none=True, load_default=None)

    @validates_schema
    def _dates_in_order(self, data, **_kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("Tanggal selesai tidak boleh sebelum tanggal mulai.", "ends_on")


RetreatUpdate = patch_schema(
    "RetreatUpdate", RetreatCreate,
    shift_sessions=fields.Boolean(load_default=False, metadata={
        "description": "With new dates: move every session by the same number of days (keeping its local times). "
                       "Without it, sessions that would fall outside the new dates make a 409 "
                       "(code sessions_outside_dates) listing them."}),
)


class Retreat(Schema):
    id = fields.String()
    code = fields.String()
    title = fields.String()
    organizer = fields.String(allow_none=True)
    venue = fields.String(allow_none=True)
    timezone = fields.String()
    language = fields.String(metadata={"enum": list(LANGUAGES)})
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = fields.String(metadata={"enum": list(RETREAT_STATUSES)})
    attendance_threshold = fields.Float()
    late_tolerance_minutes = fields.Integer()
    capacity = fields.Integer(allow_none=True)
    response_deadline = fields.DateTime(allow_none=True)
    responses_close_at = fields.DateTime(metadata={"description": "When invitations stop accepting answers"})
    published_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


RetreatList = list_schema("RetreatList", Retreat)


class RetreatListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(RETREAT_STATUSES))
