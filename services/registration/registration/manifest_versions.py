"""The change counter behind a station's manifest (`GET /retreats/{id}/manifest?since_version=`).

Every flush that inserts or changes a registration or a session (or an official's name or unit, which the manifest
shows) gives each such row the retreat's next `manifest_version`. Captured where every change passes, the flush,
like the audit trail, so a new use case (groups, imports, ...) cannot forget it.

The counter is counted up with an UPDATE of the retreat's row: that row's lock orders the transactions, so versions
become visible in the order they were given and a station that asked `since_version=n` never misses a change
committed later with a smaller version.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from .models import AgendaSession, Official, Registration, Retreat

OFFICIAL_FIELDS_SHOWN = ("name", "unit_code", "unit_name")


def install(sessions: sessionmaker) -> None:
    """Version changes on every session `sessions` makes (idempotent)."""
    if not event.contains(sessions, "before_flush", _before_flush):
        event.listen(sessions, "before_flush", _before_flush)


def _before_flush(session: Session, _context, _instances) -> None:
    changed: dict[str, list] = defaultdict(list)
    for obj in list(session.new) + [o for o in session.dirty if session.is_modified(o, include_collections=False)]:
        if isinstance(obj, (Registration, AgendaSession)):
            retreat_id = obj.retreat_id or (obj.retreat.id if obj.retreat is not None else None)
            if retreat_id is not None:
                changed[retreat_id].append(obj)
        elif isinstance(obj, Official) and obj not in session.new and _shown_field_changed(obj):
            for registration in _registrations_of(session, obj.nip):
                changed[registration.retreat_id].append(registration)
    for retreat_id, rows in changed.items():
        version = _next_version(session, retreat_id)
        for row in rows:
            row.manifest_version = version


def _shown_field_changed(official: Official) -> bool:
    state = inspect(official)
    return any(state.attrs[name].history.has_changes() for name in OFFICIAL_FIELDS_SHOWN)


def _registrations_of(session: Session, nip: str) -> list[Registration]:
    with session.no_autoflush:
        return list(session.scalars(select(Registration).where(Registration.official_nip == nip)))


def _next_version(session: Session, retreat_id: str) -> int:
    table = Retreat.__table__
    connection = session.connection()
    connection.execute(update(table).where(table.c.id == retreat_id)
                       .values(manifest_version=table.c.manifest_version + 1))
    version = connection.execute(select(table.c.manifest_version).where(table.c.id == retreat_id)).scalar()
    return version or 0  # a retreat inserted in this same flush: its rows are in every manifest anyway
