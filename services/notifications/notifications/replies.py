"""Two-way SMS, the use cases: take in a reply Kannel hands over (mobile-originated), decide what it is
(domain.replies), hand an understood and matched one to registration (`sms.reply_received`, in the same
transaction), and answer every reply by SMS through the normal pipeline (kind `sms_reply`, with status history):
at once when nothing is to be applied, or when registration's status event about it comes back."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret import clock
from retret.db import insert_ignore
from retret.rules.phone import PhoneError, normalize_phone
from retret.rules.responses import can_respond, responses_close_at

from . import services
from .context import context
from .domain import replies
from .domain.messages import SMS_REPLY
from .models import Recipient, Retreat, SmsReply

log = logging.getLogger(__name__)
KIND = SMS_REPLY


def receive_reply(sender: str, receiver: str | None, text: str, gateway_id: str | None = None) -> dict:
    """One reply from `sender` (62…, +62…, 08…). Returns {"reply_id", "outcome", "duplicate"}; a reply Kannel
    hands over twice (same gateway id) is taken once."""
    now = clock.now()
    parsed = replies.parse_reply(text)
    phone = _phone(sender)
    with context.bus.unit_of_work() as session:
        reply_id = insert_ignore(session, SmsReply, dict(
            id=str(uuid.uuid4()), gateway_id=gateway_id or None, sender=(phone or sender.strip())[:40],
            receiver=(receiver or None) and receiver[:40], text=text, received_at=now, answer=parsed.answer,
            reason=parsed.reason, outcome=replies.PENDING, updated_at=now,
        ), keys=["gateway_id"], returning=SmsReply.id)
        if reply_id is None:
            existing = session.scalars(select(SmsReply).where(SmsReply.gateway_id == gateway_id)).one()
            log.info("reply handed over again; taken once", extra={"reply_id": existing.id})
            return {"reply_id": existing.id, "outcome": existing.outcome, "duplicate": True}
        reply = session.get(SmsReply, reply_id)
        candidates, retreats = _candidates(session, phone, now) if phone else ([], {})
        decision = replies.decide(parsed, candidates)
        reply.outcome, reply.registration_id = decision.outcome, decision.registration_id
        retreat = retreats.get(decision.registration_id)
        if decision.outcome == replies.PENDING:
            context.bus.record(session, "sms.reply_received", {
                "registration_id": decision.registration_id, "answer": parsed.answer, "reason": parsed.reason,
                "received_at": now, "reply_id": reply.id, "retreat_id": retreat.retreat_id if retreat else None,
            }, retreat_id=retreat.retreat_id if retreat else None)
        elif phone is not None and replies.answers_back(decision.outcome, _how_to_sent(session, reply, now)):
            text_back = replies.answer_text(decision.outcome, retreat.title if retreat else None, parsed.answer)
            _answer(session, reply, phone, text_back, retreat)
        log.info("SMS reply received", extra={"reply_id": reply.id, "outcome": decision.outcome,
                                              "answer": parsed.answer})
        return {"reply_id": reply.id, "outcome": decision.outcome, "duplicate": False}


def _how_to_sent(session: Session, reply: SmsReply, now: datetime) -> bool:
    """Whether this sender got a "how to answer" SMS lately (another reply of theirs with such an outcome)."""
    return session.scalar(select(SmsReply.id).where(
        SmsReply.sender == reply.sender, SmsReply.id != reply.id,
        SmsReply.outcome.in_(replies.HOW_TO_OUTCOMES), SmsReply.received_at > now - replies.HOW_TO_EVERY,
    ).limit(1)) is not None


def _phone(sender: str) -> str | None:
    try:
        return normalize_phone(sender, context.settings.phone_foreign_regions)
    except PhoneError:
        log.info("SMS reply from a sender that is no phone number; not answered")
        return None


def _candidates(session: Session, phone: str, now: datetime) -> tuple[list[replies.Candidate], dict]:
    """The registrations of this phone, whether each can still be answered, and their retreats."""
    rows = session.execute(select(Recipient, Retreat).outerjoin(Retreat, Retreat.retreat_id == Recipient.retreat_id)
                           .where(Recipient.phone == phone)).all()
    candidates, retreats = [], {}
    for recipient, retreat in rows:
        answerable = retreat is not None and can_respond(
            recipient.status or "", retreat.status, now,
            responses_close_at(retreat.ends_on, retreat.timezone, _aware(retreat.response_deadline)))
        candidates.append(replies.Candidate(recipient.registration_id, recipient.status, answerable))
        retreats[recipient.registration_id] = retreat
    return candidates, retreats


def _aware(value: datetime | None) -> datetime | None:
    return clock.as_utc(value) if value is not None else None


def _answer(session: Session, reply: SmsReply, phone: str, text: str, retreat: Retreat | None,
            registration_id: str | None = None, event_id: str | None = None) -> None:
    """The answer SMS; one per reply (its id is the message's event id), or per status event that applied it."""
    created = services.create_notification(
        session, event_id=event_id or reply.id, kind=KIND, channel="sms", recipient=phone, body_text=text,
        retreat_id=retreat.retreat_id if retreat else None, registration_id=registration_id or reply.registration_id,
        timezone=retreat.timezone if retreat else None)
    if created is not None:
        services.nudge_after_commit(session)


def answer_applied(session: Session, event_id: str, data: Mapping) -> None:
    """registration.confirmed / declined carrying `reply_id`: registration applied the SMS reply; answer it
    with the outcome (instead of the usual confirmation SMS)."""
    reply = session.get(SmsReply, str(data["reply_id"]), with_for_update=True)
    if reply is None:
        log.warning("status event names an unknown SMS reply", extra={"reply_id": str(data["reply_id"])})
        return
    late = reply.outcome == replies.UNAPPLIED  # answered already with "not recorded": this one corrects it
    outcome = replies.CONFIRMED if data.get("status") == "confirmed" else replies.DECLINED
    reply.outcome, reply.updated_at = outcome, clock.now()
    retreat = session.get(Retreat, str(data["retreat_id"]))
    title = (data.get("retreat") or {}).get("title") or (retreat.title if retreat else None)
    phone = _phone(reply.sender)
    if phone is not None:
        _answer(session, reply, phone, replies.answer_text(outcome, title), retreat, str(data["registration_id"]),
                event_id=event_id if late else None)


def answer_unapplied(limit: int = 200) -> int:
    """Answer the replies registration has applied nothing for since ANSWER_PENDING_AFTER (run with send_due)."""
    now = clock.now()
    with context.bus.unit_of_work() as session:
        stale = session.scalars(select(SmsReply).where(
            SmsReply.outcome == replies.PENDING, SmsReply.received_at <= now - replies.ANSWER_PENDING_AFTER,
        ).order_by(SmsReply.received_at).limit(limit).with_for_update(skip_locked=True)).all()
        for reply in stale:
            reply.outcome, reply.updated_at = replies.UNAPPLIED, now
            phone = _phone(reply.sender)
            if phone is not None:
                retreat = _retreat_of(session, reply.registration_id)
                _answer(session, reply, phone, replies.answer_text(replies.UNAPPLIED), retreat)
        return len(stale)


def _retreat_of(session: Session, registration_id: str | None) -> Retreat | None:
    recipient = session.get(Recipient, registration_id) if registration_id else None
    return session.get(Retreat, recipient.retreat_id) if recipient else None
