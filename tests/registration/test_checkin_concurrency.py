"""50 parallel check-ins of one badge from several processes (real PostgreSQL) make exactly one attendance:
the scan ids and the attendance are inserted with ON CONFLICT DO NOTHING and the attendance row is locked, so no
interleaving of the requests can make two, nor lose the one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from retret.auth import issue_token
from retret_testing.env import TEST_ENV

PROCESSES, THREADS = 5, 10

# Each process builds the app on the same database, starts its threads, says "ready", and fires on "go".
CHILD = """
import json, sys, threading
from registration import create_app
app = create_app()
url, body, headers, offset = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
go, statuses, lock = threading.Event(), [], threading.Lock()
def fire(i):
    client = app.test_client()
    go.wait()
    response = client.post(url, json={**body, "scan_id": f"s-{(offset + i) % 10}"}, headers=headers)
    with lock:
        statuses.append([response.status_code, response.get_json()])
threads = [threading.Thread(target=fire, args=(i,)) for i in range(int(sys.argv[5]))]
for t in threads:
    t.start()
print("ready", flush=True)
sys.stdin.readline()
go.set()
for t in threads:
    t.join()
print(json.dumps(statuses), flush=True)
"""


def test_fifty_parallel_checkins_of_one_badge_make_one_attendance(api, client):
    now = datetime.now(ZoneInfo("Asia/Jakarta"))
    # From yesterday to tomorrow: a session around now stays inside the retreat's dates at any hour (midnight too).
    retreat = api.retreat(publish=True, starts_on=(now - timedelta(days=1)).date().isoformat(),
                          ends_on=(now + timedelta(days=1)).date().isoformat())
    begins = now.replace(second=0, microsecond=0) - timedelta(minutes=1)  # on time: present
    session = api.session(retreat["id"], starts_at=begins.isoformat(),
                          ends_at=(begins + timedelta(minutes=30)).isoformat())
    registration = api.confirmed(retreat["id"], 1)
    body = {"session_id": session["id"], "code": api.badge_code(registration["id"]),
            "scanned_at": (now - timedelta(seconds=30)).isoformat(), "device_id": "pos-1"}
    headers = {"Authorization": "Bearer " + issue_token(TEST_ENV["JWT_SECRET"], "operator", "operator")[0]}
    url = f"/api/v1/retreats/{retreat['id']}/checkins"

    children = [subprocess.Popen(
        [sys.executable, "-c", CHILD, url, json.dumps(body), json.dumps(headers), str(n * THREADS), str(THREADS)],
        env=dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for n in range(PROCESSES)]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        answers = [answer for child in children for answer in json.loads(child.communicate(timeout=120)[0])]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()

    assert len(answers) == PROCESSES * THREADS
    codes = sorted(status for status, _ in answers)
    assert codes == [200] * 49 + [201], [a for a in answers if a[0] not in (200, 201)][:3]
    assert {answer["status"] for _, answer in answers} == {"present"}
    assert sum(answer["duplicate"] for _, answer in answers) == 49

    from registration.context import context
    from registration.models import Attendance, Scan
    with context.db.session() as db:
        assert db.scalar(select(func.count()).select_from(Attendance)) == 1
        assert db.scalar(select(func.count()).select_from(Scan)) == 10  # ten scan ids, each sent five times
    assert len(api.outbox("attendance.updated")) == 1
