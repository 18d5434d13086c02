"""Sign-in and staff accounts."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.auth import ROLES

from .fields import Text, list_schema


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
