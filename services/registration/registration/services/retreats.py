"""Retreats: create, read, edit and reschedule, publish (announcing the registrations waiting in the draft),
start and finish (by hand or by the clock), cancel."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError, field_error
from retret.http.pagination import keyset_page

from ..context import context
from ..domain import retreats as rules
from ..domain.capacity import INVITED, WAITLISTED
from ..event_data import retreat_data
from ..models import Registration, Retreat
from ..views import retreat_view, utc
from .common import created_cursor, get_retreat
from .registrations import announce, promote_waitlist
from .sessions import move_sessions, plan_retreat_reschedule

CODE_TAKEN = "Kode retret sudah dipakai."
ENDS_BEFORE_START = "Tanggal selesai tidak boleh sebelum tanggal mulai."
SCHEDULE_FIELDS = ("starts_on", "ends_on", "timezone")  # a change of any of them is a reschedule


def _code_taken() -> ApiError:
    return ApiError(409, CODE_TAKEN, code="code_taken", errors={"code": [CODE_TAKEN]})


def _check_code_free(session: Session, code: str) -> None:
    if session.scalar(select(Retreat.id).where(Retreat.code == code)) is not None:
        raise _code_taken()


def _in_utc(fields: dict) -> dict:
    """Times as stored: UTC (SQLite would keep the wall-clock time and drop the offset)."""
    return {name: utc(value) if isinstance(value, datetime) else value for name, value in fields.items()}


def create_retreat(data: dict) -> dict:
    try:
        with context.bus.unit_of_work() as session:
            _check_code_free(session, data["code"])
            retreat = Retreat(status=rules.DRAFT, **_in_utc(data))
            session.add(retreat)
            session.flush()
            return retreat_view(retreat)
    except IntegrityError:
        raise _code_taken() from None


def update_retreat(retreat_id: str, data: dict) -> dict:
    """Edit the fields sent. New dates (or zone) are a reschedule: the sessions move with `shift_sessions`, else
    any that would fall outside make a 409 and nothing changes. retreat.rescheduled / retreat.updated / nothing."""
    fields = _in_utc(data)
    shift = fields.pop("shift_sessions", False)
    try:
        with context.bus.unit_of_work() as session:
            retreat = get_retreat(session, retreat_id, lock=True)
            rules.check_editable(retreat.status)
            changes = _changes(retreat, fields)
            if changes:
                _apply_changes(session, retreat, changes, shift)
            return retreat_view(retreat)
    except IntegrityError:
        raise _code_taken() from None


def _apply_changes(session: Session, retreat: Retreat, changes: dict, shift: bool) -> None:
    if "code" in changes:
        _check_code_free(session, changes["code"])
    old_starts_on, old_ends_on, old_capacity = retreat.starts_on, retreat.ends_on, retreat.capacity
    rescheduled = any(name in changes for name in SCHEDULE_FIELDS)
    moves = _plan_reschedule(session, retreat, changes, shift) if rescheduled else []  # 409 before any change
    for name, value in changes.items():
        setattr(retreat, name, value)
    session.flush()
    if rescheduled:
        context.bus.record(session, "retreat.rescheduled", retreat_data(retreat, old_starts_on, old_ends_on),
                           retreat_id=retreat.id)
        move_sessions(session, moves)
    else:
        context.bus.record(session, "retreat.updated", retreat_data(retreat), retreat_id=retreat.id)
    if _raised(old_capacity, retreat.capacity):
        promote_waitlist(session, retreat)


def _changes(retreat: Retreat, fields: dict) -> dict:
    """The fields whose value differs from the stored one (times compared as instants)."""
    def stored(name):
        value = getattr(retreat, name)
        return utc(value) if isinstance(value, datetime) else value
    return {name: value for name, value in fields.items() if stored(name) != value}


def _plan_reschedule(session: Session, retreat: Retreat, changes: dict, shift: bool) -> list:
    new = {name: changes.get(name, getattr(retreat, name)) for name in SCHEDULE_FIELDS}
    if new["ends_on"] < new["starts_on"]:
        raise field_error("ends_on" if "ends_on" in changes else "starts_on", ENDS_BEFORE_START)
    return plan_retreat_reschedule(session, retreat, new, shift)


def _raised(old: int | None, new: int | None) -> bool:
    """Whether places were added (None = no limit)."""
    return old is not None and (new is None or new > old)


def list_retreats(args: dict) -> dict:
    stmt = select(Retreat)
    if args.get("status"):
        stmt = stmt.where(Retreat.status == args["status"])
    with context.db.session() as session:
        rows, cursor = keyset_page(session, stmt, [Retreat.created_at, Retreat.id], args, created_cursor)
        return {"items": [retreat_view(r) for r in rows], "next_cursor": cursor}


def read_retreat(retreat_id: str) -> dict:
    with context.db.session() as session:
        return retreat_view(get_retreat(session, retreat_id))


def publish_retreat(retreat_id: str) -> dict:
    """draft → published: retreat.published, then each waiting registration in the order it was made."""
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        rules.check_publish(retreat.status)
        retreat.status, retreat.published_at = rules.PUBLISHED, clock.now()
        session.flush()
        context.bus.record(session, "retreat.published", retreat_data(retreat), retreat_id=retreat.id)
        waiting = session.scalars(select(Registration).where(
            Registration.retreat_id == retreat.id, Registration.status.in_((INVITED, WAITLISTED)))
            .order_by(Registration.number)).all()
        for registration in waiting:
            announce(session, registration)
        return retreat_view(retreat)


def start_retreat(retreat_id: str) -> dict:
    """By hand, published → running (retreat.updated)."""
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        rules.check_start(retreat.status, clock.now(), _span(retreat)[1])
        _move(session, retreat, rules.RUNNING)
        return retreat_view(retreat)


def finish_retreat(retreat_id: str) -> dict:
    """By hand, published or running → finished (retreat.updated)."""
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        rules.check_finish(retreat.status)
        _move(session, retreat, rules.FINISHED)
        return retreat_view(retreat)


def advance_retreats() -> int:
    """Move on every retreat whose time has come (beat, every minute): published → running → finished.
    Returns how many moved."""
    now = clock.now()
    # No zone is more than a day ahead of UTC: a retreat starting later than tomorrow (UTC) has not begun anywhere.
    with context.db.session() as session:
        candidates = session.scalars(select(Retreat).where(
            Retreat.status.in_(rules.CLOCK_MOVED), Retreat.starts_on <= now.date() + timedelta(days=1))
            .order_by(Retreat.starts_on, Retreat.id)).all()
        due = [r.id for r in candidates if rules.next_status(r.status, now, *_span(r)) is not None]
    return sum(_advance(retreat_id, now) for retreat_id in due)


def _advance(retreat_id: str, now: datetime) -> bool:
    """One retreat in its own transaction (decided again under its lock: a person may have moved it meanwhile)."""
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        status = rules.next_status(retreat.status, now, *_span(retreat))
        if status is None:
            return False
        _move(session, retreat, status)
        return True


def _span(retreat: Retreat) -> tuple[datetime, datetime]:
    return rules.span(retreat.starts_on, retreat.ends_on, retreat.timezone)


def _move(session: Session, retreat: Retreat, status: str) -> None:
    retreat.status = status
    session.flush()
    context.bus.record(session, "retreat.updated", retreat_data(retreat), retreat_id=retreat.id)


def cancel_retreat(retreat_id: str) -> dict:
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        rules.check_cancel(retreat.status)
        retreat.status, retreat.cancelled_at = rules.CANCELLED, clock.now()
        session.flush()
        context.bus.record(session, "retreat.cancelled", retreat_data(retreat), retreat_id=retreat.id)
        return retreat_view(retreat)
