"""Officials (the directory, by NIP)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.http.pagination import PageArgs

from ..domain.officials import ECHELONS, LANGUAGES, POSITION_KINDS, RANKS
from .fields import BlankIsNone, Email, Nip, Phone, Text, list_schema


class OfficialFields(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("position", "position_kind", "unit_code", "unit_name", "rank", "echelon", "email", "phone",
                      "language")

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
    email = Email(allow_none=True)
    phone = Phone(allow_none=True)
    language = fields.String(allow_none=True, validate=validate.OneOf(
        LANGUAGES, error="Bahasa tidak valid; gunakan id (Bahasa Indonesia) atau en (bahasa Inggris)."), metadata={
        "description": "The language of the official's emails and SMS: id or en; null: the retreat's language"})


class OfficialCreate(OfficialFields):
    nip = Nip(required=True)
    name = Text(required=True, min=1, max=200)


class OfficialReplace(OfficialFields):
    """PUT: the whole profile; a field left out is cleared. `nip`, if sent, must be the one in the path."""
    name = Text(required=True, min=1, max=200)


class Official(Schema):
    nip = fields.String()
    nip_kind = fields.String(metadata={"enum": ["pns", "pppk"],
                                       "description": "pns, or pppk (digits 13-14 of the NIP are a contract count)"})
    name = fields.String()
    position = fields.String(allow_none=True)
    position_kind = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    rank = fields.String(allow_none=True)
    echelon = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    language = fields.String(allow_none=True, metadata={
        "description": "id or en: the language of the official's messages; null: the retreat's language"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


OfficialList = list_schema("OfficialList", Official)


class OfficialListArgs(PageArgs):
    unit_code = fields.String(validate=validate.Length(max=50))
    position_kind = fields.String(validate=validate.OneOf(POSITION_KINDS))
