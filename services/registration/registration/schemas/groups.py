"""Platoons (peleton) and rooms: the automatic assignment and the roster."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain.groups import FEMALE, MALE
from .fields import Text

MAX_PLATOONS, MAX_PLATOON_SIZE, MAX_ROOMS, MAX_ROOM_CAPACITY = 200, 1000, 5000, 200
DUPLICATE_ROOM = "Nama kamar sudah dipakai kamar lain dalam daftar ini."


class RoomPlan(Schema):
    name = Text(required=True, min=1, max=100)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ROOM_CAPACITY))
    floor = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(min=-5, max=200),
                           metadata={"description": "Lantai as the building numbers it: 1 (or 0, lantai dasar) "
                                                    "is the ground floor"})
    near_clinic = fields.Boolean(load_default=False)
    gender = fields.String(allow_none=True, load_default=None, validate=validate.OneOf((MALE, FEMALE)),
                           metadata={"description": "M or F: the room only takes that gender (from the NIP); "
                                                    "null: anyone"})


class AssignRequest(Schema):
    platoons = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_PLATOONS),
                              metadata={"description": "How many platoons (or send platoon_size)"})
    platoon_size = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_PLATOON_SIZE),
                                  metadata={"description": "At most this many officials per platoon"})
    rooms = fields.List(fields.Nested(RoomPlan), validate=validate.Length(min=1, max=MAX_ROOMS), metadata={
        "description": "The lodging plan; it replaces the stored one. Left out: the stored plan (if any)"})

    @validates_schema
    def _one_size(self, data, **_kwargs):
        if ("platoons" in data) == ("platoon_size" in data):
            raise ValidationError("Kirim salah satu: platoons atau platoon_size.", "platoons")

    @validates_schema
    def _unique_rooms(self, data, **_kwargs):
        seen, errors = set(), {}
        for index, room in enumerate(data.get("rooms") or []):
            key = room["name"].casefold()
            if key in seen:
                errors[index] = {"name": [DUPLICATE_ROOM]}
            seen.add(key)
        if errors:
            raise ValidationError(errors, "rooms")


class PlatoonSize(Schema):
    group = fields.String()
    size = fields.Integer()


class RoomOccupancy(Schema):
    room = fields.String()
    occupants = fields.Integer()
    capacity = fields.Integer(allow_none=True, metadata={"description": "null for a room outside the plan "
                                                                       "(set by hand)"})


class UnmatchedAudience(Schema):
    session_id = fields.String()
    title = fields.String()
    groups = fields.List(fields.String(), metadata={"description": "Audience groups nobody is in"})


class AssignResult(Schema):
    assigned = fields.Integer(metadata={"description": "Confirmed officials with a platoon"})
    changed = fields.Integer(metadata={"description": "Registrations whose group or room changed "
                                                      "(one group.assigned each)"})
    platoons = fields.List(fields.Nested(PlatoonSize))
    rooms = fields.List(fields.Nested(RoomOccupancy))
    unmatched_audiences = fields.List(fields.Nested(UnmatchedAudience), metadata={
        "description": "Scheduled sessions whose audience names a group no confirmed official is in"})


class RosterMember(Schema):
    registration_id = fields.String()
    nip = fields.String()
    name = fields.String()
    position = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    room = fields.String(allow_none=True)


class Platoon(Schema):
    group = fields.String()
    size = fields.Integer()
    members = fields.List(fields.Nested(RosterMember))


class RoomRoster(Schema):
    room = fields.String()
    capacity = fields.Integer(allow_none=True, metadata={"description": "null: a room outside the plan, set by hand"})
    floor = fields.Integer(allow_none=True)
    near_clinic = fields.Boolean(allow_none=True)
    gender = fields.String(allow_none=True)
    occupants = fields.List(fields.Nested(RosterMember))


class Roster(Schema):
    items = fields.List(fields.Nested(Platoon), metadata={"description": "The platoons"})
    rooms = fields.List(fields.Nested(RoomRoster), metadata={"description": "The plan's rooms, then rooms set by "
                                                                            "hand"})
    unmatched_audiences = fields.List(fields.Nested(UnmatchedAudience))
