"""Idempotency-Key on both permit requests (the official's invitation link and the organiser's): a retried request
answers the permit it made, with no second permit and no second permit.requested; the key is per registration,
refused with another body, optional (no key: a new permit each time, as before), and holds under 8 racing requests.

The retreat lies in the coming days on the real clock: the concurrency test's child processes cannot share a frozen
one, and permits do not depend on the time."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from retret_testing.http import assert_problem
from retret_testing.race import race_posts

KEY = "Idempotency-Key"


@pytest.fixture
def world(api):
    """A published retreat ten days from now with two sessions; Budi and Siti confirmed."""
    day = datetime.now(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=10)
    retreat = api.retreat(publish=True, starts_on=day.isoformat(), ends_on=(day + timedelta(days=2)).isoformat())
    apel = api.session(retreat["id"], starts_at=f"{day}T05:30:00+07:00", ends_at=f"{day}T06:30:00+07:00")
    lecture = api.session(retreat["id"], title="Kuliah Umum", kind="lecture", starts_at=f"{day}T08:00:00+07:00",
                          ends_at=f"{day}T10:00:00+07:00")
    budi, siti = api.confirmed(retreat["id"], 1), api.confirmed(retreat["id"], 2)
    return {"retreat": retreat, "apel": apel, "lecture": lecture, "budi": budi, "siti": siti,
            "admin_url": f"/api/v1/retreats/{retreat['id']}/permits",
            "own_url": lambda who: f"/api/v1/invitations/{api.token_of(who)}/permits"}


def own(client, world, who="siti", key=None, **body):
    payload = {"kind": "sick", "reason": "Demam", "session_ids": [world["apel"]["id"]], **body}
    return client.post(world["own_url"](world[who]), json=payload, headers={KEY: key} if key is not None else {})


def by_admin(client, world, admin, key=None, **body):
    payload = {"kind": "duty", "reason": "Rapat", "registration_id": world["budi"]["id"],
               "session_ids": [world["lecture"]["id"]], **body}
    payload = {name: value for name, value in payload.items() if name != "registration_id" or value is not None}
    return client.post(world["admin_url"], json=payload, headers={**admin, KEY: key} if key is not None else admin)


def permits_count() -> int:
    from registration.context import context
    from registration.models import Permit
    with context.db.session() as db:
        return db.scalar(select(func.count()).select_from(Permit))


def test_the_same_key_twice_makes_one_permit_and_one_event(api, client, world):
    first = own(client, world, key="kunci-1")
    assert first.status_code == 201, first.get_json()
    again = own(client, world, key="kunci-1")
    assert again.status_code == 200, again.get_json()  # 200: answered again, nothing made now
    assert again.get_json() == first.get_json()
    assert permits_count() == 1 and len(api.outbox("permit.requested")) == 1


def test_a_retry_is_the_same_request_however_it_is_spelled(api, client, world, admin):
    """The hash is of the normalized request: a session named twice, a time in another offset are the same."""
    first = own(client, world, key="k", session_ids=[world["apel"]["id"]])
    assert own(client, world, key="k", session_ids=[world["apel"]["id"]] * 2).get_json()["id"] == first.get_json()["id"]
    period = {"kind": "other", "reason": None, "session_ids": [],
              "starts_at": f"{world['retreat']['starts_on']}T09:00:00+07:00",
              "ends_at": f"{world['retreat']['starts_on']}T10:00:00+07:00"}
    made = by_admin(client, world, admin, key="k", **period)
    utc = {**period, "starts_at": f"{world['retreat']['starts_on']}T02:00:00Z",
           "ends_at": f"{world['retreat']['starts_on']}T03:00:00+00:00"}
    replayed = by_admin(client, world, admin, key="k", **utc)
    assert (made.status_code, replayed.status_code) == (201, 200), replayed.get_json()
    assert replayed.get_json()["id"] == made.get_json()["id"]
    assert permits_count() == 2 and len(api.outbox("permit.requested")) == 2


def test_the_same_key_with_another_body_is_refused_on_the_header(api, client, world):
    own(client, world, key="kunci-1")
    body = assert_problem(own(client, world, key="kunci-1", reason="Anak sakit"), 422, field=KEY,
                          code="idempotency_key_reused")
    assert body["errors"] == {KEY: ["Idempotency-Key ini sudah dipakai untuk pengajuan izin lain."]}
    assert_problem(own(client, world, key="kunci-1", session_ids=[world["lecture"]["id"]]), 422, field=KEY)
    assert permits_count() == 1 and len(api.outbox("permit.requested")) == 1


def test_different_keys_or_no_key_make_a_permit_each_time(api, client, world):
    assert own(client, world, key="kunci-1").status_code == 201
    assert own(client, world, key="kunci-2").status_code == 201
    assert own(client, world).status_code == 201
    assert own(client, world).status_code == 201  # without a key, as before the header existed
    assert permits_count() == 4 and len(api.outbox("permit.requested")) == 4


def test_keys_are_per_registration(api, client, world, admin):
    siti = own(client, world, who="siti", key="kunci-sama")
    budi = own(client, world, who="budi", key="kunci-sama")
    assert (siti.status_code, budi.status_code) == (201, 201)
    assert siti.get_json()["registration_id"] == world["siti"]["id"]
    assert budi.get_json()["registration_id"] == world["budi"]["id"]
    # The organiser's key for Siti is Siti's scope too: it neither answers Budi's permit nor is refused by it.
    for_siti = by_admin(client, world, admin, key="kunci-admin", registration_id=world["siti"]["id"])
    for_budi = by_admin(client, world, admin, key="kunci-admin")
    assert (for_siti.status_code, for_budi.status_code) == (201, 201)
    assert permits_count() == 4


def test_the_organisers_endpoint(api, client, world, admin):
    first = by_admin(client, world, admin, key="adm-1")
    assert first.status_code == 201, first.get_json()
    # Named by NIP instead of registration id: the same official, the same request.
    again = by_admin(client, world, admin, key="adm-1", registration_id=None, nip=world["budi"]["official"]["nip"])
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert_problem(by_admin(client, world, admin, key="adm-1", kind="sick"), 422, field=KEY,
                   code="idempotency_key_reused")
    assert by_admin(client, world, admin).status_code == 201 and by_admin(client, world, admin).status_code == 201
    assert permits_count() == 3 and len(api.outbox("permit.requested")) == 3


def test_a_retry_answers_the_permit_as_it_is_now(api, client, world, admin):
    """Decided since, or the retreat cancelled since: the retry learns what became of its request, not a 409."""
    first = own(client, world, key="kunci-1").get_json()
    assert client.post(f"/api/v1/permits/{first['id']}/approve", headers=admin).status_code == 200
    assert client.post(f"/api/v1/retreats/{world['retreat']['id']}/cancel", json={},
                       headers=admin).status_code == 200
    again = own(client, world, key="kunci-1")
    assert again.status_code == 200 and again.get_json()["status"] == "approved"
    assert_problem(own(client, world, key="kunci-2"), 409)
    assert len(api.outbox("permit.requested")) == 1


def test_a_blank_or_too_long_key_is_refused(api, client, world, admin):
    for key in ("", "   ", "k" * 201):
        body = assert_problem(own(client, world, key=key), 422, field=KEY)
        assert body["errors"][KEY] == ["Header Idempotency-Key wajib diisi (paling panjang 200 karakter)."]
        assert_problem(by_admin(client, world, admin, key=key), 422, field=KEY)
    assert own(client, world, key="k" * 200).status_code == 201
    assert permits_count() == 1


def test_a_key_that_raced_past_the_lookup_answers_the_permit_the_index_let_in(api, client, world, monkeypatch):
    """The unique index is the last word: when the lookup missed the other request's permit (the organiser's and
    the official's endpoints lock different rows), the insert fails and the permit already there is answered."""
    from registration.services import permits
    first = own(client, world, key="kunci-1").get_json()
    real, calls = permits._keyed, []

    def missed_once(session, registration_id, key):
        calls.append(key)
        return None if len(calls) == 1 else real(session, registration_id, key)

    monkeypatch.setattr(permits, "_keyed", missed_once)
    again = own(client, world, key="kunci-1")
    assert again.status_code == 200 and again.get_json()["id"] == first["id"] and len(calls) == 2
    assert_problem(own(client, world, key="kunci-1", reason="Lain"), 422, field=KEY)
    assert permits_count() == 1 and len(api.outbox("permit.requested")) == 1


def test_the_key_is_documented_as_an_optional_header(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/api/v1/invitations/{token}/permits", "/api/v1/retreats/{retreat_id}/permits"):
        post = paths[path]["post"]
        [header] = [p for p in post["parameters"] if p["in"] == "header"]
        assert header["name"] == KEY and header["required"] is False
        assert header["schema"]["maxLength"] == 200
        assert {"200", "201", "422"} <= set(post["responses"])


PROCESSES, THREADS = 2, 4


def test_eight_racing_requests_with_one_key_make_one_permit(api, world):
    body = {"kind": "sick", "reason": "Demam", "session_ids": [world["apel"]["id"]]}
    url = world["own_url"](world["siti"])
    answers = race_posts(url, [[{"json": body, "headers": {KEY: "kunci-balapan"}}] * THREADS
                               for _ in range(PROCESSES)])
    assert len(answers) == PROCESSES * THREADS
    assert sorted(status for status, _ in answers) == [200] * 7 + [201], answers[:3]
    assert len({answer["id"] for _, answer in answers}) == 1
    assert permits_count() == 1 and len(api.outbox("permit.requested")) == 1
