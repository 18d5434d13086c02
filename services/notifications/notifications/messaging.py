"""Writing the messages of one kind to one official, by every channel that fits (inside the caller's transaction).

Used by the event handlers, by the scan of due fan-outs (reminders, schedule changes) and by announcements. Only
rows are written; `send_due` sends them. A template that fails writes a technical-failure row a person sees in the
API (never blocks the event); a template an admin saved replaces the shipped file; a phone number that cannot be
sent to writes a permanent-failure row."""
from __future__ import annotations

import logging
from typing import Mapping, Sequence

from sqlalchemy.orm import Session

from retret.rules.phone import PhoneError, normalize_phone

from . import services, template_store
from .context import context
from .domain import lifecycle
from .domain.messages import channels_for
from .templating import TemplateError, render_email, render_sms

log = logging.getLogger(__name__)
NO_CONTACT = "no email and no phone number: nobody to send to"


def message_official(session: Session, *, event_id: str, kind: str, official: Mapping, values: Mapping,
                     retreat_id: str | None, registration_id: str | None, timezone: str | None,
                     channels: Sequence[str] | None = None, attachments: list | None = None,
                     nudge: bool = True, language: str = "id") -> int:
    """Messages of `kind` to `official` by the channels that fit (`channels` narrows them, but an official
    without the asked channel still gets the other). Returns how many rows were written. Without `nudge` (a
    fan-out) the rows are bulk: the bulk queue's scan sends them."""
    email, phone = (official.get("email") or "").strip(), (official.get("phone") or "").strip()
    chosen = channels_for(kind, email, phone)
    if channels is not None:
        chosen = [c for c in chosen if c in channels] or chosen[:1]
    common = dict(event_id=event_id, kind=kind, recipient_name=official.get("name"), retreat_id=retreat_id,
                  registration_id=registration_id, timezone=timezone, bulk=not nudge)
    if not chosen:
        # The gap is recorded, not only logged: the list, the stats and reporting (notification.status_changed)
        # show the official nobody can reach, so a person can ask for a contact.
        log.info("official has neither email nor phone; nothing sent", extra={"event_id": event_id, "kind": kind})
        row = services.create_notification(session, channel="email", recipient="", body_text="",
                                           status=lifecycle.PERMANENT_FAILURE, error=NO_CONTACT, **common)
        return int(row is not None)
    written = 0
    for channel in chosen:
        if channel == "email":
            row = _email(session, common, email, values, attachments, language)
        else:
            row = _sms(session, common, phone, values, language)
        if row is not None:
            written += 1
            if nudge and row.status == lifecycle.CREATED:
                services.nudge_after_commit(session)
    return written


def _email(session: Session, common: dict, email: str, values: Mapping, attachments: list | None, language: str):
    try:
        language, sources = template_store.choose_sources(session, common["kind"], "email", language)
        rendered = render_email(common["kind"], values, language, sources=sources)
    except TemplateError as exc:  # a broken template must not block the event: a person sees it in the API
        log.error("email template failed", extra={"kind": common["kind"], "error": str(exc)})
        return services.create_notification(session, channel="email", recipient=email, body_text="",
                                            status=lifecycle.TECHNICAL_FAILURE, error=f"template: {exc}", **common)
    return services.create_notification(
        session, channel="email", recipient=email, subject=rendered.subject, body_text=rendered.text,
        body_html=rendered.html, language=rendered.language, attachments=attachments, **common)


def _sms(session: Session, common: dict, phone: str, values: Mapping, language: str):
    try:
        # E.164 already; the same number either way (a foreign one only where the site accepts it)
        recipient = normalize_phone(phone, context.settings.phone_foreign_regions)
    except PhoneError as exc:  # never a gateway's guess: a person sees the number that cannot be sent to
        return services.create_notification(session, channel="sms", recipient=phone, body_text="",
                                            status=lifecycle.PERMANENT_FAILURE,
                                            error=f"phone number {phone!r}: {exc.message}", **common)
    try:
        language, sources = template_store.choose_sources(session, common["kind"], "sms", language)
        rendered = render_sms(common["kind"], values, language, sources=sources)
    except TemplateError as exc:
        log.error("SMS template failed", extra={"kind": common["kind"], "error": str(exc)})
        return services.create_notification(session, channel="sms", recipient=recipient, body_text="",
                                            status=lifecycle.TECHNICAL_FAILURE, error=f"template: {exc}", **common)
    return services.create_notification(session, channel="sms", recipient=recipient, body_text=rendered.text,
                                        language=rendered.language, **common)
