"""Reading the audit trail (written by registration.audit at each flush of a staff request)."""
from __future__ import annotations

from sqlalchemy import select

from retret import clock
from retret.http.pagination import keyset_page

from ..context import context
from ..models import AuditEntry


def list_audit(args: dict) -> dict:
    """Entries oldest first (the order they happened), filtered."""
    stmt = select(AuditEntry)
    for name in ("entity", "entity_id", "actor"):
        if args.get(name):
            stmt = stmt.where(getattr(AuditEntry, name) == args[name])
    if args.get("retreat_id"):
        stmt = stmt.where(AuditEntry.retreat_id == str(args["retreat_id"]))
    if args.get("since"):
        stmt = stmt.where(AuditEntry.at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(AuditEntry.at < args["until"])
    with context.db.session() as session:
        rows, cursor = keyset_page(session, stmt, [AuditEntry.id], args, _id_cursor)
        return {"items": [_view(row) for row in rows], "next_cursor": cursor}


def _id_cursor(values: list) -> list:
    value = values[0]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ValueError("bad cursor")
    return [value]


def _view(row: AuditEntry) -> dict:
    return {"id": row.id, "at": clock.as_utc(row.at), "actor": row.actor, "role": row.role, "request": row.request,
            "operation": row.operation, "entity": row.entity, "entity_id": row.entity_id,
            "retreat_id": row.retreat_id, "changes": row.changes, "trace_id": row.trace_id}
