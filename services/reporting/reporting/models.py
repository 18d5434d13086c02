"""SQLAlchemy models of the reporting database (a projection of events), plus the bus tables from retret.bus.

Every projected row remembers the sequence of the event that last set it (`last_sequence`, `sequence`,
`status_sequence`, ...), per source: after a loss and a replay an older event may arrive after a newer one, and it
must never overwrite what the newer one set. Reporting never stores contacts: no email, phone or invitation link.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from retret.bus import bus_tables

ID = String(36)
STATUS = String(40)
CODE = String(100)


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
bus = bus_tables(metadata, outbox=False)  # here, so Alembic sees them too; reporting emits no events


class Retreat(Base):
    __tablename__ = "retreats"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    organizer: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(CODE, default="Asia/Jakarta")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # None while only a registration event's retreat brief has been seen (no retreat.* event yet).
    status: Mapped[str | None] = mapped_column(STATUS)
    attendance_threshold: Mapped[float] = mapped_column(Float, default=0.9)
    late_tolerance_minutes: Mapped[int] = mapped_column(Integer, default=5)
    capacity: Mapped[int | None] = mapped_column(Integer)
    response_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Sequence (source registration) of the retreat.* event that last set the row; 0 = filled from a brief.
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AgendaSession(Base):
    """A session (agenda item) of a retreat."""
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    retreat_id: Mapped[str] = mapped_column(ID, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(CODE)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str | None] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    audience_groups: Mapped[list] = mapped_column(JSON, default=list)  # empty = everyone
    speaker_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(STATUS)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Speaker(Base):
    __tablename__ = "speakers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    retreat_id: Mapped[str] = mapped_column(ID, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    institution: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(STATUS)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Registration(Base):
    """The roster: one official in one retreat (profile without contacts) and the registration status."""
    __tablename__ = "registrations"

    registration_id: Mapped[str] = mapped_column(ID, primary_key=True)
    # None only while a participant.updated arrived before any event naming the retreat.
    retreat_id: Mapped[str | None] = mapped_column(ID, index=True)
    nip: Mapped[str | None] = mapped_column(String(40), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    position_kind: Mapped[str | None] = mapped_column(CODE)
    unit_code: Mapped[str | None] = mapped_column(CODE)
    unit_name: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(CODE)
    echelon: Mapped[str | None] = mapped_column(CODE)
    profile_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    # None until an event with a status arrives (participant.invited, registration.*).
    status: Mapped[str | None] = mapped_column(STATUS)
    reason: Mapped[str | None] = mapped_column(Text)
    status_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    group: Mapped[str | None] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(Text)
    group_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# The status of an attendance that was removed (attendance.cleared): a tombstone keeping the sequence, never reported.
CLEARED = "cleared"


class Attendance(Base):
    """The current status of one (registration, session) pair; `absent` is derived, never stored."""
    __tablename__ = "attendance"

    registration_id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str] = mapped_column(ID, primary_key=True, index=True)
    retreat_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(STATUS)  # present | late | excused | cleared (a tombstone, see CLEARED)
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    method: Mapped[str | None] = mapped_column(CODE)
    device_id: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Permit(Base):
    __tablename__ = "permits"

    permit_id: Mapped[str] = mapped_column(ID, primary_key=True)
    registration_id: Mapped[str] = mapped_column(ID, index=True)
    retreat_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(CODE)
    status: Mapped[str] = mapped_column(STATUS)  # pending | approved | rejected | withdrawn
    session_ids: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationOutcome(Base):
    """Delivery outcome of one message (source notifications): never the recipient's address."""
    __tablename__ = "notification_outcomes"

    notification_id: Mapped[str] = mapped_column(ID, primary_key=True)
    registration_id: Mapped[str | None] = mapped_column(ID, index=True)
    retreat_id: Mapped[str | None] = mapped_column(ID, index=True)
    channel: Mapped[str] = mapped_column(STATUS)
    kind: Mapped[str] = mapped_column(CODE)
    status: Mapped[str] = mapped_column(STATUS)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(CODE)
    source: Mapped[str] = mapped_column(STATUS, default="notifications")
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProjectionRebuild(Base):
    """State of the projection rebuild (one row, id 1; absent means idle and never run)."""
    __tablename__ = "projection_rebuild"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(STATUS, default="idle")  # idle | running | done | failed
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    events_replayed: Mapped[int] = mapped_column(BigInteger, default=0)  # frozen when done; counted while running
    error: Mapped[str | None] = mapped_column(Text)
    # Per source, the last sequence it said it has (replay finished or heartbeat) since the rebuild started.
    targets: Mapped[dict | None] = mapped_column(JSON)
