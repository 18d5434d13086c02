"""The worker's tasks: reporting consumes registration and notifications (thin wrappers around the bus)."""
from __future__ import annotations

from retret.events.catalogue import CATALOGUE
from retret.events.envelope import make_envelope
from retret.events.subscriptions import SUBSCRIPTIONS, filter_for


def test_consumer_tasks_are_registered(app):
    from reporting import tasks
    from reporting.worker import celery
    assert set(tasks.TASKS) == {"handle_event", "handle_heartbeat", "request_replays",
                                "handle_replay_finished"}  # a consumer, not a source
    assert {"reporting.handle_event", "reporting.handle_heartbeat", "reporting.request_replays",
            "reporting.handle_replay_finished"} <= set(celery.tasks)
    assert not any(name.startswith("reporting.relay") for name in celery.tasks)


def test_handle_event_and_heartbeat(app):
    from reporting import tasks
    from reporting.context import context
    data = filter_for(SUBSCRIPTIONS["reporting"], "participant.invited", CATALOGUE["participant.invited"].sample)
    envelope = make_envelope(type="participant.invited", source="registration", sequence=1, data=data)
    assert tasks.TASKS["handle_event"].run(envelope) == "applied"
    assert tasks.TASKS["handle_event"].run(envelope) == "duplicate"
    tasks.TASKS["handle_heartbeat"].run({"source": "registration", "last_sequence": 3})
    status = context.bus.cursor_status()["registration"]
    assert (status["last_sequence"], status["gaps"]) == (1, [2, 3])
