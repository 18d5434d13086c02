"""The Procfile's bulk workers: long jobs on `<service>.bulk` (fan-outs to thousands, big imports, replay pages) run
in processes of their own, so events never wait behind them (DESIGN §3). The stack here runs the workers exactly
as split as the Procfile does."""
from __future__ import annotations

import time

import pytest

from retret_testing.infra import wait_for
from retret_testing.queues import queued
from retret_testing.system import run_system

pytestmark = pytest.mark.integration

SUBJECT = "Titik kumpul"


@pytest.fixture(scope="module")
def split_system():
    yield from run_system("postgresql", bulk_workers=True)


def _announced(system, address: str) -> list:
    return [m for m in system.smtp.to(address) if m["Subject"].strip() == SUBJECT]


def test_events_are_served_while_the_bulk_worker_is_away_and_bulk_work_waits_for_it(split_system):
    system = split_system
    retreat = system.create_retreat(code="BULK-1")
    system.invite(retreat["id"], nip="198001012005011001", email="pertama@malangkota.go.id")
    system.wait_mail("pertama@malangkota.go.id")  # notifications now knows the first official

    with system.stack.stopped("notifications-bulk"):
        response = system.api("notifications", "post", "/api/v1/announcements",
                              json={"retreat_id": retreat["id"], "subject": SUBJECT,
                                    "body": "Kumpul di Balai Kota pukul 05.00 WIB."},
                              headers={"Idempotency-Key": "bulk-workers-1"})
        assert response.status_code == 202, response.get_json()
        assert response.get_json()["recipients"] == 1

        # An event meanwhile: the second official's invitation is mailed by the events worker alone.
        system.invite(retreat["id"], nip="198001012005012002", email="kedua@malangkota.go.id")
        system.wait_mail("kedua@malangkota.go.id")
        time.sleep(3)  # beat asks for a scan of due work every second: a worker taking bulk tasks would have sent it
        assert _announced(system, "pertama@malangkota.go.id") == []
        bulk_queue = system.stack.queue("notifications") + ".bulk"
        assert any(m["task"] == "notifications.scan_due" for m in queued(system.stack.redis.client(), bulk_queue))

    # The bulk worker back: the announcement goes out, once.
    wait_for(lambda: _announced(system, "pertama@malangkota.go.id"), 60,
             message=f"the announcement sent by the bulk worker\n{system.stack.logs()}")
    time.sleep(2)
    assert len(_announced(system, "pertama@malangkota.go.id")) == 1
    assert "notifications-bulk-worker" in system.stack.log_text("notifications-bulk")
