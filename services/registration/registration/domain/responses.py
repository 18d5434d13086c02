"""How an official may answer an invitation (confirm / decline). When answers stop is a shared rule:
`retret.rules.responses.responses_close_at`."""
from __future__ import annotations

from datetime import datetime

from retret.rules.responses import OPEN_RETREAT_STATUSES
from retret.rules.responses import can_respond  # noqa: F401  (the shared rule, used through this module)

from . import DomainError
from .capacity import CANCELLED, CONFIRMED, DECLINED, WAITLISTED

APPLY, NOOP = "apply", "noop"


def is_open(now: datetime, closes_at: datetime) -> bool:
    return now < closes_at


def _check_answerable(registration_status: str, retreat_status: str) -> None:
    if retreat_status == "cancelled":
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan; undangan tidak dapat dijawab.")
    if retreat_status not in OPEN_RETREAT_STATUSES:
        raise DomainError("retreat_not_open", "Retret ini belum dibuka untuk menjawab undangan.")
    if registration_status == CANCELLED:
        raise DomainError("registration_cancelled", "Pendaftaran Anda telah dibatalkan oleh panitia.")
    if registration_status == WAITLISTED:
        raise DomainError("waitlisted", "Anda masih dalam daftar tunggu. Undangan akan dikirim bila ada tempat.")


def _check_open(now: datetime, closes_at: datetime) -> None:
    if not is_open(now, closes_at):
        raise DomainError("response_closed", "Batas waktu untuk menjawab undangan ini sudah lewat.")


def decide_confirm(registration_status: str, retreat_status: str, now: datetime, closes_at: datetime) -> str:
    """APPLY (confirm now), NOOP (already confirmed: answer the same) or a DomainError."""
    _check_answerable(registration_status, retreat_status)
    if registration_status == CONFIRMED:
        return NOOP
    _check_open(now, closes_at)
    return APPLY


def decide_decline(registration_status: str, retreat_status: str, now: datetime, closes_at: datetime) -> str:
    """APPLY (decline now), NOOP (already declined) or a DomainError."""
    _check_answerable(registration_status, retreat_status)
    if registration_status == DECLINED:
        return NOOP
    _check_open(now, closes_at)
    return APPLY
