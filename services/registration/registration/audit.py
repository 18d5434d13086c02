"""The audit trail: who changed what and when (staff actions), readable by admins.

Captured where every change passes, the session flush, rather than in each use case: a new endpoint cannot forget
it. After each flush of a request made with a staff token, every row inserted, changed or deleted is written to
`audit_log` with the staff member, the request, and the values before and after — in the same transaction, so an
entry exists exactly when its change was committed. Changes without a staff token (an official answering through
the invitation link, the clock moving a retreat on) are not staff actions and are not written here; the event log
has them.

A bulk operation that would write one entry per row (an import of thousands of officials) writes one summary entry
with `summarise()` instead, which stops the per-row capture for the rest of that unit of work.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from retret import clock
from retret.bus.bus import json_ready
from retret.tracing import current_trace_id

from .models import AuditEntry

INSERT, UPDATE, DELETE = "insert", "update", "delete"
# The trail itself; failed sign-ins are not changes; an import file's raw pieces are not data anyone changed.
NOT_AUDITED = frozenset({"audit_log", "sign_in_throttles", "import_job_chunks"})
NOISE = frozenset({"created_at", "updated_at", "manifest_version"})  # the entry's own time says when; a counter
HIDDEN = frozenset({"password_hash"})
HIDDEN_VALUE = "[disembunyikan]"
SUSPENDED = "audit_suspended"


def install(sessions: sessionmaker) -> None:
    """Capture staff changes on every session `sessions` makes (idempotent)."""
    if not event.contains(sessions, "after_flush", _after_flush):
        event.listen(sessions, "after_flush", _after_flush)


def _staff() -> dict | None:
    """The verified staff claims of the current request, if any (set by retret.auth when the token was checked)."""
    if not has_request_context():
        return None
    return g.get("claims")


def _request_label() -> str:
    rule = request.url_rule.rule if request.url_rule else request.path
    return f"{request.method} {rule}"[:200]


def _after_flush(session: Session, _context) -> None:
    claims = _staff()
    if claims is None or session.info.get(SUSPENDED):
        return
    rows = [entry for operation, objects in ((INSERT, session.new), (UPDATE, session.dirty), (DELETE, session.deleted))
            for obj in objects if (entry := _entry(obj, operation)) is not None]
    if rows:
        label, now, trace = _request_label(), clock.now(), current_trace_id()
        session.connection().execute(insert(AuditEntry.__table__), [
            {**row, "actor": claims["sub"], "role": claims["role"], "request": label, "at": now, "trace_id": trace}
            for row in rows])


def _entry(obj: Any, operation: str) -> dict | None:
    state = inspect(obj)
    table = state.mapper.local_table.name
    if table in NOT_AUDITED:
        return None
    changes = _changes(state, operation)
    if operation == UPDATE and not changes:
        return None  # touched but not changed
    key = state.mapper.primary_key_from_instance(obj)
    return {"operation": operation, "entity": table, "entity_id": ":".join(str(part) for part in key)[:80],
            "retreat_id": _retreat_of(obj, table), "changes": changes}


def _changes(state, operation: str) -> dict[str, list]:
    """{column: [before, after]}: every value set by an insert, every changed one by an update, every value a
    delete removed."""
    changes = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in NOISE:
            continue
        history = state.attrs[name].history
        if operation == UPDATE:
            if not history.has_changes():
                continue
            before, after = (history.deleted or [None])[0], (history.added or [None])[0]
            if before == after:
                continue
        else:
            value = state.attrs[name].value
            if value is None:
                continue
            before, after = (None, value) if operation == INSERT else (value, None)
        changes[name] = [_shown(name, before), _shown(name, after)]
    return changes


def _shown(name: str, value: Any) -> Any:
    if value is None:
        return None
    return HIDDEN_VALUE if name in HIDDEN else json_ready(value)


def _retreat_of(obj: Any, table: str) -> str | None:
    if table == "retreats":
        return obj.id
    retreat_id = getattr(obj, "retreat_id", None)
    return str(retreat_id) if retreat_id else None


def staff_actor() -> tuple[str, str] | None:
    """(username, role) of the staff member behind the current request, if any."""
    claims = _staff()
    return (claims["sub"], claims["role"]) if claims else None


def suspend(session: Session) -> None:
    """Stop the per-row capture for this unit of work: a bulk operation writes one `summarise` entry instead."""
    session.info[SUSPENDED] = True


def summarise(session: Session, *, actor: tuple[str, str] | None, request_label: str, entity: str, entity_id: str,
              retreat_id: str | None, changes: dict) -> None:
    """One entry for a bulk operation by `actor` (username, role); nothing without one (not a staff action)."""
    suspend(session)
    if actor is None:
        return
    session.connection().execute(insert(AuditEntry.__table__).values(
        at=clock.now(), actor=actor[0][:64], role=actor[1], request=request_label[:200], operation=INSERT,
        entity=entity, entity_id=entity_id[:80], retreat_id=retreat_id, changes=json_ready(changes),
        trace_id=current_trace_id()))


def request_label() -> str:
    """The current request as the trail names it ("POST /api/v1/..."), or "" outside a request."""
    return _request_label() if has_request_context() else ""
