"""One service's end of the bus: producer (outbox, relay, replay, heartbeat) and consumer (inbox, gaps)."""
from __future__ import annotations

import enum
import functools
import logging
import os
import queue
import threading
import time
import uuid
import zlib
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterator, Mapping

from marshmallow import ValidationError
from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from .. import clock
from ..config import BusSettings
from ..db import Database, insert_ignore
from ..events.catalogue import event_type
from ..events.envelope import EnvelopeSchema, make_envelope
from ..events.subscriptions import SUBSCRIPTIONS, filter_for, subscribers_of
from ..queues import queue_name
from ..tracing import current_trace_id, reset_trace_id, set_trace_id
from .tables import BusTables

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=None)
def _data_schema(type_name: str):
    """One schema instance per event type, reused: building one costs more than validating with it (a bulk import
    records thousands of events in one go)."""
    return event_type(type_name).schema()


Handler = Callable[[Session, dict], None]
OUTBOX_FLAG = "retret_outbox_written"
# After a failed send the background sender rests; meanwhile beat's schedules cover.
NUDGE_QUIET_SECONDS = 5.0
MAX_GAP_SPAN = 100_000


class ConsumeResult(str, enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STUB = "stub"


def json_ready(value: Any) -> Any:
    """Dates, times and UUIDs as the strings the event schemas expect."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_ready(v) for v in value]
    if isinstance(value, datetime):
        return clock.as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class Bus:
    def __init__(self, service: str, db: Database, tables: BusTables, celery_app, settings: BusSettings):
        self.service = service
        self.db = db
        self.tables = tables
        self.celery = celery_app
        self.settings = settings
        self._outgoing: queue.SimpleQueue = queue.SimpleQueue()
        self._nudge_wanted = False
        self._wake = threading.Event()
        self._sender: threading.Thread | None = None
        self._sender_pid: int | None = None

    # ------------------------------------------------------------------ producer side
    def record(self, session: Session, type_name: str, data: Mapping, retreat_id: str | None = None) -> str:
        """Write an event into the outbox, inside the caller's transaction. Returns the event id."""
        kind = event_type(type_name)
        if kind.source != self.service:
            raise ValueError(f"{self.service} cannot emit {type_name} (its source is {kind.source})")
        payload = json_ready(dict(data))
        errors = _data_schema(type_name).validate(payload)
        if errors:
            raise ValidationError(errors)  # a programming error: producers must match the catalogue
        event_id = str(uuid.uuid4())
        session.execute(insert(self.tables.outbox).values(
            event_id=event_id, type=type_name, version=kind.version,
            retreat_id=str(retreat_id) if retreat_id else None, trace_id=current_trace_id(),
            occurred_at=clock.now(), data=payload,
        ))
        session.info[OUTBOX_FLAG] = True
        return event_id

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """State change and outbox rows commit together; the relay is nudged after the commit."""
        session = self.db.sessions()
        try:
            with session.begin():
                yield session
            wrote = session.info.pop(OUTBOX_FLAG, False)
        finally:
            session.close()
        if wrote:
            self.nudge()

    def nudge(self) -> None:
        """Ask the relay to run now. Nudges that arrive while one is being sent coalesce into the next one."""
        self._nudge_wanted = True
        self._wake_sender()

    def send_soon(self, task_name: str, args: list, to_queue: str) -> None:
        """Send a task from this process's background sender: the caller never waits on the broker (redis-py
        retries a refused connection for about two seconds, even with retry=False). A send that fails is logged
        and dropped, so use it only for requests the system also reaches on its own (a nudge: beat relays
        anyway; a replay request: heartbeats and gap repair)."""
        self._outgoing.put((task_name, list(args), to_queue))
        self._wake_sender()

    def _wake_sender(self) -> None:
        if self._sender is None or self._sender_pid != os.getpid():  # first use, or a forked child
            self._sender_pid = os.getpid()
            self._sender = threading.Thread(target=self._sender_loop, name=f"{self.service}-sender", daemon=True)
            self._sender.start()
        self._wake.set()

    def _sender_loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            jobs = []
            while not self._outgoing.empty():
                jobs.append(self._outgoing.get())
            if self._nudge_wanted:
                self._nudge_wanted = False
                jobs.append((f"{self.service}.relay_outbox", [], queue_name(self.service)))
            failed = False
            for task_name, args, to_queue in jobs:
                try:
                    self.celery.send_task(task_name, args=args, queue=to_queue, retry=False)
                except Exception as exc:  # noqa: BLE001 - see send_soon
                    failed = True
                    log.warning("could not send %s (the system will catch up without it): %s", task_name, exc)
            if failed:
                time.sleep(NUDGE_QUIET_SECONDS)

    @contextmanager
    def _relay_lock(self):
        """One relay at a time: a PostgreSQL advisory lock; SQLite serialises writers itself."""
        with self.db.engine.connect() as conn:
            if self.db.sqlite:
                yield conn
                return
            key = zlib.crc32(f"retret-relay-{self.service}".encode())
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            conn.commit()
            if not got:
                yield None
                return
            try:
                yield conn
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()

    def relay(self, batch: int = 500, max_batches: int = 20) -> int:
        """Sequence committed outbox rows (gap-free, from 1), commit, then publish. Returns rows published."""
        published = 0
        with self._relay_lock() as conn:
            if conn is None:
                return 0
            for _ in range(max_batches):
                self._assign_sequences(conn, batch)
                sent, complete = self._publish_pending(conn, batch)
                published += sent
                if not complete or sent < batch:
                    break
        return published

    def _assign_sequences(self, conn, batch: int) -> None:
        outbox = self.tables.outbox
        with conn.begin():
            last = conn.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar()
            ids = conn.execute(
                select(outbox.c.id).where(outbox.c.sequence.is_(None)).order_by(outbox.c.id).limit(batch)
            ).scalars().all()
            if ids:
                conn.execute(update(outbox).where(outbox.c.id == bindparam("row_id"))
                             .values(sequence=bindparam("new_sequence")),
                             [{"row_id": i, "new_sequence": last + n} for n, i in enumerate(ids, start=1)])

    def _publish_pending(self, conn, batch: int) -> tuple[int, bool]:
        outbox = self.tables.outbox
        with conn.begin():
            rows = conn.execute(
                select(outbox).where(outbox.c.published_at.is_(None), outbox.c.sequence.is_not(None))
                .order_by(outbox.c.sequence).limit(batch)
            ).mappings().all()
        sent: list[int] = []
        complete = True
        try:
            for row in rows:
                for subscription in subscribers_of(self.service):
                    self._send_event(row, subscription.subscriber)
                sent.append(row["id"])
        except Exception as exc:  # noqa: BLE001 - broker down: the rest stays unpublished, the next run resends
            log.warning("relay could not publish: %s", exc)
            complete = False
        if sent:
            with conn.begin():
                conn.execute(update(outbox).where(outbox.c.id.in_(sent)).values(published_at=clock.now()))
        return len(sent), complete

    def _send_event(self, row: Mapping, subscriber: str) -> None:
        envelope = self.envelope_for(row, subscriber)
        self.celery.send_task(f"{subscriber}.handle_event", args=[envelope], queue=queue_name(subscriber))

    def envelope_for(self, row: Mapping, subscriber: str) -> dict:
        data = filter_for(SUBSCRIPTIONS[subscriber], row["type"], row["data"])
        return make_envelope(
            type=row["type"], source=self.service, sequence=row["sequence"], data=data,
            retreat_id=row["retreat_id"], event_id=row["event_id"],
            occurred_at=clock.as_utc(row["occurred_at"]), trace_id=row["trace_id"], version=row["version"],
        )

    def last_published_sequence(self) -> int:
        outbox = self.tables.outbox
        with self.db.engine.connect() as conn:
            return conn.execute(
                select(func.coalesce(func.max(outbox.c.sequence), 0)).where(outbox.c.published_at.is_not(None))
            ).scalar()

    def publish_heartbeat(self) -> int:
        last = self.last_published_sequence()
        for subscription in subscribers_of(self.service):
            self.celery.send_task(
                f"{subscription.subscriber}.handle_heartbeat",
                args=[{"source": self.service, "last_sequence": last, "sent_at": clock.now().isoformat()}],
                queue=queue_name(subscription.subscriber),
            )
        return last

    def replay(self, consumer: str, sequences: list[int] | None = None, from_sequence: int | None = None) -> int:
        """Resend outbox events to one consumer's queue only, one page per call; the rest follows as a task."""
        if consumer not in SUBSCRIPTIONS or self.service not in SUBSCRIPTIONS[consumer].sources():
            log.warning("replay asked by a consumer that does not follow this source", extra={"consumer": consumer})
            return 0
        outbox, page = self.tables.outbox, self.settings.replay_page_size
        follow_up: dict | None = None
        query = select(outbox).where(outbox.c.sequence.is_not(None)).order_by(outbox.c.sequence)
        if sequences is not None:
            wanted = sorted({int(s) for s in sequences})
            query = query.where(outbox.c.sequence.in_(wanted[:page]))
            if len(wanted) > page:
                follow_up = {"consumer": consumer, "sequences": wanted[page:]}
        else:
            query = query.where(outbox.c.sequence >= (from_sequence or 1)).limit(page)
        with self.db.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        for row in rows:
            self._send_event(row, consumer)
        if sequences is None and len(rows) == page:
            follow_up = {"consumer": consumer, "from_sequence": rows[-1]["sequence"] + 1}
        if follow_up:
            self.celery.send_task(f"{self.service}.replay_events", args=[follow_up],
                                  queue=queue_name(self.service, bulk=True))
        elif sequences is None:
            self._send_replay_finished(consumer)
        return len(rows)

    def last_sequence(self) -> int:
        """The highest sequence given in this source's outbox (0 if none)."""
        outbox = self.tables.outbox
        with self.db.engine.connect() as conn:
            return conn.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar()

    def _send_replay_finished(self, consumer: str) -> None:
        """After the final page of a replay from a sequence: tell the consumer where this source ends."""
        self.celery.send_task(f"{consumer}.handle_replay_finished",
                              args=[{"source": self.service, "last_sequence": self.last_sequence()}],
                              queue=queue_name(consumer))

    # ------------------------------------------------------------------ consumer side
    def consume(self, envelope: dict, handlers: Mapping[str, Handler]) -> ConsumeResult:
        """Apply one event exactly once: inbox row, state change and cursor move share one transaction."""
        EnvelopeSchema().load(envelope)
        source, sequence = envelope["source"], int(envelope["sequence"])
        token = set_trace_id(envelope.get("trace_id"))
        try:
            session = self.db.sessions()
            try:
                with session.begin():
                    result = self._consume_in(session, envelope, source, sequence, handlers)
                wrote = session.info.pop(OUTBOX_FLAG, False)
            finally:
                session.close()
            log.info("event %s", result.value, extra={"event_type": envelope["type"], "source": source,
                                                      "sequence": sequence, "event_id": envelope["id"]})
        finally:
            reset_trace_id(token)
        if wrote:
            self.nudge()
        return result

    def _consume_in(self, session, envelope, source, sequence, handlers) -> ConsumeResult:
        inbox = self.tables.inbox
        cursor = self._lock_cursor(session, source)
        seen = session.execute(
            select(inbox.c.sequence).where(inbox.c.source == source, inbox.c.sequence == sequence)
        ).first()
        if seen:
            return ConsumeResult.DUPLICATE
        session.execute(insert(inbox).values(source=source, sequence=sequence, received_at=clock.now()))
        handler = handlers.get(envelope["type"])
        applied = envelope.get("data") is not None and handler is not None
        if applied:
            handler(session, envelope)
        self._advance(session, source, cursor, sequence)
        return ConsumeResult.APPLIED if applied else ConsumeResult.STUB

    def _lock_cursor(self, session: Session, source: str) -> Mapping:
        """The per-source cursor row, locked: events of one source are applied one at a time."""
        cursors = self.tables.cursors
        insert_ignore(session, cursors, dict(source=source, high_water=0, max_seen=0), keys=["source"])
        return session.execute(
            select(cursors).where(cursors.c.source == source).with_for_update()
        ).mappings().one()

    def _advance(self, session: Session, source: str, cursor: Mapping, sequence: int) -> None:
        gaps = self.tables.gaps
        max_seen = cursor["max_seen"]
        if sequence > max_seen:
            self._open_gaps(session, source, max_seen + 1, sequence)
            max_seen = sequence
        else:
            session.execute(delete(gaps).where(gaps.c.source == source, gaps.c.sequence == sequence))
        self._store_cursor(session, source, max_seen)

    def _open_gaps(self, session: Session, source: str, first: int, stop: int) -> None:
        """Record sequences first..stop-1 as missing (the caller holds the cursor lock)."""
        if stop <= first:
            return
        first = max(first, stop - MAX_GAP_SPAN)
        detected = clock.now()
        session.execute(insert(self.tables.gaps), [
            {"source": source, "sequence": s, "detected_at": detected, "requests": 0} for s in range(first, stop)
        ])

    def _store_cursor(self, session: Session, source: str, max_seen: int) -> None:
        gaps, cursors = self.tables.gaps, self.tables.cursors
        lowest_gap = session.execute(select(func.min(gaps.c.sequence)).where(gaps.c.source == source)).scalar()
        high_water = max_seen if lowest_gap is None else lowest_gap - 1
        session.execute(update(cursors).where(cursors.c.source == source)
                        .values(high_water=high_water, max_seen=max_seen, updated_at=clock.now()))

    def note_heartbeat(self, source: str, last_sequence: int) -> None:
        """A source says its last sequence: anything above what we saw is missing."""
        with self.db.session() as session:
            cursor = self._lock_cursor(session, source)
            if last_sequence > cursor["max_seen"]:
                self._open_gaps(session, source, cursor["max_seen"] + 1, last_sequence + 1)
                self._store_cursor(session, source, last_sequence)

    def reset_consumer_state(self, session: Session) -> None:
        """Forget every event this consumer has seen (inbox, cursors, gaps), inside the caller's transaction:
        the first step of a rebuild from sequence 1. Call it FIRST in the transaction: it waits for the events
        being applied (they hold the cursor table) and keeps new ones out until the commit, so an event applied
        meanwhile can neither survive in the inbox without its cursor nor deadlock with the caller's deletes.
        SQLite needs no lock: BEGIN IMMEDIATE already serialises writers."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"LOCK TABLE {self.tables.cursors.name} IN EXCLUSIVE MODE"))
        for table in (self.tables.inbox, self.tables.gaps, self.tables.cursors):
            session.execute(delete(table))

    def request_replays(self, limit: int = 10_000) -> dict[str, list[int]]:
        """Ask sources again for gaps that outlived the grace period (and were not asked for within it)."""
        gaps = self.tables.gaps
        cutoff = clock.now() - timedelta(seconds=self.settings.gap_grace_seconds)
        with self.db.session() as session:
            rows = session.execute(
                select(gaps.c.source, gaps.c.sequence)
                .where(gaps.c.detected_at <= cutoff,
                       (gaps.c.requested_at.is_(None)) | (gaps.c.requested_at <= cutoff))
                .order_by(gaps.c.source, gaps.c.sequence).limit(limit)
            ).all()
            wanted: dict[str, list[int]] = {}
            for source, sequence in rows:
                wanted.setdefault(source, []).append(sequence)
            for source, sequences in wanted.items():
                session.execute(update(gaps).where(gaps.c.source == source, gaps.c.sequence.in_(sequences))
                                .values(requested_at=clock.now(), requests=gaps.c.requests + 1))
        for source, sequences in wanted.items():
            log.info("asking for replay", extra={"source": source, "count": len(sequences)})
            self.celery.send_task(f"{source}.replay_events",
                                  args=[{"consumer": self.service, "sequences": sequences}],
                                  queue=queue_name(source))
        return wanted

    def high_water(self, session: Session) -> dict[str, int]:
        """Per source seen: every sequence up to this one has been received."""
        cursors = self.tables.cursors
        return dict(session.execute(select(cursors.c.source, cursors.c.high_water)).tuples().all())

    def cursor_status(self) -> dict[str, dict]:
        """Per followed source: the high-water mark and the open gaps (for /projection and tests)."""
        cursors, gaps = self.tables.cursors, self.tables.gaps
        followed = SUBSCRIPTIONS[self.service].sources() if self.service in SUBSCRIPTIONS else set()
        status = {source: {"last_sequence": 0, "max_seen": 0, "gaps": []} for source in sorted(followed)}
        with self.db.engine.connect() as conn:
            for row in conn.execute(select(cursors)).mappings():
                status[row["source"]] = {"last_sequence": row["high_water"], "max_seen": row["max_seen"], "gaps": []}
            for source, sequence in conn.execute(select(gaps.c.source, gaps.c.sequence).order_by(gaps.c.sequence)):
                status.setdefault(source, {"last_sequence": 0, "max_seen": 0, "gaps": []})["gaps"].append(sequence)
        return status
