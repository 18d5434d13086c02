"""The assignment of platoons and rooms (registration.domain.groups), as properties over many generated retreats."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from registration.domain.groups import (
    RED, Member, Room, RoomsTooSmall, assign, assign_platoons, assign_rooms, natural_key, platoon_count,
    platoon_names,
)

UNITS = [f"UNIT-{n}" for n in range(8)]


@st.composite
def members_(draw, min_size=1, max_size=60, health=True):
    count = draw(st.integers(min_size, max_size))
    units = draw(st.lists(st.sampled_from(UNITS + [None]), min_size=count, max_size=count))
    reds = draw(st.lists(st.booleans(), min_size=count, max_size=count)) if health else [False] * count
    return [Member(id=f"r{n}", unit=unit, health=RED if red else "green") for n, (unit, red) in
            enumerate(zip(units, reds))]


@st.composite
def rooms_for(draw, members, spare=st.integers(0, 10)):
    """Rooms whose total capacity holds every member (plus some spare)."""
    total, rooms = len(members) + draw(spare), []
    while sum(r.capacity for r in rooms) < total:
        rooms.append(Room(name=f"Kamar {len(rooms) + 1}", capacity=draw(st.integers(1, 6)),
                          floor=draw(st.integers(0, 3)), near_clinic=draw(st.booleans())))
    return rooms


def sizes(groups: dict) -> Counter:
    return Counter(groups.values())


def avoidable(members: list[Member], rooms: list[Room]) -> bool:
    """Can every unit be spread so that no room holds two of it? (Gale–Ryser: for each k, the k largest units
    fit when each room takes at most one of each: sum of min(capacity, k).)"""
    counts = sorted(Counter(m.unit_key for m in members).values(), reverse=True)
    return all(sum(counts[:k]) <= sum(min(r.capacity, k) for r in rooms) for k in range(1, len(counts) + 1))


# --------------------------------------------------------------------------- platoons
@settings(max_examples=150, deadline=None)
@given(members=members_(), count=st.integers(1, 8))
def test_fresh_platoons_are_balanced_and_spread_every_unit(members, count):
    names = platoon_names(count)
    groups = assign_platoons(members, names)
    assert set(groups) == {m.id for m in members} and set(groups.values()) <= set(names)
    per_platoon = [sizes(groups)[n] for n in names]
    assert max(per_platoon) - min(per_platoon) <= 1
    for unit in {m.unit_key for m in members}:
        spread = Counter(groups[m.id] for m in members if m.unit_key == unit)
        assert max(spread[n] for n in names) - min(spread[n] for n in names) <= 1, unit


@settings(max_examples=150, deadline=None)
@given(data=st.data(), count=st.integers(1, 6))
def test_overrides_are_kept_and_only_they_unbalance_platoons(data, count):
    names = platoon_names(count)
    members = data.draw(members_())
    manual = data.draw(st.lists(st.booleans(), min_size=len(members), max_size=len(members)))
    chosen = data.draw(st.lists(st.sampled_from(names + ["Peleton Khusus"]), min_size=len(members),
                                max_size=len(members)))
    members = [Member(m.id, m.unit, m.health, group=g, group_manual=True) if is_manual else m
               for m, is_manual, g in zip(members, manual, chosen)]
    groups = assign_platoons(members, names)
    assert all(groups[m.id] == m.group for m in members if m.group_manual)
    counted = sizes(groups)
    smallest = min(counted[n] for n in names)
    for name in names:
        if counted[name] > smallest + 1:  # only overrides may make a platoon this large
            assert all(m.group_manual for m in members if groups[m.id] == name)


@settings(max_examples=100, deadline=None)
@given(first=members_(max_size=40), late=st.integers(0, 10), count=st.integers(1, 6))
def test_a_rerun_places_newcomers_without_moving_anyone(first, late, count):
    names = platoon_names(count)
    groups = assign_platoons(first, names)
    placed = [Member(m.id, m.unit, m.health, group=groups[m.id]) for m in first]
    newcomers = [Member(f"n{n}", UNITS[n % 3]) for n in range(late)]
    again = assign_platoons(placed + newcomers, names)
    assert all(again[m.id] == m.group for m in placed)
    per_platoon = [sizes(again)[n] for n in names]
    assert max(per_platoon) - min(per_platoon) <= 1


@settings(max_examples=100, deadline=None)
@given(members=members_(max_size=40), before=st.integers(1, 6), after=st.integers(1, 6))
def test_a_rerun_with_another_count_of_platoons_rebalances(members, before, after):
    first = assign_platoons(members, platoon_names(before))
    placed = [Member(m.id, m.unit, m.health, group=first[m.id]) for m in members]
    names = platoon_names(after)
    again = assign_platoons(placed, names)
    assert set(again.values()) <= set(names)
    per_platoon = [sizes(again)[n] for n in names]
    assert max(per_platoon) - min(per_platoon) <= 1
    moved = sum(again[m.id] != m.group for m in placed)
    assert moved <= len(members) - sum(min(sizes(first)[n], len(members) // after) for n in names)


def test_after_cancellations_only_as_many_move_as_the_balance_needs():
    names = platoon_names(2)
    members = [Member(f"a{n}", "A", group="Peleton 1") for n in range(6)] + [Member("b", "B", group="Peleton 2")]
    groups = assign_platoons(members, names)
    assert sizes(groups) == {"Peleton 1": 4, "Peleton 2": 3}
    assert sum(groups[m.id] != m.group for m in members) == 2


# --------------------------------------------------------------------------- rooms
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_rooms_hold_everyone_once_within_capacity_and_mix_units_when_avoidable(data):
    members = data.draw(members_(health=False))
    rooms = data.draw(rooms_for(members))
    places = assign_rooms(members, rooms)
    assert set(places) == {m.id for m in members}
    occupancy = Counter(places.values())
    assert all(occupancy[r.name] <= r.capacity for r in rooms)
    if avoidable(members, rooms):
        for room in rooms:
            units = Counter(m.unit_key for m in members if places[m.id] == room.name)
            assert all(n == 1 for n in units.values()), (room, units)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_red_officials_sleep_near_the_clinic_when_there_is_space(data):
    members = data.draw(members_())
    rooms = data.draw(rooms_for(members))
    places = assign_rooms(members, rooms)
    best = [r for r in rooms if r.tier == max(room.tier for room in rooms)]
    reds = [m for m in members if m.red]
    if len(reds) <= sum(r.capacity for r in best):
        assert all(places[m.id] in {r.name for r in best} for m in reds)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_room_overrides_are_kept_and_a_rerun_moves_nobody(data):
    members = data.draw(members_(max_size=30))
    rooms = data.draw(rooms_for(members, spare=st.integers(5, 15)))
    manual = data.draw(st.lists(st.booleans(), min_size=len(members), max_size=len(members)))
    members = [Member(m.id, m.unit, m.health, room=rooms[0].name, room_manual=True) if is_manual else m
               for m, is_manual in zip(members, manual)]
    places = assign_rooms(members, rooms)
    assert all(places[m.id] == rooms[0].name for m in members if m.room_manual)
    placed = [Member(m.id, m.unit, m.health, room=places[m.id], room_manual=m.room_manual) for m in members]
    assert assign_rooms(placed, rooms) == places


@settings(max_examples=200, deadline=None)
@given(data=st.data(), capacity=st.integers(1, 6), spare=st.integers(0, 3))
def test_men_and_women_never_share_a_room_and_fit_when_the_rooms_allow(data, capacity, spare):
    members = data.draw(members_())
    genders = data.draw(st.lists(st.sampled_from("MF"), min_size=len(members), max_size=len(members)))
    members = [Member(m.id, m.unit, m.health, gender) for m, gender in zip(members, genders)]
    counts = Counter(genders)
    needed = sum(-(-n // capacity) for n in counts.values())  # whole rooms per gender
    rooms = [Room(f"Kamar {n}", capacity, floor=data.draw(st.integers(0, 3)), near_clinic=data.draw(st.booleans()))
             for n in range(needed + spare)]
    places = assign_rooms(members, rooms)
    for room in rooms:
        assert len({m.gender for m in members if places[m.id] == room.name}) <= 1, room


def test_gender_rooms_take_only_their_gender_and_too_few_places_is_an_error():
    men = [Member(f"m{n}", "A", gender="M") for n in range(3)]
    women = [Member(f"f{n}", "B", gender="F") for n in range(2)]
    rooms = [Room("Barak Putra", 3, gender="M"), Room("Barak Putri", 2, gender="F")]
    places = assign_rooms(men + women, rooms)
    assert {places[m.id] for m in men} == {"Barak Putra"} and {places[m.id] for m in women} == {"Barak Putri"}
    with pytest.raises(RoomsTooSmall) as error:
        assign_rooms(men + women + [Member("f9", "C", gender="F")], rooms)
    assert error.value.code == "rooms_too_small" and error.value.unplaced == 1


def test_a_red_official_moves_to_a_ground_floor_room_near_the_clinic_once_there_is_one():
    red = Member("r", "A", health=RED, room="Lantai 3", group="Peleton 1")
    rooms = [Room("Lantai 3", 4, floor=3), Room("Dekat Klinik", 2, floor=1, near_clinic=True)]
    assert assign([red], ["Peleton 1"], rooms)["r"].room == "Dekat Klinik"
    assert assign([red], ["Peleton 1"], None)["r"].room == "Lantai 3"  # no plan: rooms stay


def test_names_and_counts():
    assert platoon_names(3) == ["Peleton 1", "Peleton 2", "Peleton 3"]
    assert platoon_count(97, platoon_size=25) == 4 and platoon_count(0, platoon_size=25) == 1
    assert platoon_count(97, platoons=5) == 5
    assert sorted(["Peleton 10", "Peleton 2", "Peleton 1"], key=natural_key) == [
        "Peleton 1", "Peleton 2", "Peleton 10"]


def test_a_province_sized_retreat_is_assigned_in_moments():
    """5,000 officials, 125 platoons, 1,300 rooms: counts and heaps, not scans of every member for every place
    (the bound is generous for a busy machine; it takes well under a second alone)."""
    import random
    import time
    rng = random.Random(5)
    members = [Member(f"r{n}", f"UNIT-{rng.randrange(250)}", RED if rng.random() < 0.03 else "green",
                      rng.choice("MF")) for n in range(5000)]
    rooms = [Room(f"K{n}", 4, floor=rng.randrange(1, 4), near_clinic=n < 40, gender="MF"[n % 2])
             for n in range(1300)]
    started = time.perf_counter()
    placed = assign(members, platoon_names(125), rooms)
    assert time.perf_counter() - started < 20
    assert all(p.group and p.room for p in placed.values())
