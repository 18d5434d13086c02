"""Who may call the check-in endpoints: staff of some roles, or a station token of the retreat in the path."""
from __future__ import annotations

import functools

from flask import g

from retret.auth import bearer_token, check_role
from retret.http.docs import bearer_access
from retret.http.errors import ApiError

from ..services.stations import Station, verify

OTHER_RETREAT = "Token stasiun ini untuk retret lain."


def station_or_staff(*roles: str):
    """A station token of the path's retreat (a forged, revoked or expired one → 401; another retreat's → 403),
    or a staff JWT with one of `roles` (admin always passes). Documented with its 401 and 403 answers."""
    def check(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            station = verify(bearer_token())
            if station is None:
                check_role(*roles)
            elif station.retreat_id != str(kwargs["retreat_id"]):
                raise ApiError(403, OTHER_RETREAT, code="forbidden")
            g.station = station
            return view(*args, **kwargs)
        return wrapper
    return bearer_access(check)


def current_station() -> Station | None:
    """The station this request came from, if it was let in with a station token."""
    return g.get("station")

