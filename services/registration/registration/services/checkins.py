"""Check-ins: one scan (by badge code or NIP) or a station's batch; the list of attendances.

Each scan is its own transaction (a batch too, scan by scan), so two stations uploading the same people in another
order never wait on each other in a circle. Exactly one attendance per registration × session, whatever runs in
parallel: the scan id is inserted first (ON CONFLICT DO NOTHING: a retried or doubled upload is one scan), then the
attendance (ON CONFLICT DO NOTHING, else its row is locked and the earliest scan wins). Every change of an
attendance emits attendance.updated in the same transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret import clock
from retret.db import insert_ignore
from retret.http.errors import ApiError
from retret.http.pagination import keyset_page
from retret.rules import attendance as attendance_rules
from retret.rules.nip import normalize_nip

from .. import tokens
from ..context import context
from ..domain import checkins as rules
from ..domain.checkins import DUPLICATE, RECORDED, REJECTED, Refused
from ..event_data import attendance_data, session_slot
from ..models import AgendaSession, Attendance, Registration, Retreat, Scan
from ..views import attendance_view, local
from .common import created_cursor, get_retreat

# Which request field a refusal is about (the 422's `errors`).
REFUSED_FIELD = {rules.UNKNOWN_SESSION: "session_id", rules.SESSION_CANCELLED: "session_id",
                 rules.FUTURE: "scanned_at", rules.OUTSIDE_WINDOW: "scanned_at"}


@dataclass(frozen=True)
class Outcome:
    scan_id: str
    outcome: str  # recorded | duplicate | rejected
    status: str | None = None
    error: str | None = None
    attendance: Attendance | None = None
    scanned_at: datetime | None = None

    def result(self, timezone: str) -> dict:
        """An item of the batch answer."""
        row = self.attendance
        return {"scan_id": self.scan_id, "outcome": self.outcome, "status": self.status, "error": self.error,
                "registration_id": row.registration_id if row else None,
                "session_id": row.session_id if row else None,
                "scanned_at": local(self.scanned_at, timezone)}


# --------------------------------------------------------------------------- use cases
def check_in(retreat_id: str, data: dict, station_device: str | None) -> tuple[dict, bool]:
    """One scan → (the answer, whether it was recorded); 422 with the refusal's code when refused."""
    retreat = _retreat(retreat_id)
    outcome = _scan(retreat, data, station_device or data.get("device_id"))
    if outcome.outcome == REJECTED:
        message = rules.MESSAGES[outcome.error]
        field = REFUSED_FIELD.get(outcome.error, "code" if data.get("code") is not None else "nip")
        raise ApiError(422, message, code=outcome.error, errors={field: [message]})
    answer = {**attendance_view(outcome.attendance, retreat.timezone), "scan_id": outcome.scan_id,
              "duplicate": outcome.outcome == DUPLICATE}
    return answer, outcome.outcome == RECORDED


def check_in_batch(retreat_id: str, data: dict, station_device: str | None) -> dict:
    """A station's queued scans, each decided on its own, answered in the order sent. The device is the
    station token's; for staff, each scan's own or else the batch's."""
    retreat = _retreat(retreat_id)
    results = [_scan(retreat, scan, station_device or scan.get("device_id") or data.get("device_id"))
               for scan in data["scans"]]
    return {"results": [outcome.result(retreat.timezone) for outcome in results]}


def list_checkins(retreat_id: str, args: dict) -> dict:
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(Attendance).where(Attendance.retreat_id == retreat.id)
        if args.get("session_id"):
            stmt = stmt.where(Attendance.session_id == str(args["session_id"]))
        if args.get("status"):
            stmt = stmt.where(Attendance.status == args["status"])
        if args.get("device_id"):
            stmt = stmt.where(Attendance.device_id == args["device_id"])
        if args.get("nip"):
            stmt = stmt.join(Registration, Registration.id == Attendance.registration_id).where(
                Registration.official_nip == args["nip"])
        rows, cursor = keyset_page(session, stmt, [Attendance.created_at, Attendance.id], args, created_cursor)
        return {"items": [attendance_view(r, retreat.timezone) for r in rows], "next_cursor": cursor}


# --------------------------------------------------------------------------- one scan
def _retreat(retreat_id: str) -> Retreat:
    with context.db.session() as session:
        return get_retreat(session, retreat_id)


def _scan(retreat: Retreat, data: dict, device: str | None) -> Outcome:
    scan_id = data.get("scan_id") or str(uuid.uuid4())
    scanned_at = clock.as_utc(data.get("scanned_at") or clock.now())
    with context.bus.unit_of_work() as session:
        seen = session.get(Scan, (retreat.id, scan_id))
        if seen is not None:
            return _duplicate(session, scan_id, seen.registration_id, seen.session_id, seen.scanned_at)
        try:
            registration, agenda_session, status = _decide(session, retreat, data, scanned_at)
        except Refused as refused:
            return Outcome(scan_id, REJECTED, error=refused.code, scanned_at=scanned_at)
        method = _method(data)
        inserted = insert_ignore(session, Scan, {
            "retreat_id": retreat.id, "scan_id": scan_id, "registration_id": registration.id,
            "session_id": agenda_session.id, "scanned_at": scanned_at, "method": method, "device_id": device,
            "received_at": clock.now()}, keys=["retreat_id", "scan_id"], returning=Scan.scan_id)
        if inserted is None:  # the same scan id, uploaded in parallel: that upload decided it
            return _duplicate(session, scan_id, registration.id, agenda_session.id, scanned_at)
        values = {"status": status, "scanned_at": scanned_at, "method": method, "device_id": device,
                  "scan_id": scan_id}
        row = _attendance(session, retreat, registration.id, agenda_session.id, values)
        if row is None:
            return _duplicate(session, scan_id, registration.id, agenda_session.id, scanned_at)
        return Outcome(scan_id, RECORDED, row.status, attendance=row, scanned_at=scanned_at)


def _method(data: dict) -> str:
    if data.get("code") is not None:
        return rules.BADGE
    return rules.MANUAL if data.get("method") == rules.MANUAL else rules.NIP


def _decide(session: Session, retreat: Retreat, data: dict, scanned_at: datetime):
    """(registration, session, present|late) for an accepted scan; Refused otherwise."""
    agenda_session = session.scalar(select(AgendaSession).where(
        AgendaSession.id == str(data["session_id"]), AgendaSession.retreat_id == retreat.id))
    facts = None if agenda_session is None else rules.SessionFacts(
        agenda_session.status, session_slot(agenda_session), agenda_session.checkin_opens_before_minutes,
        agenda_session.checkin_closes_after_minutes)
    rules.check_session(facts, retreat.status)
    registration, known_elsewhere = _person(session, retreat.id, data)
    rules.check_person(registration.status if registration else None, known_elsewhere)
    status = rules.scan_status(facts, scanned_at, clock.now(), retreat.late_tolerance_minutes)
    return registration, agenda_session, status


def _person(session: Session, retreat_id: str, data: dict) -> tuple[Registration | None, bool]:
    """The registration of this retreat scanned (or None), and whether the code or NIP is known in another."""
    if data.get("code") is not None:
        nonce = tokens.read_badge(context.config.invitation_secret, data["code"])
        registration = None if nonce is None else session.scalar(
            select(Registration).where(Registration.badge_nonce == nonce))
        if registration is None or registration.retreat_id == retreat_id:
            return registration, False
        return None, True
    nip = normalize_nip(str(data["nip"]))
    registration = session.scalar(select(Registration).where(
        Registration.retreat_id == retreat_id, Registration.official_nip == nip))
    if registration is not None:
        return registration, False
    return None, session.scalar(select(Registration.id).where(Registration.official_nip == nip).limit(1)) is not None


def _attendance(session: Session, retreat: Retreat, registration_id: str, session_id: str,
                values: dict) -> Attendance | None:
    """Record an accepted scan: a new attendance, or an earlier scan (or one after a permit's excused) replacing
    the recorded one. None when the recorded one stands (this scan is a duplicate)."""
    new_id = insert_ignore(session, Attendance, {
        "retreat_id": retreat.id, "registration_id": registration_id, "session_id": session_id, **values},
        keys=["registration_id", "session_id"], returning=Attendance.id)
    if new_id is not None:
        row = session.get(Attendance, new_id)
    else:
        row = session.scalar(select(Attendance).where(
            Attendance.registration_id == registration_id, Attendance.session_id == session_id)
            .with_for_update(of=Attendance).execution_options(populate_existing=True))
        recorded_at = clock.as_utc(row.scanned_at) if row.scanned_at else None
        if not rules.scan_wins(row.status, recorded_at, values["scanned_at"]):
            return None
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
    context.bus.record(session, "attendance.updated", attendance_data(row), retreat_id=retreat.id)
    return row


def restatus(session: Session, agenda_session: AgendaSession) -> None:
    """After a session moved: each scan is present or late again by the new start (attendance.updated when that
    changes its status). Scans are kept even when they now lie outside the moved window: the official came."""
    starts_at = session_slot(agenda_session).starts_at
    tolerance = agenda_session.retreat.late_tolerance_minutes
    rows = session.scalars(select(Attendance).where(
        Attendance.session_id == agenda_session.id, Attendance.status.in_(rules.SCANNED))
        .with_for_update(of=Attendance).order_by(Attendance.id)).all()
    for row in rows:
        status = attendance_rules.scan_status(clock.as_utc(row.scanned_at), starts_at, tolerance)
        if status != row.status:
            row.status = status
            session.flush()
            context.bus.record(session, "attendance.updated", attendance_data(row), retreat_id=row.retreat_id)


def _duplicate(session: Session, scan_id: str, registration_id: str, session_id: str,
               scanned_at: datetime) -> Outcome:
    row = session.scalar(select(Attendance).where(
        Attendance.registration_id == registration_id, Attendance.session_id == session_id))
    return Outcome(scan_id, DUPLICATE, row.status if row else None, attendance=row, scanned_at=scanned_at)
