"""Badges: which image format, which print layout."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..badges import FORMATS, LAYOUTS
from .fields import Text


class BadgeArgs(Schema):
    format = fields.String(load_default="png", validate=validate.OneOf(tuple(FORMATS)),
                           metadata={"description": "png (default) or svg"})


class BadgesPdfArgs(Schema):
    layout = fields.String(load_default="a6", validate=validate.OneOf(LAYOUTS), metadata={
        "description": "a6: one badge per A6 page (default); a4: four badges per A4 page, with cutting lines"})
    group = Text(min=1, max=100, metadata={
        "description": "Only this platoon's badges (a large retreat prints platoon by platoon)"})
