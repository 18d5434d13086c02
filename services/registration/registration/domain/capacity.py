"""Capacity: invited + confirmed registrations count against it; beyond it a registration waits."""
from __future__ import annotations

INVITED, CONFIRMED, DECLINED, CANCELLED, WAITLISTED = "invited", "confirmed", "declined", "cancelled", "waitlisted"
ACTIVE = (INVITED, CONFIRMED)  # the statuses that hold a place


def places_free(capacity: int | None, active: int) -> int | None:
    """Free places, or None when the retreat has no limit."""
    if capacity is None:
        return None
    return max(capacity - active, 0)


def has_place(capacity: int | None, active: int) -> bool:
    free = places_free(capacity, active)
    return free is None or free > 0


def initial_status(capacity: int | None, active: int) -> str:
    """The status of a new registration: invited while there is a place, else waitlisted."""
    return INVITED if has_place(capacity, active) else WAITLISTED


def promotions(capacity: int | None, active: int, waiting: int) -> int:
    """How many of the `waiting` registrations (longest-waiting first) to invite now."""
    free = places_free(capacity, active)
    if free is None:
        return waiting
    return min(free, waiting)


def frees_place(old_status: str, new_status: str) -> bool:
    """A change that gives a place back (a decline or a cancellation of an active registration)."""
    return old_status in ACTIVE and new_status not in ACTIVE
