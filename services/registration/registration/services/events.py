"""The outbox read as this source's event log (sequenced rows only, in sequence order)."""
from __future__ import annotations

from sqlalchemy import select

from retret import clock
from retret.http.errors import field_error
from retret.http.pagination import decode_cursor, encode_cursor

from ..context import context
from ..schemas.events import MAX_SEQUENCE

BAD_CURSOR = "Kursor halaman tidak valid; gunakan nilai next_cursor dari jawaban sebelumnya."


def list_events(args: dict) -> dict:
    """One page after `args['cursor']` or `args['after']` (a sequence; neither: from the start)."""
    after = _start(args)
    limit = args["limit"]
    outbox = context.tables.outbox
    with context.db.engine.connect() as conn:
        rows = conn.execute(
            select(outbox).where(outbox.c.sequence.is_not(None), outbox.c.sequence > after)
            .order_by(outbox.c.sequence).limit(limit + 1)
        ).mappings().all()
    items = [_event(row) for row in rows[:limit]]
    last = items[-1]["sequence"] if len(rows) > limit else None
    return {"items": items, "next_cursor": encode_cursor([last]) if last is not None else None, "next_after": last}


def _start(args: dict) -> int:
    if not args.get("cursor"):
        return args.get("after") or 0
    if args.get("after") is not None:
        raise field_error("cursor", "Gunakan cursor atau after, tidak keduanya.")
    [sequence] = decode_cursor(args["cursor"], 1)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 < sequence <= MAX_SEQUENCE:
        raise field_error("cursor", BAD_CURSOR)
    return sequence


def _event(row) -> dict:
    return {
        "sequence": row["sequence"], "id": row["event_id"], "type": row["type"], "version": row["version"],
        "occurred_at": clock.as_utc(row["occurred_at"]), "retreat_id": row["retreat_id"],
        "trace_id": row["trace_id"], "data": row["data"],
        "published_at": clock.as_utc(row["published_at"]) if row["published_at"] else None,
    }
