"""Permits (izin): pending → approved | rejected, decided once; pending or approved → withdrawn; who may ask for one."""
from __future__ import annotations

from . import DomainError

KINDS = ("sick", "duty", "family", "other")
PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
STATUSES = (PENDING, APPROVED, REJECTED, WITHDRAWN)
OFFICIAL = "official"  # requested_by of a permit asked for through the invitation link


def check_decidable(status: str) -> None:
    if status != PENDING:
        raise DomainError("permit_decided", "Izin ini sudah diputuskan sebelumnya.")


def check_withdrawable(status: str, by_official: bool) -> None:
    """An admin may withdraw a pending or an approved permit (approved by mistake, or the official came after all);
    the official only their own pending request: an approval is undone by the organiser, who answers for it."""
    if by_official and status == APPROVED:
        raise DomainError("permit_approved", "Izin ini sudah disetujui; hubungi panitia untuk membatalkannya.")
    if status not in (PENDING, APPROVED):
        raise DomainError("permit_not_withdrawable", "Izin ini sudah ditolak atau dibatalkan sebelumnya.")


def check_requestable(registration_status: str, retreat_status: str) -> None:
    """A permit is for an official expected at the retreat: a confirmed registration of a retreat that runs."""
    if retreat_status == "cancelled":
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan.")
    if registration_status != "confirmed":
        raise DomainError("not_confirmed", "Izin hanya untuk peserta yang sudah mengonfirmasi kehadiran.")
