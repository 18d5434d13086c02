"""Platoons and rooms: the automatic assignment (POST .../groups/assign), the roster, and what staff set by hand.

Every registration whose group or room changes emits group.assigned (one each), in the same transaction."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from retret.http.errors import ApiError
from retret.rules.nip import NipError, parse_nip

from .. import audit
from ..context import context
from ..domain import agenda, groups, retreats as retreat_rules
from ..domain.capacity import CONFIRMED
from ..event_data import group_assigned
from ..models import AgendaSession, Registration, Retreat, RetreatRoom
from .common import get_retreat

NO_CONFIRMED = "Belum ada peserta yang mengonfirmasi kehadiran; tidak ada yang dapat dibagi."
ROOMS_TOO_SMALL = "Kapasitas kamar ({capacity}) lebih kecil dari jumlah peserta yang perlu kamar ({needed})."


def record_assigned(session: Session, registration: Registration) -> None:
    context.bus.record(session, "group.assigned", group_assigned(registration), retreat_id=registration.retreat_id)


# --------------------------------------------------------------------------- the automatic assignment
def assign_groups(retreat_id: str, data: dict) -> dict:
    with context.bus.unit_of_work() as session:
        audit.suspend(session)  # one summary entry below, not one per registration moved
        retreat = get_retreat(session, retreat_id, lock=True)
        retreat_rules.check_editable(retreat.status)
        registrations = session.scalars(select(Registration).where(Registration.retreat_id == retreat.id)
                                         .order_by(Registration.number)).all()
        confirmed = [r for r in registrations if r.status == CONFIRMED]
        if not confirmed:
            raise ApiError(409, NO_CONFIRMED, code="no_confirmed")
        rooms = _rooms_plan(session, retreat, data.get("rooms"))
        _check_capacity(confirmed, rooms)
        names = groups.platoon_names(groups.platoon_count(len(confirmed), data.get("platoons"),
                                                          data.get("platoon_size")))
        changed = _place(session, registrations, confirmed, names, rooms)
        result = _result(confirmed, names, rooms, changed, _unmatched(session, retreat.id, confirmed))
        audit.summarise(session, actor=audit.staff_actor(), request_label=audit.request_label(),
                        entity="retreats", entity_id=retreat.id, retreat_id=retreat.id,
                        changes={"groups_assigned": {k: v for k, v in result.items() if k != "unmatched_audiences"}})
        return result


def _place(session: Session, registrations: list[Registration], confirmed: list[Registration], names: list[str],
           rooms: list[groups.Room] | None) -> int:
    """Apply the assignment; those no longer confirmed leave their automatic places. One group.assigned per
    registration changed; how many changed."""
    placements = groups.assign([_member(r) for r in confirmed], names, rooms)
    changed = [r for r in confirmed if _apply(r, placements[r.id].group, placements[r.id].room)]
    changed += [r for r in registrations if r.status != CONFIRMED and _clear_automatic(r)]
    session.flush()
    for registration in changed:
        record_assigned(session, registration)
    return len(changed)


def _rooms_plan(session: Session, retreat: Retreat, sent: list[dict] | None) -> list[groups.Room] | None:
    """The plan sent (which replaces the stored one), else the stored one; None when there is neither."""
    if sent is not None:
        session.execute(delete(RetreatRoom).where(RetreatRoom.retreat_id == retreat.id))
        session.add_all(RetreatRoom(retreat_id=retreat.id, ordinal=n, **room) for n, room in enumerate(sent))
        return [groups.Room(**room) for room in sent]
    stored = session.scalars(select(RetreatRoom).where(RetreatRoom.retreat_id == retreat.id)
                             .order_by(RetreatRoom.ordinal)).all()
    return [groups.Room(name=r.name, capacity=r.capacity, floor=r.floor, near_clinic=r.near_clinic,
                        gender=r.gender) for r in stored] or None


def _check_capacity(confirmed: list[Registration], rooms: list[groups.Room] | None) -> None:
    """409 rooms_too_small when the plan holds fewer places than the officials who need one of its rooms
    (everyone but those set by hand in a room outside the plan)."""
    if rooms is None:
        return
    names = {room.name for room in rooms}
    needed = sum(1 for r in confirmed if not (r.room_manual and r.room and r.room not in names))
    capacity = sum(room.capacity for room in rooms)
    if capacity < needed:
        raise ApiError(409, ROOMS_TOO_SMALL.format(capacity=capacity, needed=needed), code="rooms_too_small",
                       capacity=capacity, confirmed=needed)


def _member(registration: Registration) -> groups.Member:
    official = registration.official
    return groups.Member(
        id=registration.id, unit=official.unit_code or official.unit_name, health=registration.health_category,
        gender=_gender(official.nip), group=registration.group, room=registration.room,
        group_manual=registration.group_manual, room_manual=registration.room_manual)


def _gender(nip: str) -> str | None:
    try:
        return parse_nip(nip).gender
    except NipError:  # a stored NIP stays valid; should a rule tighten, the official is simply of no gender here
        return None


def _apply(registration: Registration, group: str | None, room: str | None) -> bool:
    """Set the placement; whether it changed."""
    if (registration.group, registration.room) == (group, room):
        return False
    registration.group, registration.room = group, room
    return True


def _clear_automatic(registration: Registration) -> bool:
    """A registration no longer confirmed leaves the platoon and room the assignment gave it (not those set by
    hand); whether it changed."""
    group = registration.group if registration.group_manual else None
    room = registration.room if registration.room_manual else None
    return _apply(registration, group, room)


def _result(confirmed: list[Registration], names: list[str], rooms: list[groups.Room] | None, changed: int,
            unmatched: list[dict]) -> dict:
    platoons = _counts(r.group for r in confirmed)
    occupants = _counts(r.room for r in confirmed)
    capacity = {room.name: room.capacity for room in rooms or []}
    shown_rooms = [room.name for room in rooms or []] + sorted(set(occupants) - set(capacity), key=groups.natural_key)
    return {
        "assigned": sum(1 for r in confirmed if r.group),
        "changed": changed,
        "platoons": [{"group": name, "size": platoons.get(name, 0)}
                     for name in names + sorted(set(platoons) - set(names), key=groups.natural_key)],
        "rooms": [{"room": name, "occupants": occupants.get(name, 0), "capacity": capacity.get(name)}
                  for name in shown_rooms],
        "unmatched_audiences": unmatched,
    }


def _counts(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def _unmatched(session: Session, retreat_id: str, confirmed: list[Registration]) -> list[dict]:
    """Scheduled sessions whose audience names a group nobody confirmed is in (a typo, or a platoon that no
    longer exists): their check-ins would expect no one of that group."""
    present = {r.group for r in confirmed if r.group}
    rows = session.scalars(select(AgendaSession).where(
        AgendaSession.retreat_id == retreat_id, AgendaSession.status == agenda.SCHEDULED)
        .order_by(AgendaSession.starts_at, AgendaSession.id)).all()
    return [{"session_id": s.id, "title": s.title, "groups": missing} for s in rows
            if (missing := [g for g in s.audience_groups or []
                            if not any(groups.in_audience([g], group) for group in present)])]


# --------------------------------------------------------------------------- the roster
def roster(retreat_id: str) -> dict:
    """Each platoon with its confirmed members (by name), platoons in natural order; each room of the plan (and
    any set by hand) with its occupants; and the sessions whose audience names a platoon nobody is in. No
    contacts, no health data."""
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        rows = session.scalars(select(Registration).where(
            Registration.retreat_id == retreat.id, Registration.status == CONFIRMED)).all()
        plan = session.scalars(select(RetreatRoom).where(RetreatRoom.retreat_id == retreat.id)
                               .order_by(RetreatRoom.ordinal)).all()
        platoons = _grouped(rows, lambda r: r.group)
        rooms = _grouped(rows, lambda r: r.room)
        outside = sorted(set(rooms) - {room.name for room in plan}, key=groups.natural_key)
        return {
            "items": [{"group": name, "size": len(platoons[name]), "members": platoons[name]}
                      for name in sorted(platoons, key=groups.natural_key)],
            "rooms": [_room_view(room.name, rooms.get(room.name, []), room) for room in plan]
                     + [_room_view(name, rooms[name], None) for name in outside],
            "unmatched_audiences": _unmatched(session, retreat.id, [r for r in rows if r.group]),
        }


def _grouped(rows: list[Registration], key) -> dict[str, list[dict]]:
    """Roster entries by `key` (registrations without one left out), each list by name."""
    grouped: dict[str, list[Registration]] = {}
    for registration in rows:
        if key(registration):
            grouped.setdefault(key(registration), []).append(registration)
    return {name: [_roster_member(r) for r in sorted(members, key=_by_name)] for name, members in grouped.items()}


def _room_view(name: str, occupants: list[dict], room: RetreatRoom | None) -> dict:
    plan = {"capacity": room.capacity, "floor": room.floor, "near_clinic": room.near_clinic,
            "gender": room.gender} if room else {"capacity": None, "floor": None, "near_clinic": None,
                                                 "gender": None}
    return {"room": name, **plan, "occupants": occupants}


def _by_name(registration: Registration) -> tuple:
    return registration.official.name.casefold(), registration.official.nip


def _roster_member(registration: Registration) -> dict:
    official = registration.official
    return {"registration_id": registration.id, "nip": official.nip, "name": official.name,
            "position": official.position, "unit_code": official.unit_code, "unit_name": official.unit_name,
            "group": registration.group, "room": registration.room}
