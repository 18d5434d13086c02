"""Speakers (narasumber): add, list, read, edit; speaker.updated; validation and roles."""
import uuid
from datetime import datetime, timedelta, timezone

from retret_testing.http import assert_problem

START = datetime(2025, 4, 1, 2, tzinfo=timezone.utc)


def url(retreat_id):
    return f"/api/v1/retreats/{retreat_id}/speakers"


def test_add_answers_201_and_emits_speaker_updated_without_the_notes(api, client, admin):
    retreat = api.retreat()
    response = client.post(url(retreat["id"]), json=api.speaker_body(topic="Manajemen talenta ASN",
                                                                      notes="Ajudan: Pak Andi, 0812-1111-2222"),
                           headers=admin)
    assert response.status_code == 201
    speaker = response.get_json()
    uuid.UUID(speaker["id"])
    assert speaker == {**speaker, "retreat_id": retreat["id"], "name": "Prof. Dr. Zudan Arif Fakrulloh",
                       "position": "Kepala BKN", "institution": "Badan Kepegawaian Negara", "status": "confirmed",
                       "topic": "Manajemen talenta ASN", "notes": "Ajudan: Pak Andi, 0812-1111-2222"}
    assert speaker["created_at"].endswith("+07:00")
    [event] = api.outbox("speaker.updated")
    assert event["retreat_id"] == retreat["id"]
    assert event["data"] == {"speaker_id": speaker["id"], "retreat_id": retreat["id"],
                             "name": "Prof. Dr. Zudan Arif Fakrulloh", "position": "Kepala BKN",
                             "institution": "Badan Kepegawaian Negara", "topic": "Manajemen talenta ASN",
                             "status": "confirmed"}


def test_defaults_invited_and_blank_optional_fields_are_none(api, client, admin):
    retreat = api.retreat()
    body = {"name": "  Dr. Ir. Siti Nurbaya  ", "position": "", "institution": "   "}
    speaker = client.post(url(retreat["id"]), json=body, headers=admin).get_json()
    assert speaker["status"] == "invited" and speaker["name"] == "Dr. Ir. Siti Nurbaya"
    assert speaker["position"] is None and speaker["institution"] is None and speaker["topic"] is None


BAD_INPUT = [
    ({"name": ""}, "name"), ({"name": "  "}, "name"), ({"name": None}, "name"), ({"name": "n" * 201}, "name"),
    ({"name": ["x"]}, "name"), ({"name": "Prof\x00"}, "name"), ({"position": "p" * 201}, "position"),
    ({"institution": "i" * 201}, "institution"), ({"status": "maybe"}, "status"), ({"status": None}, "status"),
    ({"topic": "t" * 501}, "topic"), ({"notes": "n" * 2001}, "notes"), ({"email": "a@b.c"}, "email"),
]


def test_bad_input_is_422_naming_the_field(api, client, admin):
    retreat = api.retreat()
    for overrides, field in BAD_INPUT:
        assert_problem(client.post(url(retreat["id"]), json=api.speaker_body(**overrides), headers=admin), 422,
                       field=field)
        patch = client.patch(f"/api/v1/speakers/{api.speaker(retreat['id'])['id']}", json=overrides, headers=admin)
        assert_problem(patch, 422, field=field)
    body = api.speaker_body()
    del body["name"]
    assert_problem(client.post(url(retreat["id"]), json=body, headers=admin), 422, field="name")


def test_list_in_the_order_added_paged_and_filtered(api, client, operator, frozen_clock):
    retreat = api.retreat()
    ids = []
    for i, (name, status) in enumerate([("Zudan", "confirmed"), ("Ani", "invited"), ("Budi", "declined")]):
        frozen_clock(START + timedelta(minutes=i))
        ids.append(api.speaker(retreat["id"], name=name, status=status)["id"])
    api.speaker(api.retreat("OTHER")["id"])  # another retreat's speaker is not listed
    first = client.get(f"{url(retreat['id'])}?limit=2", headers=operator).get_json()
    assert [s["id"] for s in first["items"]] == ids[:2] and first["next_cursor"]
    second = client.get(f"{url(retreat['id'])}?limit=2&cursor={first['next_cursor']}", headers=operator).get_json()
    assert [s["id"] for s in second["items"]] == ids[2:] and second["next_cursor"] is None
    declined = client.get(f"{url(retreat['id'])}?status=declined", headers=operator).get_json()
    assert [s["id"] for s in declined["items"]] == [ids[2]]
    for query, field in [("limit=0", "limit"), ("cursor=%%%", "cursor"), ("status=busy", "status")]:
        assert_problem(client.get(f"{url(retreat['id'])}?{query}", headers=operator), 422, field=field)


def test_read_one(api, client, secretariat):
    speaker = api.speaker(api.retreat()["id"])
    assert client.get(f"/api/v1/speakers/{speaker['id']}", headers=secretariat).get_json() == speaker


def test_edit_emits_speaker_updated_only_when_subscribers_see_a_change(api, client, admin):
    speaker = api.speaker(api.retreat()["id"], status="invited")
    item = f"/api/v1/speakers/{speaker['id']}"
    confirmed = client.patch(item, json={"status": "confirmed", "position": "Kepala BKN RI"}, headers=admin)
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "confirmed" and confirmed.get_json()["name"] == speaker["name"]
    assert [e["data"]["status"] for e in api.outbox("speaker.updated")] == ["invited", "confirmed"]
    assert api.outbox("speaker.updated")[-1]["data"]["position"] == "Kepala BKN RI"
    # The same values, an empty body, or the organiser's notes alone: no event.
    for body in ({"status": "confirmed"}, {}, {"notes": "Dijemput di Bandara Abdul Rachman Saleh"}):
        response = client.patch(item, json=body, headers=admin)
        assert response.status_code == 200
    assert response.get_json()["notes"] == "Dijemput di Bandara Abdul Rachman Saleh"
    assert len(api.outbox("speaker.updated")) == 2
    cleared = client.patch(item, json={"topic": "Etika ASN"}, headers=admin).get_json()
    assert cleared["topic"] == "Etika ASN" and api.outbox("speaker.updated")[-1]["data"]["topic"] == "Etika ASN"
    assert client.get(item, headers=admin).get_json() == cleared


def test_no_speakers_added_or_changed_in_a_cancelled_or_finished_retreat(api, client, admin):
    cancelled = api.retreat("C", publish=True)
    speaker = api.speaker(cancelled["id"])
    client.post(f"/api/v1/retreats/{cancelled['id']}/cancel", headers=admin)
    assert_problem(client.post(url(cancelled["id"]), json=api.speaker_body(), headers=admin), 409,
                   code="retreat_cancelled")
    assert_problem(client.patch(f"/api/v1/speakers/{speaker['id']}", json={"status": "declined"}, headers=admin),
                   409, code="retreat_cancelled")
    finished = api.retreat("F", publish=True)
    client.post(f"/api/v1/retreats/{finished['id']}/finish", headers=admin)
    assert_problem(client.post(url(finished["id"]), json=api.speaker_body(), headers=admin), 409,
                   code="retreat_finished")
    assert client.get(f"/api/v1/speakers/{speaker['id']}", headers=admin).get_json()["status"] == "confirmed"


def test_unknown_ids_are_404(client, admin):
    for method, path in [("get", f"/api/v1/speakers/{uuid.uuid4()}"), ("patch", f"/api/v1/speakers/{uuid.uuid4()}"),
                         ("get", "/api/v1/speakers/nope"), ("get", url(uuid.uuid4())),
                         ("post", url(uuid.uuid4()))]:
        body = {"name": "X"} if method in ("post", "patch") else None
        assert_problem(getattr(client, method)(path, json=body, headers=admin), 404)


def test_roles(api, client, operator, secretariat):
    retreat = api.retreat()
    speaker = api.speaker(retreat["id"])
    item = f"/api/v1/speakers/{speaker['id']}"
    assert_problem(client.get(url(retreat["id"])), 401)
    assert_problem(client.get(item), 401)
    assert_problem(client.post(url(retreat["id"]), json=api.speaker_body()), 401)
    for headers in (operator, secretariat):
        assert client.get(url(retreat["id"]), headers=headers).status_code == 200
        assert client.get(item, headers=headers).status_code == 200
        assert_problem(client.post(url(retreat["id"]), json=api.speaker_body(), headers=headers), 403)
        assert_problem(client.patch(item, json={"status": "declined"}, headers=headers), 403)
    assert len(api.outbox("speaker.updated")) == 1
