"""Sessions (the agenda): add, list, read, edit or reschedule, cancel; and how they follow a rescheduled retreat.

Each change is told to subscribers: session.scheduled, session.rescheduled (with the old times), session.updated
(anything else they see), session.cancelled."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError, field_error
from retret.http.pagination import keyset_page

from ..context import context
from ..domain import agenda, retreats as retreat_rules
from ..event_data import session_data, session_slot
from ..models import AgendaSession, Retreat, SessionSpeaker, Speaker
from ..views import local, session_view
from .checkins import restatus
from .common import created_cursor, get_owned, get_retreat

SESSION_NOT_FOUND = "Sesi tidak ditemukan."
UNKNOWN_SPEAKER = "Narasumber tidak ditemukan pada retret ini."
NOT_AFTER_START = "Waktu selesai harus setelah waktu mulai."
OUTSIDE_DATES = "Sesi harus berada dalam tanggal retret ({starts_on} s.d. {ends_on}, zona waktu {timezone})."
SESSIONS_OUTSIDE = ("Ada sesi yang akan berada di luar tanggal retret yang baru. Pindahkan atau batalkan sesi "
                    "tersebut, atau kirim shift_sessions: true untuk menggeser semua sesi bersama retret.")


def get_session(session: Session, session_id: str, lock: bool = False) -> AgendaSession:
    """The session (404 otherwise); with `lock`, its retreat is locked first."""
    return get_owned(session, AgendaSession, session_id, SESSION_NOT_FOUND, lock)


def _record(session: Session, agenda_session: AgendaSession, type_name: str, old: agenda.Slot | None = None):
    data = session_data(agenda_session, *((old.starts_at, old.ends_at) if old else ()))
    context.bus.record(session, type_name, data, retreat_id=agenda_session.retreat_id)


# --------------------------------------------------------------------------- validation against the retreat
def _check_within(retreat: Retreat, slot: agenda.Slot) -> None:
    begins, ends = retreat_rules.span(retreat.starts_on, retreat.ends_on, retreat.timezone)
    field = agenda.outside_field(slot, begins, ends)
    if field is not None:
        raise field_error(field, OUTSIDE_DATES.format(starts_on=retreat.starts_on.isoformat(),
                                                      ends_on=retreat.ends_on.isoformat(), timezone=retreat.timezone))


def _speakers(session: Session, retreat_id: str, speaker_ids: list) -> list[Speaker]:
    """The speakers named (each once, in the order given); 422 naming each id that is not of this retreat."""
    ids = [str(i) for i in speaker_ids]
    known = {s.id: s for s in session.scalars(
        select(Speaker).where(Speaker.retreat_id == retreat_id, Speaker.id.in_(ids)))} if ids else {}
    errors = {f"speaker_ids.{index}": [UNKNOWN_SPEAKER] for index, i in enumerate(ids) if i not in known}
    if errors:
        raise ApiError(422, f"speaker_ids: {UNKNOWN_SPEAKER}", code="unknown_speaker", errors=errors)
    return [known[i] for i in agenda.unique(ids)]


def _set_speakers(session: Session, agenda_session: AgendaSession, speakers: list[Speaker]) -> None:
    if [link.speaker_id for link in agenda_session.speaker_links] == [s.id for s in speakers]:
        return
    agenda_session.speaker_links.clear()
    session.flush()  # the old links go before the new ones (the same pair may come back in another order)
    agenda_session.speaker_links.extend(SessionSpeaker(speaker=s, ordinal=n) for n, s in enumerate(speakers))


# --------------------------------------------------------------------------- use cases
def create_session(retreat_id: str, data: dict) -> dict:
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        retreat_rules.check_editable(retreat.status)
        fields = dict(data)
        speakers = _speakers(session, retreat.id, fields.pop("speaker_ids"))
        slot = agenda.Slot(clock.as_utc(fields.pop("starts_at")), clock.as_utc(fields.pop("ends_at")))
        _check_within(retreat, slot)
        fields["audience_groups"] = agenda.unique(fields["audience_groups"])
        agenda_session = AgendaSession(retreat=retreat, status=agenda.SCHEDULED, starts_at=slot.starts_at,
                                       ends_at=slot.ends_at, **fields)
        agenda_session.speaker_links = [SessionSpeaker(speaker=s, ordinal=n) for n, s in enumerate(speakers)]
        session.add(agenda_session)
        session.flush()
        _record(session, agenda_session, "session.scheduled")
        return session_view(agenda_session)


def list_sessions(retreat_id: str, args: dict) -> dict:
    """In the order they run (start, then id); scheduled only unless `include_cancelled`."""
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(AgendaSession).where(AgendaSession.retreat_id == retreat.id)
        if not args.get("include_cancelled"):
            stmt = stmt.where(AgendaSession.status == agenda.SCHEDULED)
        if args.get("kind"):
            stmt = stmt.where(AgendaSession.kind == args["kind"])
        if args.get("mandatory") is not None:
            stmt = stmt.where(AgendaSession.mandatory.is_(args["mandatory"]))
        if args.get("date"):
            stmt = _on_local_day(stmt, args["date"], retreat.timezone)
        rows, cursor = keyset_page(session, stmt, [AgendaSession.starts_at, AgendaSession.id], args, created_cursor)
        return {"items": [session_view(s) for s in rows], "next_cursor": cursor}


def _on_local_day(stmt, day: date, timezone: str):
    begins, ends = retreat_rules.span(day, day, timezone)
    return stmt.where(AgendaSession.starts_at >= clock.as_utc(begins), AgendaSession.starts_at < clock.as_utc(ends))


def read_session(session_id: str) -> dict:
    with context.db.session() as session:
        return session_view(get_session(session, session_id))


def update_session(session_id: str, data: dict) -> dict:
    """Apply the fields sent. New times → session.rescheduled (with the old ones); any other change subscribers
    see → session.updated; nothing changed → no event."""
    with context.bus.unit_of_work() as session:
        agenda_session = get_session(session, session_id, lock=True)
        retreat = agenda_session.retreat
        retreat_rules.check_editable(retreat.status)
        agenda.check_session_editable(agenda_session.status)
        fields, before, old = dict(data), session_data(agenda_session), session_slot(agenda_session)
        if "speaker_ids" in fields:
            _set_speakers(session, agenda_session, _speakers(session, retreat.id, fields.pop("speaker_ids")))
        if "audience_groups" in fields:
            fields["audience_groups"] = agenda.unique(fields["audience_groups"])
        slot = _new_slot(old, fields)
        if slot != old:
            _check_within(retreat, slot)
            fields["starts_at"], fields["ends_at"] = slot.starts_at, slot.ends_at
        current = {name: getattr(agenda_session, name) for name in fields}
        for name in agenda.changed_fields(current, fields):
            setattr(agenda_session, name, fields[name])
        session.flush()
        if slot != old:
            _record(session, agenda_session, "session.rescheduled", old)
            restatus(session, agenda_session)
        elif session_data(agenda_session) != before:
            agenda_session.updated_at = clock.now()  # also when only its speakers changed (another table)
            _record(session, agenda_session, "session.updated")
        return session_view(agenda_session)


def _new_slot(old: agenda.Slot, fields: dict) -> agenda.Slot:
    """The session's times after the edit (in UTC); 422 unless it ends after it starts."""
    slot = agenda.Slot(clock.as_utc(fields.get("starts_at", old.starts_at)),
                       clock.as_utc(fields.get("ends_at", old.ends_at)))
    if slot.ends_at <= slot.starts_at:
        raise field_error("ends_at" if "ends_at" in fields else "starts_at", NOT_AFTER_START)
    return slot


def cancel_session(session_id: str) -> dict:
    """scheduled → cancelled (session.cancelled); cancelling again answers the same, with no new event."""
    with context.bus.unit_of_work() as session:
        agenda_session = get_session(session, session_id, lock=True)
        if agenda_session.status == agenda.CANCELLED:
            return session_view(agenda_session)
        retreat_rules.check_editable(agenda_session.retreat.status)
        agenda_session.status, agenda_session.cancelled_at = agenda.CANCELLED, clock.now()
        session.flush()
        _record(session, agenda_session, "session.cancelled")
        return session_view(agenda_session)


# --------------------------------------------------------------------------- following the retreat
def plan_retreat_reschedule(session: Session, retreat: Retreat, new: dict, shift: bool) -> list:
    """[(session, new slot)] for the scheduled sessions that move with the retreat's new dates/zone `new`
    (starts_on, ends_on, timezone). 409 sessions_outside_dates, listing them, when some would not fit."""
    rows = session.scalars(select(AgendaSession).where(
        AgendaSession.retreat_id == retreat.id, AgendaSession.status == agenda.SCHEDULED)
        .order_by(AgendaSession.starts_at, AgendaSession.id)).all()
    begins, ends = retreat_rules.span(new["starts_on"], new["ends_on"], new["timezone"])
    days = agenda.day_offset(retreat.starts_on, new["starts_on"]) if shift else None
    moves, outside = agenda.plan_reschedule({r.id: session_slot(r) for r in rows}, begins, ends, days,
                                            retreat.timezone, new["timezone"])
    if outside:
        raise ApiError(409, SESSIONS_OUTSIDE, code="sessions_outside_dates",
                       sessions=[_listed(r, retreat.timezone) for r in rows if r.id in outside])
    return [(r, moves[r.id]) for r in rows if r.id in moves]


def _listed(agenda_session: AgendaSession, timezone: str) -> dict:
    slot = session_slot(agenda_session)
    return {"id": agenda_session.id, "title": agenda_session.title,
            "starts_at": local(slot.starts_at, timezone).isoformat(),
            "ends_at": local(slot.ends_at, timezone).isoformat()}


def move_sessions(session: Session, moves: list) -> None:
    """Apply a planned reschedule: each session moved emits session.rescheduled with its old times."""
    for agenda_session, slot in moves:
        old = session_slot(agenda_session)
        agenda_session.starts_at, agenda_session.ends_at = clock.as_utc(slot.starts_at), clock.as_utc(slot.ends_at)
        session.flush()
        _record(session, agenda_session, "session.rescheduled", old)
        restatus(session, agenda_session)
