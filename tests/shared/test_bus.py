"""The bus against real PostgreSQL (and SQLite) and a real Redis: sequencing, filtering, inbox, gaps, replay."""
from __future__ import annotations

import copy
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, select

from retret import clock
from retret.bus import Bus, ConsumeResult, bus_tables
from retret.celery_factory import make_celery
from retret.config import BusSettings, load_common
from retret.db import Database
from retret.events.catalogue import CATALOGUE
from retret.events.envelope import make_envelope
from retret_testing.infra import create_pg_database, drop_pg_database
from retret_testing.queues import queued

INVITED = CATALOGUE["participant.invited"].sample


def _make_bus(service, url, redis_url, prefix, grace=30.0, page=500):
    metadata = MetaData()
    tables = bus_tables(metadata)
    db = Database(url)
    metadata.create_all(db.engine)
    settings = load_common(service)
    celery = make_celery(service, settings)
    celery.conf.broker_url = redis_url
    return Bus(service, db, tables, celery, BusSettings(gap_grace_seconds=grace, replay_page_size=page))


@pytest.fixture(params=["postgresql", "sqlite"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bus.db'}"
        return
    url = create_pg_database("bus")
    yield url
    drop_pg_database(url)


@pytest.fixture
def prefix(monkeypatch, request):
    value = f"bus-{abs(hash(request.node.nodeid)) % 10**8}-"
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", value)
    return value


@pytest.fixture
def source(db_url, redis_server, prefix):
    bus = _make_bus("registration", db_url, redis_server.url, prefix)
    yield bus
    bus.db.engine.dispose()


@pytest.fixture
def consumer(redis_server, prefix, tmp_path):
    url = create_pg_database("cons")
    bus = _make_bus("reporting", url, redis_server.url, prefix, grace=0.0)
    yield bus
    bus.db.engine.dispose()
    drop_pg_database(url)


def _sequences(bus):
    with bus.db.engine.connect() as conn:
        return conn.execute(select(bus.tables.outbox.c.sequence).order_by(bus.tables.outbox.c.id)).scalars().all()


def _emit(bus, n, type_name="participant.invited", data=INVITED):
    for _ in range(n):
        with bus.unit_of_work() as session:
            bus.record(session, type_name, data, retreat_id=data.get("retreat_id"))


def test_relay_gives_gap_free_sequences_from_one_and_publishes_to_every_subscriber(source, redis_server, prefix):
    _emit(source, 3)
    assert source.relay() == 3
    assert _sequences(source) == [1, 2, 3]
    assert source.last_published_sequence() == 3
    client = redis_server.client()
    for subscriber in ("notifications", "reporting"):
        messages = [m for m in queued(client, f"{prefix}{subscriber}") if m["task"] == f"{subscriber}.handle_event"]
        assert [m["args"][0]["sequence"] for m in messages] == [1, 2, 3]
    assert source.relay() == 0  # nothing is published twice


def test_concurrent_writers_and_relays_still_give_each_sequence_once(source):
    if source.db.sqlite:
        pytest.skip("one relay process on SQLite by design")
    errors = []

    def write_and_relay():
        try:
            _emit(source, 5)
            source.relay()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write_and_relay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    source.relay()
    assert not errors
    assert sorted(_sequences(source)) == list(range(1, 21))


def test_reporting_gets_no_contacts_and_stubs_for_unwanted_types(source, redis_server, prefix):
    _emit(source, 1)
    with source.unit_of_work() as session:
        source.record(session, "speaker.updated", CATALOGUE["speaker.updated"].sample)
    source.relay()
    client = redis_server.client()
    reporting = [m["args"][0] for m in queued(client, f"{prefix}reporting") if m["task"] == "reporting.handle_event"]
    notifications = [m["args"][0] for m in queued(client, f"{prefix}notifications")
                     if m["task"] == "notifications.handle_event"]
    invited = reporting[0]["data"]
    assert "email" not in invited["official"] and "phone" not in invited["official"]
    assert "invitation_url" not in invited
    assert INVITED["official"]["email"] not in str(reporting)
    assert notifications[0]["data"]["official"]["email"] == INVITED["official"]["email"]
    # notifications does not want speaker.updated: a stub keeps its sequence contiguous
    assert notifications[1]["sequence"] == 2 and notifications[1]["data"] is None
    assert reporting[1]["data"]["name"] == CATALOGUE["speaker.updated"].sample["name"]


def test_nudge_with_broker_down_returns_quickly_and_beat_relays_later(db_url, prefix):
    from retret_testing.infra import RedisServer
    server = RedisServer()
    bus = _make_bus("registration", db_url, server.url, prefix)  # nothing listens on that port yet
    started = time.perf_counter()
    _emit(bus, 2)  # the nudge fails in the background
    assert time.perf_counter() - started < 1.0  # redis-py alone would retry a refused connection for ~2 s
    assert bus.relay() == 0  # publishing fails: rows stay unpublished
    server.start()
    try:
        assert bus.relay() == 2
        assert [m["args"][0]["sequence"] for m in queued(server.client(), f"{prefix}reporting")] == [1, 2]
    finally:
        server.cleanup()
        bus.db.engine.dispose()


def _envelope(seq, type_name="participant.invited", data=INVITED):
    return make_envelope(type=type_name, source="registration", sequence=seq, data=copy.deepcopy(data))


def test_consume_is_idempotent_and_tracks_the_high_water_mark(consumer):
    seen = []
    handlers = {"participant.invited": lambda session, env: seen.append(env["sequence"])}
    assert consumer.consume(_envelope(1), handlers) is ConsumeResult.APPLIED
    assert consumer.consume(_envelope(1), handlers) is ConsumeResult.DUPLICATE
    assert consumer.consume(_envelope(2, data=None), handlers) is ConsumeResult.STUB
    assert seen == [1]
    assert consumer.cursor_status()["registration"] == {"last_sequence": 2, "max_seen": 2, "gaps": []}


def test_handler_failure_rolls_back_the_inbox_row(consumer):
    def boom(session, env):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        consumer.consume(_envelope(1), {"participant.invited": boom})
    assert consumer.consume(_envelope(1), {}) is ConsumeResult.STUB  # not marked seen by the failed try


def test_gap_is_detected_and_replay_requested_after_grace(consumer, redis_server, prefix):
    consumer.consume(_envelope(1), {})
    consumer.consume(_envelope(4), {})
    status = consumer.cursor_status()["registration"]
    assert status["last_sequence"] == 1 and status["gaps"] == [2, 3]
    consumer.settings = BusSettings(gap_grace_seconds=60)
    assert consumer.request_replays() == {}  # still within the grace period
    consumer.settings = BusSettings(gap_grace_seconds=0)
    assert consumer.request_replays() == {"registration": [2, 3]}
    asks = [m for m in queued(redis_server.client(), f"{prefix}registration") if m["task"] == "registration.replay_events"]
    assert asks[-1]["args"][0] == {"consumer": "reporting", "sequences": [2, 3]}
    consumer.consume(_envelope(3), {})
    consumer.consume(_envelope(2), {})
    assert consumer.cursor_status()["registration"] == {"last_sequence": 4, "max_seen": 4, "gaps": []}


def test_open_gaps_are_asked_for_again_until_closed(consumer):
    consumer.consume(_envelope(2), {})
    consumer.settings = BusSettings(gap_grace_seconds=30)
    later = clock.now() + timedelta(seconds=31)
    clock.set_clock(lambda: later)
    try:
        assert consumer.request_replays() == {"registration": [1]}
        assert consumer.request_replays() == {}  # just asked
        even_later = later + timedelta(seconds=31)
        clock.set_clock(lambda: even_later)
        assert consumer.request_replays() == {"registration": [1]}
    finally:
        clock.set_clock(None)


def test_heartbeat_ahead_of_high_water_opens_gaps(consumer):
    consumer.consume(_envelope(1), {})
    consumer.note_heartbeat("registration", 3)
    assert consumer.cursor_status()["registration"]["gaps"] == [2, 3]
    consumer.note_heartbeat("registration", 3)  # again: nothing new
    assert consumer.cursor_status()["registration"]["gaps"] == [2, 3]


def test_replay_sends_exactly_the_asked_sequences_to_that_consumer_only_in_pages(db_url, redis_server, prefix):
    bus = _make_bus("registration", db_url, redis_server.url, prefix, page=2)
    _emit(bus, 5)
    bus.relay()
    client = redis_server.client()
    for q in ("reporting", "notifications", "registration", "registration.bulk"):
        client.delete(f"{prefix}{q}")
    assert bus.replay("reporting", sequences=[2, 4, 5]) == 2
    sent = [m["args"][0]["sequence"] for m in queued(client, f"{prefix}reporting")]
    assert sent == [2, 4]
    assert queued(client, f"{prefix}notifications") == []
    follow = queued(client, f"{prefix}registration.bulk")
    assert follow[0]["task"] == "registration.replay_events"
    assert follow[0]["args"][0] == {"consumer": "reporting", "sequences": [5]}
    assert bus.replay("reporting", from_sequence=1) == 2  # a rebuild from 1, a page at a time
    bus.db.engine.dispose()


def _replay_finished(client, prefix):
    return [m["args"][0] for m in queued(client, f"{prefix}reporting") if m["task"] == "reporting.handle_replay_finished"]


def test_final_page_of_a_replay_from_a_sequence_says_where_the_source_ends(db_url, redis_server, prefix):
    bus = _make_bus("registration", db_url, redis_server.url, prefix, page=2)
    client = redis_server.client()
    client.delete(f"{prefix}reporting")
    assert bus.replay("reporting", from_sequence=1) == 0  # nothing yet: the final (empty) page
    assert _replay_finished(client, prefix) == [{"source": "registration", "last_sequence": 0}]
    _emit(bus, 5)
    bus.relay()
    client.delete(f"{prefix}reporting")
    assert bus.replay("reporting", from_sequence=1) == 2  # a full page: more follows, not finished
    assert bus.replay("reporting", from_sequence=3) == 2
    assert _replay_finished(client, prefix) == []
    assert bus.replay("reporting", from_sequence=5) == 1  # the final page
    messages = queued(client, f"{prefix}reporting")
    assert messages[-1]["task"] == "reporting.handle_replay_finished"  # after the replayed events
    assert _replay_finished(client, prefix) == [{"source": "registration", "last_sequence": 5}]
    client.delete(f"{prefix}reporting")
    assert bus.replay("reporting", sequences=[5]) == 1  # gap repair never says finished
    assert _replay_finished(client, prefix) == []
    bus.db.engine.dispose()


def test_reset_consumer_state_forgets_inbox_cursors_and_gaps(consumer):
    consumer.consume(_envelope(1), {})
    consumer.consume(_envelope(4), {})
    assert consumer.cursor_status()["registration"]["gaps"] == [2, 3]
    with consumer.db.session() as session:
        consumer.reset_consumer_state(session)
    tables = consumer.tables
    with consumer.db.engine.connect() as conn:
        for table in (tables.inbox, tables.cursors, tables.gaps):
            assert conn.execute(select(table)).all() == []
    assert consumer.cursor_status()["registration"] == {"last_sequence": 0, "max_seen": 0, "gaps": []}
    assert consumer.consume(_envelope(1), {}) == ConsumeResult.STUB  # seen again, not a duplicate


@pytest.mark.parametrize("service, expected", [
    ("registration", {"relay_outbox", "replay_events", "publish_heartbeat",  # and the consumer of sms.reply_received
                      "handle_event", "handle_heartbeat", "handle_replay_finished", "request_replays"}),
    ("reporting", {"handle_event", "handle_heartbeat", "handle_replay_finished", "request_replays"}),
    ("notifications", {"relay_outbox", "replay_events", "publish_heartbeat",
                       "handle_event", "handle_heartbeat", "handle_replay_finished", "request_replays"}),
])
def test_a_service_gets_the_tasks_of_its_roles_in_the_catalogue_and_subscriptions(service, expected, monkeypatch):
    from celery import Celery
    from retret.bus.tasks import register_bus_tasks
    private = Celery(service, set_as_current=False)
    task = private.task
    monkeypatch.setattr(private, "task", lambda *args, **kwargs: task(*args, shared=False, **kwargs))
    tasks = register_bus_tasks(private, lambda: None)
    assert set(tasks) == expected
    assert {t.name for t in tasks.values()} == {f"{service}.{name}" for name in expected}


def test_bus_tasks_call_the_hooks_after_events_replay_ends_and_heartbeats(consumer, monkeypatch):
    from celery import Celery
    from retret.bus.tasks import register_bus_tasks
    private = Celery("reporting", set_as_current=False)  # tasks not shared with the real reporting app
    task = private.task
    monkeypatch.setattr(private, "task", lambda *args, **kwargs: task(*args, shared=False, **kwargs))
    seen = []
    tasks = register_bus_tasks(private, lambda: consumer, handlers={},
                               on_replay_finished=lambda s, n: seen.append(("finished", s, n)),
                               on_heartbeat=lambda s, n: seen.append(("heartbeat", s, n)),
                               on_event=lambda s, n: seen.append(("event", s, consumer.cursor_status()[s]["max_seen"])))
    assert tasks["handle_event"].run(_envelope(1)) == "stub"
    assert tasks["handle_event"].run(_envelope(1)) == "duplicate"  # nothing new: no hook
    tasks["handle_replay_finished"].run({"source": "registration", "last_sequence": 3})
    assert consumer.cursor_status()["registration"]["gaps"] == [2, 3]
    tasks["handle_heartbeat"].run({"source": "registration", "last_sequence": 4, "sent_at": "x"})
    assert consumer.cursor_status()["registration"]["gaps"] == [2, 3, 4]
    # the event hook runs once the event is committed (it sees the cursor moved)
    assert seen == [("event", "registration", 1), ("finished", "registration", 3), ("heartbeat", "registration", 4)]


def test_reset_waits_for_an_event_being_applied_and_leaves_no_orphan_inbox_row(consumer):
    """An event committing during the reset must not stay in the inbox without its cursor (it would then be a
    'duplicate' forever and its gap would never close)."""
    consumer.consume(_envelope(1), {})
    inside, release = threading.Event(), threading.Event()

    def slow(session, envelope):
        inside.set()
        release.wait(10)
    applying = threading.Thread(target=consumer.consume, args=(_envelope(2), {"participant.invited": slow}))
    applying.start()
    assert inside.wait(10)

    def reset():
        with consumer.db.session() as session:
            consumer.reset_consumer_state(session)
    resetting = threading.Thread(target=reset)
    resetting.start()
    time.sleep(0.3)
    assert resetting.is_alive()  # waits for the event being applied
    release.set()
    applying.join(10)
    resetting.join(10)
    with consumer.db.engine.connect() as conn:
        assert conn.execute(select(consumer.tables.inbox)).all() == []
    assert consumer.consume(_envelope(2), {}) == ConsumeResult.STUB
