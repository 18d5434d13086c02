"""What notifications does with each event it follows (consumer side; run inside the inbox transaction).

Handlers only write rows: the messages to send (status `created`, due now) and what later messages need to know
(retreats, recipients). Sending happens in `notifications.send_due`, nudged after the transaction commits, so an
event is never blocked by SMTP. Events of one source may arrive out of order after a loss and a replay: a fact
is only overwritten by one that occurred later, and a message about a status that was since superseded is not
sent (a late `registration.confirmed` after `registration.cancelled` stays silent)."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Mapping

from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from retret import clock
from retret.events.catalogue import event_type
from retret.queues import NOTIFICATIONS, queue_name

from . import services
from .context import context
from .domain import lifecycle
from retret.rules.phone import PhoneError, normalize_phone

from .domain.messages import EMAIL_KINDS, SMS_KINDS, registration_context
from .models import Recipient, Retreat
from .replies import answer_applied
from .templating import TemplateError, render_email, render_sms

log = logging.getLogger(__name__)

NUDGE_FLAG = "notifications_send_nudge"


# ---------------------------------------------------------------------------------------------- helpers
def _load(envelope: dict) -> dict | None:
    """The event's data loaded with its catalogue schema (dates as dates); None if it does not fit."""
    try:
        return event_type(envelope["type"]).schema(unknown=EXCLUDE).load(envelope["data"])
    except ValidationError as exc:
        log.error("event data does not match the catalogue; ignored", extra={
            "type": envelope["type"], "event_id": envelope["id"], "errors": exc.messages})
        return None


def _occurred_at(envelope: dict) -> datetime:
    return clock.as_utc(datetime.fromisoformat(envelope["occurred_at"]))


def _newer(stored: datetime | None, occurred: datetime) -> bool:
    """Whether a fact that occurred at `occurred` may replace one stored from `stored` (ties: the later wins)."""
    return stored is None or clock.as_utc(stored) <= occurred


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def _nudge_send(_session=None) -> None:
    """Ask a worker to send now (after the commit), from the bus's background sender: beat runs send_due anyway."""
    context.bus.send_soon(f"{NOTIFICATIONS}.send_due", [], queue_name(NOTIFICATIONS))


def nudge_after_commit(session: Session) -> None:
    if session.info.get(NUDGE_FLAG):
        return
    session.info[NUDGE_FLAG] = True
    sa_event.listen(session, "after_commit", _nudge_send, once=True)


# ---------------------------------------------------------------------------------------------- state
def _remember_retreat(session: Session, data: Mapping, occurred: datetime) -> None:
    retreat_id = str(data["retreat_id"])
    row = session.get(Retreat, retreat_id, with_for_update=True)
    if row is not None and not _newer(row.occurred_at, occurred):
        return
    if row is None:
        row = Retreat(retreat_id=retreat_id)
        session.add(row)
    for name in ("code", "title", "organizer", "venue", "timezone", "starts_on", "ends_on", "status",
                 "response_deadline"):
        setattr(row, name, data.get(name))
    row.occurred_at, row.updated_at = occurred, clock.now()


def _recipient(session: Session, registration_id: str, retreat_id: str, official: Mapping) -> Recipient:
    row = session.get(Recipient, registration_id, with_for_update=True)
    if row is None:
        row = Recipient(registration_id=registration_id, retreat_id=retreat_id, nip=official.get("nip") or "",
                        updated_at=clock.now())
        session.add(row)
    return row


def _remember_contact(row: Recipient, official: Mapping, occurred: datetime) -> None:
    if not _newer(row.contact_at, occurred):
        return
    for name in ("nip", "name", "email", "phone", "unit_code", "position_kind"):
        if name in official:
            setattr(row, name, official.get(name))
    row.contact_at, row.updated_at = occurred, clock.now()


def _remember_status(session: Session, data: Mapping, occurred: datetime) -> bool:
    """Store the registration's status; False when a later status is known already (this event is stale)."""
    official = data.get("official") or {}
    row = _recipient(session, str(data["registration_id"]), str(data["retreat_id"]), official)
    _remember_contact(row, official, occurred)
    if row.status_at is not None and clock.as_utc(row.status_at) > occurred:
        return False
    row.status, row.status_at, row.updated_at = data.get("status"), occurred, clock.now()
    return True


# ---------------------------------------------------------------------------------------------- messages
def _email_to_official(session: Session, envelope: dict, data: Mapping, kind: str) -> None:
    official = data.get("official") or {}
    email = (official.get("email") or "").strip()
    if not email:
        log.info("official has no email; nothing sent", extra={"event_id": envelope["id"], "kind": kind})
        return
    retreat = data.get("retreat") or {}
    common = dict(
        event_id=envelope["id"], kind=kind, channel="email", recipient=email, recipient_name=official.get("name"),
        retreat_id=_str(data.get("retreat_id")), registration_id=_str(data.get("registration_id")),
        timezone=retreat.get("timezone"),
    )
    try:
        rendered = render_email(kind, registration_context(data))
    except TemplateError as exc:  # a broken template must not block the event: a person sees it in the API
        log.error("email template failed", extra={"kind": kind, "error": str(exc)})
        services.create_notification(session, body_text="", status=lifecycle.TECHNICAL_FAILURE,
                                     error=f"template: {exc}", **common)
        return
    created = services.create_notification(
        session, subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
        language=rendered.language, **common)
    if created is not None:
        nudge_after_commit(session)


def _sms_to_official(session: Session, envelope: dict, data: Mapping, kind: str) -> None:
    official = data.get("official") or {}
    phone = (official.get("phone") or "").strip()
    if not phone:
        log.info("official has no phone; no SMS", extra={"event_id": envelope["id"], "kind": kind})
        return
    retreat = data.get("retreat") or {}
    common = dict(
        event_id=envelope["id"], kind=kind, channel="sms", recipient=phone, recipient_name=official.get("name"),
        retreat_id=_str(data.get("retreat_id")), registration_id=_str(data.get("registration_id")),
        timezone=retreat.get("timezone"),
    )
    try:
        # E.164 already; the same number either way (a foreign one only where the site accepts it)
        common["recipient"] = normalize_phone(phone, context.settings.phone_foreign_regions)
    except PhoneError as exc:  # never a gateway's guess: a person sees the number that cannot be sent to
        services.create_notification(session, body_text="", status=lifecycle.PERMANENT_FAILURE,
                                     error=f"phone number {phone!r}: {exc.message}", **common)
        return
    try:
        rendered = render_sms(kind, registration_context(data))
    except TemplateError as exc:
        log.error("SMS template failed", extra={"kind": kind, "error": str(exc)})
        services.create_notification(session, body_text="", status=lifecycle.TECHNICAL_FAILURE,
                                     error=f"template: {exc}", **common)
        return
    created = services.create_notification(session, body_text=rendered.text, language=rendered.language,
                                           **common)
    if created is not None:
        nudge_after_commit(session)


def on_registration_event(session: Session, envelope: dict) -> None:
    """participant.invited and registration.*: remember the status, email (and for some, SMS) the official
    (unless the event is stale)."""
    data = _load(envelope)
    if data is None:
        return
    current = _remember_status(session, data, _occurred_at(envelope))
    if not current:
        log.info("stale status event: no message", extra={"event_id": envelope["id"], "type": envelope["type"]})
        return
    kind = EMAIL_KINDS.get(envelope["type"])
    if kind is not None:
        _email_to_official(session, envelope, data, kind)
    if data.get("reply_id"):  # answered by SMS: the reply is answered instead of the usual SMS (one SMS, not two)
        answer_applied(session, envelope["id"], data)
        return
    kind = SMS_KINDS.get(envelope["type"])
    if kind is not None:
        _sms_to_official(session, envelope, data, kind)


def on_retreat_event(session: Session, envelope: dict) -> None:
    data = _load(envelope)
    if data is not None:
        _remember_retreat(session, data, _occurred_at(envelope))
    # Schedule-change and cancellation messages to participants come with reminders (next round).


def on_participant_updated(session: Session, envelope: dict) -> None:
    """New contact data for the official's registrations (used by later messages)."""
    data = _load(envelope)
    if data is None:
        return
    occurred = _occurred_at(envelope)
    official = data.get("official") or {}
    for registration_id in data.get("registration_ids") or []:
        row = session.get(Recipient, str(registration_id), with_for_update=True)
        if row is not None:  # a registration we have not heard of yet gets its contacts with its own event
            _remember_contact(row, official, occurred)


def on_group_assigned(session: Session, envelope: dict) -> None:
    data = _load(envelope)
    if data is None:
        return
    occurred = _occurred_at(envelope)
    row = session.get(Recipient, str(data["registration_id"]), with_for_update=True)
    if row is None:
        row = Recipient(registration_id=str(data["registration_id"]), retreat_id=str(data["retreat_id"]), nip="",
                        updated_at=clock.now())
        session.add(row)
    if _newer(row.group_at, occurred):
        row.group, row.room, row.group_at, row.updated_at = data.get("group"), data.get("room"), occurred, clock.now()


def accept(_session: Session, _envelope: dict) -> None:
    """Followed but nothing to do yet (sessions and permits: reminders and permit messages come later)."""


HANDLERS: dict[str, Callable[[Session, dict], None]] = {
    "retreat.published": on_retreat_event,
    "retreat.updated": on_retreat_event,
    "retreat.rescheduled": on_retreat_event,
    "retreat.cancelled": on_retreat_event,
    "session.scheduled": accept,
    "session.rescheduled": accept,
    "session.updated": accept,
    "session.cancelled": accept,
    "participant.invited": on_registration_event,
    "participant.updated": on_participant_updated,
    "registration.confirmed": on_registration_event,
    "registration.declined": on_registration_event,
    "registration.cancelled": on_registration_event,
    "registration.waitlisted": on_registration_event,
    "permit.requested": accept,
    "permit.approved": accept,
    "permit.rejected": accept,
    "group.assigned": on_group_assigned,
}
