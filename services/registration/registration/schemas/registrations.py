"""Registrations: an official in a retreat."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from retret.events.catalogue import REGISTRATION_STATUSES
from retret.http.pagination import PageArgs

from ..domain.groups import HEALTH_CATEGORIES
from .fields import BlankIsNone, Nip, Text, list_schema
from .officials import Official, OfficialCreate


class RegistrationCreate(Schema):
    nip = Nip(metadata={"description": "NIP of an official already known"})
    official = fields.Nested(OfficialCreate, metadata={"description": "The official's data (created or updated)"})

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if "nip" in data and "official" in data:
            raise ValidationError("Kirim salah satu: nip atau official, bukan keduanya.", "nip")
        if "nip" not in data and "official" not in data:
            raise ValidationError("Wajib diisi (atau kirim data lengkap pada 'official').", "nip")


ADMIN_ONLY = "Admins only: left out for operators and the secretariat."


class Registration(Schema):
    id = fields.String()
    retreat_id = fields.String()
    number = fields.Integer(metadata={"description": "1, 2, 3 ... in the order registrations were made"})
    status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    official = fields.Nested(Official)
    group = fields.String(allow_none=True, metadata={"description": "Platoon (peleton)"})
    room = fields.String(allow_none=True)
    group_manual = fields.Boolean(metadata={"description": "Set by hand: the automatic assignment keeps it"})
    room_manual = fields.Boolean(metadata={"description": "Set by hand: the automatic assignment keeps it"})
    health_category = fields.String(allow_none=True, metadata={"enum": list(HEALTH_CATEGORIES)})
    reason = fields.String(allow_none=True)
    shirt_size = fields.String(allow_none=True)
    health_notes = fields.String(allow_none=True, metadata={"description": ADMIN_ONLY})
    emergency_contact = fields.String(allow_none=True, metadata={"description": ADMIN_ONLY})
    token_version = fields.Integer()
    invitation_url = fields.String(metadata={"description": "The official's personal link. " + ADMIN_ONLY})
    invited_at = fields.DateTime(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


RegistrationList = list_schema("RegistrationList", Registration)


class RegistrationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))


class CancelRequest(Schema):
    reason = Text(max=1000, allow_none=True, load_default=None)


class RegistrationUpdate(BlankIsNone, Schema):
    """What staff set on a registration. A group or room sent is kept by the automatic assignment (manual);
    null hands it back to the assignment."""
    OPTIONAL_BLANK = ("group", "room", "shirt_size")

    group = Text(min=1, max=100, allow_none=True, metadata={"description": "Platoon; null: back to automatic"})
    room = Text(min=1, max=100, allow_none=True, metadata={"description": "Room; null: back to automatic"})
    health_category = fields.String(allow_none=True, validate=validate.OneOf(HEALTH_CATEGORIES), metadata={
        "description": "green / yellow / red: red officials get ground-floor rooms near the clinic"})
    shirt_size = Text(max=20, allow_none=True)
