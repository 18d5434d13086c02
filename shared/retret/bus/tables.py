"""The bus tables each service adds to its own metadata (and so to its own Alembic migrations)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table

from ..db import BigId


@dataclass(frozen=True)
class BusTables:
    outbox: Table | None  # None for a service that emits nothing
    inbox: Table
    cursors: Table
    gaps: Table


def bus_tables(metadata: MetaData, outbox: bool = True) -> BusTables:
    """The bus tables in `metadata`; `outbox=False` for a consumer that is no event's source (reporting)."""
    return BusTables(outbox=_outbox(metadata) if outbox else None, inbox=_inbox(metadata),
                     cursors=_cursors(metadata), gaps=_gaps(metadata))


def _outbox(metadata: MetaData) -> Table:
    return Table(
        "bus_outbox", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        # Given by the relay, not the writer, so concurrent writers never wait on each other.
        Column("sequence", BigInteger, nullable=True, unique=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(100), nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("retreat_id", String(36), nullable=True, index=True),
        Column("trace_id", String(64), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("data", JSON, nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )


def _inbox(metadata: MetaData) -> Table:
    return Table(
        "bus_inbox", metadata,
        Column("source", String(40), primary_key=True),
        Column("sequence", BigInteger, primary_key=True, autoincrement=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
    )


def _cursors(metadata: MetaData) -> Table:
    return Table(
        "bus_cursors", metadata,
        Column("source", String(40), primary_key=True),
        # Every sequence <= high_water has been received; max_seen is the highest received or announced.
        Column("high_water", BigInteger, nullable=False, default=0),
        Column("max_seen", BigInteger, nullable=False, default=0),
        Column("updated_at", DateTime(timezone=True), nullable=True),
    )


def _gaps(metadata: MetaData) -> Table:
    return Table(
        "bus_gaps", metadata,
        Column("source", String(40), primary_key=True),
        Column("sequence", BigInteger, primary_key=True, autoincrement=False),
        Column("detected_at", DateTime(timezone=True), nullable=False),
        Column("requested_at", DateTime(timezone=True), nullable=True),
        Column("requests", Integer, nullable=False, default=0),
    )
