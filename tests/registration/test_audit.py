"""The audit trail: every row a staff request changes is written down with who, when, the request and the values
before and after; changes without a staff token are not staff actions; only admins read it."""
from __future__ import annotations

from retret_testing.http import assert_problem

AUDIT = "/api/v1/audit"


def entries(client, admin, **filters) -> list[dict]:
    response = client.get(AUDIT, query_string=filters, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_staff_change_is_written_with_who_what_and_before_and_after(api, client, admin):
    retreat = api.retreat(publish=True, starts_on="2030-05-15", ends_on="2030-05-17")
    registration = api.register(retreat["id"], 1)
    nip = registration["official"]["nip"]
    body = {**api.official_body(1), "position": "Kepala Dinas Kesehatan"}
    assert client.put(f"/api/v1/officials/{nip}", json=body, headers=admin).status_code == 200

    created = entries(client, admin, entity="retreats", entity_id=retreat["id"])
    assert [e["operation"] for e in created] == ["insert", "update"]  # created, then published
    assert created[0]["actor"] == "admin" and created[0]["role"] == "admin"
    assert created[0]["request"] == "POST /api/v1/retreats"
    assert created[0]["changes"]["code"] == [None, retreat["code"]]
    assert created[1]["changes"]["status"] == ["draft", "published"]
    assert created[1]["request"] == "POST /api/v1/retreats/<uuid:retreat_id>/publish"

    official = entries(client, admin, entity="officials", entity_id=nip)
    assert [e["operation"] for e in official] == ["insert", "update"]
    assert official[1]["changes"] == {"position": ["Camat Lowokwaru", "Kepala Dinas Kesehatan"]}
    assert official[1]["request"] == "PUT /api/v1/officials/<string:nip>"

    in_retreat = entries(client, admin, retreat_id=retreat["id"])
    assert [(e["entity"], e["operation"]) for e in in_retreat] == [
        ("retreats", "insert"), ("retreats", "update"), ("registrations", "insert")]
    registered = in_retreat[2]["changes"]
    assert registered["official_nip"] == [None, nip] and registered["status"] == [None, "invited"]
    assert registered["invited_at"][1]  # participant.invited went out in the same request
    assert all(e["trace_id"] for e in in_retreat)


def test_an_officials_own_answer_is_not_a_staff_action(api, client, admin):
    retreat = api.retreat(publish=True, starts_on="2030-05-15", ends_on="2030-05-17")
    registration = api.register(retreat["id"], 1)
    before = entries(client, admin, entity="registrations", entity_id=registration["id"])
    response = client.post(f"/api/v1/invitations/{api.token_of(registration)}/confirm", json={"shirt_size": "L"})
    assert response.status_code == 200
    assert entries(client, admin, entity="registrations", entity_id=registration["id"]) == before
    cancel = client.post(f"/api/v1/registrations/{registration['id']}/cancel", json={"reason": "Tugas luar kota"},
                         headers=api.headers("admin"))
    assert cancel.status_code == 200
    after = entries(client, admin, entity="registrations", entity_id=registration["id"])
    assert after[-1]["operation"] == "update"
    assert after[-1]["changes"]["status"] == ["confirmed", "cancelled"]
    assert after[-1]["changes"]["reason"] == [None, "Tugas luar kota"]


def test_passwords_never_appear(client, admin):
    body = {"username": "operator1", "password": "kata-sandi-rahasia", "role": "operator"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    [entry] = entries(client, admin, entity="users")
    assert entry["changes"]["username"] == [None, "operator1"]
    assert entry["changes"]["password_hash"] == [None, "[disembunyikan]"]
    assert "kata-sandi-rahasia" not in str(entry) and "pbkdf2" not in str(entry) and "scrypt" not in str(entry)


def test_a_refused_request_leaves_no_entry(api, client, admin):
    retreat = api.retreat()
    count = len(entries(client, admin))
    again = client.post("/api/v1/retreats", json=api.retreat_body(retreat["code"]), headers=admin)
    assert_problem(again, 409)
    assert len(entries(client, admin)) == count


def test_filters_and_pages(api, client, admin):
    first, second = api.retreat("RETRET-A"), api.retreat("RETRET-B")
    assert [e["entity_id"] for e in entries(client, admin, retreat_id=second["id"])] == [second["id"]]
    assert entries(client, admin, actor="somebody-else") == []
    page = client.get(AUDIT, query_string={"limit": 1}, headers=admin).get_json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get(AUDIT, query_string={"limit": 1, "cursor": page["next_cursor"]}, headers=admin).get_json()
    assert rest["items"][0]["id"] > page["items"][0]["id"]
    stamp = entries(client, admin, entity_id=first["id"])[0]["at"]
    assert [e["entity_id"] for e in entries(client, admin, until=stamp)] == []
    assert first["id"] in [e["entity_id"] for e in entries(client, admin, since=stamp)]


def test_bad_filters_are_422(client, admin):
    for query, field in (({"retreat_id": "nope"}, "retreat_id"), ({"limit": 0}, "limit"),
                         ({"cursor": "bad!"}, "cursor"), ({"since": "2025-05-15"}, "since"),
                         ({"entity": "x" * 41}, "entity")):
        assert_problem(client.get(AUDIT, query_string=query, headers=admin), 422, field=field)


def test_admins_only(client, operator, secretariat):
    assert_problem(client.get(AUDIT), 401)
    assert_problem(client.get(AUDIT, headers=operator), 403)
    assert_problem(client.get(AUDIT, headers=secretariat), 403)
