"""Marshmallow schemas of the registration API (requests and answers). Messages in Bahasa Indonesia."""
from __future__ import annotations

import numbers
import re
from functools import lru_cache
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from retret import clock
from retret.auth import ROLES
from retret.events.catalogue import REGISTRATION_STATUSES, RETREAT_STATUSES
from retret.http.pagination import PageArgs
from retret.rules.nip import NipError, validate_nip
from retret.rules.phone import PhoneError, normalize_phone

from .domain.officials import ECHELONS, POSITION_KINDS, RANKS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MSG_CONTROL = "Tidak boleh mengandung karakter kontrol."
MSG_BLANK = "Tidak boleh kosong."


# --------------------------------------------------------------------------- fields
class Text(fields.String):
    """Free text: any printable text up to `max` characters, trimmed; control characters refused."""

    def __init__(self, max: int, min: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.min_length, self.max_length = min, max

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ValidationError(MSG_CONTROL)
        if len(text) < self.min_length:
            raise ValidationError(MSG_BLANK if self.min_length == 1 else f"Minimal {self.min_length} karakter.")
        if len(text) > self.max_length:
            raise ValidationError(f"Maksimal {self.max_length} karakter.")
        return text


class Nip(fields.String):
    """A NIP, checked by retret.rules.nip and returned normalised (18 digits)."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_nip(raw[:100], today=clock.now().date())
        except NipError as exc:
            raise ValidationError(exc.message) from None


class Phone(fields.String):
    """An Indonesian mobile number, returned as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_phone(raw[:40])
        except PhoneError as exc:
            raise ValidationError(exc.message) from None


class StrictFloat(fields.Float):
    """A JSON number (not a string, not a boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _zones():
        raise ValidationError("Zona waktu tidak dikenal; gunakan nama IANA, mis. Asia/Jakarta.")


class BlankIsNone:
    """Mixin: optional fields sent as "" (forms, spreadsheets) mean 'no value'."""
    OPTIONAL_BLANK: tuple[str, ...] = ()

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        if isinstance(data, dict):
            return {k: (None if k in self.OPTIONAL_BLANK and isinstance(v, str) and not v.strip() else v)
                    for k, v in data.items()}
        return data


class ListOf(Schema):
    next_cursor = fields.String(allow_none=True)


def list_schema(name: str, item: type[Schema]) -> type[Schema]:
    return type(name, (ListOf,), {"items": fields.List(fields.Nested(item))})


# --------------------------------------------------------------------------- auth and users
class TokenRequest(Schema):
    username = Text(required=True, min=1, max=200)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Lifetime in seconds"})
    role = fields.String(required=True)


class UserCreate(Schema):
    username = fields.String(required=True, validate=[
        validate.Length(min=3, max=64),
        validate.Regexp(r"^[A-Za-z0-9._@-]+$",
                        error="Hanya huruf, angka, titik, garis bawah, tanda hubung dan @."),
    ])
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class User(Schema):
    id = fields.String()
    username = fields.String()
    role = fields.String()
    created_at = fields.DateTime()


UserList = list_schema("UserList", User)


# --------------------------------------------------------------------------- retreats
class RetreatCreate(Schema):
    code = Text(required=True, min=1, max=50)
    title = Text(required=True, min=1, max=200)
    organizer = Text(max=200, allow_none=True, load_default=None)
    venue = Text(max=200, allow_none=True, load_default=None)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    timezone = fields.String(load_default="Asia/Jakarta", validate=validate_timezone)
    attendance_threshold = StrictFloat(load_default=0.9, validate=validate.Range(min=0, max=1))
    late_tolerance_minutes = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=0, max=1440))
    capacity = fields.Integer(strict=True, allow_none=True, load_default=None,
                              validate=validate.Range(min=1, max=1_000_000))
    response_deadline = fields.AwareDateTime(allow_none=True, load_default=None)

    @validates_schema
    def _dates_in_order(self, data, **_kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("Tanggal selesai tidak boleh sebelum tanggal mulai.", "ends_on")


class Retreat(Schema):
    id = fields.String()
    code = fields.String()
    title = fields.String()
    organizer = fields.String(allow_none=True)
    venue = fields.String(allow_none=True)
    timezone = fields.String()
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


# --------------------------------------------------------------------------- officials
class OfficialFields(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("position", "position_kind", "unit_code", "unit_name", "rank", "echelon", "email", "phone")

    nip = Nip()
    name = Text(min=1, max=200)
    position = Text(max=200, allow_none=True)
    position_kind = fields.String(allow_none=True, validate=validate.OneOf(POSITION_KINDS))
    unit_code = Text(max=50, allow_none=True)
    unit_name = Text(max=200, allow_none=True)
    rank = fields.String(allow_none=True, validate=validate.OneOf(
        RANKS, error="Golongan tidak valid; gunakan I/a sampai IV/e."))
    echelon = fields.String(allow_none=True, validate=validate.OneOf(
        ECHELONS, error="Eselon tidak valid; gunakan I.a sampai V.b."))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = Phone(allow_none=True)


class OfficialCreate(OfficialFields):
    nip = Nip(required=True)
    name = Text(required=True, min=1, max=200)


class OfficialReplace(OfficialFields):
    """PUT: the whole profile; a field left out is cleared. `nip`, if sent, must be the one in the path."""
    name = Text(required=True, min=1, max=200)


class Official(Schema):
    nip = fields.String()
    name = fields.String()
    position = fields.String(allow_none=True)
    position_kind = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    rank = fields.String(allow_none=True)
    echelon = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


OfficialList = list_schema("OfficialList", Official)


class OfficialListArgs(PageArgs):
    unit_code = fields.String(validate=validate.Length(max=50))
    position_kind = fields.String(validate=validate.OneOf(POSITION_KINDS))


# --------------------------------------------------------------------------- registrations
class RegistrationCreate(Schema):
    nip = Nip(metadata={"description": "NIP of an official already known"})
    official = fields.Nested(OfficialCreate, metadata={"description": "The official's data (created or updated)"})

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if "nip" in data and "official" in data:
            raise ValidationError("Kirim salah satu: nip atau official, bukan keduanya.", "nip")
        if "nip" not in data and "official" not in data:
            raise ValidationError("Wajib diisi (atau kirim data lengkap pada 'official').", "nip")


class Registration(Schema):
    id = fields.String()
    retreat_id = fields.String()
    number = fields.Integer(metadata={"description": "1, 2, 3 ... in the order registrations were made"})
    status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    official = fields.Nested(Official)
    group = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    shirt_size = fields.String(allow_none=True)
    health_notes = fields.String(allow_none=True)
    emergency_contact = fields.String(allow_none=True)
    token_version = fields.Integer()
    invitation_url = fields.String()
    invited_at = fields.DateTime(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


RegistrationList = list_schema("RegistrationList", Registration)


class RegistrationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))


class CancelRequest(Schema):
    reason = Text(max=1000, allow_none=True, load_default=None)


# --------------------------------------------------------------------------- invitations (the official's view)
class InvitationOfficial(Schema):
    name = fields.String()
    position = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)


class InvitationRegistration(Schema):
    id = fields.String()
    retreat_id = fields.String()
    status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    official = fields.Nested(InvitationOfficial)
    group = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    shirt_size = fields.String(allow_none=True)
    health_notes = fields.String(allow_none=True)
    emergency_contact = fields.String(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    can_respond = fields.Boolean()


class InvitationRetreat(Schema):
    id = fields.String()
    code = fields.String()
    title = fields.String()
    organizer = fields.String(allow_none=True)
    venue = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    timezone = fields.String()
    status = fields.String()
    response_deadline = fields.DateTime(allow_none=True)
    responses_close_at = fields.DateTime()


class Invitation(Schema):
    registration = fields.Nested(InvitationRegistration)
    retreat = fields.Nested(InvitationRetreat)
    can_respond = fields.Boolean()
    responses_close_at = fields.DateTime()


class ConfirmRequest(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("shirt_size", "health_notes", "emergency_contact")

    shirt_size = Text(max=20, allow_none=True)
    health_notes = Text(max=2000, allow_none=True)
    emergency_contact = Text(max=500, allow_none=True)


class DeclineRequest(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("reason",)

    reason = Text(max=1000, allow_none=True, load_default=None)


# --------------------------------------------------------------------------- event log
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
