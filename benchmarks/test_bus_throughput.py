"""Benchmark: events through the outbox and relay, against the baseline of publishing the same messages straight
to Redis (what a producer without an outbox would do). Reports both rates and their ratio; asserts only that
every event arrived. `make bench` runs it at full size (RETRET_LONG=1)."""
from __future__ import annotations

import os
import time

from sqlalchemy import MetaData

from retret.bus import Bus, bus_tables
from retret.celery_factory import make_celery
from retret.config import BusSettings, load_common
from retret.db import Database
from retret.events.catalogue import CATALOGUE
from retret.queues import queue_name
from retret_testing.infra import RedisServer, create_pg_database, drop_pg_database

EVENTS = 20_000 if os.environ.get("RETRET_LONG") else 1_000
SAMPLE = CATALOGUE["attendance.updated"].sample


def _bus(redis_url: str, db_url: str) -> Bus:
    metadata = MetaData()
    tables = bus_tables(metadata)
    db = Database(db_url)
    metadata.create_all(db.engine)
    celery = make_celery("registration", load_common("registration"))
    celery.conf.broker_url = redis_url
    return Bus("registration", db, tables, celery, BusSettings())


def test_outbox_and_relay_against_direct_publishing(monkeypatch, capsys):
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", "bench-")
    redis_server, db_url = RedisServer().start(), create_pg_database("bench")
    bus = _bus(redis_server.url, db_url)
    try:
        started = time.perf_counter()
        for _ in range(EVENTS):  # baseline: one message per subscriber, no database
            for subscriber in ("notifications", "reporting"):
                bus.celery.send_task(f"{subscriber}.handle_event", args=[SAMPLE], queue=queue_name(subscriber))
        baseline = time.perf_counter() - started
        redis_server.client().flushall()

        started = time.perf_counter()
        for _ in range(EVENTS):  # one transaction per event, as an API request makes it
            with bus.db.session() as session:
                bus.record(session, "attendance.updated", SAMPLE, retreat_id=SAMPLE["retreat_id"])
        published = 0
        while (sent := bus.relay()) > 0:
            published += sent
        outbox = time.perf_counter() - started
        assert published == EVENTS
        assert redis_server.client().llen("bench-reporting") == EVENTS
    finally:
        bus.db.engine.dispose()
        drop_pg_database(db_url)
        redis_server.cleanup()
    with capsys.disabled():
        print(f"\nbus throughput, {EVENTS} events to 2 subscribers:"
              f"\n  baseline (direct publish): {EVENTS / baseline:8.0f} events/s"
              f"\n  outbox + relay:            {EVENTS / outbox:8.0f} events/s"
              f"\n  ratio outbox/baseline:     {baseline / outbox:8.2f}")
