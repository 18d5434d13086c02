"""Permits (izin): pending → approved | rejected, decided once; who may ask for one."""
from __future__ import annotations

from . import DomainError

KINDS = ("sick", "duty", "family", "other")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
OFFICIAL = "official"  # requested_by of a permit asked for through the invitation link


def check_decidable(status: str) -> None:
    if status != PENDING:
        raise DomainError("permit_decided", "Izin ini sudah diputuskan sebelumnya.")


def check_requestable(registration_status: str, retreat_status: str) -> None:
    """A permit is for an official expected at the retreat: a confirmed registration of a retreat that runs."""
    if retreat_status == "cancelled":
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan.")
    if registration_status != "confirmed":
        raise DomainError("not_confirmed", "Izin hanya untuk peserta yang sudah mengonfirmasi kehadiran.")
