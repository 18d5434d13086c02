"""Check-ins (DESIGN §5 contract): single by badge code or NIP, a station's batch (offline uploads), the list, and
attendance.updated for every change."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from retret.events.catalogue import event_type
from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))
# The retreat runs 16-18 May 2025 (Asia/Jakarta); the apel 05:30-06:30 on the 16th, check-in from 04:30.
DURING_APEL = datetime(2025, 5, 16, 6, 0, tzinfo=WIB)
EVENING = datetime(2025, 5, 16, 21, 0, tzinfo=WIB)


def at(hour: int, minute: int = 0, second: int = 0, day: int = 16) -> str:
    return datetime(2025, 5, day, hour, minute, second, tzinfo=WIB).isoformat()


@pytest.fixture
def world(api, frozen_clock, admin, operator, secretariat):
    """A published retreat, an apel, two confirmed officials; the clock during the apel (staff tokens are made
    before the clock is frozen: their expiry is checked against the real time)."""
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"])
    budi, siti = api.confirmed(retreat["id"], 1), api.confirmed(retreat["id"], 2, unit_code="35.73.01",
                                                                  unit_name="Bappeda")
    frozen_clock(DURING_APEL)
    return {"retreat": retreat, "apel": apel, "budi": budi, "siti": siti,
            "url": f"/api/v1/retreats/{retreat['id']}/checkins"}


def post(client, world, headers, **body):
    return client.post(world["url"], json={"session_id": world["apel"]["id"], **body}, headers=headers)


def batch(client, world, headers, scans, device_id="pos-1"):
    response = client.post(world["url"] + "/batch", json={"device_id": device_id, "scans": [
        {"session_id": world["apel"]["id"], **scan} for scan in scans]}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def attendance_events(api) -> list[dict]:
    rows = api.outbox("attendance.updated")
    for row in rows:
        assert event_type("attendance.updated").schema().validate(row["data"]) == {}
    return [row["data"] for row in rows]


# --------------------------------------------------------------------------- single
def test_a_badge_scan_on_time_is_present_and_a_second_is_a_duplicate(api, client, world, operator):
    code = api.badge_code(world["budi"]["id"])
    response = post(client, world, operator, code=code, scanned_at=at(5, 33), device_id="pos-1")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["registration_id"] == world["budi"]["id"] and body["session_id"] == world["apel"]["id"]
    assert (body["status"], body["duplicate"], body["method"], body["device_id"]) == ("present", False, "badge",
                                                                                       "pos-1")
    assert body["scanned_at"] == "2025-05-16T05:33:00+07:00"
    assert body["official"]["name"] == world["budi"]["official"]["name"] and "email" not in body["official"]
    again = post(client, world, operator, code=code, scanned_at=at(5, 50))
    assert again.status_code == 200
    assert (again.get_json()["duplicate"], again.get_json()["status"]) == (True, "present")
    [event] = attendance_events(api)
    assert event["status"] == "present" and event["method"] == "badge" and event["device_id"] == "pos-1"
    assert event["scanned_at"] == "2025-05-15T22:33:00+00:00"


def test_a_scan_after_the_tolerance_is_late_and_by_nip_defaults_to_now(api, client, world, operator, frozen_clock):
    late = post(client, world, operator, nip=world["siti"]["official"]["nip"], scanned_at=at(5, 35, 1))
    assert late.status_code == 201 and late.get_json()["status"] == "late"
    assert late.get_json()["method"] == "nip"
    on_the_edge = post(client, world, operator, nip=world["budi"]["official"]["nip"], method="manual",
                       scanned_at=at(5, 35))
    assert on_the_edge.get_json()["status"] == "present" and on_the_edge.get_json()["method"] == "manual"
    frozen_clock(datetime(2025, 5, 16, 5, 20, tzinfo=WIB))
    second = api.session(world["retreat"]["id"], title="Senam", kind="physical", starts_at=at(5, 10),
                         ends_at=at(6, 0))
    now = client.post(world["url"], json={"session_id": second["id"], "code": api.badge_code(world["budi"]["id"])},
                      headers=operator)
    assert now.status_code == 201 and now.get_json()["scanned_at"] == "2025-05-16T05:20:00+07:00"
    assert now.get_json()["status"] == "late"


def test_the_same_scan_id_twice_is_one_scan(api, client, world, operator):
    code = api.badge_code(world["budi"]["id"])
    first = post(client, world, operator, code=code, scanned_at=at(5, 40), scan_id="scan-1")
    # A retry of the same scan (even with an earlier time by mistake) changes nothing.
    retry = post(client, world, operator, code=code, scanned_at=at(5, 0), scan_id="scan-1")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.get_json()["duplicate"] is True and retry.get_json()["status"] == "late"
    assert len(attendance_events(api)) == 1


@pytest.mark.parametrize("case, code", [
    ("forged code", "unknown_code"), ("unknown nip", "unknown_code"), ("invited only", "not_confirmed"),
    ("badge of another retreat", "other_retreat"), ("nip of another retreat", "other_retreat"),
    ("too early", "outside_window"), ("after the end", "outside_window"), ("future", "future"),
])
def test_refusals(api, client, world, operator, frozen_clock, case, code):
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    other = api.retreat("OTHER-2025", publish=True)
    elsewhere = api.confirmed(other["id"], 7)
    invited = api.register(world["retreat"]["id"], 3)
    now = datetime(2025, 5, 16, 6, 40, tzinfo=WIB)  # the apel is over: the window's end lies in the past
    frozen_clock(now)
    budi = api.badge_code(world["budi"]["id"])
    body = {
        "forged code": {"code": budi[:-3] + "AAA"},
        "unknown nip": {"nip": api.nip(99)},
        "invited only": {"code": api.badge_code(invited["id"])},
        "badge of another retreat": {"code": api.badge_code(elsewhere["id"])},
        "nip of another retreat": {"nip": elsewhere["official"]["nip"]},
        "too early": {"code": budi, "scanned_at": at(4, 29, 59)},
        "after the end": {"code": budi, "scanned_at": at(6, 30, 1)},
        "future": {"code": budi, "scanned_at": (now + timedelta(minutes=2, seconds=1)).isoformat()},
    }[case]
    problem = assert_problem(post(client, world, operator, **body), 422, code=code)
    assert problem["errors"] and problem["detail"]
    assert attendance_events(api) == []


def test_window_edges_and_two_minutes_ahead_are_accepted(api, client, world, operator):
    assert post(client, world, operator, code=api.badge_code(world["budi"]["id"]),
                scanned_at=at(4, 30)).status_code == 201
    ahead = (DURING_APEL + timedelta(minutes=2)).isoformat()
    assert post(client, world, operator, code=api.badge_code(world["siti"]["id"]),
                scanned_at=ahead).status_code == 201


def test_a_sessions_own_window(api, client, world, operator, frozen_clock):
    frozen_clock(datetime(2025, 5, 16, 9, 0, tzinfo=WIB))
    lecture = api.session(world["retreat"]["id"], title="Kuliah", kind="lecture", starts_at=at(8),
                          ends_at=at(10), checkin_opens_before_minutes=15, checkin_closes_after_minutes=30)
    frozen_clock(datetime(2025, 5, 16, 10, 40, tzinfo=WIB))
    code = api.badge_code(world["budi"]["id"])
    url = world["url"]
    too_early = client.post(url, json={"session_id": lecture["id"], "code": code, "scanned_at": at(7, 44)},
                            headers=operator)
    assert_problem(too_early, 422, code="outside_window")
    after_end = client.post(url, json={"session_id": lecture["id"], "code": code, "scanned_at": at(10, 30)},
                            headers=operator)
    assert after_end.status_code == 201 and after_end.get_json()["status"] == "late"


def test_a_cancelled_or_unknown_session_is_refused(api, client, world, operator, admin):
    assert client.delete(f"/api/v1/sessions/{world['apel']['id']}", headers=admin).status_code == 200
    code = api.badge_code(world["budi"]["id"])
    assert_problem(post(client, world, operator, code=code), 422, field="session_id", code="session_cancelled")
    unknown = client.post(world["url"], json={"session_id": str(uuid.uuid4()), "code": code}, headers=operator)
    assert_problem(unknown, 422, field="session_id", code="unknown_session")


def test_a_cancelled_retreat_takes_no_checkins(api, client, world, operator, admin):
    assert client.post(f"/api/v1/retreats/{world['retreat']['id']}/cancel", json={}, headers=admin).status_code == 200
    assert_problem(post(client, world, operator, code=api.badge_code(world["budi"]["id"])), 422,
                   code="session_cancelled")


def test_bad_input(client, world, operator):
    assert_problem(post(client, world, operator), 422, field="code")
    assert_problem(post(client, world, operator, code="x", nip="y"), 422, field="code")
    assert_problem(post(client, world, operator, code="x", scanned_at="2025-05-16T06:00:00"), 422, field="scanned_at")
    assert_problem(client.post(world["url"], json={"code": "x"}, headers=operator), 422, field="session_id")
    assert_problem(client.post(world["url"], data="{", headers={**operator, "Content-Type": "application/json"}),
                   400)
    missing = client.post(f"/api/v1/retreats/{uuid.uuid4()}/checkins",
                          json={"session_id": world["apel"]["id"], "code": "x"}, headers=operator)
    assert_problem(missing, 404)


def test_someone_outside_the_audience_is_accepted(api, client, world, operator, frozen_clock):
    frozen_clock(datetime(2025, 5, 16, 9, 0, tzinfo=WIB))
    discussion = api.session(world["retreat"]["id"], title="Diskusi", kind="discussion", starts_at=at(9),
                             ends_at=at(11), audience_groups=["Peleton 1"])
    response = client.post(world["url"], json={"session_id": discussion["id"],
                                               "code": api.badge_code(world["budi"]["id"])}, headers=operator)
    assert response.status_code == 201 and response.get_json()["status"] == "present"


# --------------------------------------------------------------------------- batch (offline stations)
def test_the_same_batch_twice(api, client, world, operator):
    scans = [{"scan_id": "a-1", "code": api.badge_code(world["budi"]["id"]), "scanned_at": at(5, 20)},
             {"scan_id": "a-2", "code": api.badge_code(world["siti"]["id"]), "scanned_at": at(5, 41)},
             {"scan_id": "a-3", "code": "bukan-badge", "scanned_at": at(5, 42)}]
    first = batch(client, world, operator, scans)
    assert [(r["scan_id"], r["outcome"], r["status"], r["error"]) for r in first] == [
        ("a-1", "recorded", "present", None), ("a-2", "recorded", "late", None),
        ("a-3", "rejected", None, "unknown_code")]
    again = batch(client, world, operator, scans)
    assert [(r["scan_id"], r["outcome"], r["status"], r["error"]) for r in again] == [
        ("a-1", "duplicate", "present", None), ("a-2", "duplicate", "late", None),
        ("a-3", "rejected", None, "unknown_code")]
    assert len(attendance_events(api)) == 2
    listed = client.get(world["url"], headers=operator).get_json()["items"]
    assert sorted(item["scan_id"] for item in listed) == ["a-1", "a-2"]


def test_two_devices_scan_the_same_person_and_the_earliest_wins(api, client, world, operator):
    code = api.badge_code(world["budi"]["id"])
    later = batch(client, world, operator, [{"scan_id": "pos1-9", "code": code, "scanned_at": at(5, 42)}], "pos-1")
    assert (later[0]["outcome"], later[0]["status"]) == ("recorded", "late")
    earlier = batch(client, world, operator, [{"scan_id": "pos2-3", "code": code, "scanned_at": at(5, 29)}], "pos-2")
    assert (earlier[0]["outcome"], earlier[0]["status"]) == ("recorded", "present")
    latest = batch(client, world, operator, [{"scan_id": "pos3-1", "code": code, "scanned_at": at(5, 31)}], "pos-3")
    assert (latest[0]["outcome"], latest[0]["status"]) == ("duplicate", "present")
    [item] = client.get(world["url"], headers=operator).get_json()["items"]
    assert (item["status"], item["device_id"], item["scan_id"], item["scanned_at"]) == (
        "present", "pos-2", "pos2-3", "2025-05-16T05:29:00+07:00")
    assert [(e["status"], e["device_id"]) for e in attendance_events(api)] == [("late", "pos-1"), ("present", "pos-2")]


def test_a_scan_uploaded_hours_late_keeps_its_time_and_status(api, client, world, operator, frozen_clock):
    frozen_clock(EVENING)  # the field had no signal: the station uploads in the evening
    results = batch(client, world, operator, [
        {"scan_id": "s-1", "code": api.badge_code(world["budi"]["id"]), "scanned_at": at(5, 34)},
        {"scan_id": "s-2", "code": api.badge_code(world["siti"]["id"]), "scanned_at": at(5, 52)}])
    assert [(r["outcome"], r["status"], r["scanned_at"]) for r in results] == [
        ("recorded", "present", "2025-05-16T05:34:00+07:00"), ("recorded", "late", "2025-05-16T05:52:00+07:00")]


def test_a_batch_refuses_bad_input_as_a_whole(api, client, world, operator):
    response = client.post(world["url"] + "/batch", json={"scans": [
        {"session_id": world["apel"]["id"], "scan_id": "x-1", "code": "c"},
        {"session_id": world["apel"]["id"], "code": "c", "scanned_at": "kemarin"}]}, headers=operator)
    problem = assert_problem(response, 422)
    assert {"scans.1.scan_id", "scans.1.scanned_at"} <= set(problem["errors"])
    assert_problem(client.post(world["url"] + "/batch", json={"scans": []}, headers=operator), 422, field="scans")
    assert attendance_events(api) == []


# --------------------------------------------------------------------------- the list
def test_the_list_filters(api, client, world, operator, secretariat, frozen_clock):
    budi, siti = api.badge_code(world["budi"]["id"]), api.badge_code(world["siti"]["id"])
    batch(client, world, operator, [{"scan_id": "1", "code": budi, "scanned_at": at(5, 20)}], "pos-1")
    frozen_clock(DURING_APEL + timedelta(minutes=1))  # listed in the order first recorded
    batch(client, world, operator, [{"scan_id": "2", "code": siti, "scanned_at": at(5, 50)}], "pos-2")

    def listed(**query):
        response = client.get(world["url"], query_string=query, headers=secretariat)
        assert response.status_code == 200, response.get_json()
        return [item["registration_id"] for item in response.get_json()["items"]]

    assert listed() == [world["budi"]["id"], world["siti"]["id"]]
    assert listed(status="late") == [world["siti"]["id"]]
    assert listed(device_id="pos-1") == [world["budi"]["id"]]
    assert listed(nip=world["siti"]["official"]["nip"]) == [world["siti"]["id"]]
    assert listed(session_id=world["apel"]["id"]) == listed()
    assert listed(session_id=str(uuid.uuid4())) == []
    page = client.get(world["url"], query_string={"limit": 1}, headers=secretariat).get_json()
    rest = client.get(world["url"], query_string={"limit": 1, "cursor": page["next_cursor"]},
                      headers=secretariat).get_json()
    assert [i["registration_id"] for i in page["items"] + rest["items"]] == listed() and rest["next_cursor"] is None
    assert_problem(client.get(world["url"], query_string={"status": "absent"}, headers=secretariat), 422,
                   field="status")
    assert_problem(client.get(world["url"], query_string={"cursor": "zzz"}, headers=secretariat), 422,
                   field="cursor")


def test_a_moved_session_rates_its_scans_again(api, client, world, operator, admin, frozen_clock):
    post(client, world, operator, code=api.badge_code(world["budi"]["id"]), scanned_at=at(5, 38))  # late
    post(client, world, operator, code=api.badge_code(world["siti"]["id"]), scanned_at=at(5, 30))  # present
    frozen_clock(datetime(2025, 5, 16, 7, 0, tzinfo=WIB))
    moved = client.patch(f"/api/v1/sessions/{world['apel']['id']}", json={"starts_at": at(5, 35),
                                                                           "ends_at": at(6, 35)}, headers=admin)
    assert moved.status_code == 200, moved.get_json()
    # Budi's 05:38 is now within the tolerance; Siti's 05:30 stays present (before the start).
    assert [(e["registration_id"], e["status"]) for e in attendance_events(api)][2:] == [
        (world["budi"]["id"], "present")]
    listed = client.get(world["url"], query_string={"status": "late"}, headers=operator).get_json()["items"]
    assert listed == []
