"""Retreat life cycle: draft → published → running → finished | cancelled.

published → running and running → finished also happen by the clock (`next_status`, applied every minute by
`registration.advance_retreats`); draft and cancelled never move by the clock."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import DomainError

DRAFT, PUBLISHED, RUNNING, FINISHED, CANCELLED = "draft", "published", "running", "finished", "cancelled"
CLOCK_MOVED = (PUBLISHED, RUNNING)  # the statuses the clock may move on


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


def check_editable(status: str) -> None:
    """The retreat, its agenda and its speakers can be changed until it is cancelled or finished."""
    if status == CANCELLED:
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan; data dan agendanya tidak dapat diubah.")
    if status == FINISHED:
        raise DomainError("retreat_finished", "Retret ini sudah selesai; data dan agendanya tidak dapat diubah.")


def announces(status: str) -> bool:
    """Whether registration events go out now (a draft keeps them until it is published)."""
    return status != DRAFT


def invites(status: str) -> bool:
    """Whether waiting registrations may still be invited (never into a cancelled or finished retreat)."""
    return status in (DRAFT, PUBLISHED, RUNNING)


# --------------------------------------------------------------------------- time
def span(starts_on: date, ends_on: date, timezone: str) -> tuple[datetime, datetime]:
    """When the retreat begins and ends: 00:00 of its first day and the midnight after its last day, in its zone."""
    zone = ZoneInfo(timezone)
    return (datetime.combine(starts_on, time.min, tzinfo=zone),
            datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=zone))


def next_status(status: str, now: datetime, begins_at: datetime, ends_at: datetime) -> str | None:
    """The status the clock moves a retreat to now, or None when it stays.

    A published retreat runs once its first day has begun; a running (or still published) one is finished once its
    last day has ended. A draft or a cancelled retreat never moves by the clock."""
    if status not in CLOCK_MOVED:
        return None
    if now >= ends_at:
        return FINISHED
    if status == PUBLISHED and now >= begins_at:
        return RUNNING
    return None


def check_start(status: str, now: datetime, ends_at: datetime) -> None:
    """By hand, published → running (e.g. on the evening of arrival, before the first day)."""
    _check_not_closed(status)
    if status == DRAFT:
        raise DomainError("not_published", "Retret masih draft; publikasikan terlebih dahulu.")
    if status == RUNNING:
        raise DomainError("already_running", "Retret ini sudah berjalan.")
    if now >= ends_at:
        raise DomainError("retreat_ended", "Hari terakhir retret sudah lewat; tandai retret sebagai selesai.")


def check_finish(status: str) -> None:
    """By hand, published or running → finished (e.g. closed a day early)."""
    if status == FINISHED:
        raise DomainError("already_finished", "Retret ini sudah selesai.")
    _check_not_closed(status)
    if status == DRAFT:
        raise DomainError("not_published", "Retret masih draft; publikasikan terlebih dahulu.")


def _check_not_closed(status: str) -> None:
    if status == CANCELLED:
        raise DomainError("retreat_cancelled", "Retret ini telah dibatalkan.")
    if status == FINISHED:
        raise DomainError("retreat_finished", "Retret ini sudah selesai.")
