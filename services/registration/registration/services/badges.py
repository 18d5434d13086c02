"""Badges: an official's QR badge (through their invitation link, or read by staff) and a retreat's printable
badges. Only a confirmed registration has a badge to show."""
from __future__ import annotations

from sqlalchemy import select

from retret.http.errors import ApiError

from .. import badges
from ..context import context
from ..domain.capacity import CONFIRMED
from ..domain.groups import natural_key
from ..models import Registration
from .common import badge_code_of, get_registration, get_retreat
from .invitations import _claimed  # the invitation link's own check (kept private there: one owner)

NOT_CONFIRMED = "Badge hanya tersedia untuk peserta yang sudah mengonfirmasi kehadiran."
NO_CONFIRMED = "Belum ada peserta yang mengonfirmasi kehadiran; belum ada badge untuk dicetak."
NO_CONFIRMED_IN_GROUP = "Tidak ada peserta terkonfirmasi pada kelompok tersebut; tidak ada badge untuk dicetak."


def _qr_of(registration: Registration, fmt: str) -> bytes:
    if registration.status != CONFIRMED:
        raise ApiError(409, NOT_CONFIRMED, code="not_confirmed")
    return badges.qr_image(badge_code_of(registration), fmt)


def official_badge(token: str, fmt: str) -> bytes:
    """The QR of the official's own badge, through their invitation link."""
    with context.db.session() as session:
        return _qr_of(_claimed(session, token), fmt)


def staff_badge(registration_id: str, fmt: str) -> tuple[bytes, str]:
    """(the QR, the official's NIP for the file name)."""
    with context.db.session() as session:
        registration = get_registration(session, registration_id)
        return _qr_of(registration, fmt), registration.official_nip


def retreat_badges(retreat_id: str, layout: str, group: str | None = None) -> tuple[bytes, str]:
    """(the PDF of every confirmed official's badge, or of one platoon's, by platoon then name; the retreat's
    code)."""
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(Registration).where(Registration.retreat_id == retreat.id, Registration.status == CONFIRMED)
        if group is not None:
            stmt = stmt.where(Registration.group == group)
        rows = session.scalars(stmt).all()
        if not rows:
            raise ApiError(409, NO_CONFIRMED if group is None else NO_CONFIRMED_IN_GROUP, code="no_confirmed")
        rows = sorted(rows, key=_print_order)
        cards = [badges.Badge(code=badge_code_of(r), name=r.official.name, unit=r.official.unit_name,
                              group=r.group, room=r.room) for r in rows]
        return badges.badges_pdf(retreat.title, cards, layout), retreat.code


def _print_order(registration: Registration) -> tuple:
    """Platoon by platoon (those without one last), by name within, so the printed stack is handed out as is."""
    group = registration.group
    return group is None, natural_key(group or ""), registration.official.name.casefold(), registration.official_nip
