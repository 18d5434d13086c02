"""The station manifest: sessions with windows, badge-code hashes with name, unit and platoon — never a contact —
and a version, so a station fetches only what changed (and what to drop)."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def world(api, frozen_clock, admin, operator, secretariat):
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"])
    budi = api.confirmed(retreat["id"], 1, email="budi@malangkota.go.id")
    invited = api.register(retreat["id"], 2)
    station = api.station(retreat["id"])
    return {"retreat": retreat, "apel": apel, "budi": budi, "invited": invited, "station": station,
            "url": f"/api/v1/retreats/{retreat['id']}/manifest"}


def fetch(client, world, since=None, headers=None):
    query = {} if since is None else {"since_version": since}
    response = client.get(world["url"], query_string=query, headers=headers or world["station"]["headers"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_first_manifest(api, client, world):
    manifest = fetch(client, world)
    assert manifest["full"] is True and manifest["version"] > 0
    assert manifest["retreat"]["timezone"] == "Asia/Jakarta" and manifest["retreat"]["late_tolerance_minutes"] == 5
    [session] = manifest["sessions"]
    assert session["id"] == world["apel"]["id"]
    assert (session["starts_at"], session["checkin_opens_at"], session["checkin_closes_at"]) == (
        "2025-05-16T05:30:00+07:00", "2025-05-16T04:30:00+07:00", "2025-05-16T06:30:00+07:00")
    [badge] = manifest["badges"]  # confirmed only: the invited official is not expected
    code = api.badge_code(world["budi"]["id"])
    assert badge == {"registration_id": world["budi"]["id"],
                     "badge_hash": hashlib.sha256(code.encode()).hexdigest(),
                     "name": world["budi"]["official"]["name"], "unit_code": "35.73.05",
                     "unit_name": "Kecamatan Lowokwaru", "group": None}
    text = str(manifest)
    for secret in ("budi@malangkota.go.id", "+62", "0812", code, world["budi"]["official"]["nip"]):
        assert secret not in text
    assert manifest["removed"] == {"registrations": [], "sessions": []}


def test_only_changes_after_a_version(api, client, world, admin):
    first = fetch(client, world)
    assert fetch(client, world, first["version"]) == {**fetch(client, world, first["version"]), "sessions": [],
                                                       "badges": []}
    confirmed = client.post(f"/api/v1/invitations/{api.token_of(world['invited'])}/confirm", json={})
    assert confirmed.status_code == 200
    changed = fetch(client, world, first["version"])
    assert changed["full"] is False and changed["version"] > first["version"]
    assert [b["registration_id"] for b in changed["badges"]] == [world["invited"]["id"]] and changed["sessions"] == []

    cancel = client.post(f"/api/v1/registrations/{world['budi']['id']}/cancel", json={}, headers=admin)
    assert cancel.status_code == 200
    assert client.delete(f"/api/v1/sessions/{world['apel']['id']}", headers=admin).status_code == 200
    renamed = client.put(f"/api/v1/officials/{world['invited']['official']['nip']}",
                         json=api.official_body(2, name="Dr. Nama Baru"), headers=admin)
    assert renamed.status_code == 200, renamed.get_json()
    latest = fetch(client, world, changed["version"])
    assert latest["removed"] == {"registrations": [world["budi"]["id"]], "sessions": [world["apel"]["id"]]}
    assert [(b["registration_id"], b["name"]) for b in latest["badges"]] == [(world["invited"]["id"],
                                                                              "Dr. Nama Baru")]
    assert fetch(client, world, latest["version"])["badges"] == []


def test_staff_read_it_too(client, world, operator, secretariat):
    assert fetch(client, world, headers=operator)["badges"]
    assert fetch(client, world, headers=secretariat)["badges"]


def test_bad_requests(client, world, operator):
    assert_problem(client.get(world["url"], query_string={"since_version": -1}, headers=operator), 422,
                   field="since_version")
    assert_problem(client.get(world["url"], query_string={"since_version": "x"}, headers=operator), 422,
                   field="since_version")
    assert_problem(client.get(f"/api/v1/retreats/{uuid.uuid4()}/manifest", headers=operator), 404)
