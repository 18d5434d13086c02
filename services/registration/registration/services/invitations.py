"""The official's side, through the invitation link (view, confirm, decline) or an SMS reply (sms.reply_received,
applied with the same rules and events)."""
from __future__ import annotations

import logging
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError

from ..context import context
from ..domain import DomainError, agenda, capacity, groups, responses
from ..domain.capacity import CONFIRMED, DECLINED
from ..domain.tokens import is_current
from ..models import AgendaSession, Permit, Registration
from ..tokens import read_invitation
from ..views import closes_at, invitation_registration_view, invitation_view
from .common import count_active, get_registration, not_found
from .registrations import promote_waitlist, record_status

log = logging.getLogger(__name__)
INVALID_LINK = "Tautan undangan tidak valid atau sudah diganti."
FIELDS_ON_CONFIRM = ("shirt_size", "health_notes", "emergency_contact")


def _claimed(session: Session, token: str, lock: bool = False) -> Registration:
    """The registration a genuine, current invitation token points to (404 otherwise)."""
    claim = read_invitation(context.config.invitation_secret, token)
    if claim is None:
        raise not_found(INVALID_LINK)
    try:
        registration = get_registration(session, claim.registration_id, lock=lock)
    except ApiError:  # the registration is gone: the link is as invalid as a forged one
        raise not_found(INVALID_LINK) from None
    if not is_current(registration.token_version, claim.version):
        raise not_found(INVALID_LINK)
    return registration


def _can_respond(registration: Registration) -> bool:
    return responses.can_respond(registration.status, registration.retreat.status, clock.now(),
                                 closes_at(registration.retreat))


def view_invitation(token: str) -> dict:
    """The invitation, with the official's agenda and own permits (what the page's permit form needs)."""
    with context.db.session() as session:
        registration = _claimed(session, token)
        return invitation_view(registration, _can_respond(registration), _agenda_of(session, registration),
                               _permits_of(session, registration))


def _agenda_of(session: Session, registration: Registration) -> list[AgendaSession]:
    """The scheduled sessions that expect this official (their group's and everyone's), in time order."""
    rows = session.scalars(select(AgendaSession).where(
        AgendaSession.retreat_id == registration.retreat_id, AgendaSession.status == agenda.SCHEDULED)
        .order_by(AgendaSession.starts_at, AgendaSession.id))
    return [s for s in rows if groups.in_audience(s.audience_groups, registration.group)]


def _permits_of(session: Session, registration: Registration) -> list[Permit]:
    return list(session.scalars(select(Permit).where(Permit.registration_id == registration.id)
                                .order_by(Permit.created_at.desc(), Permit.id.desc())))


def confirm(token: str, data: dict) -> dict:
    """Confirm (again after a decline, while answers are open); a repeated confirm answers the same."""
    with context.bus.unit_of_work() as session:
        registration = _claimed(session, token, lock=True)
        _confirm(session, registration, data)
        return invitation_registration_view(registration, _can_respond(registration))


def decline(token: str, data: dict) -> dict:
    """Decline (also after confirming, while answers are open); the freed place goes to the waitlist."""
    with context.bus.unit_of_work() as session:
        registration = _claimed(session, token, lock=True)
        _decline(session, registration, data)
        return invitation_registration_view(registration, _can_respond(registration))


def _confirm(session: Session, registration: Registration, data: Mapping, reply_id: str | None = None) -> None:
    retreat = registration.retreat
    decision = responses.decide_confirm(registration.status, retreat.status, clock.now(), closes_at(retreat))
    if decision == responses.APPLY:
        if registration.status == DECLINED:
            _check_place_for(session, registration)
        _answer(registration, CONFIRMED, reason=None)
        for name in FIELDS_ON_CONFIRM:
            if name in data:
                setattr(registration, name, data[name])
        session.flush()
        record_status(session, registration, reply_id)


def _decline(session: Session, registration: Registration, data: Mapping, reply_id: str | None = None) -> None:
    retreat = registration.retreat
    decision = responses.decide_decline(registration.status, retreat.status, clock.now(), closes_at(retreat))
    if decision == responses.APPLY:
        old = registration.status
        _answer(registration, DECLINED, reason=data.get("reason"))
        session.flush()
        record_status(session, registration, reply_id)
        if capacity.frees_place(old, DECLINED):
            promote_waitlist(session, retreat)


def apply_sms_reply(session: Session, data: Mapping) -> None:
    """sms.reply_received (inside the inbox transaction): the official answered by SMS; applied like the link.
    A reply the rules refuse (answers closed, the retreat full again, ...) changes nothing: logged, and the
    notifications service's pending reply gets no outcome (DESIGN §11)."""
    reply_id = str(data["reply_id"])
    try:
        registration = get_registration(session, str(data["registration_id"]), lock=True)
        if data["answer"] == "confirm":
            _confirm(session, registration, {}, reply_id)
        else:
            _decline(session, registration, {"reason": data.get("reason")}, reply_id)
    except (ApiError, DomainError) as exc:
        log.warning("SMS reply not applied", extra={
            "reply_id": reply_id, "registration_id": str(data["registration_id"]), "code": getattr(exc, "code", None)})


def _answer(registration: Registration, status: str, reason: str | None) -> None:
    registration.status, registration.reason, registration.responded_at = status, reason, clock.now()


def _check_place_for(session: Session, registration: Registration) -> None:
    retreat = registration.retreat
    if not capacity.has_place(retreat.capacity, count_active(session, retreat.id)):
        raise DomainError("capacity_full", "Kuota retret sudah penuh; tempat Anda telah diberikan kepada "
                                           "peserta daftar tunggu. Hubungi panitia.")
