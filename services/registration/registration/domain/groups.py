"""Platoons (peleton) and rooms: who goes where. Pure rules, no database.

What an organiser expects of the automatic assignment:
- every confirmed official gets exactly one platoon (and one room when the plan has rooms);
- platoon sizes differ by at most one, and each unit is spread across the platoons;
- no two officials of the same unit share a room while the rooms' capacities make it avoidable;
- red (health category) officials sleep in ground-floor rooms near the clinic when the plan has such rooms with space
  (ground floor rooms when none is marked near the clinic);
- a room declared for one gender only receives that gender (taken from the NIP);
- what staff set by hand (manual overrides) is kept, and a re-run keeps everyone where they are: newcomers fill the
  gaps; someone moves only when the balance of the platoons or a room's capacity demands it.

Floors are numbered as Indonesian buildings are (lantai 1 is at ground level); 0 (lantai dasar) counts as the
ground floor too.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from . import DomainError

GREEN, YELLOW, RED = "green", "yellow", "red"
HEALTH_CATEGORIES = (GREEN, YELLOW, RED)
MALE, FEMALE = "M", "F"
GROUND_FLOORS = frozenset({0, 1})
PLATOON_NAME = "Peleton {}"


@dataclass(frozen=True)
class Member:
    """A confirmed official as the assignment sees them; `unit` None means a unit of their own."""
    id: str
    unit: str | None = None
    health: str | None = None
    gender: str | None = None
    group: str | None = None
    room: str | None = None
    group_manual: bool = False
    room_manual: bool = False

    @property
    def unit_key(self) -> str:
        return self.unit if self.unit else f"\0{self.id}"

    @property
    def red(self) -> bool:
        return self.health == RED


@dataclass(frozen=True)
class Room:
    name: str
    capacity: int
    floor: int | None = None
    near_clinic: bool = False
    gender: str | None = None  # None: anyone

    @property
    def tier(self) -> int:
        """How well the room suits a red official: 2 ground floor near the clinic, 1 ground floor, 0 otherwise."""
        ground = self.floor in GROUND_FLOORS
        return 2 if ground and self.near_clinic else 1 if ground else 0

    def admits(self, member: Member) -> bool:
        return self.gender is None or member.gender is None or self.gender == member.gender


@dataclass(frozen=True)
class Placement:
    group: str | None
    room: str | None


class RoomsTooSmall(DomainError):
    def __init__(self, unplaced: int):
        super().__init__("rooms_too_small", f"Kamar tidak cukup: {unplaced} peserta tidak mendapat tempat "
                                            "(periksa kapasitas dan jenis kelamin kamar).")
        self.unplaced = unplaced


def in_audience(audience_groups: Iterable[str] | None, group: str | None) -> bool:
    """Whether a session expects an official of `group`: everyone when it names no groups, else exactly the
    officials of the groups it names (as reporting counts `expected`)."""
    audience = list(audience_groups or [])
    return not audience or group in audience


def platoon_names(count: int) -> list[str]:
    return [PLATOON_NAME.format(n) for n in range(1, count + 1)]


def platoon_count(total: int, platoons: int | None = None, platoon_size: int | None = None) -> int:
    """The number of platoons asked for, or enough platoons of at most `platoon_size` for `total` officials."""
    if platoons is not None:
        return platoons
    return max(1, math.ceil(total / platoon_size))


def natural_key(name: str) -> tuple:
    """"Peleton 2" before "Peleton 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", name) if part)


def assign(members: list[Member], platoons: list[str], rooms: list[Room] | None) -> dict[str, Placement]:
    """Each member's platoon and room; rooms are left as they are when there is no plan (`rooms` None)."""
    groups = assign_platoons(members, platoons)
    places = assign_rooms(members, rooms) if rooms is not None else {m.id: m.room for m in members}
    return {m.id: Placement(groups[m.id], places[m.id]) for m in members}


# --------------------------------------------------------------------------- platoons
def assign_platoons(members: list[Member], names: list[str]) -> dict[str, str]:
    rosters: dict[str, list[Member]] = {name: [] for name in names}
    result, to_place = {}, []
    for member in members:
        if member.group and (member.group_manual or member.group in rosters):
            result[member.id] = member.group
            if member.group in rosters:
                rosters[member.group].append(member)
        else:
            to_place.append(member)
    order = {name: index for index, name in enumerate(names)}
    for member in unit_order(to_place):
        name = min(rosters, key=lambda n: (len(rosters[n]), _count_unit(rosters[n], member),
                                           member.red and _count_red(rosters[n]), order[n]))
        rosters[name].append(member)
        result[member.id] = name
    _rebalance(rosters, result)
    return result


def _rebalance(rosters: dict[str, list[Member]], result: dict[str, str]) -> None:
    """Move automatic members from platoons two or more above the smallest until the sizes are within one
    (a re-run after cancellations); manual members never move."""
    while rosters:
        target = min(rosters, key=lambda n: len(rosters[n]))
        sources = [n for n in rosters if len(rosters[n]) >= len(rosters[target]) + 2
                   and any(not m.group_manual for m in rosters[n])]
        if not sources:
            return
        source = max(sources, key=lambda n: len(rosters[n]))
        member = max((m for m in rosters[source] if not m.group_manual),
                     key=lambda m: (_count_unit(rosters[source], m) - _count_unit(rosters[target], m)))
        rosters[source].remove(member)
        rosters[target].append(member)
        result[member.id] = target


def _count_unit(roster: Iterable[Member], member: Member) -> int:
    return sum(1 for other in roster if other.unit_key == member.unit_key)


def _count_red(roster: Iterable[Member]) -> int:
    return sum(1 for other in roster if other.red)


def unit_order(members: list[Member]) -> list[Member]:
    """Members of the largest unit first, a unit's members together (so they spread over distinct places)."""
    sizes = Counter(m.unit_key for m in members)
    return sorted(members, key=lambda m: (-sizes[m.unit_key], m.unit_key))


# --------------------------------------------------------------------------- rooms
def assign_rooms(members: list[Member], rooms: list[Room]) -> dict[str, str | None]:
    plan = {room.name: room for room in rooms}
    occupants: dict[str, list[Member]] = {room.name: [] for room in rooms}
    result: dict[str, str | None] = {}
    for member in members:
        if member.room_manual and member.room:
            result[member.id] = member.room
            if member.room in occupants:
                occupants[member.room].append(member)
    best_tier = max((room.tier for room in rooms), default=0)
    to_place = []
    for member in members:
        if member.id in result:
            continue
        room = plan.get(member.room) if member.room else None
        if (room is not None and room.admits(member) and not (member.red and room.tier < best_tier)
                and len(occupants[room.name]) < room.capacity):
            occupants[room.name].append(member)
            result[member.id] = room.name
        else:
            to_place.append(member)
    reds = [m for m in to_place if m.red]
    unplaced = 0
    for member in unit_order(reds) + unit_order([m for m in to_place if not m.red]):
        name = _best_room(member, rooms, occupants)
        if name is None:
            unplaced += 1
            continue
        occupants[name].append(member)
        result[member.id] = name
    if unplaced:
        raise RoomsTooSmall(unplaced)
    return result


def _best_room(member: Member, rooms: list[Room], occupants: dict[str, list[Member]]) -> str | None:
    """The room with space that suits the member best: for a red official the best tier (their current room
    among equals); then one without their unit, then the one with the most space left (which mixes units
    whenever the capacities allow it)."""
    candidates = [(index, room) for index, room in enumerate(rooms)
                  if len(occupants[room.name]) < room.capacity and room.admits(member)]
    if not candidates:
        return None

    def key(entry):
        index, room = entry
        tier = -room.tier if member.red else 0
        free = room.capacity - len(occupants[room.name])
        return tier, room.name != member.room, _count_unit(occupants[room.name], member) > 0, -free, index
    return min(candidates, key=key)[1].name
