"""What notifications does with each event it follows (consumer side; run inside the inbox transaction).

Handlers only write rows: the messages to send (status `created`, due now), what later messages need to know
(retreats, sessions, recipients) and fan-outs (reminders recomputed from the agenda, schedule changes to many),
which beat's scan on the bulk queue turns into messages. Sending happens in `notifications.send_due`, nudged after
the transaction commits, so an event is never blocked by SMTP. Events of one source may arrive out of order after a
loss and a replay: a fact is only overwritten by one that occurred later, and a message about a status that was
since superseded is not sent (a late `registration.confirmed` after `registration.cancelled` stays silent)."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Mapping

from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import event as sa_event, select
from sqlalchemy.orm import Session

from retret import clock
from retret.events.catalogue import event_type
from retret.queues import NOTIFICATIONS, queue_name

from . import fanouts
from .context import context
from .config import load_settings
from .domain.attachments import AGENDA_FILENAME, BADGE_FILENAME, agenda_ics, attachment, qr_png
from .domain.messages import REGISTRATION_KINDS, choose_language, permit_view, registration_context
from .messaging import message_official
from .models import AgendaSession, Fanout, Recipient, Retreat
from .replies import answer_applied

log = logging.getLogger(__name__)


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


# ---------------------------------------------------------------------------------------------- state
def _remember_retreat(session: Session, data: Mapping, occurred: datetime) -> Retreat | None:
    """The retreat as the event tells it; None when a later state is known already (stale event)."""
    retreat_id = str(data["retreat_id"])
    row = session.get(Retreat, retreat_id, with_for_update=True)
    if row is not None and not _newer(row.occurred_at, occurred):
        return None
    if row is None:
        row = Retreat(retreat_id=retreat_id)
        session.add(row)
    for name in ("code", "title", "organizer", "venue", "timezone", "starts_on", "ends_on", "status",
                 "response_deadline", "language"):
        setattr(row, name, data.get(name))
    row.occurred_at, row.updated_at = occurred, clock.now()
    return row


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
    for name in ("nip", "name", "email", "phone", "unit_code", "position_kind", "language"):
        if name in official:
            setattr(row, name, official.get(name))
    row.contact_at, row.updated_at = occurred, clock.now()


def _remember_status(session: Session, data: Mapping, occurred: datetime) -> tuple[bool, str | None]:
    """Store the registration's status: (whether this event is current, the status known before it)."""
    official = data.get("official") or {}
    row = _recipient(session, str(data["registration_id"]), str(data["retreat_id"]), official)
    _remember_contact(row, official, occurred)
    if data.get("invitation_url") and _newer(row.status_at, occurred):
        row.invitation_url = data["invitation_url"]
    if row.status_at is not None and clock.as_utc(row.status_at) > occurred:
        return False, row.status
    previous = row.status
    row.status, row.status_at, row.updated_at = data.get("status"), occurred, clock.now()
    return True, previous


# ---------------------------------------------------------------------------------------------- messages
def _confirmation_attachments(session: Session, data: Mapping) -> list | None:
    """The QR badge (from the event's badge_code) and the agenda as notifications knows it."""
    files = []
    if data.get("badge_code"):
        files.append(attachment(BADGE_FILENAME, "image/png", qr_png(data["badge_code"])))
    agenda = fanouts.agenda_of(session, str(data["retreat_id"]))
    if agenda:
        files.append(attachment(AGENDA_FILENAME, "text/calendar", agenda_ics(data.get("retreat") or {}, agenda)))
    return files or None


def on_registration_event(session: Session, envelope: dict) -> None:
    """participant.invited and registration.*: remember the status, message the official (unless the event is
    stale). An invitation to someone who was waiting is a promotion; a confirmation carries badge and agenda."""
    data = _load(envelope)
    if data is None:
        return
    current, previous = _remember_status(session, data, _occurred_at(envelope))
    if not current:
        log.info("stale status event: no message", extra={"event_id": envelope["id"], "type": envelope["type"]})
        return
    kind = REGISTRATION_KINDS[envelope["type"]]
    if kind == "invitation" and previous == "waitlisted":
        kind = "promotion"
    attachments = _confirmation_attachments(session, data) if kind == "confirmation" else None
    retreat = data.get("retreat") or {}
    known = session.get(Retreat, str(data["retreat_id"]))  # the brief may not carry the retreat's language
    language = choose_language(data.get("official"),
                               {"language": retreat.get("language") or (known.language if known else None)})
    names = {item["filename"] for item in attachments or ()}
    values = registration_context({**data, "badge_attached": BADGE_FILENAME in names,
                                   "agenda_attached": AGENDA_FILENAME in names}, language)
    official, channels = data.get("official") or {}, None
    if data.get("reply_id"):  # answered by SMS: the reply is answered instead of the usual SMS (one SMS, not two)
        answer_applied(session, envelope["id"], data)
        if not (official.get("email") or "").strip():
            return
        channels = ("email",)
    message_official(session, event_id=envelope["id"], kind=kind, official=official, values=values,
                     retreat_id=_str(data.get("retreat_id")), registration_id=_str(data.get("registration_id")),
                     timezone=retreat.get("timezone"), attachments=attachments, language=language, channels=channels)


def on_retreat_event(session: Session, envelope: dict) -> None:
    """Remember the retreat, recompute its reminders; a reschedule or a cancellation goes to every official who
    is invited or confirmed."""
    data = _load(envelope)
    if data is None:
        return
    retreat = _remember_retreat(session, data, _occurred_at(envelope))
    if retreat is None:
        return
    fanouts.recompute_retreat(session, retreat, load_settings())  # a cancelled one's session reminders go too
    if envelope["type"] == "retreat.cancelled":
        fanouts.schedule_now(session, f"event:{envelope['id']}", "retreat_cancelled", retreat.retreat_id, {})
    elif envelope["type"] == "retreat.rescheduled":
        fanouts.schedule_now(session, f"event:{envelope['id']}", "retreat_rescheduled", retreat.retreat_id, {
            "old_starts_on": data.get("old_starts_on"), "old_ends_on": data.get("old_ends_on"),
            "trace_id": envelope.get("trace_id")})
    else:
        return
    _nudge_scan(session)


def _remember_session(session: Session, data: Mapping, occurred: datetime) -> AgendaSession | None:
    session_id = str(data["session_id"])
    row = session.get(AgendaSession, session_id, with_for_update=True)
    if row is not None and not _newer(row.occurred_at, occurred):
        return None
    if row is None:
        row = AgendaSession(session_id=session_id)
        session.add(row)
    row.retreat_id = str(data["retreat_id"])
    for name in ("title", "kind", "location", "description", "starts_at", "ends_at", "mandatory", "status"):
        setattr(row, name, data.get(name))
    row.audience_groups = list(data.get("audience_groups") or [])
    row.occurred_at, row.updated_at = occurred, clock.now()
    return row


def on_session_event(session: Session, envelope: dict) -> None:
    """Remember the session, move (or withdraw) its reminder; a reschedule or a cancellation goes to its
    audience."""
    data = _load(envelope)
    if data is None:
        return
    agenda = _remember_session(session, data, _occurred_at(envelope))
    if agenda is None:
        return
    retreat = session.get(Retreat, agenda.retreat_id)
    fanouts.recompute_session(session, agenda, retreat.status if retreat else None, load_settings())
    kind = {"session.rescheduled": "session_rescheduled", "session.cancelled": "session_cancelled"}.get(
        envelope["type"])
    if kind == "session_rescheduled" and _moved_with_its_retreat(session, agenda.retreat_id, envelope):
        return  # the retreat's reschedule message says it once, not once per session
    if kind is not None:
        fanouts.schedule_now(session, f"event:{envelope['id']}", kind, agenda.retreat_id,
                             {"session": envelope["data"]}, session_id=agenda.session_id)
        _nudge_scan(session)


def _moved_with_its_retreat(session: Session, retreat_id: str, envelope: dict) -> bool:
    """Whether the session moved in the same request as its retreat's reschedule (shift_sessions)."""
    trace_id = envelope.get("trace_id")
    return bool(trace_id) and any(
        data.get("trace_id") == trace_id for data in session.execute(select(Fanout.data).where(
            Fanout.retreat_id == retreat_id, Fanout.kind == "retreat_rescheduled")).scalars())


def _nudge_scan(session: Session) -> None:
    """Fan out after the commit, on the bulk queue (beat scans anyway)."""
    if session.info.get("notifications_scan_nudge"):
        return
    session.info["notifications_scan_nudge"] = True
    sa_event.listen(session, "after_commit", lambda _s=None: context.bus.send_soon(
        f"{NOTIFICATIONS}.scan_due", [], queue_name(NOTIFICATIONS, bulk=True)), once=True)


def _message_registration(session: Session, envelope: dict, registration_id: str, kind: str,
                          permit: Mapping | None = None) -> None:
    """A message about one registration, written from what notifications knows of it and its retreat."""
    recipient = session.get(Recipient, registration_id)
    retreat = session.get(Retreat, recipient.retreat_id) if recipient is not None else None
    if recipient is None or retreat is None:
        log.warning("registration or retreat not known yet; no message", extra={
            "event_id": envelope["id"], "kind": kind})
        return
    language = fanouts.language_of(recipient, retreat)
    values = fanouts.recipient_values(recipient, retreat, language)
    if permit is not None:
        values["permit"] = permit_view(permit, retreat.timezone, language)
    message_official(session, event_id=envelope["id"], kind=kind, official=fanouts.recipient_official(recipient),
                     values=values, retreat_id=recipient.retreat_id, registration_id=registration_id,
                     timezone=retreat.timezone, language=language)


def on_permit_decided(session: Session, envelope: dict) -> None:
    data = _load(envelope)
    if data is None:
        return
    _message_registration(session, envelope, str(data["registration_id"]), REGISTRATION_KINDS[envelope["type"]],
                          permit=data)


def on_permit_withdrawn(session: Session, envelope: dict) -> None:
    """Told to the official when the organiser withdrew it (an approval undone, or a request they made); not
    when the official took back their own request: it was their own act."""
    data = _load(envelope)
    if data is None or data.get("withdrawn_by") == "official":
        return
    _message_registration(session, envelope, str(data["registration_id"]), REGISTRATION_KINDS[envelope["type"]],
                          permit=data)


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
    if not _newer(row.group_at, occurred):
        return
    row.group, row.room, row.group_at, row.updated_at = data.get("group"), data.get("room"), occurred, clock.now()
    if data.get("group") or data.get("room"):
        _message_registration(session, envelope, row.registration_id, "group_assigned")


def accept(_session: Session, _envelope: dict) -> None:
    """Followed, nothing to send: a permit requested is the official's own act."""


HANDLERS: dict[str, Callable[[Session, dict], None]] = {
    "retreat.published": on_retreat_event,
    "retreat.updated": on_retreat_event,
    "retreat.rescheduled": on_retreat_event,
    "retreat.cancelled": on_retreat_event,
    "session.scheduled": on_session_event,
    "session.rescheduled": on_session_event,
    "session.updated": on_session_event,
    "session.cancelled": on_session_event,
    "participant.invited": on_registration_event,
    "participant.updated": on_participant_updated,
    "registration.confirmed": on_registration_event,
    "registration.declined": on_registration_event,
    "registration.cancelled": on_registration_event,
    "registration.waitlisted": on_registration_event,
    "permit.requested": accept,
    "permit.approved": on_permit_decided,
    "permit.rejected": on_permit_decided,
    "permit.withdrawn": on_permit_withdrawn,
    "group.assigned": on_group_assigned,
}
