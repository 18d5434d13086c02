"""Retreats: create, read, publish (announcing the registrations waiting in the draft), cancel."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from retret import clock
from retret.http.errors import ApiError
from retret.http.pagination import keyset_page

from ..context import context
from ..domain import retreats as rules
from ..domain.capacity import INVITED, WAITLISTED
from ..event_data import retreat_data
from ..models import Registration, Retreat
from ..views import retreat_view
from .common import created_cursor, get_retreat
from .registrations import announce

CODE_TAKEN = "Kode retret sudah dipakai."


def create_retreat(data: dict) -> dict:
    try:
        with context.bus.unit_of_work() as session:
            if session.scalar(select(Retreat.id).where(Retreat.code == data["code"])) is not None:
                raise ApiError(409, CODE_TAKEN, code="code_taken", errors={"code": [CODE_TAKEN]})
            retreat = Retreat(status=rules.DRAFT, **data)
            session.add(retreat)
            session.flush()
            return retreat_view(retreat)
    except IntegrityError:
        raise ApiError(409, CODE_TAKEN, code="code_taken", errors={"code": [CODE_TAKEN]}) from None


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


def cancel_retreat(retreat_id: str) -> dict:
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        rules.check_cancel(retreat.status)
        retreat.status, retreat.cancelled_at = rules.CANCELLED, clock.now()
        session.flush()
        context.bus.record(session, "retreat.cancelled", retreat_data(retreat), retreat_id=retreat.id)
        return retreat_view(retreat)
