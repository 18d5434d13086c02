"""A check-in station's manifest: what it needs to decide scans offline, and never a contact.

Sessions with their check-in windows (in the retreat's time zone) and, per confirmed registration, the hash of its
badge code with name, unit and platoon (group). `version` is the retreat's change counter
(registration.manifest_versions): with `since_version` a station gets only the rows changed after it, plus the ids
of those it must drop (no longer confirmed, cancelled sessions)."""
from __future__ import annotations

from sqlalchemy import select

from .. import tokens
from ..domain import agenda
from ..domain.capacity import CONFIRMED
from ..event_data import session_slot
from ..models import AgendaSession, Registration, Retreat
from ..views import local
from ..context import context
from .common import badge_code_of, get_retreat


def manifest(retreat_id: str, since_version: int) -> dict:
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        full = since_version == 0  # everything (rows older than the counter have version 0 too)
        registrations = session.scalars(_changed(select(Registration).where(Registration.retreat_id == retreat.id),
                                                 Registration, since_version).order_by(Registration.number)).all()
        sessions = session.scalars(_changed(select(AgendaSession).where(AgendaSession.retreat_id == retreat.id),
                                            AgendaSession, since_version)
                                   .order_by(AgendaSession.starts_at, AgendaSession.id)).all()
        kept_sessions = [s for s in sessions if s.status == agenda.SCHEDULED]
        kept_registrations = [r for r in registrations if r.status == CONFIRMED]
        return {
            "version": retreat.manifest_version, "since_version": since_version, "full": full,
            "retreat": _retreat(retreat),
            "sessions": [_session(s, retreat.timezone) for s in kept_sessions],
            "badges": [_badge(r) for r in kept_registrations],
            "removed": {
                # A first manifest has nothing to drop.
                "registrations": [] if full else [r.id for r in registrations if r.status != CONFIRMED],
                "sessions": [] if full else [s.id for s in sessions if s.status != agenda.SCHEDULED],
            },
        }


def _changed(stmt, model, since_version: int):
    return stmt.where(model.manifest_version > since_version) if since_version else stmt


def _retreat(retreat: Retreat) -> dict:
    return {"id": retreat.id, "code": retreat.code, "title": retreat.title, "timezone": retreat.timezone,
            "starts_on": retreat.starts_on, "ends_on": retreat.ends_on, "status": retreat.status,
            "late_tolerance_minutes": retreat.late_tolerance_minutes}


def _session(row: AgendaSession, timezone: str) -> dict:
    slot = session_slot(row)
    opens, closes = agenda.checkin_window(slot, row.checkin_opens_before_minutes, row.checkin_closes_after_minutes)
    return {"id": row.id, "title": row.title, "kind": row.kind, "starts_at": local(slot.starts_at, timezone),
            "ends_at": local(slot.ends_at, timezone), "location": row.location, "mandatory": row.mandatory,
            "audience_groups": list(row.audience_groups or []), "checkin_opens_at": local(opens, timezone),
            "checkin_closes_at": local(closes, timezone)}


def _badge(registration: Registration) -> dict:
    """Name, unit and platoon with the hash of the badge code: never email, phone, health or emergency data."""
    official = registration.official
    return {"registration_id": registration.id, "badge_hash": tokens.badge_code_hash(badge_code_of(registration)),
            "name": official.name, "unit_code": official.unit_code, "unit_name": official.unit_name,
            "group": registration.group}
