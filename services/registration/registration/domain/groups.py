"""Platoons (peleton) and rooms: who goes where. Pure rules, no database.

What an organiser expects of the automatic assignment:
- every confirmed official gets exactly one platoon (and one room when the plan has rooms);
- platoon sizes differ by at most one, and each unit is spread across the platoons;
- no two officials of the same unit share a room while the rooms' capacities make it avoidable;
- red (health category) officials sleep in ground-floor rooms near the clinic when the plan has such rooms with space
  (ground floor rooms when none is marked near the clinic);
- men and women (the NIP's gender) never share a room: a room declared for one gender only takes that gender,
  and the others are shared out between the genders by the places each needs;
- what staff set by hand (manual overrides) is kept, and a re-run keeps everyone where they are: newcomers fill the
  gaps; someone moves only when the balance of the platoons or a room's capacity demands it.

Floors are numbered as Indonesian buildings are (lantai 1 is at ground level); 0 (lantai dasar) counts as the
ground floor too.
"""
from __future__ import annotations

import heapq
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
    gender: str | None = None  # declared (M or F); None: given to a gender by need, or by its first occupant

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
class _Platoons:
    """The platoons as they fill: members, and per platoon how many of each unit and how many red officials
    (kept as counts, so a placement costs one pass over the platoons, not over their members)."""

    def __init__(self, names: list[str]):
        self.names = names
        self.members: dict[str, list[Member]] = {name: [] for name in names}
        self.units: dict[str, Counter] = {name: Counter() for name in names}
        self.reds: dict[str, int] = {name: 0 for name in names}

    def add(self, name: str, member: Member) -> None:
        self.members[name].append(member)
        self.units[name][member.unit_key] += 1
        self.reds[name] += member.red

    def remove(self, name: str, member: Member) -> None:
        self.members[name].remove(member)
        self.units[name][member.unit_key] -= 1
        self.reds[name] -= member.red

    def size(self, name: str) -> int:
        return len(self.members[name])

    def best_for(self, member: Member) -> str:
        """The smallest platoon, among those the one with fewest of the member's unit (then of red officials,
        for a red one): placed one by one, each unit goes round the platoons."""
        return min(self.names, key=lambda n: (len(self.members[n]), self.units[n][member.unit_key],
                                              self.reds[n] if member.red else 0))


def assign_platoons(members: list[Member], names: list[str]) -> dict[str, str]:
    platoons = _Platoons(names)
    result, to_place = {}, []
    for member in members:
        if member.group and (member.group_manual or member.group in platoons.members):
            result[member.id] = member.group
            if member.group in platoons.members:
                platoons.add(member.group, member)
        else:
            to_place.append(member)
    for member in unit_order(to_place):
        name = platoons.best_for(member)
        platoons.add(name, member)
        result[member.id] = name
    _rebalance(platoons, result)
    return result


def _rebalance(platoons: _Platoons, result: dict[str, str]) -> None:
    """Move automatic members from platoons two or more above the smallest until the sizes are within one
    (a re-run after cancellations); manual members never move."""
    while platoons.names:
        target = min(platoons.names, key=platoons.size)
        sources = [n for n in platoons.names if platoons.size(n) >= platoons.size(target) + 2
                   and any(not m.group_manual for m in platoons.members[n])]
        if not sources:
            return
        source = max(sources, key=platoons.size)
        member = max((m for m in platoons.members[source] if not m.group_manual),
                     key=lambda m: platoons.units[source][m.unit_key] - platoons.units[target][m.unit_key])
        platoons.remove(source, member)
        platoons.add(target, member)
        result[member.id] = target


def unit_order(members: list[Member]) -> list[Member]:
    """Members of the largest unit first, a unit's members together (so they spread over distinct places)."""
    sizes = Counter(m.unit_key for m in members)
    return sorted(members, key=lambda m: (-sizes[m.unit_key], m.unit_key))


# --------------------------------------------------------------------------- rooms
class _Lodging:
    """The rooms as they fill: space left, units present and the gender each room takes, and per gender a heap of
    the rooms by most space left (then plan order), so the usual placement does not look at every room.

    Men and women never share a room: a room takes its declared gender, else that of the people in it; the rooms
    nobody is in yet are shared out between the genders by the places each still needs (see _share_out)."""

    def __init__(self, rooms: list[Room], occupants: dict[str, list[Member]], to_place: list[Member]):
        self.rooms = rooms
        self.free = [room.capacity - len(occupants[room.name]) for room in rooms]
        self.units = [Counter(m.unit_key for m in occupants[room.name]) for room in rooms]
        self.gender = [room.gender or next((m.gender for m in occupants[room.name] if m.gender), None)
                       for room in rooms]
        self._share_out(to_place)
        self.heaps: dict[str | None, list[tuple[int, int]]] = {}
        for index in range(len(rooms)):
            self._push(index)

    def _share_out(self, to_place: list[Member]) -> None:
        """Give open rooms (no gender yet) to the genders still short of places: the best rooms for red
        officials to the genders of the red officials waiting, then the largest rooms first. Rooms left over
        stay open and take the gender of whoever comes first."""
        best = max((room.tier for room in self.rooms), default=0)
        waiting = [m for m in to_place if m.gender]
        for wanted, tiers in (([m for m in waiting if m.red], {best}), (waiting, None)):
            need = Counter(m.gender for m in wanted)
            for index, gender in enumerate(self.gender):
                if gender in need and (tiers is None or self.rooms[index].tier in tiers):
                    need[gender] -= max(self.free[index], 0)
            open_rooms = sorted((i for i, g in enumerate(self.gender) if g is None and self.free[i] > 0
                                 and (tiers is None or self.rooms[i].tier in tiers)), key=lambda i: (-self.free[i], i))
            for index in open_rooms:
                gender = max(need, key=lambda g: (need[g], g), default=None)
                if gender is None or need[gender] <= 0:
                    break
                self.gender[index] = gender
                need[gender] -= self.free[index]

    def admits(self, index: int, member: Member) -> bool:
        return self.gender[index] is None or member.gender is None or self.gender[index] == member.gender

    def _push(self, index: int) -> None:
        if self.free[index] > 0:
            heapq.heappush(self.heaps.setdefault(self.gender[index], []), (-self.free[index], index))

    def place(self, index: int, member: Member) -> None:
        self.free[index] -= 1
        self.units[index][member.unit_key] += 1
        if self.gender[index] is None:
            self.gender[index] = member.gender  # an open room is now theirs
        self._push(index)  # the old entry no longer matches free[index]: dropped when it surfaces

    def most_space(self, member: Member) -> int | None:
        """Ryser's rule, which mixes units whenever capacities allow: the admitting room with the most space left
        that holds no one of the member's unit (else the one with the most space left)."""
        clean, crowded = [], []
        for gender, heap in self.heaps.items():
            if gender is None or member.gender is None or gender == member.gender:
                without_unit, with_unit = self._top(heap, member)
                clean += [without_unit] if without_unit else []
                crowded += [with_unit] if with_unit else []
        best = min(clean or crowded, default=None)
        return best[1] if best else None

    def _top(self, heap: list, member: Member) -> tuple[tuple | None, tuple | None]:
        """From one heap: the best room without the member's unit, else (None, the best room with it). Rooms
        passed over are put back; there are at most as many as rooms holding the unit."""
        skipped, without_unit = [], None
        while heap:
            entry = heapq.heappop(heap)
            if -entry[0] != self.free[entry[1]]:
                continue  # stale: the room has filled (or been taken by a gender) since
            skipped.append(entry)
            if not self.units[entry[1]][member.unit_key]:
                without_unit = entry
                break
        for entry in skipped:
            heapq.heappush(heap, entry)
        if without_unit:
            return without_unit, None
        return None, (skipped[0] if skipped else None)

    def best_tier(self, member: Member) -> int | None:
        """For a red official: the best tier with space (their current room among equals), then as above."""
        candidates = [index for index in range(len(self.rooms)) if self.free[index] > 0 and self.admits(index, member)]
        return min(candidates, default=None, key=lambda i: (
            -self.rooms[i].tier, self.rooms[i].name != member.room, self.units[i][member.unit_key] > 0,
            -self.free[i], i))


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
    lodging = _Lodging(rooms, occupants, to_place)
    unplaced = 0
    reds = unit_order([m for m in to_place if m.red])
    for member in reds + unit_order([m for m in to_place if not m.red]):
        index = lodging.best_tier(member) if member.red else lodging.most_space(member)
        if index is None:
            unplaced += 1
            continue
        lodging.place(index, member)
        result[member.id] = rooms[index].name
    if unplaced:
        raise RoomsTooSmall(unplaced)
    return result
