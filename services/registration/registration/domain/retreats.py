"""Retreat life cycle: draft → published → running → finished | cancelled."""
from __future__ import annotations

from . import DomainError

DRAFT, PUBLISHED, RUNNING, FINISHED, CANCELLED = "draft", "published", "running", "finished", "cancelled"


def check_publish(status: str) -> None:
    if status != DRAFT:
        raise DomainError("not_draft", "Hanya retret berstatus draft yang dapat dipublikasikan.")


def check_cancel(status: str) -> None:
    if status == CANCELLED:
        raise DomainError("already_cancelled", "Retret ini sudah dibatalkan.")
    if status == FINISHED:
        raise DomainError("already_finished", "Retret yang sudah selesai tidak dapat dibatalkan.")


def check_accepts_registrations(status: str) -> None:
    if status == CANCELLED:
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan; pendaftaran tidak dapat ditambah.")
    if status == FINISHED:
        raise DomainError("retreat_finished", "Retret ini sudah selesai; pendaftaran tidak dapat ditambah.")


def announces(status: str) -> bool:
    """Whether registration events go out now (a draft keeps them until it is published)."""
    return status != DRAFT


def invites(status: str) -> bool:
    """Whether waiting registrations may still be invited (never into a cancelled or finished retreat)."""
    return status in (DRAFT, PUBLISHED, RUNNING)
