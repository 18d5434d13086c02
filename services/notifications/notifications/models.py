"""SQLAlchemy models of the notifications database, plus the bus tables (outbox/inbox) from retret.bus.

- `Notification`: one message to one recipient over one channel, with its lifecycle (DESIGN §6).
- `NotificationStatus`: the status history of a notification.
- `Retreat`, `Recipient`, `AgendaSession`: what the consumed events said about retreats, registrations and sessions
  (for reminders and announcements); each part is only overwritten by an event that occurred later (events may
  arrive out of order).
- `Fanout`: one message to many, due at a time (a reminder computed from the agenda, a schedule change to everyone
  it concerns); beat's scan turns a due row into one notification per recipient.
- `Announcement`: a message an admin sent to a segment of a retreat (Idempotency-Key, audience, send_at).
- `MessageTemplate`: a template saved by an admin, used instead of the shipped file.
- `SmsRateLimit`: per rate-limited SMS provider, when its bucket is empty again (domain.rate_limit).
- `SmsReply`: a reply an official sent by SMS (two-way SMS), what it was understood as and what came of it.
- `Retreat`, `Recipient`: what the consumed events said about retreats and registrations (for reminders and
  announcements); each part is only overwritten by an event that occurred later (events may arrive out of order).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from retret import clock
from retret.bus import bus_tables
from retret.db import BigId


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
bus = bus_tables(metadata)  # here, so Alembic sees them too


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "due_at"),
        Index("ix_notifications_page", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # f"{event_id}:{kind}:{channel}:{recipient}": a redelivered event or a repeated request never makes a second row.
    idempotency_key: Mapped[str] = mapped_column(String(512), unique=True)
    event_id: Mapped[str | None] = mapped_column(String(36))
    retreat_id: Mapped[str | None] = mapped_column(String(36), index=True)
    registration_id: Mapped[str | None] = mapped_column(String(36), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="id")
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Stable per idempotency key: a re-send after a crash carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(200))
    # The trace of the request whose event caused this message, so its sending logs and events carry it too.
    trace_id: Mapped[str | None] = mapped_column(String(64))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    # The retreat's time zone: the API answers this row's times in it.
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    # Files attached to an email: [{"filename", "content_type", "data" (base64)}] (the QR badge, the agenda .ics).
    attachments: Mapped[list | None] = mapped_column(JSON)
    # Written by a fan-out (reminders, schedule changes, announcements): sent by the bulk queue's scan only, so a
    # big fan-out never keeps the main queue's workers from events.
    bulk: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    history: Mapped[list["NotificationStatus"]] = relationship(
        back_populates="notification", order_by="NotificationStatus.id", lazy="raise_on_sql")


class NotificationStatus(Base):
    __tablename__ = "notification_status_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str | None] = mapped_column(Text)

    notification: Mapped[Notification] = relationship(back_populates="history")


class Retreat(Base):
    """The latest known state of a retreat (from retreat.* events)."""
    __tablename__ = "retreats"

    retreat_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    organizer: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    response_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(5))  # of its messages (none: Bahasa Indonesia)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # of the event last applied
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Recipient(Base):
    """Who a registration reaches, and its latest known status / group (from participant.*, registration.*)."""
    __tablename__ = "recipients"

    registration_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    retreat_id: Mapped[str] = mapped_column(String(36), index=True)
    nip: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    unit_code: Mapped[str | None] = mapped_column(String(100))
    position_kind: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(20))
    group: Mapped[str | None] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(Text)
    invitation_url: Mapped[str | None] = mapped_column(Text)  # the latest link: answer reminders carry it
    language: Mapped[str | None] = mapped_column(String(5))  # the official's own (none: the retreat's)
    # When the facts stored were true (event occurred_at), per part: an older event never overwrites a newer one.
    contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    group_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgendaSession(Base):
    """The latest known state of a session (from session.* events): reminders and audiences are computed from it."""
    __tablename__ = "sessions"

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    retreat_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mandatory: Mapped[bool] = mapped_column(Boolean)
    audience_groups: Mapped[list] = mapped_column(JSON, default=list)  # empty: everyone
    status: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Fanout(Base):
    """One message of `kind` to everyone it concerns, due at `due_at`, not sent at or after `until` (a reminder
    for a time already past). `key` names what it is for, so a recomputation finds and moves it."""
    __tablename__ = "fanouts"
    __table_args__ = (Index("ix_fanouts_due", "done_at", "due_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    retreat_id: Mapped[str] = mapped_column(String(36), index=True)
    session_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # what the message says beyond retreat and official
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(20))  # sent | skipped (time passed) | withdrawn
    recipients: Mapped[int | None] = mapped_column(Integer)
    # The last registration messaged (fan-outs go in batches, in registration id order).
    cursor: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))  # of the body: the same key with another body is refused
    retreat_id: Mapped[str] = mapped_column(String(36), index=True)
    audience: Mapped[dict] = mapped_column(JSON)
    channels: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    send_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recipients: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # scheduled | sent (its messages are created)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fanned_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MessageTemplate(Base):
    """A template an admin saved (`<kind>.<channel>.<language>`): its parts replace the shipped files."""
    __tablename__ = "message_templates"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SmsRateLimit(Base):
    """Shared by every worker process through the database (never Redis: an SMS must not fail because Redis
    is down); the row is locked while a slot is taken."""
    __tablename__ = "sms_rate_limits"

    provider: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SmsReply(Base):
    """One SMS an official sent to the gateway (mobile-originated), as Kannel's sms-service handed it over."""
    __tablename__ = "sms_replies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Kannel's own id of the message (%I): a callback Kannel repeats is the same reply.
    gateway_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    sender: Mapped[str] = mapped_column(String(40), index=True)  # E.164 when it could be read as a phone
    receiver: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(10))  # confirm | decline | None (not understood)
    reason: Mapped[str | None] = mapped_column(Text)
    registration_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # pending (handed to registration) | confirmed | declined | not_understood | not_matched | not_answerable
    outcome: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
