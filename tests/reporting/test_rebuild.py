"""The projection rebuild from sequence 1: start (wipe + bus reset + replay requests), completion, errors."""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, select

from retret.events.catalogue import RETREAT_ID
from retret.queues import queue_name
from retret_testing.http import assert_problem
from retret_testing.infra import wait_for
from retret_testing.queues import queued

from reporting.domain.rebuild import rebuild_done, with_target

REBUILD = "/api/v1/reports/projection/rebuild"
PROJECTION = "/api/v1/reports/projection"


# ------------------------------------------------------------------------------------------ pure rules
def test_rebuild_done_needs_every_source_to_have_said_its_end_and_be_reached():
    followed = ["notifications", "registration"]
    assert not rebuild_done(followed, {}, {"registration": 9, "notifications": 9})
    assert not rebuild_done(followed, {"registration": 5}, {"registration": 9, "notifications": 9})
    assert not rebuild_done(followed, {"registration": 5, "notifications": 3}, {"registration": 4, "notifications": 3})
    assert rebuild_done(followed, {"registration": 5, "notifications": 0}, {"registration": 5})
    assert rebuild_done(followed, {"registration": 5, "notifications": 3}, {"registration": 7, "notifications": 3})
    assert rebuild_done([], None, {})


def test_a_target_is_never_lowered():
    assert with_target(None, "registration", 4) == {"registration": 4}
    assert with_target({"registration": 4}, "registration", 2) == {"registration": 4}
    assert with_target({"registration": 4}, "notifications", 0) == {"registration": 4, "notifications": 0}


# ------------------------------------------------------------------------------------------ the API
@pytest.fixture
def reporting_queues(app):
    """A Redis client and the source queues, emptied."""
    import redis
    import os
    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    for source in ("registration", "notifications", "reporting"):
        client.delete(queue_name(source))
    yield client
    client.close()


def _fill(events):
    events.send("retreat.published", events.retreat())
    reg = events.invited()
    events.send("participant.invited", reg)
    events.set_status(reg["registration_id"], "confirmed")
    events.send("registration.confirmed", sequence=7)  # 4..6 missing: gaps
    events.send("notification.status_changed")
    return reg["registration_id"]


def _count(db, table) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_rebuild_wipes_the_projection_resets_the_bus_and_asks_every_source(client, headers, events, db,
                                                                           reporting_queues):
    from reporting.context import context
    from reporting.services import projection_tables
    _fill(events)
    assert client.get(f"/api/v1/reports/retreats/{RETREAT_ID}/summary", headers=headers("admin")).status_code == 200
    response = client.post(REBUILD, headers=headers("admin"))
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["rebuild"]["state"] == "running"
    assert body["rebuild"]["started_at"] and body["rebuild"]["finished_at"] is None
    assert body["rebuild"]["events_replayed"] == 0
    for source in ("registration", "notifications"):
        assert body["sources"][source] == {"last_sequence": 0, "max_seen": 0, "gaps": [], "gap_count": 0}
    names = {t.name for t in projection_tables()}
    assert {"retreats", "sessions", "speakers", "registrations", "attendance", "permits",
            "notification_outcomes"} == names
    for table in projection_tables():
        assert _count(db, table) == 0, table.name
    for table in (context.bus.tables.inbox, context.bus.tables.cursors, context.bus.tables.gaps):
        assert _count(db, table) == 0, table.name
    assert client.get(f"/api/v1/reports/retreats/{RETREAT_ID}/summary",
                      headers=headers("admin")).status_code == 404

    def asked():
        found = {s: [m for m in queued(reporting_queues, queue_name(s)) if m["task"] == f"{s}.replay_events"]
                 for s in ("registration", "notifications")}
        return found if all(found.values()) else None
    found = wait_for(asked, 5, message="replay requests")
    for source in ("registration", "notifications"):
        assert [m["args"][0] for m in found[source]] == [{"consumer": "reporting", "from_sequence": 1}]


def test_a_second_rebuild_while_running_is_409(client, headers, reporting_queues):
    assert client.post(REBUILD, headers=headers("admin")).status_code == 202
    assert_problem(client.post(REBUILD, headers=headers("admin")), 409, code="rebuild_running")
    assert client.get(PROJECTION, headers=headers("secretariat")).get_json()["rebuild"]["state"] == "running"


def test_only_an_admin_may_rebuild(client, headers):
    assert_problem(client.post(REBUILD), 401)
    assert_problem(client.post(REBUILD, headers=headers("secretariat")), 403)
    assert_problem(client.post(REBUILD, headers=headers("operator")), 403)
    assert client.get(PROJECTION, headers=headers("admin")).get_json()["rebuild"]["state"] == "idle"


def test_the_request_never_waits_on_the_broker(client, headers, monkeypatch, app):
    from reporting.context import context
    calls = []

    def slow_and_failing(name, **kwargs):
        time.sleep(2)
        calls.append(name)
        raise ConnectionError("broker down")
    monkeypatch.setattr(context.celery, "send_task", slow_and_failing)
    started = time.perf_counter()
    response = client.post(REBUILD, headers=headers("admin"))
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 202
    # The background sender tries each request (a broker error is logged, not raised).
    wait_for(lambda: {"registration.replay_events", "notifications.replay_events"} <= set(calls), 15,
             message="both replay requests attempted")


def test_a_database_error_while_starting_marks_failed_and_is_503(client, headers, monkeypatch, app):
    from sqlalchemy.exc import OperationalError
    from reporting.context import context

    def broken(session):
        raise OperationalError("DELETE", {}, Exception("disk full"))
    monkeypatch.setattr(context.bus, "reset_consumer_state", broken)
    assert_problem(client.post(REBUILD, headers=headers("admin")), 503, code="rebuild_failed")
    rebuild = client.get(PROJECTION, headers=headers("admin")).get_json()["rebuild"]
    assert rebuild["state"] == "failed" and rebuild["finished_at"]
    monkeypatch.undo()
    assert client.post(REBUILD, headers=headers("admin")).status_code == 202  # failed may be retried


# ------------------------------------------------------------------------------------------ completion
def _replay(envelopes):
    """As the worker takes events in: through the handle_event task (and its completion check)."""
    from reporting import tasks
    for envelope in envelopes:
        assert tasks.TASKS["handle_event"].run(envelope) == "applied"


@pytest.fixture
def writes(app):
    """The writing statements (and row locks) reporting's engine runs while the test looks."""
    from sqlalchemy import event
    from reporting.context import context
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context_, executemany):
        words = statement.upper().split()
        if words and (words[0] in ("INSERT", "UPDATE", "DELETE") or "FOR UPDATE" in " ".join(words)):
            seen.append(statement)
    event.listen(context.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(context.db.engine, "before_cursor_execute", record)


def test_hooks_set_targets_and_the_rebuild_finishes_when_the_cursors_reach_them(client, headers, events,
                                                                                monkeypatch, app):
    from reporting import services, tasks
    from reporting.context import context
    monkeypatch.setattr(services, "ask_replays", lambda: [])
    history = [events.envelope("retreat.published", events.retreat())]
    reg = events.invited()
    history.append(events.envelope("participant.invited", reg))
    history.append(events.envelope(*events.status(reg["registration_id"], "confirmed")))
    _replay(history)
    before = client.get(f"/api/v1/reports/retreats/{RETREAT_ID}/summary", headers=headers("admin")).get_json()

    assert client.post(REBUILD, headers=headers("admin")).status_code == 202
    tasks.TASKS["handle_replay_finished"].run({"source": "registration", "last_sequence": 3})
    tasks.TASKS["handle_heartbeat"].run({"source": "notifications", "last_sequence": 0, "sent_at": "x"})
    body = client.get(PROJECTION, headers=headers("admin")).get_json()
    assert body["rebuild"]["state"] == "running"  # targets known, events not applied yet
    assert body["sources"]["registration"]["gaps"] == [1, 2, 3]  # the end was noted: gap repair covers losses
    _replay(history[:2])
    body = client.get(PROJECTION, headers=headers("admin")).get_json()
    assert (body["rebuild"]["state"], body["rebuild"]["events_replayed"]) == ("running", 2)
    _replay(history[2:])
    body = client.get(PROJECTION, headers=headers("admin")).get_json()  # the worker's check after the last event
    assert body["rebuild"]["state"] == "done" and body["rebuild"]["finished_at"]
    assert body["rebuild"]["events_replayed"] == 3
    after = client.get(f"/api/v1/reports/retreats/{RETREAT_ID}/summary", headers=headers("admin")).get_json()
    assert after == before
    with context.db.session() as session:
        from reporting.models import ProjectionRebuild
        assert session.get(ProjectionRebuild, 1).targets == {"registration": 3, "notifications": 0}


def test_the_replay_finished_hook_itself_finishes_an_applied_rebuild(client, headers, events, monkeypatch, app):
    from reporting import services, tasks
    monkeypatch.setattr(services, "ask_replays", lambda: [])
    assert client.post(REBUILD, headers=headers("admin")).status_code == 202
    events.send("retreat.published", events.retreat(), sequence=1)
    tasks.TASKS["handle_heartbeat"].run({"source": "registration", "last_sequence": 1, "sent_at": "x"})
    assert services.check_completion() == "running"  # notifications has not said its end
    tasks.TASKS["handle_replay_finished"].run({"source": "notifications", "last_sequence": 0})
    from reporting.models import ProjectionRebuild
    from reporting.context import context
    with context.db.session() as session:
        row = session.get(ProjectionRebuild, 1)
        assert (row.state, row.events_replayed) == ("done", 1)
    assert client.post(REBUILD, headers=headers("admin")).status_code == 202  # done: may rebuild again


def test_hooks_do_nothing_without_a_running_rebuild(app):
    from reporting import services
    from reporting.context import context
    from reporting.models import ProjectionRebuild
    services.source_reached("registration", 5)
    with context.db.session() as session:
        assert session.get(ProjectionRebuild, 1) is None


def test_reading_the_projection_writes_nothing_even_when_a_rebuild_could_finish(client, headers, events, writes,
                                                                                monkeypatch, app):
    """A GET has no side effects: a rebuild whose events were all applied stays running until a worker checks."""
    from reporting import services, tasks
    monkeypatch.setattr(services, "ask_replays", lambda: [])
    assert client.post(REBUILD, headers=headers("admin")).status_code == 202
    tasks.TASKS["handle_replay_finished"].run({"source": "registration", "last_sequence": 1})
    tasks.TASKS["handle_replay_finished"].run({"source": "notifications", "last_sequence": 0})
    events.send("retreat.published", events.retreat(), sequence=1)  # straight into the bus: no worker hook
    writes.clear()
    for role in ("admin", "secretariat"):
        body = client.get(PROJECTION, headers=headers(role)).get_json()
        assert body["rebuild"]["state"] == "running"
        assert body["sources"]["registration"]["last_sequence"] == 1
    assert writes == []
    tasks.TASKS["handle_heartbeat"].run({"source": "registration", "last_sequence": 1, "sent_at": "x"})
    writes.clear()
    body = client.get(PROJECTION, headers=headers("admin")).get_json()
    assert (body["rebuild"]["state"], body["rebuild"]["events_replayed"]) == ("done", 1)
    assert writes == []


def test_without_a_rebuild_the_check_after_each_event_only_reads(events, writes, app):
    from reporting import services, tasks
    assert tasks.TASKS["handle_event"].run(events.envelope("retreat.published", events.retreat())) == "applied"
    assert writes  # the event itself: inbox row, projection, cursor
    writes.clear()
    assert services.check_completion() is None
    assert writes == []


def test_a_rebuild_gives_the_same_notifications_report_whatever_order_the_sources_replay_in(
        client, headers, events, monkeypatch, app):
    from reporting import services, tasks
    monkeypatch.setattr(services, "ask_replays", lambda: [])
    path = f"/api/v1/reports/retreats/{RETREAT_ID}/notifications"
    registration = [events.envelope("retreat.published", events.retreat())]
    people = [events.invited(name=name) for name in ("Ani", "Budi", "Citra")]
    registration += [events.envelope("participant.invited", reg) for reg in people]
    nobody, bounced, reached = (reg["registration_id"] for reg in people)

    def status(registration_id, state, notification_id=None, **changes):
        return events.envelope("notification.status_changed", registration_id=registration_id, status=state,
                               notification_id=notification_id or str(uuid.uuid4()), **changes)
    email = str(uuid.uuid4())
    notifications = [
        status(nobody, "permanent-failure", error="no email and no phone number: nobody to send to"),
        status(bounced, "sending", email), status(bounced, "permanent-failure", email, error="550 no such user"),
        status(reached, "sent"), status(reached, "delivered", channel="sms", provider="kannel"),
    ]
    _replay(registration + notifications)
    before = client.get(path, headers=headers("admin")).get_json()
    assert [(i["name"], i["reason"]) for i in before["unreached"]["items"]] == [("Ani", "no_contact"),
                                                                             ("Budi", "all_failed")]

    assert client.post(REBUILD, headers=headers("admin")).status_code == 202
    tasks.TASKS["handle_replay_finished"].run({"source": "registration", "last_sequence": len(registration)})
    tasks.TASKS["handle_replay_finished"].run({"source": "notifications", "last_sequence": len(notifications)})
    _replay(notifications + registration)  # the messages before the roster they concern
    assert client.get(PROJECTION, headers=headers("admin")).get_json()["rebuild"]["state"] == "done"
    assert client.get(path, headers=headers("admin")).get_json() == before
