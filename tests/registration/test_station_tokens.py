"""Station tokens: issued for one retreat and device, listed without the token, revocable, valid until the retreat
ends; a station token may call only its retreat's check-ins and manifest."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from registration import tokens
from retret_testing.http import assert_problem, bearer

WIB = timezone(timedelta(hours=7))
DURING_APEL = datetime(2025, 5, 16, 6, 0, tzinfo=WIB)


@pytest.fixture
def world(api, frozen_clock, admin, operator, secretariat):
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"])
    budi = api.confirmed(retreat["id"], 1)
    station = api.station(retreat["id"], "pos-1", headers=operator)
    frozen_clock(DURING_APEL)
    return {"retreat": retreat, "apel": apel, "budi": budi, "station": station}


def checkin(client, world, headers, retreat_id=None, **body):
    return client.post(f"/api/v1/retreats/{retreat_id or world['retreat']['id']}/checkins",
                       json={"session_id": world["apel"]["id"], "code": body.pop("code", "x"), **body},
                       headers=headers)


def test_issue_list_and_revoke(api, client, world, operator):
    station = world["station"]
    assert station["device_id"] == "pos-1" and station["label"] == "Stasiun pos-1"
    assert station["expires_at"] == "2025-05-19T00:00:00+07:00" and station["revoked_at"] is None
    assert station["created_by"] == "operator"
    assert tokens.read_station("test-invitation-secret-at-least-32-bytes", station["token"])
    assert tokens.read_badge("test-invitation-secret-at-least-32-bytes", station["token"]) is None
    listed = client.get(f"/api/v1/retreats/{world['retreat']['id']}/station-tokens", headers=operator).get_json()
    assert [item["id"] for item in listed["items"]] == [station["id"]]
    assert "token" not in listed["items"][0] and station["token"] not in str(listed)
    revoked = client.post(f"/api/v1/station-tokens/{station['id']}/revoke", headers=operator)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"] is not None
    again = client.post(f"/api/v1/station-tokens/{station['id']}/revoke", headers=operator)
    assert again.status_code == 200 and again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]
    assert_problem(client.post(f"/api/v1/station-tokens/{uuid.uuid4()}/revoke", headers=operator), 404)


def test_bad_requests(client, world, operator):
    url = f"/api/v1/retreats/{world['retreat']['id']}/station-tokens"
    assert_problem(client.post(url, json={}, headers=operator), 422, field="device_id")
    assert_problem(client.post(url, json={"device_id": "x" * 101}, headers=operator), 422, field="device_id")
    assert_problem(client.post(f"/api/v1/retreats/{uuid.uuid4()}/station-tokens", json={"device_id": "a"},
                               headers=operator), 404)


def test_a_station_checks_in_as_its_own_device(api, client, world):
    station = world["station"]
    response = checkin(client, world, station["headers"], code=api.badge_code(world["budi"]["id"]),
                       device_id="someone-else")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["device_id"] == "pos-1"
    batch = client.post(f"/api/v1/retreats/{world['retreat']['id']}/checkins/batch", headers=station["headers"],
                        json={"scans": [{"session_id": world["apel"]["id"], "scan_id": "b-1",
                                         "code": api.badge_code(world["budi"]["id"])}]})
    assert batch.status_code == 200 and batch.get_json()["results"][0]["outcome"] == "duplicate"
    manifest = client.get(f"/api/v1/retreats/{world['retreat']['id']}/manifest", headers=station["headers"])
    assert manifest.status_code == 200


def test_a_station_may_call_nothing_else(client, world):
    headers = world["station"]["headers"]
    retreat_id = world["retreat"]["id"]
    for method, path in (("get", f"/api/v1/retreats/{retreat_id}"), ("get", f"/api/v1/retreats/{retreat_id}/checkins"),
                         ("get", f"/api/v1/retreats/{retreat_id}/registrations"),
                         ("post", f"/api/v1/retreats/{retreat_id}/station-tokens"),
                         ("get", f"/api/v1/retreats/{retreat_id}/permits")):
        assert_problem(getattr(client, method)(path, json={}, headers=headers), 401)


def test_another_retreats_token_is_refused(api, client, world, frozen_clock):
    frozen_clock(datetime(2025, 5, 10, 9, 0, tzinfo=WIB))
    other = api.retreat("OTHER-2025", publish=True)
    foreign = api.station(other["id"], "pos-9")
    frozen_clock(DURING_APEL)
    assert_problem(checkin(client, world, foreign["headers"]), 403, code="forbidden")
    assert_problem(client.get(f"/api/v1/retreats/{world['retreat']['id']}/manifest", headers=foreign["headers"]),
                   403)
    assert_problem(client.post(f"/api/v1/retreats/{world['retreat']['id']}/checkins/batch", json={"scans": []},
                               headers=foreign["headers"]), 403)


def test_a_revoked_token_is_refused(client, world, operator):
    client.post(f"/api/v1/station-tokens/{world['station']['id']}/revoke", headers=operator)
    assert_problem(checkin(client, world, world["station"]["headers"]), 401, code="token_revoked")


def test_an_expired_token_is_refused(client, world, frozen_clock):
    frozen_clock(datetime(2025, 5, 18, 23, 59, 59, tzinfo=WIB))
    assert checkin(client, world, world["station"]["headers"]).status_code == 422  # let in (the code is bad)
    frozen_clock(datetime(2025, 5, 19, 0, 0, tzinfo=WIB))
    assert_problem(checkin(client, world, world["station"]["headers"]), 401, code="token_expired")


def test_forged_tokens_are_refused(client, world):
    secret = "test-invitation-secret-at-least-32-bytes"
    unknown = tokens.station_token(secret, str(uuid.uuid4()), 1)
    assert_problem(checkin(client, world, bearer(unknown)), 401, code="token_invalid")
    old_version = tokens.station_token(secret, world["station"]["id"], 0)
    assert_problem(checkin(client, world, bearer(old_version)), 401, code="token_revoked")
    assert_problem(checkin(client, world, bearer(world["station"]["token"] + "x")), 401)
    badge_signed = tokens.badge_code(secret, "nonce")  # another kind of token never acts as a station's
    assert_problem(checkin(client, world, bearer(badge_signed)), 401)


def test_the_station_link_and_page(client, world):
    url = world["station"]["station_url"]
    assert url == (f"http://retret.test/station/#retreat={world['retreat']['id']}"
                   f"&token={world['station']['token']}")  # the token in the fragment: never sent to a server
    page = client.get("/station/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<html lang="id">' in html and "station.js" in html and "http" not in html.split("<body>")[0]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    script = client.get("/station/static/station.js")
    assert script.status_code == 200 and "checkins/batch" in script.get_data(as_text=True)
    script.close()
