"""Messages to many, due at a time: reminders computed from the agenda (moved when it changes, withdrawn when what
they are about is cancelled) and schedule changes to everyone they concern. Beat's scan (`notifications.scan_due`
on the bulk queue) turns each due row into one notification per recipient, so a big retreat never holds up
events; the notifications' idempotency keys (the row's id and due time) make a repeated scan write nothing new."""
from __future__ import annotations

import logging
import uuid
import zlib
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from retret import clock
from retret.bus.bus import json_ready

from .config import NotificationSettings
from .context import context
from .domain import reminders as rules
from .domain.formatting import format_date_range
from .domain.messages import choose_language, registration_context, session_view
from .messaging import message_official
from .models import AgendaSession, Announcement, Fanout, Recipient, Retreat

log = logging.getLogger(__name__)

REMINDER_KINDS = (rules.RESPONSE_REMINDER, rules.RETREAT_TOMORROW, rules.SESSION_REMINDER)
# Who a message of each kind is for, by registration status.
STATUSES = {
    rules.RESPONSE_REMINDER: ("invited",),
    rules.RETREAT_TOMORROW: ("confirmed",),
    rules.SESSION_REMINDER: ("confirmed",),
    "session_rescheduled": ("confirmed",),
    "session_cancelled": ("confirmed",),
    "retreat_rescheduled": ("invited", "confirmed"),
    "retreat_cancelled": ("invited", "confirmed"),
}
SESSION_KINDS = (rules.SESSION_REMINDER, "session_rescheduled", "session_cancelled")
NAMESPACE = uuid.UUID("2f6f1a8e-6b0e-4f52-9a55-1c3c2b7e9d10")
# Recipients messaged per transaction: a big retreat's fan-out is many short transactions, each resumable.
FANOUT_BATCH = 500


# ---------------------------------------------------------------------------------------------- writing rows
def schedule_now(session: Session, key: str, kind: str, retreat_id: str, data: Mapping,
                 session_id: str | None = None) -> None:
    """A message of `kind` to everyone it concerns, as soon as the scan runs (once per `key`)."""
    if session.scalar(select(Fanout.id).where(Fanout.key == key)) is not None:
        return
    now = clock.now()
    session.add(Fanout(id=str(uuid.uuid4()), key=key, retreat_id=retreat_id, session_id=session_id, kind=kind,
                       due_at=now, until=None, data=json_ready(dict(data)), created_at=now, updated_at=now))


def _upsert(session: Session, retreat_id: str, due: rules.DueReminder, now: datetime) -> None:
    row = session.execute(select(Fanout).where(Fanout.key == due.key).with_for_update()).scalar_one_or_none()
    if row is None:
        if due.until > now:  # none for a time already past
            session.add(Fanout(id=str(uuid.uuid4()), key=due.key, retreat_id=retreat_id, session_id=due.session_id,
                               kind=due.kind, due_at=due.due_at, until=due.until, data=dict(due.data),
                               created_at=now, updated_at=now))
        return
    if clock.as_utc(row.due_at) == clock.as_utc(due.due_at) and row.outcome != "withdrawn":
        return
    # Moved (or back after a withdrawal): due again at its new time, unless that time has passed already.
    row.due_at, row.until, row.data, row.updated_at = due.due_at, due.until, dict(due.data), now
    row.done_at, row.outcome, row.recipients, row.cursor = None, None, None, None
    if due.until <= now:
        row.done_at, row.outcome = now, "skipped"


def _withdraw(session: Session, rows: Iterable[Fanout], now: datetime) -> None:
    for row in rows:
        if row.done_at is None:
            row.done_at, row.outcome, row.updated_at = now, "withdrawn", now


def recompute_retreat(session: Session, retreat: Retreat, settings: NotificationSettings) -> None:
    """The retreat's answer and day-before reminders as its dates say; a cancelled retreat's reminders go."""
    now = clock.now()
    due = rules.retreat_reminders(_retreat_dict(retreat), settings.reminder_days)
    for reminder in due:
        _upsert(session, retreat.retreat_id, reminder, now)
    keys = {r.key for r in due}
    kinds = REMINDER_KINDS if retreat.status == "cancelled" else (rules.RESPONSE_REMINDER, rules.RETREAT_TOMORROW)
    pending = session.execute(select(Fanout).where(
        Fanout.retreat_id == retreat.retreat_id, Fanout.kind.in_(kinds), Fanout.done_at.is_(None),
    ).with_for_update()).scalars()
    _withdraw(session, [r for r in pending if r.key not in keys], now)


def recompute_session(session: Session, agenda: AgendaSession, retreat_status: str | None,
                      settings: NotificationSettings) -> None:
    """The session's reminder at its (new) time; none for a cancelled or optional session."""
    now = clock.now()
    due = rules.session_reminder(_session_dict(agenda), retreat_status, settings.session_reminder_minutes)
    if due is not None:
        _upsert(session, agenda.retreat_id, due, now)
        return
    _withdraw(session, session.execute(select(Fanout).where(
        Fanout.key == f"{rules.SESSION_REMINDER}:{agenda.session_id}").with_for_update()).scalars(), now)


# ---------------------------------------------------------------------------------------------- scanning
@contextmanager
def one_scan_at_a_time():
    """Yields whether this process may scan: one scan at a time (a PostgreSQL advisory lock), so beat's scans
    never take more than one worker slot and events always find one free. SQLite serialises writers itself."""
    if context.db.sqlite:
        yield True
        return
    key = zlib.crc32(b"retret-notifications-scan-due")
    with context.db.engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        try:
            yield bool(got)
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()


def scan_due(limit: int = 100) -> dict:
    """Fan out due rows, FANOUT_BATCH recipients per transaction (a row resumes after its cursor): returns counts
    of outcomes (`batch` for a part of a row that goes on)."""
    counts: dict[str, int] = {}
    for _ in range(limit):
        outcome = _fan_out_next()
        if outcome is None:
            break
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _fan_out_next() -> str | None:
    with context.bus.unit_of_work() as session:
        now = clock.now()
        row = session.execute(select(Fanout).where(Fanout.done_at.is_(None), Fanout.due_at <= now)
                              .order_by(Fanout.due_at).limit(1).with_for_update(skip_locked=True)
                              ).scalar_one_or_none()
        if row is None:
            return None
        row.updated_at = now
        retreat = session.get(Retreat, row.retreat_id)
        starting = row.cursor is None
        if retreat is None or starting and not rules.sendable(clock.as_utc(row.due_at),
                                                              row.until and clock.as_utc(row.until), now):
            # The beat was down past the time it was for: late is worse than none.
            row.done_at, row.outcome = now, "skipped"
            return row.outcome
        count, last = _message_batch(session, row, retreat)
        row.recipients = (row.recipients or 0) + count
        if count == FANOUT_BATCH:
            row.cursor = last
            return "batch"
        row.done_at, row.outcome = now, "sent"
        if row.kind == "announcement":
            announcement = session.get(Announcement, row.data["announcement_id"])
            announcement.status, announcement.fanned_out_at = "sent", now
        return row.outcome


ANNOUNCEMENT_STATUSES = ("invited", "confirmed")  # an announcement's audience without statuses


def audience_clause(retreat_id: str, audience: Mapping[str, Any]) -> list:
    """Conditions on Recipient: an audience key left out or empty does not filter, except `statuses`, which then
    means invited and confirmed."""
    clauses = [Recipient.retreat_id == retreat_id,
               Recipient.status.in_(list(audience.get("statuses") or ANNOUNCEMENT_STATUSES))]
    for key, column in (("units", Recipient.unit_code), ("position_kinds", Recipient.position_kind),
                        ("groups", Recipient.group)):
        if audience.get(key):
            clauses.append(column.in_(list(audience[key])))
    return clauses


def event_id_of(row: Fanout) -> str:
    """The event id of the messages a fan-out writes: another one each time the row is due at another time."""
    return str(uuid.uuid5(NAMESPACE, f"{row.id}@{clock.as_utc(row.due_at).isoformat()}"))


def _message_batch(session: Session, row: Fanout, retreat: Retreat) -> tuple[int, str | None]:
    """Messages to the next FANOUT_BATCH recipients after the row's cursor: (how many, the last one's id)."""
    agenda = session.get(AgendaSession, row.session_id) if row.session_id else None
    session_data = row.data.get("session") or (_session_dict(agenda) if agenda is not None else None)
    extra, channels = dict(days=row.data.get("days")), None
    if row.kind == "announcement":
        announcement = session.get(Announcement, row.data["announcement_id"])
        stmt = select(Recipient).where(*audience_clause(row.retreat_id, announcement.audience))
        extra["announcement"], channels = {"subject": announcement.subject, "body": announcement.body}, \
            list(announcement.channels)
    else:
        stmt = select(Recipient).where(Recipient.retreat_id == row.retreat_id,
                                       Recipient.status.in_(STATUSES[row.kind]))
        groups = (session_data or {}).get("audience_groups") or []
        if row.kind in SESSION_KINDS and groups:
            stmt = stmt.where(Recipient.group.in_(groups))
    if row.cursor is not None:
        stmt = stmt.where(Recipient.registration_id > row.cursor)
    event_id, count, last = event_id_of(row), 0, None
    for recipient in session.execute(stmt.order_by(Recipient.registration_id).limit(FANOUT_BATCH)).scalars():
        language = language_of(recipient, retreat)
        values = {**recipient_values(recipient, retreat, language), **extra,
                  "old_dates_text": _old_dates_text(row.data, language)}
        if session_data is not None:
            values["session"] = session_view(session_data, retreat.timezone, language)
        message_official(session, event_id=event_id, kind=row.kind, official=recipient_official(recipient),
                         values=values, retreat_id=row.retreat_id, registration_id=recipient.registration_id,
                         timezone=retreat.timezone, channels=channels, nudge=False, language=language)
        count, last = count + 1, recipient.registration_id
    return count, last


# ---------------------------------------------------------------------------------------------- views
def recipient_official(recipient: Recipient) -> dict:
    return {"nip": recipient.nip, "name": recipient.name, "email": recipient.email, "phone": recipient.phone,
            "unit_code": recipient.unit_code}


def language_of(recipient: Recipient, retreat: Retreat) -> str:
    return choose_language({"language": recipient.language}, {"language": retreat.language})


def recipient_values(recipient: Recipient, retreat: Retreat, language: str = "id") -> dict:
    """Template values for one registration, from what the events told (as registration_context)."""
    return registration_context({
        "official": recipient_official(recipient), "retreat": _retreat_dict(retreat),
        "registration_id": recipient.registration_id, "status": recipient.status,
        "invitation_url": recipient.invitation_url, "group": recipient.group, "room": recipient.room,
    }, language)


def _old_dates_text(data: Mapping, language: str) -> str | None:
    """A rescheduled retreat's former dates, written out."""
    if not (data.get("old_starts_on") and data.get("old_ends_on")):
        return None
    return format_date_range(date.fromisoformat(data["old_starts_on"]), date.fromisoformat(data["old_ends_on"]),
                             language)


def _retreat_dict(retreat: Retreat) -> dict:
    deadline = retreat.response_deadline
    return {"retreat_id": retreat.retreat_id, "code": retreat.code, "title": retreat.title,
            "organizer": retreat.organizer, "venue": retreat.venue, "timezone": retreat.timezone,
            "starts_on": retreat.starts_on, "ends_on": retreat.ends_on, "status": retreat.status,
            "response_deadline": clock.as_utc(deadline) if deadline else None}


def _session_dict(agenda: AgendaSession) -> dict:
    return {"session_id": agenda.session_id, "title": agenda.title, "kind": agenda.kind,
            "location": agenda.location, "description": agenda.description,
            "starts_at": clock.as_utc(agenda.starts_at), "ends_at": clock.as_utc(agenda.ends_at),
            "mandatory": agenda.mandatory, "status": agenda.status, "audience_groups": agenda.audience_groups or [],
            "updated_at": clock.as_utc(agenda.updated_at)}


def agenda_of(session: Session, retreat_id: str) -> list[dict]:
    return [_session_dict(a) for a in session.execute(
        select(AgendaSession).where(AgendaSession.retreat_id == retreat_id).order_by(AgendaSession.starts_at)
    ).scalars()]
