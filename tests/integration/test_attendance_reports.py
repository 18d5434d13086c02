"""From check-in to the secretariat's reports, through the bus and the real reporting worker: a station's batch
(one latecomer), a permit approved after the session it covers, a batch uploaded hours late — the sessions and
units reports show present, late, excused and absent; the permit withdrawn, its excuse is cleared and the
official is absent again."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

from retret import clock
from retret_testing.http import bearer
from retret_testing.badges import badge_code
from retret_testing.infra import wait_for

pytestmark = pytest.mark.integration

WIB = timezone(timedelta(hours=7))


def at(hour: int, minute: int = 0) -> str:
    return datetime(2025, 5, 16, hour, minute, tzinfo=WIB).isoformat()


@contextmanager
def clock_at(moment: datetime):
    """The in-process APIs' clock (the workers only project events: they need no clock of the retreat)."""
    clock.set_clock(lambda: moment)
    try:
        yield
    finally:
        clock.set_clock(None)


def call(system, method, path, expected, service="registration", **kwargs):
    response = system.api(service, method, path, **kwargs)
    assert response.status_code == expected, (path, response.get_json())
    return response.get_json()


def report(system, retreat_id, name):
    response = system.api("reporting", "get", f"/api/v1/reports/retreats/{retreat_id}/{name}")
    return response.get_json()["items"] if response.status_code == 200 else None


def test_checkins_and_a_permit_reach_the_sessions_and_units_reports(system):
    _story(system, "ATT-PG")


def test_the_same_on_the_embedded_sqlite_default(sqlite_system):
    _story(sqlite_system, "ATT-SQLITE")


def _story(system, code):
    with clock_at(datetime(2025, 5, 10, 9, 0, tzinfo=WIB)):
        retreat = system.create_retreat(code=code, starts_on="2025-05-16", ends_on="2025-05-18")
        rid = retreat["id"]
        apel = call(system, "post", f"/api/v1/retreats/{rid}/sessions", 201, json={
            "title": "Apel Pagi", "kind": "apel", "starts_at": at(5, 30), "ends_at": at(6, 30)})
        lecture = call(system, "post", f"/api/v1/retreats/{rid}/sessions", 201, json={
            "title": "Kuliah Umum", "kind": "lecture", "starts_at": at(8), "ends_at": at(10)})
        people = {}
        for n, (name, unit) in enumerate((("budi", "35.73.05"), ("siti", "35.73.01"), ("andi", "35.73.05")), 1):
            registration = system.invite(rid, nip=f"19860926201505100{n}", email=f"{name}@malangkota.go.id",
                                         unit_code=unit, unit_name=f"Unit {unit}")
            token = registration["invitation_url"].rsplit("/", 1)[1]
            call(system, "post", f"/api/v1/invitations/{token}/confirm", 200, json={})
            people[name] = registration
        station = call(system, "post", f"/api/v1/retreats/{rid}/station-tokens", 201,
                       json={"device_id": "lapangan-1", "label": "Lapangan"})

    def badge(name):
        return badge_code(people[name]["id"])

    def upload(scans):
        response = system.clients["registration"].post(f"/api/v1/retreats/{rid}/checkins/batch",
                                                       json={"scans": scans}, headers=bearer(station["token"]))
        assert response.status_code == 200, response.get_json()
        return [(r["outcome"], r["status"]) for r in response.get_json()["results"]]

    with clock_at(datetime(2025, 5, 16, 7, 0, tzinfo=WIB)):
        assert upload([{"session_id": apel["id"], "scan_id": "l1-1", "code": badge("budi"), "scanned_at": at(5, 31)},
                       {"session_id": apel["id"], "scan_id": "l1-2", "code": badge("siti"), "scanned_at": at(5, 45)}]
                      ) == [("recorded", "present"), ("recorded", "late")]
    with clock_at(datetime(2025, 5, 16, 21, 0, tzinfo=WIB)):
        # The lecture's station was offline all day; Andi's permit is approved after the lecture.
        assert upload([{"session_id": lecture["id"], "scan_id": "l1-3", "code": badge("budi"),
                        "scanned_at": at(7, 50)}]) == [("recorded", "present")]
        permit = call(system, "post", f"/api/v1/retreats/{rid}/permits", 201, json={
            "nip": "198609262015051003", "kind": "duty", "reason": "Rapat di Pemkot",
            "session_ids": [lecture["id"]]})
        call(system, "post", f"/api/v1/permits/{permit['id']}/approve", 200)

        def sessions_report():
            items = report(system, rid, "sessions")
            if not items or len(items) < 2 or (items[0]["late"], items[1]["present"], items[1]["excused"]) != (1, 1, 1):
                return None
            return items
        apel_row, lecture_row = wait_for(sessions_report, 60, message=f"sessions report\n{system.stack.logs()}")
        counts = ("expected", "present", "late", "excused", "absent")
        assert [apel_row[k] for k in counts] == [3, 1, 1, 0, 1]
        assert [lecture_row[k] for k in counts] == [3, 1, 0, 1, 1]
        units = {u["unit_code"]: u for u in report(system, rid, "units")}
        assert [units["35.73.05"][k] for k in ("present", "late", "excused", "absent")] == [2, 0, 1, 1]
        assert units["35.73.05"]["rate"] == pytest.approx(0.75)
        assert [units["35.73.01"][k] for k in ("present", "late", "excused", "absent")] == [0, 1, 0, 1]
        assert units["35.73.01"]["rate"] == pytest.approx(0.5)

        # Approved by mistake: withdrawn, Andi's excuse goes (attendance.cleared) and he counts as absent.
        call(system, "post", f"/api/v1/permits/{permit['id']}/withdraw", 200, json={"reason": "Salah setujui"})

        def after_withdrawal():
            items = report(system, rid, "sessions")
            return items if items and (items[1]["excused"], items[1]["absent"]) == (0, 2) else None
        _apel_row, lecture_row = wait_for(after_withdrawal, 60, message=f"after withdrawal\n{system.stack.logs()}")
        assert [lecture_row[k] for k in counts] == [3, 1, 0, 0, 2]
