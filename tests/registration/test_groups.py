"""Platoons and rooms over the API: the assignment, its re-run, manual overrides (PATCH), the roster, the rejections."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from retret.events.catalogue import event_type
from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))
BEFORE = datetime(2025, 5, 10, 9, 0, tzinfo=WIB)  # the retreat runs 16-18 May 2025
UNITS = [("35.73.01", "Dinas Pendidikan"), ("35.73.02", "Dinas Kesehatan"), ("35.73.03", "Bappeda")]


@pytest.fixture
def retreat(api, frozen_clock):
    frozen_clock(BEFORE)
    return api.retreat(publish=True)


def confirm(api, client, retreat_id: str, i: int, unit: int = 0, **overrides) -> dict:
    code, name = UNITS[unit]
    registration = api.register(retreat_id, i, unit_code=code, unit_name=name, **overrides)
    response = client.post(f"/api/v1/invitations/{api.token_of(registration)}/confirm", json={})
    assert response.status_code == 200, response.get_json()
    return registration


def assign(client, admin, retreat_id: str, body: dict, status: int = 200):
    response = client.post(f"/api/v1/retreats/{retreat_id}/groups/assign", json=body, headers=admin)
    assert response.status_code == status, response.get_json()
    return response


def rooms(*capacities: int, **extra) -> list[dict]:
    return [{"name": f"Barak A-{n + 1}", "capacity": c, "floor": 2, **extra} for n, c in enumerate(capacities)]


def placements(api, registrations) -> dict:
    return {r["id"]: (lambda v: (v["group"], v["room"]))(api.registration(r["id"])) for r in registrations}


def test_assignment_mixes_units_and_emits_one_group_assigned_each(api, client, admin, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 10)]
    body = assign(client, admin, retreat["id"], {"platoons": 3, "rooms": rooms(3, 3, 3)}).get_json()
    assert body["assigned"] == 9 and body["changed"] == 9
    assert body["platoons"] == [{"group": f"Peleton {n}", "size": 3} for n in (1, 2, 3)]
    assert body["rooms"] == [{"room": f"Barak A-{n}", "occupants": 3, "capacity": 3} for n in (1, 2, 3)]
    placed = placements(api, people)
    for index in (0, 1):  # every platoon and every room holds one of each unit
        by_place = Counter((placed[p["id"]][index], p["official"]["unit_code"]) for p in people)
        assert set(by_place.values()) == {1}
    events = api.outbox("group.assigned")
    assert len(events) == 9 and {e["data"]["registration_id"] for e in events} == {p["id"] for p in people}
    assert all(event_type("group.assigned").schema().validate(e["data"]) == {} for e in events)
    assert {(e["data"]["group"], e["data"]["room"]) for e in events} == set(placed.values())
    audit = client.get(f"/api/v1/audit?retreat_id={retreat['id']}", headers=admin).get_json()["items"]
    [entry] = [e for e in audit if e["request"].endswith("/groups/assign")]  # one entry for the whole run
    assert entry["actor"] == "admin" and entry["changes"]["groups_assigned"]["changed"] == 9


def test_a_rerun_places_latecomers_and_moves_nobody(api, client, admin, retreat):
    first = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 7)]
    assign(client, admin, retreat["id"], {"platoon_size": 3, "rooms": rooms(4, 4)})
    before = placements(api, first)
    late = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in (7, 8)]
    body = assign(client, admin, retreat["id"], {"platoons": 2}).get_json()  # the stored rooms plan
    assert body["changed"] == 2 and body["assigned"] == 8
    assert placements(api, first) == before
    assert all(group and room for group, room in placements(api, late).values())
    assert sorted(p["size"] for p in body["platoons"]) == [4, 4]
    assert len(api.outbox("group.assigned")) == 8
    assert assign(client, admin, retreat["id"], {"platoons": 2}).get_json()["changed"] == 0


def test_manual_overrides_are_kept_and_null_hands_them_back(api, client, admin, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 5)]
    target = people[0]["id"]
    response = client.patch(f"/api/v1/registrations/{target}", json={"group": "Peleton Khusus", "room": "VIP 1"},
                            headers=admin)
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert (view["group"], view["room"], view["group_manual"], view["room_manual"]) == \
        ("Peleton Khusus", "VIP 1", True, True)
    [event] = api.outbox("group.assigned")
    assert (event["data"]["group"], event["data"]["room"]) == ("Peleton Khusus", "VIP 1")
    audit = client.get(f"/api/v1/audit?entity=registrations&entity_id={target}", headers=admin).get_json()["items"]
    assert any(e["changes"].get("group") == [None, "Peleton Khusus"] for e in audit)  # who set it by hand
    body = assign(client, admin, retreat["id"], {"platoons": 3, "rooms": rooms(1, 1, 1)}).get_json()
    assert api.registration(target)["group"] == "Peleton Khusus" and api.registration(target)["room"] == "VIP 1"
    assert {"group": "Peleton Khusus", "size": 1} in body["platoons"]
    assert {"room": "VIP 1", "occupants": 1, "capacity": None} in body["rooms"]
    client.patch(f"/api/v1/registrations/{target}", json={"group": None, "room": None}, headers=admin)
    assign(client, admin, retreat["id"], {"platoons": 3, "rooms": rooms(2, 1, 1)})
    back = api.registration(target)
    assert back["group"].startswith("Peleton ") and back["room"].startswith("Barak") and not back["group_manual"]


def test_red_officials_get_the_ground_floor_room_near_the_clinic(api, client, admin, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 7)]
    red = people[4]["id"]
    response = client.patch(f"/api/v1/registrations/{red}", json={"health_category": "red"}, headers=admin)
    assert response.get_json()["health_category"] == "red" and response.get_json()["group_manual"] is False
    plan = rooms(3, 3) + [{"name": "Klinik 1", "capacity": 1, "floor": 1, "near_clinic": True}]
    assign(client, admin, retreat["id"], {"platoons": 2, "rooms": plan})
    assert api.registration(red)["room"] == "Klinik 1"


def test_gender_rooms(api, client, admin, retreat):
    men = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 3)]
    woman = api.register(retreat["id"], 3, nip=api.nip(3, gender=2))
    client.post(f"/api/v1/invitations/{api.token_of(woman)}/confirm", json={})
    plan = [{"name": "Barak Putra", "capacity": 2, "gender": "M"}, {"name": "Barak Putri", "capacity": 2,
                                                                      "gender": "F"}]
    assign(client, admin, retreat["id"], {"platoons": 1, "rooms": plan})
    assert {api.registration(m["id"])["room"] for m in men} == {"Barak Putra"}
    assert api.registration(woman["id"])["room"] == "Barak Putri"
    plan[1]["gender"] = "M"
    body = assert_problem(client.post(f"/api/v1/retreats/{retreat['id']}/groups/assign",
                                      json={"platoons": 1, "rooms": [plan[0]]}, headers=admin), 409,
                          code="rooms_too_small")
    assert (body["capacity"], body["confirmed"]) == (2, 3)
    assert_problem(client.post(f"/api/v1/retreats/{retreat['id']}/groups/assign", json={"platoons": 1,
                               "rooms": plan}, headers=admin), 409, code="rooms_too_small")
    assert api.registration(woman["id"])["room"] == "Barak Putri"  # nothing half-written


def test_men_and_women_never_share_a_room_without_declared_genders(api, client, admin, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 4)]
    women = [api.register(retreat["id"], i, nip=api.nip(i, gender=2)) for i in (4, 5)]
    for woman in women:
        client.post(f"/api/v1/invitations/{api.token_of(woman)}/confirm", json={})
    assign(client, admin, retreat["id"], {"platoons": 1, "rooms": rooms(3, 3)})
    assert len({api.registration(p["id"])["room"] for p in people}) == 1
    assert len({api.registration(w["id"])["room"] for w in women}) == 1
    assert api.registration(people[0]["id"])["room"] != api.registration(women[0]["id"])["room"]
    body = assert_problem(client.post(f"/api/v1/retreats/{retreat['id']}/groups/assign",
                                      json={"platoons": 1, "rooms": rooms(4, 1)}, headers=admin), 409,
                          code="rooms_too_small")
    assert "jenis kelamin" in body["detail"]


def test_declined_officials_leave_their_automatic_places(api, client, admin, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 4)]
    assign(client, admin, retreat["id"], {"platoons": 1, "rooms": rooms(3)})
    client.post(f"/api/v1/invitations/{api.token_of(people[0])}/decline", json={"reason": "Dinas luar"})
    body = assign(client, admin, retreat["id"], {"platoons": 1}).get_json()
    assert body["assigned"] == 2 and body["changed"] == 1
    gone = api.registration(people[0]["id"])
    assert (gone["group"], gone["room"]) == (None, None)
    assert api.outbox("group.assigned")[-1]["data"] == {
        "registration_id": people[0]["id"], "retreat_id": retreat["id"], "group": None, "room": None}


def test_the_roster(api, client, admin, operator, secretariat, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 6)]
    api.register(retreat["id"], 9)  # invited only: in no platoon
    assign(client, admin, retreat["id"], {"platoons": 2})
    for headers in (admin, operator, secretariat):
        response = client.get(f"/api/v1/retreats/{retreat['id']}/groups", headers=headers)
        assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(p["group"], p["size"]) for p in items] == [("Peleton 1", 3), ("Peleton 2", 2)]
    members = [m for p in items for m in p["members"]]
    assert sorted(m["registration_id"] for m in members) == sorted(p["id"] for p in people)
    assert set(members[0]) == {"registration_id", "nip", "name", "position", "unit_code", "unit_name", "group",
                               "room"}
    assert "@" not in str(items) and "+62" not in str(items)
    names = [m["name"] for m in items[0]["members"]]
    assert names == sorted(names, key=str.casefold)
    assert response.get_json()["rooms"] == []  # platoons only: no rooms plan


def test_the_rooms_roster(api, client, admin, secretariat, retreat):
    people = [confirm(api, client, retreat["id"], i, unit=i % 3) for i in range(1, 5)]
    client.patch(f"/api/v1/registrations/{people[0]['id']}", json={"room": "VIP 1"}, headers=admin)
    assign(client, admin, retreat["id"], {"platoons": 2, "rooms": rooms(2, 2)})
    body = client.get(f"/api/v1/retreats/{retreat['id']}/groups", headers=secretariat).get_json()
    listed = [(r["room"], r["capacity"], len(r["occupants"])) for r in body["rooms"]]
    assert listed == [("Barak A-1", 2, 2), ("Barak A-2", 2, 1), ("VIP 1", None, 1)]
    assert body["rooms"][0]["floor"] == 2 and body["rooms"][0]["gender"] is None
    occupants = {m["registration_id"]: r["room"] for r in body["rooms"] for m in r["occupants"]}
    assert occupants == {p["id"]: api.registration(p["id"])["room"] for p in people}
    assert all(m["group"].startswith("Peleton") for r in body["rooms"] for m in r["occupants"])


def test_sessions_whose_audience_names_no_platoon_are_reported(api, client, admin, retreat):
    confirm(api, client, retreat["id"], 1)
    session = api.session(retreat["id"], audience_groups=["Peleton 1", "Peleton 9"])
    body = assign(client, admin, retreat["id"], {"platoons": 1}).get_json()
    unmatched = [{"session_id": session["id"], "title": "Apel Pagi", "groups": ["Peleton 9"]}]
    assert body["unmatched_audiences"] == unmatched
    roster = client.get(f"/api/v1/retreats/{retreat['id']}/groups", headers=admin).get_json()
    assert roster["unmatched_audiences"] == unmatched
    api.session(retreat["id"], title="Diskusi", audience_groups=["Peleton 1"])  # sessions ahead of the platoons
    assert assign(client, admin, retreat["id"], {"platoons": 1}).get_json()["unmatched_audiences"] == unmatched


def test_rejections(api, client, admin, retreat):
    url = f"/api/v1/retreats/{retreat['id']}/groups/assign"
    assert_problem(client.post(url, json={"platoons": 2}, headers=admin), 409, code="no_confirmed")
    confirm(api, client, retreat["id"], 1)
    confirm(api, client, retreat["id"], 2)
    assert_problem(client.post(url, json={"platoons": 1, "rooms": rooms(1)}, headers=admin), 409,
                   code="rooms_too_small")
    assert_problem(client.post(url, json={}, headers=admin), 422, field="platoons")
    assert_problem(client.post(url, json={"platoons": 2, "platoon_size": 3}, headers=admin), 422, field="platoons")
    assert_problem(client.post(url, json={"platoons": 0}, headers=admin), 422, field="platoons")
    assert_problem(client.post(url, json={"platoons": "2"}, headers=admin), 422, field="platoons")
    assert_problem(client.post(url, json={"platoon_size": 0}, headers=admin), 422, field="platoon_size")
    assert_problem(client.post(url, json={"platoons": 1, "rooms": []}, headers=admin), 422, field="rooms")
    bad_rooms = [{"name": "A", "capacity": 0}, {"name": " ", "capacity": 2}, {"name": "a", "capacity": 2},
                 {"name": "B", "capacity": 2, "floor": "satu", "gender": "X"}]
    body = assert_problem(client.post(url, json={"platoons": 1, "rooms": bad_rooms}, headers=admin), 422)
    assert set(body["errors"]) >= {"rooms.0.capacity", "rooms.1.name", "rooms.3.floor", "rooms.3.gender"}
    body = assert_problem(client.post(url, json={"platoons": 1, "rooms": bad_rooms[2:3] + [{"name": "A",
                          "capacity": 2}, {"name": "a ", "capacity": 1}]}, headers=admin), 422, field="rooms.2.name")
    assert_problem(client.post("/api/v1/retreats/7b0c2a9e-8f4e-4a57-9d6e-1b2c3d4e5f60/groups/assign",
                               json={"platoons": 1}, headers=admin), 404)
    assert api.outbox("group.assigned") == []


def test_patch_rejections(api, client, admin, retreat):
    registration = confirm(api, client, retreat["id"], 1)
    url = f"/api/v1/registrations/{registration['id']}"
    assert_problem(client.patch(url, json={"health_category": "purple"}, headers=admin), 422,
                   field="health_category")
    assert_problem(client.patch(url, json={"group": "x" * 101}, headers=admin), 422, field="group")
    assert_problem(client.patch(url, json={"status": "confirmed"}, headers=admin), 422, field="status")
    assert_problem(client.patch("/api/v1/registrations/7b0c2a9e-8f4e-4a57-9d6e-1b2c3d4e5f60", json={},
                                headers=admin), 404)
    response = client.patch(url, json={"group": "", "shirt_size": "XL"}, headers=admin)
    assert response.status_code == 200 and response.get_json()["shirt_size"] == "XL"
    assert response.get_json()["group"] is None and api.outbox("group.assigned") == []
    client.post(f"/api/v1/retreats/{retreat['id']}/cancel", json={}, headers=admin)
    assert_problem(client.patch(url, json={"group": "Peleton 1"}, headers=admin), 409)
    assert_problem(client.post(f"/api/v1/retreats/{retreat['id']}/groups/assign", json={"platoons": 1},
                               headers=admin), 409)
