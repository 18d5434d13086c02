"""What registration does with incoming events: one, `sms.reply_received` (two-way SMS: an official answered an
invitation by SMS; applied with the same rules and events as the invitation link)."""
from __future__ import annotations

from typing import Callable

from marshmallow import EXCLUDE
from sqlalchemy.orm import Session

from retret.events.catalogue import event_type

from .services.invitations import apply_sms_reply


def on_sms_reply(session: Session, envelope: dict) -> None:
    data = event_type(envelope["type"]).schema(unknown=EXCLUDE).load(envelope["data"])
    apply_sms_reply(session, data)


HANDLERS: dict[str, Callable[[Session, dict], None]] = {
    "sms.reply_received": on_sms_reply,
}
