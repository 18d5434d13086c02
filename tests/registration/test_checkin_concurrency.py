"""50 parallel check-ins of one badge from several processes (real PostgreSQL) make exactly one attendance:
the scan ids and the attendance are inserted with ON CONFLICT DO NOTHING and the attendance row is locked, so no
interleaving of the requests can make two, nor lose the one."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from retret.auth import issue_token
from retret_testing.env import TEST_ENV
from retret_testing.race import race_posts

PROCESSES, THREADS = 5, 10


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

    answers = race_posts(url, [[{"json": {**body, "scan_id": f"s-{(n * THREADS + i) % 10}"}, "headers": headers}
                                for i in range(THREADS)] for n in range(PROCESSES)])
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
