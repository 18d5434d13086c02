"""Reporting's use cases: the projection rebuild from sequence 1 (DESIGN §3).

Starting wipes the projection and the bus consumer state in one transaction, then asks every followed source to
replay from 1. A source answers the final page with `handle_replay_finished` (its last sequence); heartbeats tell
the same. The rebuild is done when every source has said where it ends and the cursor reached it: checked by the
worker after those hooks and after each event it takes in (workers may still be applying the last events when a hook
runs), never by a request: `GET /reports/projection` only reads.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from retret import clock
from retret.db import insert_ignore
from retret.events.subscriptions import SUBSCRIPTIONS
from retret.http.errors import ApiError
from retret.queues import REPORTING, queue_name

from .context import context
from .domain.rebuild import DONE, FAILED, IDLE, RUNNING, rebuild_done, with_target
from .models import ProjectionRebuild, metadata
from .queries import REBUILD_ID

log = logging.getLogger(__name__)

KEPT_TABLES = {"projection_rebuild"}  # and the bus tables (bus_*), reset through the bus


def projection_tables() -> list:
    """Every table holding projected facts, children first."""
    return [t for t in reversed(metadata.sorted_tables)
            if not t.name.startswith("bus_") and t.name not in KEPT_TABLES]


def followed_sources() -> list[str]:
    return sorted(SUBSCRIPTIONS[REPORTING].sources())


def _locked_state(session: Session) -> ProjectionRebuild:
    """The rebuild row (created idle if absent), locked for this transaction."""
    state = session.get(ProjectionRebuild, REBUILD_ID, with_for_update=True)
    if state is None:
        insert_ignore(session, ProjectionRebuild, dict(id=REBUILD_ID, state=IDLE, events_replayed=0), keys=["id"])
        state = session.get(ProjectionRebuild, REBUILD_ID, with_for_update=True, populate_existing=True)
    return state


def start_rebuild() -> None:
    """Wipe the projection and the consumer's bus state, mark the rebuild running, ask sources to replay."""
    try:
        with context.db.session() as session:
            state = _locked_state(session)
            if state.state == RUNNING:
                raise ApiError(409, "Pembangunan ulang laporan sedang berjalan; tunggu sampai selesai.",
                               code="rebuild_running")
            context.bus.reset_consumer_state(session)  # first: waits for events being applied, holds off new ones
            for table in projection_tables():
                session.execute(delete(table))
            state.state, state.started_at, state.finished_at = RUNNING, clock.now(), None
            state.targets, state.events_replayed, state.error = {}, 0, None
    except SQLAlchemyError as exc:
        log.exception("projection rebuild could not start")
        _mark_failed(str(exc))
        raise ApiError(503, "Pembangunan ulang laporan tidak dapat dimulai; coba lagi nanti.",
                       code="rebuild_failed") from exc
    ask_replays()


def _mark_failed(error: str) -> None:
    try:
        with context.db.session() as session:
            state = _locked_state(session)
            state.state, state.finished_at, state.error = FAILED, clock.now(), error[:2000]
    except SQLAlchemyError:
        log.exception("could not record the failed rebuild")


def ask_replays() -> list[str]:
    """Ask each followed source to replay everything to reporting, from the bus's background sender (the request
    never waits on the broker). A lost request is not fatal: the source's heartbeat opens the gaps and gap repair
    brings the events anyway. Returns the sources asked."""
    sources = followed_sources()
    for source in sources:
        context.bus.send_soon(f"{source}.replay_events", [{"consumer": REPORTING, "from_sequence": 1}],
                              queue_name(source))
    return sources


def source_reached(source: str, last_sequence: int) -> None:
    """Hook of the bus tasks (replay finished, heartbeat): remember where the source ends, check completion."""
    with context.db.session() as session:
        state = session.get(ProjectionRebuild, REBUILD_ID, with_for_update=True)
        if state is None or state.state != RUNNING:
            return
        state.targets = with_target(state.targets, source, last_sequence)
    check_completion()


def event_taken_in(source: str, sequence: int) -> None:
    """Hook of the bus tasks, after each event is committed: it may have been the last one a rebuild waited for."""
    check_completion()


def check_completion() -> str | None:
    """Finish a running rebuild whose sources have all been applied up to their targets; returns the state.
    Cheap when no rebuild runs (one row read): it runs after every event."""
    with context.db.session() as session:
        state = session.get(ProjectionRebuild, REBUILD_ID)
        if state is None or state.state != RUNNING:
            return state.state if state else None
        if not rebuild_done(followed_sources(), state.targets, context.bus.high_water(session)):
            return RUNNING
        state = session.get(ProjectionRebuild, REBUILD_ID, with_for_update=True, populate_existing=True)
        if state.state != RUNNING:
            return state.state
        state.state, state.finished_at = DONE, clock.now()
        state.events_replayed = events_since_reset(session)
        log.info("projection rebuild done", extra={"events_replayed": state.events_replayed})
        return DONE


def events_since_reset(session: Session) -> int:
    """Events applied since the reset: the inbox was emptied when the rebuild started."""
    inbox = context.bus.tables.inbox
    return int(session.execute(select(func.count()).select_from(inbox)).scalar() or 0)
