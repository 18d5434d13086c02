"""PATCH bodies: the create schema's fields, each optional and without a default (absent = unchanged)."""
from __future__ import annotations

import copy

from marshmallow import Schema, fields, missing


def _optional(field: fields.Field) -> fields.Field:
    optional = copy.deepcopy(field)
    optional.required, optional.load_default = False, missing
    return optional


def patch_schema(name: str, create: type[Schema], **extra: fields.Field) -> type[Schema]:
    """A subclass of `create` (same validators, same messages) whose every field is optional, plus `extra`."""
    optional = {key: _optional(field) for key, field in create._declared_fields.items()}
    return type(name, (create,), {**optional, **extra})
