"""Reads of the projection: turn rows into the plain facts `reporting.domain.summary` computes from."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError

from .domain.reach import MessageFacts, RosterFacts
from .domain.summary import PermitFacts, RegistrationFacts, RetreatFacts, SessionFacts
from .domain.values import as_uuid
from .models import (
    CLEARED, AgendaSession, Attendance, NotificationOutcome, Permit, ProjectionRebuild, Registration, Retreat,
)

REBUILD_ID = 1
MAX_GAPS_LISTED = 1000


def get_retreat(session: Session, retreat_id: str) -> Retreat:
    """The projected retreat, or 404 (also for a retreat the projection has not heard of yet)."""
    key = as_uuid(retreat_id)
    retreat = session.get(Retreat, key) if key else None
    if retreat is None:
        raise ApiError(404, "Retret tidak ditemukan (atau belum tercatat di laporan).", code="retreat_not_found")
    return retreat


def retreat_facts(session: Session, retreat: Retreat) -> RetreatFacts:
    """Sessions, roster, attendance and permits of one retreat, as of now (retret.clock)."""
    sessions = tuple(
        SessionFacts(id=row.id, starts_at=clock.as_utc(row.starts_at), ends_at=clock.as_utc(row.ends_at),
                     mandatory=bool(row.mandatory), status=row.status, title=row.title, kind=row.kind,
                     audience_groups=tuple(row.audience_groups or ()))
        for row in session.execute(
            select(AgendaSession).where(AgendaSession.retreat_id == retreat.id)).scalars()
    )
    registrations = tuple(
        RegistrationFacts(id=r.registration_id, status=r.status, group=r.group, unit_code=r.unit_code,
                          unit_name=r.unit_name)
        for r in session.execute(
            select(Registration.registration_id, Registration.status, Registration.group,
                   Registration.unit_code, Registration.unit_name)
            .where(Registration.retreat_id == retreat.id)
        )
    )
    attendance = {
        (r.registration_id, r.session_id): r.status
        for r in session.execute(
            select(Attendance.registration_id, Attendance.session_id, Attendance.status)
            .where(Attendance.retreat_id == retreat.id, Attendance.status != CLEARED)
        )
    }
    permits = tuple(
        PermitFacts(registration_id=p.registration_id, status=p.status, session_ids=tuple(p.session_ids or ()),
                    starts_at=clock.as_utc(p.starts_at) if p.starts_at else None,
                    ends_at=clock.as_utc(p.ends_at) if p.ends_at else None)
        for p in session.execute(select(Permit).where(Permit.retreat_id == retreat.id)).scalars()
    )
    return RetreatFacts(retreat_id=retreat.id, threshold=retreat.attendance_threshold, now=clock.now(),
                        sessions=sessions, registrations=registrations, attendance=attendance, permits=permits)


def reach_facts(session: Session, retreat: Retreat) -> tuple[tuple[RosterFacts, ...], tuple[MessageFacts, ...]]:
    """The roster (no contacts: reporting has none) and every message of one retreat: those naming it and those to
    one of its registrations."""
    registrations = select(Registration.registration_id).where(Registration.retreat_id == retreat.id)
    roster = tuple(
        RosterFacts(registration_id=r.registration_id, status=r.status, nip=r.nip, name=r.name,
                    unit_code=r.unit_code, unit_name=r.unit_name)
        for r in session.execute(
            select(Registration.registration_id, Registration.status, Registration.nip, Registration.name,
                   Registration.unit_code, Registration.unit_name)
            .where(Registration.retreat_id == retreat.id)
        )
    )
    messages = tuple(
        MessageFacts(registration_id=m.registration_id, channel=m.channel, kind=m.kind, status=m.status,
                     sequence=int(m.sequence or 0), error=m.error)
        for m in session.execute(
            select(NotificationOutcome.registration_id, NotificationOutcome.channel, NotificationOutcome.kind,
                   NotificationOutcome.status, NotificationOutcome.sequence, NotificationOutcome.error)
            .where(or_(NotificationOutcome.retreat_id == retreat.id,
                       NotificationOutcome.registration_id.in_(registrations)))
        )
    )
    return roster, messages


def as_of(cursor_status: dict) -> dict[str, int]:
    """The bus high-water mark per source the reports are computed at."""
    return {source: int(status.get("last_sequence") or 0) for source, status in cursor_status.items()}


def projection_status(session: Session, cursor_status: dict, running_events: int = 0) -> dict:
    """`GET /reports/projection`: per source the high-water mark and open gaps, and the rebuild state
    (`running_events`: the events applied so far, shown while a rebuild runs)."""
    sources = {}
    for source in sorted(set(cursor_status) | {"registration", "notifications"}):
        status = cursor_status.get(source, {})
        gaps = list(status.get("gaps") or [])
        sources[source] = {"last_sequence": int(status.get("last_sequence") or 0),
                           "max_seen": int(status.get("max_seen") or 0),
                           "gaps": gaps[:MAX_GAPS_LISTED], "gap_count": len(gaps)}
    rebuild = session.get(ProjectionRebuild, REBUILD_ID)
    return {"sources": sources, "rebuild": {
        "state": rebuild.state if rebuild else "idle",
        "started_at": rebuild.started_at if rebuild else None,
        "finished_at": rebuild.finished_at if rebuild else None,
        "events_replayed": (running_events if rebuild.state == "running" else int(rebuild.events_replayed or 0))
        if rebuild else 0,
    }}
