"""Use cases of the notifications service: create a message, move it through its lifecycle (state, history and
the `notification.status_changed` event in one transaction), and the queries behind the API."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import and_, event as sa_event, func, or_, select
from sqlalchemy.orm import Session

from retret import clock
from retret.db import insert_ignore
from retret.queues import NOTIFICATIONS, queue_name
from retret.timezones import DEFAULT_TIMEZONE, in_zone
from retret.tracing import current_trace_id, traced
from retret.http.errors import ApiError
from retret.http.pagination import keyset_page

from .context import context
from .domain import delivery_reports, lifecycle, sms
from .domain.messages import CHANNELS, idempotency_key, message_id
from .models import Notification, NotificationStatus, Recipient

log = logging.getLogger(__name__)

NUDGE_FLAG = "notifications_send_nudge"


def _nudge_send(_session=None) -> None:
    """Ask a worker to send now (after the commit), from the bus's background sender: beat scans anyway."""
    context.bus.send_soon(f"{NOTIFICATIONS}.send_due", [], queue_name(NOTIFICATIONS))


def nudge_after_commit(session: Session) -> None:
    """Ask for a send once the session commits (at most once per session): the message waits for no scan."""
    if session.info.get(NUDGE_FLAG):
        return
    session.info[NUDGE_FLAG] = True
    sa_event.listen(session, "after_commit", _nudge_send, once=True)


MAX_ERROR = 1000


# ---------------------------------------------------------------------------------------------- writing
def create_notification(
    session: Session, *, event_id: str, kind: str, channel: str, recipient: str, body_text: str,
    subject: str | None = None, body_html: str | None = None, recipient_name: str | None = None,
    retreat_id: str | None = None, registration_id: str | None = None, language: str = "id",
    timezone: str | None = None, status: str = lifecycle.CREATED, error: str | None = None,
    due_at: datetime | None = None, attachments: list | None = None, bulk: bool = False,
) -> Notification | None:
    """One message row (status `created`, due now) plus its first history entry and status event.

    Returns None when a message with the same idempotency key exists already (nothing is written)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = clock.now()
    key = idempotency_key(event_id, kind, channel, recipient)
    new_id = insert_ignore(session, Notification, dict(
        id=str(uuid.uuid4()), idempotency_key=key, event_id=event_id, retreat_id=retreat_id,
        registration_id=registration_id, channel=channel, kind=kind, language=language,
        recipient=recipient.strip(), recipient_name=recipient_name, subject=subject, body_text=body_text,
        body_html=body_html, attachments=attachments, bulk=bulk, status=status, attempts=0, error=_short(error),
        due_at=(due_at or now) if status == lifecycle.CREATED else None,
        message_id=message_id(key), trace_id=current_trace_id(), timezone=timezone or DEFAULT_TIMEZONE,
        created_at=now, updated_at=now,
    ), keys=["idempotency_key"], returning=Notification.id)
    if new_id is None:
        # Not the key itself: it holds the recipient's email or phone, which stay out of the logs.
        log.info("notification exists already", extra={"event_id": event_id, "kind": kind, "channel": channel})
        return None
    notification = session.get(Notification, new_id)
    _history(session, notification, status, error, now)
    _record_status_event(session, notification)
    return notification


def change_status(session: Session, notification: Notification, status: str, *, detail: str | None = None,
                  error: str | None = None, now: datetime | None = None, resend: bool = False,
                  **changes: Any) -> bool:
    """Move a message to `status` if its lifecycle allows it (final states never move, but for a person's
    `resend`); with history and event.

    `changes` are further column values (attempts, due_at, provider, ...). Returns whether it moved."""
    if not lifecycle.can_transition(notification.status, status, resend=resend):
        log.info("status change refused", extra={
            "notification_id": notification.id, "from": notification.status, "to": status})
        return False
    now = now or clock.now()
    notification.status = status
    notification.updated_at = now
    notification.error = _short(error)
    for name, value in changes.items():
        setattr(notification, name, value)
    _history(session, notification, status, detail or error, now)
    _record_status_event(session, notification)
    return True


def _history(session: Session, notification: Notification, status: str, detail: str | None, at: datetime):
    session.add(NotificationStatus(notification_id=notification.id, status=status, at=at, detail=_short(detail)))


def _record_status_event(session: Session, n: Notification) -> None:
    context.bus.record(session, "notification.status_changed", {
        "notification_id": n.id, "registration_id": n.registration_id, "retreat_id": n.retreat_id,
        "channel": n.channel, "kind": n.kind, "status": n.status, "attempts": n.attempts, "error": n.error,
        "provider": n.provider,
    }, retreat_id=n.retreat_id)


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def resend(notification_id: str, requested_by: str) -> dict:
    """A person sends a failed message again: due now as a new attempt, with its own history entry (the same
    Message-ID for an email). Only technical-failure and permanent-failure messages; others → 409."""
    _check_uuid(notification_id)
    with context.bus.unit_of_work() as session:
        n = session.get(Notification, notification_id, with_for_update=True)
        if n is None:
            raise _not_found()
        if not lifecycle.can_resend(n.status):
            raise ApiError(409, f"Hanya pesan berstatus technical-failure atau permanent-failure yang dapat dikirim "
                                f"ulang; status pesan ini {n.status}.", code="not_resendable")
        if not n.body_text:  # its template failed: nothing to send until the template is fixed
            raise ApiError(409, "Pesan ini tidak memiliki isi (templatnya gagal); perbaiki templat, lalu kirim "
                                "pesan baru.", code="not_resendable")
        with traced(n.trace_id):
            change_status(session, n, lifecycle.CREATED, resend=True, now=clock.now(), due_at=clock.now(),
                          detail=f"resend requested by {requested_by} after {n.status}: {n.error or '-'}")
        nudge_after_commit(session)
        session.flush()
        return notification_view(n)


# ---------------------------------------------------------------------------------------------- reports
def apply_delivery_report(notification_id: str, code: int, *, attempt: int | None = None,
                          answer: str | None = None, provider: str = "kannel") -> str | None:
    """Apply a gateway's delivery report (Kannel DLR type `code`) to an SMS. Returns its status afterwards, or
    None when no such SMS exists (nothing done: the gateway must not retry a report forever)."""
    with context.bus.unit_of_work() as session:
        n = session.get(Notification, notification_id, with_for_update=True)
        if n is None or n.channel != "sms":
            log.warning("delivery report for an unknown SMS ignored", extra={
                "notification_id": notification_id, "dlr": code, "attempt": attempt})
            return None
        result = delivery_reports.outcome(code, n.status, n.attempts, attempt, _clean_answer(answer))
        now = clock.now()
        with traced(n.trace_id):
            if result.status is not None and result.status != n.status:
                changes = {"due_at": None, "provider": n.provider or provider}
                if result.status in (lifecycle.SENT, lifecycle.DELIVERED):
                    changes["sent_at"] = n.sent_at or now
                error = result.detail if result.status == lifecycle.PERMANENT_FAILURE else None
                if change_status(session, n, result.status, detail=result.detail, error=error, now=now, **changes):
                    return n.status
            if result.note:
                _history(session, n, n.status, result.detail, now)
            else:
                log.info("delivery report changes nothing", extra={
                    "notification_id": n.id, "status": n.status, "dlr": code, "attempt": attempt})
        return n.status


def _clean_answer(answer: str | None, limit: int = 300) -> str | None:
    """The SMSC's answer as one short line (it is the gateway's text, shown in the history)."""
    if not answer:
        return None
    line = " ".join("".join(c if c.isprintable() else " " for c in answer).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------- reading
def notification_view(n: Notification) -> dict:
    """A message as the API shows it, its times in its retreat's time zone."""
    tz = n.timezone
    return {
        "id": n.id, "channel": n.channel, "kind": n.kind, "language": n.language, "recipient": n.recipient,
        "recipient_name": n.recipient_name, "retreat_id": n.retreat_id, "registration_id": n.registration_id,
        "event_id": n.event_id, "subject": n.subject, "status": n.status, "attempts": n.attempts,
        "provider": n.provider, "error": n.error, "message_id": n.message_id,
        "due_at": in_zone(n.due_at, tz), "sent_at": in_zone(n.sent_at, tz),
        "created_at": in_zone(n.created_at, tz), "updated_at": in_zone(n.updated_at, tz),
        "sms": _sms_view(n.body_text) if n.channel == "sms" else None,
    }


def _sms_view(text: str) -> dict:
    info = sms.sms_info(text or "")
    return {"encoding": info.encoding, "length": info.length, "segments": info.segments}


FILTERS = ("retreat_id", "channel", "status", "kind", "registration_id")


def list_notifications(args: Mapping[str, Any]) -> dict:
    stmt = select(Notification)
    for name in FILTERS:
        value = args.get(name)
        if value is not None:
            stmt = stmt.where(getattr(Notification, name) == str(value))
    with context.db.session() as session:
        rows, next_cursor = keyset_page(session, stmt, [Notification.created_at, Notification.id], args,
                                        convert=lambda v: [datetime.fromisoformat(v[0]), str(v[1])])
        return {"items": [notification_view(n) for n in rows], "next_cursor": next_cursor}


def _check_uuid(notification_id: str) -> None:
    try:
        uuid.UUID(notification_id)
    except ValueError:
        raise _not_found() from None


def get_notification(notification_id: str) -> dict:
    _check_uuid(notification_id)
    with context.db.session() as session:
        n = session.get(Notification, notification_id)
        if n is None:
            raise _not_found()
        history = session.execute(
            select(NotificationStatus).where(NotificationStatus.notification_id == n.id)
            .order_by(NotificationStatus.id)
        ).scalars().all()
        view = notification_view(n)
        view.update(body_text=n.body_text, body_html=n.body_html, history=[
            {"status": h.status, "at": in_zone(h.at, n.timezone), "detail": h.detail} for h in history])
        return view


def _not_found() -> ApiError:
    return ApiError(404, "Notifikasi tidak ditemukan.", code="notification_not_found")


def notification_stats(retreat_id: str | None = None) -> dict:
    """Counts per channel and status (every status listed, zeros included), and the officials with a channel
    missing or whom nobody reached."""
    stmt = select(Notification.channel, Notification.status, func.count()).group_by(
        Notification.channel, Notification.status)
    if retreat_id is not None:
        stmt = stmt.where(Notification.retreat_id == str(retreat_id))
    channels = {c: {"total": 0, "statuses": {s: 0 for s in lifecycle.STATUSES}} for c in CHANNELS}
    statuses = {s: 0 for s in lifecycle.STATUSES}
    total = 0
    with context.db.session() as session:
        for channel, status, count in session.execute(stmt):
            bucket = channels.setdefault(channel, {"total": 0, "statuses": {s: 0 for s in lifecycle.STATUSES}})
            bucket["statuses"][status] = bucket["statuses"].get(status, 0) + count
            bucket["total"] += count
            statuses[status] = statuses.get(status, 0) + count
            total += count
        officials = _officials_stats(session, retreat_id)
    return {"retreat_id": str(retreat_id) if retreat_id else None, "total": total, "statuses": statuses,
            "channels": channels, "officials": officials}


UNREACHABLE_LIMIT = 500
ACTIVE_STATUSES = ("invited", "confirmed", "waitlisted")


FAILED = (lifecycle.PERMANENT_FAILURE, lifecycle.TECHNICAL_FAILURE)


def _officials_stats(session: Session, retreat_id: str | None) -> dict:
    """Officials with an open registration lacking a channel, and those nobody reached: no contact at all, or
    every message to them failed (one still on its way is not unreached yet). Counted in SQL, and only the first
    UNREACHABLE_LIMIT unreached are read: a ministry's tens of thousands of officials never come into Python."""
    failed = func.count().filter(Notification.status.in_(FAILED))
    per_registration = (select(Notification.registration_id, func.count().label("total"), failed.label("failed"))
                        .where(Notification.registration_id.is_not(None))
                        .group_by(Notification.registration_id).subquery())
    no_email = func.coalesce(func.trim(Recipient.email), "") == ""
    no_phone = func.coalesce(func.trim(Recipient.phone), "") == ""
    no_contact = and_(no_email, no_phone)
    unreached = or_(no_contact, and_(per_registration.c.total > 0,
                                     per_registration.c.total == per_registration.c.failed))

    def active(stmt):
        stmt = (stmt.select_from(Recipient)
                .outerjoin(per_registration, per_registration.c.registration_id == Recipient.registration_id)
                .where(Recipient.status.in_(ACTIVE_STATUSES)))
        return stmt.where(Recipient.retreat_id == str(retreat_id)) if retreat_id is not None else stmt

    total, without_email, without_phone, unreachable_total = session.execute(active(select(
        func.count(), func.count().filter(no_email), func.count().filter(no_phone),
        func.count().filter(unreached)))).one()
    rows = session.execute(active(select(
        Recipient.registration_id, Recipient.retreat_id, Recipient.nip, Recipient.name, Recipient.status,
        func.coalesce(per_registration.c.total, 0), no_contact))
        .where(unreached).order_by(Recipient.retreat_id, Recipient.name, Recipient.registration_id)
        .limit(UNREACHABLE_LIMIT)).all()
    return {
        "total": total, "without_email": without_email, "without_phone": without_phone,
        "unreachable_total": unreachable_total,
        "unreachable": [{"registration_id": registration_id, "retreat_id": retreat, "nip": nip, "name": name,
                         "status": status, "messages": messages,
                         "reason": "no_contact" if lacks_contact else "all_failed"}
                        for registration_id, retreat, nip, name, status, messages, lacks_contact in rows],
    }
