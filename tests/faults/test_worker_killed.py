"""A consumer that dies holding a message: with acks_late the message is not lost; once the visibility timeout
passes Redis hands it to a live worker, and the effect still happens exactly once.

Gap detection is slowed down here (heartbeat and grace of minutes), so only the broker's redelivery can bring the
event back within the test's time."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from retret_testing.infra import wait_for
from retret_testing.queues import queued
from retret_testing.system import run_system

pytestmark = [pytest.mark.integration, pytest.mark.faults]

# A consumer that takes one message off the reporting queue without acknowledging it, then dies by SIGKILL.
DYING_CONSUMER = """
import os, signal
from reporting.worker import celery
from retret.queues import queue_name
with celery.connection_for_read() as conn:
    queue = conn.SimpleQueue(queue_name("reporting"), no_ack=False)
    while True:
        message = queue.get(timeout=20)
        if message.headers["task"] == "reporting.handle_event":
            break
        message.ack()  # beat's periodic tasks: not what this test is about
    print(message.headers["task"], message.payload[0][0]["sequence"], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture(scope="module")
def slow_gap_system():
    yield from run_system("postgresql", overrides={"BUS_HEARTBEAT_SECONDS": "600", "BUS_GAP_GRACE_SECONDS": "600",
                                                   "CELERY_VISIBILITY_TIMEOUT": "5"})


def test_a_message_held_by_a_killed_consumer_is_redelivered_once(slow_gap_system):
    system = slow_gap_system
    retreat = system.create_retreat(code="KILLED-1")
    system.wait_summary(retreat["id"], lambda s: True)
    system.stack.idle("reporting")
    with system.stack.stopped("reporting"):
        system.invite(retreat["id"], nip="197701012003121001", email="killed@malangkota.go.id")
        client = system.stack.redis.client()
        wait_for(lambda: any(m["task"] == "reporting.handle_event" for m in queued(client, system.stack.queue("reporting"))),
                 30, message="the event queued")
        dying = subprocess.run([sys.executable, "-c", DYING_CONSUMER], env=system.stack.env | _path_env(),
                               capture_output=True, text=True, timeout=60)
        assert dying.returncode == -9, dying.stderr
        assert dying.stdout.startswith("reporting.handle_event"), dying.stdout
        # Held by nobody alive. Every worker of the stack shares Redis's "unacked" hash (a registration or
        # notifications task running right now sits there too), so count only the reporting event.
        assert len(held_reporting_events(client)) == 1
    summary = system.wait_summary(retreat["id"], lambda s: s["registrations"]["invited"] == 1, timeout=60,
                                  message="redelivery after the visibility timeout")
    assert summary["registrations"]["total"] == 1
    wait_for(lambda: not held_reporting_events(client), 30, message="no reporting event left unacknowledged")


def held_reporting_events(client) -> list[dict]:
    """Reporting events taken off the queue and not acknowledged (kombu keeps [message, exchange, routing key])."""
    held = [json.loads(raw)[0] for raw in client.hvals("unacked")]
    return [message for message in held if message["headers"]["task"] == "reporting.handle_event"]


def _path_env() -> dict:
    import os
    return {"PATH": os.environ["PATH"], "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
