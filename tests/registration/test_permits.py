"""Permits (izin): requested by the organiser or the official, approved or rejected once; approval excuses the
sessions it covers (past ones too) unless the official was scanned; permit.* and attendance.updated events."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from retret.events import SUBSCRIPTIONS
from retret.events.catalogue import event_type
from retret.events.subscriptions import filter_for
from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))


def at(hour: int, minute: int = 0, day: int = 16) -> str:
    return datetime(2025, 5, day, hour, minute, tzinfo=WIB).isoformat()


@pytest.fixture
def world(api, frozen_clock, admin, operator, secretariat):
    """Apel (05:30-06:30), lecture (08:00-10:00) and a discussion for Peleton 1 only (13:00-15:00) on the 16th;
    two confirmed officials; the clock at 07:00 on the 16th."""
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"])
    lecture = api.session(retreat["id"], title="Kuliah Umum", kind="lecture", starts_at=at(8), ends_at=at(10))
    discussion = api.session(retreat["id"], title="Diskusi", kind="discussion", starts_at=at(13), ends_at=at(15),
                             audience_groups=["Peleton 1"])
    budi, siti = api.confirmed(retreat["id"], 1), api.confirmed(retreat["id"], 2)
    frozen_clock(datetime(2025, 5, 16, 7, 0, tzinfo=WIB))
    return {"retreat": retreat, "apel": apel, "lecture": lecture, "discussion": discussion, "budi": budi,
            "siti": siti, "url": f"/api/v1/retreats/{retreat['id']}/permits"}


def request(client, world, headers, **body):
    return client.post(world["url"], json={"kind": "sick", "reason": "Demam", **body}, headers=headers)


def events(api, type_name):
    rows = api.outbox(type_name)
    for row in rows:
        assert event_type(type_name).schema().validate(row["data"]) == {}
    return [row["data"] for row in rows]


def test_request_by_nip_for_sessions_and_approve(api, client, world, admin):
    response = request(client, world, admin, nip=world["budi"]["official"]["nip"],
                       session_ids=[world["apel"]["id"], world["lecture"]["id"]])
    assert response.status_code == 201, response.get_json()
    permit = response.get_json()
    assert (permit["status"], permit["kind"], permit["reason"], permit["requested_by"]) == (
        "pending", "sick", "Demam", "admin")
    assert permit["registration_id"] == world["budi"]["id"] and permit["official"]["name"]
    [requested] = events(api, "permit.requested")
    assert requested["status"] == "pending" and requested["session_ids"] == [world["apel"]["id"],
                                                                             world["lecture"]["id"]]
    assert "reason" not in filter_for(SUBSCRIPTIONS["reporting"], "permit.requested", requested)

    approved = client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert approved.get_json()["decided_by"] == "admin" and approved.get_json()["decided_at"]
    assert [e["status"] for e in events(api, "permit.approved")] == ["approved"]
    # The apel is past, the lecture to come: both excused now.
    excused = events(api, "attendance.updated")
    assert sorted((e["session_id"], e["status"], e["method"]) for e in excused) == sorted(
        [(world["apel"]["id"], "excused", "permit"), (world["lecture"]["id"], "excused", "permit")])
    assert_problem(client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin), 409, code="permit_decided")
    assert_problem(client.post(f"/api/v1/permits/{permit['id']}/reject", json={}, headers=admin), 409,
                   code="permit_decided")


def test_a_period_permit_excuses_what_it_overlaps_in_the_officials_audience(api, client, world, admin):
    permit = request(client, world, admin, registration_id=world["siti"]["id"], kind="duty",
                     starts_at=at(9), ends_at=at(16)).get_json()
    assert permit["session_ids"] == [] and permit["starts_at"] == "2025-05-16T09:00:00+07:00"
    client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin)
    # The lecture overlaps; the discussion too, but Siti is not in Peleton 1: not expected, nothing to excuse.
    assert [(e["session_id"], e["status"]) for e in events(api, "attendance.updated")] == [
        (world["lecture"]["id"], "excused")]


def late_at_apel_then_excused(api, client, world, admin, operator) -> dict:
    """Budi is scanned late at the apel, then a permit for the apel and the lecture is approved: returns it."""
    scanned = client.post(f"/api/v1/retreats/{world['retreat']['id']}/checkins", headers=operator, json={
        "session_id": world["apel"]["id"], "scanned_at": at(5, 40), "code": api.badge_code(world["budi"]["id"])})
    assert scanned.status_code == 201
    permit = request(client, world, admin, nip=world["budi"]["official"]["nip"],
                     session_ids=[world["apel"]["id"], world["lecture"]["id"]]).get_json()
    assert client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin).status_code == 200
    return permit


def test_a_scan_stays_and_a_later_scan_wins_over_an_excuse(api, client, world, admin, operator, frozen_clock):
    checkins = f"/api/v1/retreats/{world['retreat']['id']}/checkins"
    permit = late_at_apel_then_excused(api, client, world, admin, operator)
    statuses = {(e["session_id"], e["status"]) for e in events(api, "attendance.updated")}
    assert statuses == {(world["apel"]["id"], "late"), (world["lecture"]["id"], "excused")}
    # He came to the lecture after all: the scan replaces the excuse.
    frozen_clock(datetime(2025, 5, 16, 8, 0, tzinfo=WIB))
    came = client.post(checkins, json={"session_id": world["lecture"]["id"], "scanned_at": at(7, 55),
                                       "code": api.badge_code(world["budi"]["id"])}, headers=operator)
    assert came.status_code == 201 and came.get_json()["status"] == "present"
    listed = client.get(checkins, query_string={"session_id": world["lecture"]["id"]}, headers=operator)
    assert [i["status"] for i in listed.get_json()["items"]] == ["present"]


def test_reject(api, client, world, admin):
    permit = request(client, world, admin, nip=world["budi"]["official"]["nip"],
                     session_ids=[world["apel"]["id"]]).get_json()
    rejected = client.post(f"/api/v1/permits/{permit['id']}/reject", json={"reason": "Tanpa surat dokter"},
                           headers=admin)
    assert rejected.status_code == 200
    assert (rejected.get_json()["status"], rejected.get_json()["decision_reason"]) == ("rejected",
                                                                                       "Tanpa surat dokter")
    # The reason travels with the event: notifications tells it to the official ("Alasan: ...").
    assert [(e["status"], e["decision_reason"]) for e in events(api, "permit.rejected")] == [
        ("rejected", "Tanpa surat dokter")]
    assert events(api, "attendance.updated") == []
    assert_problem(client.post(f"/api/v1/permits/{uuid.uuid4()}/reject", json={}, headers=admin), 404)
    assert_problem(client.post(f"/api/v1/permits/{uuid.uuid4()}/approve", headers=admin), 404)


def test_the_official_asks_through_the_invitation_link(api, client, world, admin):
    url = f"/api/v1/invitations/{api.token_of(world['siti'])}/permits"
    assert_problem(client.post(url, json={"kind": "family", "session_ids": [world["lecture"]["id"]]}), 422,
                   field="reason")
    response = client.post(url, json={"kind": "family", "reason": "Orang tua sakit",
                                      "session_ids": [world["lecture"]["id"]]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["requested_by"] == "official" and response.get_json()["status"] == "pending"
    assert_problem(client.post("/api/v1/invitations/bukan-token/permits",
                               json={"kind": "sick", "reason": "x", "session_ids": [world["apel"]["id"]]}), 404)


def test_list_by_status_and_the_reason_for_admins_only(api, client, world, admin, secretariat):
    first = request(client, world, admin, nip=world["budi"]["official"]["nip"], session_ids=[world["apel"]["id"]])
    request(client, world, admin, nip=world["siti"]["official"]["nip"], session_ids=[world["apel"]["id"]])
    client.post(f"/api/v1/permits/{first.get_json()['id']}/approve", headers=admin)
    pending = client.get(world["url"], query_string={"status": "pending"}, headers=admin).get_json()["items"]
    assert [p["registration_id"] for p in pending] == [world["siti"]["id"]] and pending[0]["reason"] == "Demam"
    everyone = client.get(world["url"], headers=secretariat).get_json()["items"]
    assert len(everyone) == 2 and all("reason" not in p for p in everyone)
    assert_problem(client.get(world["url"], query_string={"status": "x"}, headers=admin), 422, field="status")


def test_refusals(api, client, world, admin, frozen_clock):
    nip = world["budi"]["official"]["nip"]
    assert_problem(request(client, world, admin, nip=nip), 422, field="session_ids")
    assert_problem(request(client, world, admin, nip=nip, session_ids=[world["apel"]["id"]], starts_at=at(9),
                           ends_at=at(10)), 422, field="session_ids")
    assert_problem(request(client, world, admin, nip=nip, starts_at=at(9)), 422, field="ends_at")
    assert_problem(request(client, world, admin, nip=nip, starts_at=at(9), ends_at=at(8)), 422, field="ends_at")
    assert_problem(request(client, world, admin, session_ids=[world["apel"]["id"]]), 422, field="nip")
    assert_problem(request(client, world, admin, nip=nip, kind="holiday", session_ids=[world["apel"]["id"]]), 422,
                   field="kind")
    assert_problem(request(client, world, admin, nip=nip, session_ids=[world["apel"]["id"], str(uuid.uuid4())]),
                   422, field="session_ids.1")
    assert_problem(request(client, world, admin, nip=api.nip(99), session_ids=[world["apel"]["id"]]), 422,
                   field="nip")
    assert_problem(request(client, world, admin, registration_id=str(uuid.uuid4()),
                           session_ids=[world["apel"]["id"]]), 422, field="registration_id")
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    invited = api.register(world["retreat"]["id"], 3)
    assert_problem(request(client, world, admin, registration_id=invited["id"], session_ids=[world["apel"]["id"]]),
                   409, code="not_confirmed")
    assert_problem(client.post(f"/api/v1/retreats/{uuid.uuid4()}/permits",
                               json={"kind": "sick", "nip": nip, "session_ids": [world["apel"]["id"]]},
                               headers=admin), 404)
    assert events(api, "permit.requested") == []


def test_the_invitation_view_lists_the_officials_agenda_and_own_permits(api, client, world, admin, frozen_clock):
    """What the page's permit form needs: the sessions expecting the official (their group's and everyone's, in
    time order, in the retreat's zone) and their own permits (newest first) with the organiser's decision."""
    siti, budi = world["siti"], world["budi"]
    patched = client.patch(f"/api/v1/registrations/{siti['id']}", json={"group": "Peleton 2"}, headers=admin)
    assert patched.status_code == 200, patched.get_json()
    cancelled = api.session(world["retreat"]["id"], title="Dibatalkan", starts_at=at(16), ends_at=at(17))
    assert client.delete(f"/api/v1/sessions/{cancelled['id']}", headers=admin).status_code == 200
    invitation = f"/api/v1/invitations/{api.token_of(siti)}"
    first = client.post(f"{invitation}/permits", json={"kind": "sick", "reason": "Demam",
                                                       "session_ids": [world["apel"]["id"]]}).get_json()
    frozen_clock(datetime(2025, 5, 16, 7, 5, tzinfo=WIB))  # the second one a few minutes later (newest first)
    second = client.post(f"{invitation}/permits", json={"kind": "duty", "reason": "Rapat di kantor",
                                                        "session_ids": [world["lecture"]["id"]]}).get_json()
    request(client, world, admin, nip=budi["official"]["nip"], session_ids=[world["apel"]["id"]])  # someone else's
    rejected = client.post(f"/api/v1/permits/{second['id']}/reject", json={"reason": "Kuliah wajib"}, headers=admin)
    assert rejected.status_code == 200, rejected.get_json()

    view = client.get(invitation).get_json()
    assert [s["id"] for s in view["sessions"]] == [world["apel"]["id"], world["lecture"]["id"]]  # not Peleton 1's
    lecture = view["sessions"][1]
    assert lecture == {"id": world["lecture"]["id"], "title": "Kuliah Umum", "kind": "lecture",
                       "starts_at": at(8), "ends_at": at(10), "location": lecture["location"],
                       "mandatory": lecture["mandatory"]}
    assert [(p["id"], p["kind"], p["status"]) for p in view["permits"]] == [
        (second["id"], "duty", "rejected"), (first["id"], "sick", "pending")]
    assert view["permits"][0]["decision_reason"] == "Kuliah wajib"
    assert view["permits"][1]["reason"] == "Demam" and view["permits"][1]["session_ids"] == [world["apel"]["id"]]
    assert "decided_by" not in str(view) and "requested_by" not in str(view)

    others = client.get(f"/api/v1/invitations/{api.token_of(budi)}").get_json()
    assert [p["status"] for p in others["permits"]] == ["pending"]  # only budi's own


# --------------------------------------------------------------------------- withdrawal
def withdraw(client, permit_id, headers, **body):
    return client.post(f"/api/v1/permits/{permit_id}/withdraw", json=body, headers=headers)


def checkin_statuses(client, world, operator, session) -> list[str]:
    listed = client.get(f"/api/v1/retreats/{world['retreat']['id']}/checkins",
                        query_string={"session_id": session["id"]}, headers=operator)
    assert listed.status_code == 200, listed.get_json()
    return [i["status"] for i in listed.get_json()["items"]]


def test_withdrawing_an_approval_clears_its_excuses_but_never_a_scan_before_it(api, client, world, admin,
                                                                               operator):
    permit = late_at_apel_then_excused(api, client, world, admin, operator)
    assert checkin_statuses(client, world, operator, world["lecture"]) == ["excused"]

    response = withdraw(client, permit["id"], admin, reason="Salah setujui")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["withdrawn_by"], body["withdrawal_reason"]) == ("withdrawn", "admin",
                                                                                 "Salah setujui")
    assert body["withdrawn_at"] and body["decided_by"] == "admin"  # who approved it is kept
    # The lecture's excuse is gone (expected again); the apel scan (late, before approval) stays.
    assert [(e["session_id"], e["reason"]) for e in events(api, "attendance.cleared")] == [
        (world["lecture"]["id"], "permit_withdrawn")]
    assert checkin_statuses(client, world, operator, world["lecture"]) == []
    assert checkin_statuses(client, world, operator, world["apel"]) == ["late"]
    [withdrawn] = events(api, "permit.withdrawn")
    assert (withdrawn["status"], withdrawn["withdrawn_by"], withdrawn["withdrawal_reason"]) == (
        "withdrawn", "organiser", "Salah setujui")
    assert "withdrawal_reason" not in filter_for(SUBSCRIPTIONS["reporting"], "permit.withdrawn", withdrawn)
    assert "admin" not in str(withdrawn)  # no staff username on the bus


def test_withdrawing_an_approval_keeps_a_scan_since_and_what_another_permit_excuses(
        api, client, world, admin, operator, frozen_clock):
    nip = world["budi"]["official"]["nip"]
    permit = request(client, world, admin, nip=nip, session_ids=[world["apel"]["id"], world["lecture"]["id"]],
                     ).get_json()
    client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin)
    # The apel (past) and the lecture (to come) are excused now.
    assert checkin_statuses(client, world, operator, world["apel"]) == ["excused"]
    other = request(client, world, admin, nip=nip, kind="duty", starts_at=at(13), ends_at=at(15)).get_json()
    client.post(f"/api/v1/permits/{other['id']}/approve", headers=admin)
    frozen_clock(datetime(2025, 5, 16, 8, 0, tzinfo=WIB))
    came = client.post(f"/api/v1/retreats/{world['retreat']['id']}/checkins",
                       json={"session_id": world["lecture"]["id"], "scanned_at": at(7, 55),
                             "code": api.badge_code(world["budi"]["id"])}, headers=operator)
    assert came.status_code == 201 and came.get_json()["status"] == "present"

    assert withdraw(client, permit["id"], admin).status_code == 200
    assert [e["session_id"] for e in events(api, "attendance.cleared")] == [world["apel"]["id"]]
    assert checkin_statuses(client, world, operator, world["apel"]) == []
    assert checkin_statuses(client, world, operator, world["lecture"]) == ["present"]


def test_a_session_another_approved_permit_covers_stays_excused(api, client, world, admin, operator):
    nip = world["budi"]["official"]["nip"]
    first = request(client, world, admin, nip=nip, session_ids=[world["apel"]["id"], world["lecture"]["id"]],
                    ).get_json()
    second = request(client, world, admin, nip=nip, kind="duty", starts_at=at(7), ends_at=at(11)).get_json()
    for permit in (first, second):
        client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin)
    assert withdraw(client, first["id"], admin).status_code == 200
    assert [e["session_id"] for e in events(api, "attendance.cleared")] == [world["apel"]["id"]]
    assert checkin_statuses(client, world, operator, world["lecture"]) == ["excused"]


def test_withdrawing_a_pending_permit_touches_no_attendance(api, client, world, admin):
    permit = request(client, world, admin, nip=world["budi"]["official"]["nip"],
                     session_ids=[world["apel"]["id"]]).get_json()
    response = client.post(f"/api/v1/permits/{permit['id']}/withdraw", headers=admin)  # no body: no reason
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["withdrawal_reason"]) == ("withdrawn", None)
    assert [e["withdrawn_by"] for e in events(api, "permit.withdrawn")] == ["organiser"]
    assert events(api, "attendance.cleared") == [] and events(api, "attendance.updated") == []
    listed = client.get(world["url"], query_string={"status": "withdrawn"}, headers=admin).get_json()["items"]
    assert [p["id"] for p in listed] == [permit["id"]]


def test_withdraw_refusals(api, client, world, admin, operator, secretariat):
    nip = world["budi"]["official"]["nip"]
    permit = request(client, world, admin, nip=nip, session_ids=[world["apel"]["id"]]).get_json()
    for headers in (operator, secretariat):
        assert_problem(withdraw(client, permit["id"], headers), 403)
    assert_problem(client.post(f"/api/v1/permits/{permit['id']}/withdraw", json={}), 401)
    assert_problem(withdraw(client, uuid.uuid4(), admin), 404)
    assert_problem(withdraw(client, permit["id"], admin, reason="x" * 2001), 422, field="reason")
    rejected = request(client, world, admin, nip=nip, session_ids=[world["lecture"]["id"]]).get_json()
    client.post(f"/api/v1/permits/{rejected['id']}/reject", json={}, headers=admin)
    problem = assert_problem(withdraw(client, rejected["id"], admin), 409, code="permit_not_withdrawable")
    assert "dibatalkan" in problem["detail"]
    assert withdraw(client, permit["id"], admin).status_code == 200
    assert_problem(withdraw(client, permit["id"], admin), 409, code="permit_not_withdrawable")
    assert_problem(client.post(f"/api/v1/permits/{permit['id']}/approve", headers=admin), 409,
                   code="permit_decided")
    assert len(events(api, "permit.withdrawn")) == 1


def test_the_official_takes_back_their_own_pending_request(api, client, world, admin):
    own = f"/api/v1/invitations/{api.token_of(world['siti'])}/permits"
    pending = client.post(own, json={"kind": "family", "reason": "Orang tua sakit",
                                     "session_ids": [world["lecture"]["id"]]}).get_json()
    approved = client.post(own, json={"kind": "sick", "reason": "Demam",
                                      "session_ids": [world["apel"]["id"]]}).get_json()
    client.post(f"/api/v1/permits/{approved['id']}/approve", headers=admin)
    budis = request(client, world, admin, nip=world["budi"]["official"]["nip"],
                    session_ids=[world["apel"]["id"]]).get_json()

    response = client.post(f"{own}/{pending['id']}/withdraw")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "withdrawn" and body["withdrawn_at"] and "withdrawn_by" not in body
    assert [(e["permit_id"], e["withdrawn_by"]) for e in events(api, "permit.withdrawn")] == [
        (pending["id"], "official")]
    problem = assert_problem(client.post(f"{own}/{approved['id']}/withdraw"), 409, code="permit_approved")
    assert "panitia" in problem["detail"]
    assert_problem(client.post(f"{own}/{pending['id']}/withdraw"), 409, code="permit_not_withdrawable")
    assert_problem(client.post(f"{own}/{budis['id']}/withdraw"), 404)  # someone else's: not theirs to see
    assert_problem(client.post(f"{own}/{uuid.uuid4()}/withdraw"), 404)
    assert_problem(client.post(f"/api/v1/invitations/bukan-token/permits/{pending['id']}/withdraw"), 404)
    view = client.get(f"/api/v1/invitations/{api.token_of(world['siti'])}").get_json()
    # Both made at the same frozen moment: their order is not the point here.
    assert {p["id"]: p["status"] for p in view["permits"]} == {approved["id"]: "approved",
                                                               pending["id"]: "withdrawn"}
    assert len(events(api, "permit.withdrawn")) == 1 and events(api, "attendance.cleared") == []
