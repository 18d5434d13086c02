"""Speakers (narasumber) of a retreat."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.events.catalogue import SPEAKER_STATUSES
from retret.http.pagination import PageArgs

from .fields import BlankIsNone, Text, list_schema
from .patching import patch_schema


class SpeakerCreate(BlankIsNone, Schema):
    OPTIONAL_BLANK = ("position", "institution", "topic", "notes")

    name = Text(required=True, min=1, max=200, metadata={"description": "With titles, e.g. Prof. Dr. ..."})
    position = Text(max=200, allow_none=True, load_default=None, metadata={"description": "e.g. Kepala BKN"})
    institution = Text(max=200, allow_none=True, load_default=None)
    status = fields.String(load_default="invited", validate=validate.OneOf(SPEAKER_STATUSES))
    topic = Text(max=500, allow_none=True, load_default=None)
    notes = Text(max=2000, allow_none=True, load_default=None,
                 metadata={"description": "The organiser's own notes; never sent to other services"})


SpeakerUpdate = patch_schema("SpeakerUpdate", SpeakerCreate)


class Speaker(Schema):
    id = fields.String()
    retreat_id = fields.String()
    name = fields.String()
    position = fields.String(allow_none=True)
    institution = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(SPEAKER_STATUSES)})
    topic = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


SpeakerList = list_schema("SpeakerList", Speaker)


class SpeakerListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(SPEAKER_STATUSES))
