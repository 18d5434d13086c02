"""What the use cases share: finding rows (404), locking a retreat, links, cursors."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from retret.http.errors import ApiError

from .. import tokens
from ..context import context
from ..domain.capacity import ACTIVE
from ..models import Registration, Retreat

RETREAT_NOT_FOUND = "Retret tidak ditemukan."
REGISTRATION_NOT_FOUND = "Pendaftaran tidak ditemukan."
OFFICIAL_NOT_FOUND = "Pejabat dengan NIP tersebut tidak ditemukan."


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail, code="not_found")


def get_retreat(session: Session, retreat_id: str, lock: bool = False) -> Retreat:
    """The retreat (404 otherwise). `lock` serialises changes to its registrations (capacity, waitlist)."""
    stmt = select(Retreat).where(Retreat.id == str(retreat_id))
    if lock:
        stmt = stmt.with_for_update()
    retreat = session.scalars(stmt).one_or_none()
    if retreat is None:
        raise not_found(RETREAT_NOT_FOUND)
    return retreat


def get_owned(session: Session, model, row_id: str, missing: str, lock: bool = False):
    """A row of `model` that belongs to a retreat (404 with `missing` otherwise); with `lock`, its retreat is
    locked first, so every use case takes locks in one order (the retreat, then what is in it)."""
    row_id = str(row_id)
    if lock:
        retreat_id = session.scalar(select(model.retreat_id).where(model.id == row_id))
        if retreat_id is None:
            raise not_found(missing)
        get_retreat(session, retreat_id, lock=True)
    row = session.get(model, row_id)
    if row is None:
        raise not_found(missing)
    return row


def get_registration(session: Session, registration_id: str, lock: bool = False) -> Registration:
    return get_owned(session, Registration, registration_id, REGISTRATION_NOT_FOUND, lock)


def count_active(session: Session, retreat_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Registration).where(
        Registration.retreat_id == retreat_id, Registration.status.in_(ACTIVE)))


def invitation_link(registration: Registration) -> str:
    config = context.config
    return tokens.invitation_url(config.public_base_url, config.invitation_secret, registration.id,
                                 registration.token_version)


def badge_code_of(registration: Registration) -> str:
    """The code on the registration's QR badge (signed with the badge salt: never an invitation link)."""
    return tokens.badge_code(context.config.invitation_secret, registration.badge_nonce)


def created_cursor(values: list) -> list:
    """Decoded (created_at, id) cursor values back into column types; ValueError when they are not."""
    try:
        return [datetime.fromisoformat(values[0]), str(uuid.UUID(values[1]))]
    except Exception as exc:  # noqa: BLE001 - any malformed cursor is the client's 422
        raise ValueError("bad cursor") from exc


def number_cursor(values: list) -> list:
    """A decoded (number) cursor; ValueError unless it is a positive integer."""
    number = values[0]
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 2**31:
        raise ValueError("bad cursor")
    return [number]
