"""Registrations: an official in a retreat; capacity and waitlist; cancel; reissue of the invitation link."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError, field_error
from retret.http.pagination import keyset_page

from ..context import context
from ..domain import capacity, retreats as retreat_rules, tokens as token_rules
from ..domain.capacity import ACTIVE, CANCELLED, CONFIRMED, INVITED, WAITLISTED
from ..event_data import participant_invited, registration_status
from ..models import Official, Registration, Retreat, new_id
from ..views import registration_view
from .common import badge_code_of, count_active, get_registration, get_retreat, invitation_link, number_cursor
from .groups import record_assigned
from .officials import apply_official

ALREADY_REGISTERED = "Pejabat ini sudah terdaftar pada retret tersebut."
UNKNOWN_NIP = "NIP belum terdaftar; kirim data lengkap pejabat pada 'official'."
CONCURRENT = "Data berubah bersamaan dengan permintaan lain; silakan coba lagi."


# --------------------------------------------------------------------------- events of one registration
def link_in_events(registration: Registration) -> str | None:
    """The link told to subscribers: none for a waiting or cancelled registration (it has no invitation)."""
    return None if registration.status in (WAITLISTED, CANCELLED) else invitation_link(registration)


def record_status(session: Session, registration: Registration, reply_id: str | None = None) -> None:
    """registration.<status> for the registration as it is now (`reply_id`: the official answered by SMS)."""
    badge = badge_code_of(registration) if registration.status == CONFIRMED else None  # the confirmation's QR
    context.bus.record(session, f"registration.{registration.status}",
                       registration_status(registration, link_in_events(registration), badge, reply_id),
                       retreat_id=registration.retreat_id)


def record_invited(session: Session, registration: Registration) -> None:
    if registration.invited_at is None:
        registration.invited_at = clock.now()
    context.bus.record(session, "participant.invited",
                       participant_invited(registration, invitation_link(registration)),
                       retreat_id=registration.retreat_id)


def announce(session: Session, registration: Registration) -> None:
    """Tell subscribers about a new (or, at publish, a waiting) registration; a draft keeps quiet."""
    if not retreat_rules.announces(registration.retreat.status):
        return
    if registration.status == INVITED:
        record_invited(session, registration)
    elif registration.status == WAITLISTED:
        record_status(session, registration)


def promote_waitlist(session: Session, retreat: Retreat) -> None:
    """Invite the longest-waiting registrations into the places that are free."""
    if not retreat_rules.invites(retreat.status):
        return
    waiting = session.scalars(select(Registration).where(
        Registration.retreat_id == retreat.id, Registration.status == WAITLISTED)
        .order_by(Registration.number)).all()
    invited_now = capacity.promotions(retreat.capacity, count_active(session, retreat.id), len(waiting))
    for registration in waiting[:invited_now]:
        registration.status = INVITED
        announce(session, registration)


class Registrar:
    """Registers officials in one retreat whose row the caller has locked (one request, or a whole import file):
    the places taken and the last number are read once and then kept, not asked again for every registration."""

    def __init__(self, session: Session, retreat: Retreat):
        self.session, self.retreat = session, retreat
        self.active = count_active(session, retreat.id)
        self.last_number = _next_number(session, retreat.id) - 1

    def register(self, official: Official) -> Registration:
        """Invited while there is a place, else waitlisted; announced as the retreat's status wants (a draft waits).

        Not flushed: the id and token version are given here, so the events can be recorded at once and a bulk
        import inserts its registrations together at the next flush."""
        status = capacity.initial_status(self.retreat.capacity, self.active)
        self.last_number += 1
        registration = Registration(id=new_id(), retreat=self.retreat, retreat_id=self.retreat.id, official=official,
                                    official_nip=official.nip, status=status, number=self.last_number,
                                    token_version=token_rules.FIRST_VERSION)
        self.session.add(registration)
        self.active += status in ACTIVE
        announce(self.session, registration)
        return registration


# --------------------------------------------------------------------------- use cases
def create_registration(retreat_id: str, data: dict) -> dict:
    try:
        with context.bus.unit_of_work() as session:
            retreat = get_retreat(session, retreat_id, lock=True)
            retreat_rules.check_accepts_registrations(retreat.status)
            official = _resolve_official(session, data)
            _check_not_registered(session, retreat.id, official.nip)
            registration = Registrar(session, retreat).register(official)
            session.flush()  # the view shows the stored times
            return registration_view(registration, invitation_link(registration))
    except IntegrityError:
        raise ApiError(409, CONCURRENT, code="concurrent_change") from None


def _next_number(session: Session, retreat_id: str) -> int:
    """The next registration number of the retreat (the caller holds the retreat's lock)."""
    return session.scalar(select(func.coalesce(func.max(Registration.number), 0))
                          .where(Registration.retreat_id == retreat_id)) + 1


def _resolve_official(session: Session, data: dict) -> Official:
    if "nip" in data:
        official = session.get(Official, data["nip"])
        if official is None:
            raise field_error("nip", UNKNOWN_NIP, code="unknown_nip")
        return official
    return apply_official(session, data["official"])


def _check_not_registered(session: Session, retreat_id: str, nip: str) -> None:
    exists = session.scalar(select(Registration.id).where(
        Registration.retreat_id == retreat_id, Registration.official_nip == nip))
    if exists is not None:
        raise ApiError(409, ALREADY_REGISTERED, code="already_registered", registration_id=exists)


def _staff_view(registration: Registration, private: bool) -> dict:
    """What staff read: the personal link, health notes and emergency contact only when `private` (admins)."""
    return registration_view(registration, invitation_link(registration) if private else None, private)


def list_registrations(retreat_id: str, args: dict, private: bool) -> dict:
    with context.db.session() as session:
        get_retreat(session, retreat_id)
        stmt = select(Registration).where(Registration.retreat_id == str(retreat_id))
        if args.get("status"):
            stmt = stmt.where(Registration.status == args["status"])
        rows, cursor = keyset_page(session, stmt, [Registration.number], args, number_cursor)
        return {"items": [_staff_view(r, private) for r in rows], "next_cursor": cursor}


def read_registration(registration_id: str, private: bool) -> dict:
    with context.db.session() as session:
        return _staff_view(get_registration(session, registration_id), private)


def cancel_registration(registration_id: str, reason: str | None) -> dict:
    """By the organiser; a second cancel answers the same. A freed place goes to the longest-waiting."""
    with context.bus.unit_of_work() as session:
        registration = get_registration(session, registration_id, lock=True)
        if registration.status != CANCELLED:
            old = registration.status
            registration.status, registration.reason = CANCELLED, reason
            session.flush()
            if retreat_rules.announces(registration.retreat.status):
                record_status(session, registration)
            if capacity.frees_place(old, CANCELLED):
                promote_waitlist(session, registration.retreat)
        return registration_view(registration, invitation_link(registration))


def reissue_link(registration_id: str) -> dict:
    """A new link; every earlier one stops working. Subscribers get participant.invited with the new link."""
    with context.bus.unit_of_work() as session:
        registration = get_registration(session, registration_id, lock=True)
        token_rules.check_reissue(registration.status, registration.retreat.status)
        registration.token_version = token_rules.next_version(registration.token_version)
        session.flush()
        if retreat_rules.announces(registration.retreat.status):
            record_invited(session, registration)
        return registration_view(registration, invitation_link(registration))


def update_registration(registration_id: str, data: dict, private: bool) -> dict:
    """Staff set the group, room (kept by the automatic assignment; null hands it back), health category or shirt
    size. group.assigned when the group or room changed."""
    with context.bus.unit_of_work() as session:
        registration = get_registration(session, registration_id, lock=True)
        retreat_rules.check_editable(registration.retreat.status)
        placed = (registration.group, registration.room)
        for name in ("group", "room"):
            if name in data:
                setattr(registration, name, data[name])
                setattr(registration, f"{name}_manual", data[name] is not None)
        for name in ("health_category", "shirt_size"):
            if name in data:
                setattr(registration, name, data[name])
        session.flush()
        if (registration.group, registration.room) != placed:
            record_assigned(session, registration)
        return _staff_view(registration, private)
