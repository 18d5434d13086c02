"""Permits (izin): requested by the organiser or by the official (invitation link), approved or rejected by an
admin. Approval turns the official's absences in its span into excused — for sessions already past too — emitting
attendance.updated for each; a scan (present, late) stays: the official came.

A request may carry an Idempotency-Key (the invitation page always sends one: phones lose replies and retry). The
key is scoped to the official's registration: the same key with the same request answers the permit it made, with
no second permit and no second permit.requested; with another request it is refused (422 on the header)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retret import clock
from retret.db import insert_ignore
from retret.http.errors import ApiError, field_error
from retret.http.idempotency import key_reused, request_hash
from retret.http.pagination import keyset_page
from retret.rules.attendance import EXCUSED, permit_covers
from retret.rules.nip import normalize_nip

from ..context import context
from ..domain import agenda, permits as rules
from ..domain.checkins import PERMIT, permit_excuses
from ..event_data import attendance_data, cleared_data, permit_data, session_slot
from ..models import AgendaSession, Attendance, Permit, Registration
from ..views import invitation_permit_view, permit_view
from .common import REGISTRATION_NOT_FOUND, created_cursor, get_owned, get_retreat, not_found
from .invitations import _claimed

PERMIT_NOT_FOUND = "Izin tidak ditemukan."
UNKNOWN_SESSION = "Sesi tidak ditemukan pada retret ini."
UNKNOWN_NIP = "NIP ini tidak terdaftar pada retret ini."
KEY_REUSED = "Idempotency-Key ini sudah dipakai untuk pengajuan izin lain."


# --------------------------------------------------------------------------- requests
def request_permit(retreat_id: str, data: dict, requested_by: str, key: str | None = None) -> tuple[dict, bool]:
    """By the organiser, for an official named by NIP or registration id: (the permit, whether made now)."""
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        registration = _registration(session, retreat.id, data)
        return _request(session, registration, data, requested_by, key)


def request_own_permit(token: str, data: dict, key: str | None = None) -> tuple[dict, bool]:
    """By the official, through the invitation link (the reason is required): (the permit, whether made now)."""
    with context.bus.unit_of_work() as session:
        registration = _claimed(session, token, lock=True)
        return _request(session, registration, data, rules.OFFICIAL, key)


def _registration(session: Session, retreat_id: str, data: dict) -> Registration:
    if data.get("registration_id") is not None:
        registration = session.get(Registration, str(data["registration_id"]))
        if registration is None or registration.retreat_id != retreat_id:
            raise field_error("registration_id", REGISTRATION_NOT_FOUND, code="not_found")
        return registration
    nip = normalize_nip(data["nip"])
    registration = session.scalar(select(Registration).where(
        Registration.retreat_id == retreat_id, Registration.official_nip == nip))
    if registration is None:
        raise field_error("nip", UNKNOWN_NIP, code="not_found")
    return registration


def _request(session: Session, registration: Registration, data: dict, requested_by: str,
             key: str | None) -> tuple[dict, bool]:
    digest = _digest(data, requested_by) if key else None
    if key:
        # A retry is answered before the rules: the permit was made when they allowed it, and the client only
        # wants to know what became of its request (even if the retreat was cancelled since).
        existing = _keyed(session, registration.id, key)
        if existing is not None:
            return _replayed(existing, digest), False
    rules.check_requestable(registration.status, registration.retreat.status)
    session_ids = _session_ids(session, registration.retreat_id, data["session_ids"])
    permit = Permit(retreat_id=registration.retreat_id, registration=registration, kind=data["kind"],
                    reason=data.get("reason"), session_ids=session_ids, starts_at=data.get("starts_at"),
                    ends_at=data.get("ends_at"), status=rules.PENDING, requested_by=requested_by,
                    idempotency_key=key, request_hash=digest)
    try:
        with session.begin_nested():
            session.add(permit)
            session.flush()
    except IntegrityError:
        # The same key raced in through a lock this request did not share (the organiser's and the official's
        # endpoints lock different rows): the unique index let one in, and that one answers (or, made by another
        # request, refuses) this one.
        existing = _keyed(session, registration.id, key) if key else None
        if existing is None:
            raise
        return _replayed(existing, digest), False
    _record(session, permit, "permit.requested")
    return permit_view(permit), True


def _digest(data: dict, requested_by: str) -> str:
    """Of what the permit would hold and who asks; who it is for is the key's scope. Sessions named twice, key
    order and the offset of a time do not make another request."""
    return request_hash({"requested_by": requested_by, "kind": data["kind"], "reason": data.get("reason"),
                         "session_ids": agenda.unique(str(i) for i in data.get("session_ids") or []),
                         "starts_at": data.get("starts_at"), "ends_at": data.get("ends_at")})


def _keyed(session: Session, registration_id: str, key: str) -> Permit | None:
    return session.scalar(select(Permit).where(Permit.registration_id == registration_id,
                                               Permit.idempotency_key == key))


def _replayed(permit: Permit, digest: str) -> dict:
    """The permit a request with this key made (as it is now: it may have been decided since)."""
    if permit.request_hash != digest:
        raise key_reused(KEY_REUSED)
    return permit_view(permit)


def _session_ids(session: Session, retreat_id: str, ids: list) -> list[str]:
    """The sessions named (each once, in the order given); 422 naming each one that is not of this retreat."""
    wanted = agenda.unique(str(i) for i in ids)
    known = set(session.scalars(select(AgendaSession.id).where(
        AgendaSession.retreat_id == retreat_id, AgendaSession.id.in_(wanted)))) if wanted else set()
    errors = {f"session_ids.{n}": [UNKNOWN_SESSION] for n, i in enumerate(str(i) for i in ids) if i not in known}
    if errors:
        raise ApiError(422, f"session_ids: {UNKNOWN_SESSION}", code="unknown_session", errors=errors)
    return wanted


def _record(session: Session, permit: Permit, type_name: str) -> None:
    context.bus.record(session, type_name, permit_data(permit), retreat_id=permit.retreat_id)


# --------------------------------------------------------------------------- reading
def list_permits(retreat_id: str, args: dict, private: bool) -> dict:
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(Permit).where(Permit.retreat_id == retreat.id)
        if args.get("status"):
            stmt = stmt.where(Permit.status == args["status"])
        rows, cursor = keyset_page(session, stmt, [Permit.created_at, Permit.id], args, created_cursor)
        return {"items": [permit_view(p, private) for p in rows], "next_cursor": cursor}


# --------------------------------------------------------------------------- decisions
def approve(permit_id: str, decided_by: str) -> dict:
    with context.bus.unit_of_work() as session:
        permit = _decide(session, permit_id, rules.APPROVED, decided_by, None)
        _record(session, permit, "permit.approved")
        _excuse(session, permit)
        return permit_view(permit)


def reject(permit_id: str, decided_by: str, reason: str | None) -> dict:
    with context.bus.unit_of_work() as session:
        permit = _decide(session, permit_id, rules.REJECTED, decided_by, reason)
        _record(session, permit, "permit.rejected")
        return permit_view(permit)


def _decide(session: Session, permit_id: str, status: str, decided_by: str, reason: str | None) -> Permit:
    permit = get_owned(session, Permit, permit_id, PERMIT_NOT_FOUND, lock=True)
    rules.check_decidable(permit.status)
    permit.status, permit.decided_by, permit.decided_at = status, decided_by, clock.now()
    permit.decision_reason = reason
    session.flush()
    return permit


def _excuse(session: Session, permit: Permit) -> None:
    """Excused for every scheduled session the permit covers in the official's audience, unless scanned."""
    registration = permit.registration
    for agenda_session in _covered(session, permit):
        if agenda_session.audience_groups and registration.group not in agenda_session.audience_groups:
            continue  # not expected there: nothing to excuse
        values = {"status": EXCUSED, "scanned_at": None, "method": PERMIT, "device_id": None, "scan_id": None}
        new_id = insert_ignore(session, Attendance, {
            "retreat_id": permit.retreat_id, "registration_id": registration.id,
            "session_id": agenda_session.id, **values}, keys=["registration_id", "session_id"],
            returning=Attendance.id)
        row = session.get(Attendance, new_id) if new_id else session.scalar(
            select(Attendance).where(Attendance.registration_id == registration.id,
                                     Attendance.session_id == agenda_session.id)
            .with_for_update(of=Attendance).execution_options(populate_existing=True))
        if new_id is None:
            if not permit_excuses(row.status):
                continue
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
        context.bus.record(session, "attendance.updated", attendance_data(row), retreat_id=permit.retreat_id)


# --------------------------------------------------------------------------- withdrawal
def withdraw(permit_id: str, withdrawn_by: str, reason: str | None) -> dict:
    """By an admin: a pending or approved permit becomes withdrawn; an approval's excuses are undone."""
    with context.bus.unit_of_work() as session:
        permit = get_owned(session, Permit, permit_id, PERMIT_NOT_FOUND, lock=True)
        _withdraw(session, permit, withdrawn_by, reason)
        return permit_view(permit)


def withdraw_own(token: str, permit_id: str) -> dict:
    """By the official, through the invitation link: only their own request, only while it is pending."""
    with context.bus.unit_of_work() as session:
        registration = _claimed(session, token, lock=True)  # locks the retreat, as the admin's path does
        permit = session.get(Permit, str(permit_id))
        if permit is None or permit.registration_id != registration.id:
            raise not_found(PERMIT_NOT_FOUND)  # another official's permit is not theirs to see
        _withdraw(session, permit, rules.OFFICIAL, None)
        return invitation_permit_view(permit)


def _withdraw(session: Session, permit: Permit, withdrawn_by: str, reason: str | None) -> None:
    rules.check_withdrawable(permit.status, by_official=withdrawn_by == rules.OFFICIAL)
    was_approved = permit.status == rules.APPROVED
    permit.status, permit.withdrawn_by, permit.withdrawn_at = rules.WITHDRAWN, withdrawn_by, clock.now()
    permit.withdrawal_reason = reason
    session.flush()
    _record(session, permit, "permit.withdrawn")
    if was_approved:
        _unexcuse(session, permit)


def _unexcuse(session: Session, permit: Permit) -> None:
    """Removes every attendance this permit's approval made excused and nothing scanned since: the official is
    expected again (absent once the session ends, which is derived, never stored). A scan stays: the official came.
    A session another approved permit of the official still covers stays excused."""
    covered = {s.id for s in _covered(session, permit, scheduled_only=False)}
    others = session.scalars(select(Permit).where(
        Permit.registration_id == permit.registration_id, Permit.status == rules.APPROVED,
        Permit.id != permit.id)).all()
    for other in others:
        covered -= {s.id for s in _covered(session, other, scheduled_only=False)}
    if not covered:
        return
    rows = session.scalars(select(Attendance).where(
        Attendance.registration_id == permit.registration_id, Attendance.session_id.in_(covered),
        Attendance.status == EXCUSED, Attendance.method == PERMIT, Attendance.scan_id.is_(None))
        .order_by(Attendance.session_id).with_for_update(of=Attendance)).all()
    for row in rows:
        data = cleared_data(row, "permit_withdrawn")
        session.delete(row)
        session.flush()
        context.bus.record(session, "attendance.cleared", data, retreat_id=permit.retreat_id)


def _covered(session: Session, permit: Permit, scheduled_only: bool = True) -> list[AgendaSession]:
    """The sessions a permit covers; all of them (`scheduled_only=False`) when undoing an approval, since a session
    cancelled after it keeps the excused attendance the approval made."""
    stmt = select(AgendaSession).where(AgendaSession.retreat_id == permit.retreat_id)
    if scheduled_only:
        stmt = stmt.where(AgendaSession.status == agenda.SCHEDULED)
    rows = session.scalars(stmt.order_by(AgendaSession.starts_at, AgendaSession.id)).all()
    starts = clock.as_utc(permit.starts_at) if permit.starts_at else None
    ends = clock.as_utc(permit.ends_at) if permit.ends_at else None
    return [s for s in rows if permit_covers(s.id, *_slot(s), permit.session_ids or [], starts, ends)]


def _slot(agenda_session: AgendaSession):
    slot = session_slot(agenda_session)
    return slot.starts_at, slot.ends_at
