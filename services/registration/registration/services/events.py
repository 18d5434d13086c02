"""The outbox read as this source's event log (sequenced rows only, in sequence order)."""
from __future__ import annotations

from sqlalchemy import select

from retret import clock

from ..context import context


def list_events(after: int, limit: int) -> dict:
    outbox = context.tables.outbox
    with context.db.engine.connect() as conn:
        rows = conn.execute(
            select(outbox).where(outbox.c.sequence.is_not(None), outbox.c.sequence > after)
            .order_by(outbox.c.sequence).limit(limit + 1)
        ).mappings().all()
    more = len(rows) > limit
    items = [_event(row) for row in rows[:limit]]
    return {"items": items, "next_after": items[-1]["sequence"] if more else None}


def _event(row) -> dict:
    return {
        "sequence": row["sequence"], "id": row["event_id"], "type": row["type"], "version": row["version"],
        "occurred_at": clock.as_utc(row["occurred_at"]), "retreat_id": row["retreat_id"],
        "trace_id": row["trace_id"], "data": row["data"],
        "published_at": clock.as_utc(row["published_at"]) if row["published_at"] else None,
    }
