"""SQLAlchemy models of the registration database, plus the bus tables (outbox/inbox) from retret.bus."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text,
    UniqueConstraint, text as sql_text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from retret import clock
from retret.bus import bus_tables
from retret.db import BigId

from .tokens import new_badge_nonce


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
bus = bus_tables(metadata)  # here, so Alembic sees them too


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, onupdate=clock.now)


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))


class SignInThrottle(Base):
    """Recent sign-in failures per (username, address): slows guessing down, never locks the account."""
    __tablename__ = "sign_in_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Retreat(Timestamps, Base):
    __tablename__ = "retreats"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    organizer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    venue: Mapped[str | None] = mapped_column(String(200), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    language: Mapped[str] = mapped_column(String(2), default="id")  # of the messages to its officials
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    attendance_threshold: Mapped[float] = mapped_column(Float, default=0.9)
    late_tolerance_minutes: Mapped[int] = mapped_column(Integer, default=5)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last version given to a change of its registrations or sessions (registration.manifest): counted up under
    # this row's lock, so versions become visible in the order they were given and a station misses none.
    manifest_version: Mapped[int] = mapped_column(BigInteger, default=0)


class Official(Timestamps, Base):
    """A civil servant, addressed by NIP; shared by all retreats."""
    __tablename__ = "officials"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200), nullable=True)
    position_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(50), nullable=True, index=True)
    unit_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rank: Mapped[str | None] = mapped_column(String(10), nullable=True)
    echelon: Mapped[str | None] = mapped_column(String(10), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Of the messages to this official ("id" or "en"); None: the retreat's language.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)


class Registration(Timestamps, Base):
    """An official in a retreat: invited → confirmed | declined; cancelled; waitlisted."""
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("retreat_id", "official_nip", name="uq_registrations_retreat_official"),
        UniqueConstraint("retreat_id", "number", name="uq_registrations_retreat_number"),
        UniqueConstraint("badge_nonce", name="uq_registrations_badge_nonce"),
        Index("ix_registrations_retreat_status_number", "retreat_id", "status", "number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    # 1, 2, 3 ... within the retreat, in the order registrations were made (given under the retreat's lock):
    # the waitlist's order and the list's order.
    number: Mapped[int] = mapped_column(Integer)
    official_nip: Mapped[str] = mapped_column(ForeignKey("officials.nip"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # Bumped to revoke a leaked invitation link: a token carries the version it was made with.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # When participant.invited was emitted; None while the retreat is a draft or the registration waits.
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    shirt_size: Mapped[str | None] = mapped_column(String(20), nullable=True)
    health_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    emergency_contact: Mapped[str | None] = mapped_column(String(500), nullable=True)
    group: Mapped[str | None] = mapped_column(String(100), nullable=True)
    room: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Set by staff by hand (PATCH): the automatic assignment keeps them.
    group_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    room_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    health_category: Mapped[str | None] = mapped_column(String(10), nullable=True)  # green / yellow / red
    # The random part of the badge code (registration.tokens.badge_code signs it); unique, so a code finds its
    # registration.
    badge_nonce: Mapped[str] = mapped_column(String(32), default=new_badge_nonce)
    manifest_version: Mapped[int] = mapped_column(BigInteger, default=0)  # see Retreat.manifest_version

    retreat: Mapped[Retreat] = relationship(lazy="joined", innerjoin=True)
    official: Mapped[Official] = relationship(lazy="joined", innerjoin=True)


class RetreatRoom(Base):
    """A room of the retreat's lodging plan (the last one sent to the group assignment), in the order given."""
    __tablename__ = "retreat_rooms"

    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    near_clinic: Mapped[bool] = mapped_column(Boolean, default=False)
    gender: Mapped[str | None] = mapped_column(String(1), nullable=True)  # M / F; None: anyone


# --------------------------------------------------------------------------- bulk imports (registration.bulk)
class Speaker(Timestamps, Base):
    """A speaker (narasumber) of a retreat: invited → confirmed | declined."""
    __tablename__ = "speakers"
    __table_args__ = (Index("ix_speakers_retreat_created", "retreat_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200), nullable=True)
    institution: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="invited")
    topic: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The organiser's own notes (protocol, honorarium, ...): shown to staff, never put in an event.
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    retreat: Mapped[Retreat] = relationship(lazy="joined", innerjoin=True)


class SessionSpeaker(Base):
    """A speaker of a session, in the order the organiser listed them (moderator, keynote, ...)."""
    __tablename__ = "session_speakers"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    speaker_id: Mapped[str] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    ordinal: Mapped[int] = mapped_column(Integer)

    speaker: Mapped[Speaker] = relationship(lazy="joined", innerjoin=True)


class AgendaSession(Timestamps, Base):
    """A session (agenda item) of a retreat: scheduled → cancelled.

    The check-in window is kept as minutes relative to the session's times, so it follows a reschedule."""
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_retreat_starts", "retreat_id", "starts_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    audience_groups: Mapped[list] = mapped_column(JSON, default=list)  # group names; empty = everyone
    checkin_opens_before_minutes: Mapped[int] = mapped_column(Integer, default=60)
    checkin_closes_after_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    manifest_version: Mapped[int] = mapped_column(BigInteger, default=0)  # see Retreat.manifest_version

    retreat: Mapped[Retreat] = relationship(lazy="joined", innerjoin=True)
    speaker_links: Mapped[list[SessionSpeaker]] = relationship(
        order_by=SessionSpeaker.ordinal, cascade="all, delete-orphan", lazy="selectin")


# --------------------------------------------------------------------------- attendance
class Attendance(Timestamps, Base):
    """One official at one session: present | late (a scan) or excused (an approved permit). `absent` is never
    stored: it is what is left once a session has ended. The earliest scan wins; its time and device are kept."""
    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id", name="uq_attendances_registration_session"),
        Index("ix_attendances_retreat_created", "retreat_id", "created_at", "id"),
        Index("ix_attendances_session", "session_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    method: Mapped[str] = mapped_column(String(20))
    device_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    scan_id: Mapped[str | None] = mapped_column(String(100), nullable=True)

    registration: Mapped[Registration] = relationship(lazy="joined", innerjoin=True)


class Scan(Base):
    """Every scan accepted, keyed by its client scan id within the retreat: a retried or doubled upload is one scan."""
    __tablename__ = "scans"

    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"), primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(20))
    device_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)


class StationToken(Timestamps, Base):
    """A check-in station's token for one retreat and device: valid until the retreat ends, revocable."""
    __tablename__ = "station_tokens"
    __table_args__ = (Index("ix_station_tokens_retreat_created", "retreat_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    device_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A token carries the version it was made with; revoking bumps it, so the token stops working.
    version: Mapped[int] = mapped_column(Integer, default=1)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    retreat: Mapped[Retreat] = relationship(lazy="joined", innerjoin=True)


class Permit(Timestamps, Base):
    """A permit (izin) of an official for sessions or a period: pending → approved | rejected; pending or
    approved → withdrawn (who approved it stays in decided_by: the withdrawal has its own columns)."""
    __tablename__ = "permits"
    __table_args__ = (
        Index("ix_permits_retreat_created", "retreat_id", "created_at", "id"),
        # One permit per request key of an official: a retried request (lost reply) finds the first one, and two
        # racing retries cannot both insert. Rows without a key (older clients) are not constrained.
        Index("uq_permits_registration_idempotency_key", "registration_id", "idempotency_key", unique=True,
              postgresql_where=sql_text("idempotency_key IS NOT NULL"),
              sqlite_where=sql_text("idempotency_key IS NOT NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"))
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    session_ids: Mapped[list] = mapped_column(JSON, default=list)  # named sessions; empty = the period
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by: Mapped[str] = mapped_column(String(64))  # a staff username, or "official" (the invitation link)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a staff username, or "official"
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the request's, if it sent one
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the same key with another body: 422

    registration: Mapped[Registration] = relationship(lazy="joined", innerjoin=True)


class AuditEntry(Base):
    """One row a staff request inserted, changed or deleted: who, when, through which request, and the values
    before and after (written by registration.audit in the same transaction as the change)."""
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_retreat", "retreat_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    request: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(10))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    retreat_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    changes: Mapped[dict] = mapped_column(JSON)
    trace_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ImportJob(Timestamps, Base):
    """An import file too large to answer in the request: queued → running → done | failed.

    `result` is the body the request would have answered; the file waits in ImportJobChunk (in this database, so a
    worker in another container can read it) and is deleted when the job ends."""
    __tablename__ = "import_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    retreat_id: Mapped[str] = mapped_column(ForeignKey("retreats.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # When the task was last sent: beat sends a job again that stays queued (its message was lost).
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The staff member who uploaded it: the audit trail names them when the worker imports the file.
    requested_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ImportJobChunk(Base):
    """One piece (at most 1 MiB) of a job's uploaded file, in order."""
    __tablename__ = "import_job_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
