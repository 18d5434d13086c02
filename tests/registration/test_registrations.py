"""Registrations: by NIP or with the official's data, capacity and waitlist, draft vs published, cancel, reissue."""
import uuid

from retret.events.catalogue import event_type
from retret_testing.http import assert_problem

OFFICIAL_KEYS = {"nip", "name", "position", "position_kind", "unit_code", "unit_name", "rank", "echelon",
                 "email", "phone", "language"}


def registrations_url(retreat_id):
    return f"/api/v1/retreats/{retreat_id}/registrations"


def assert_catalogue_shape(event):
    """The data validates against the catalogue schema (unknown keys would fail)."""
    assert event_type(event["type"]).schema().validate(event["data"]) == {}


def test_register_a_known_official_by_nip(api, client, admin):
    retreat = api.retreat(publish=True)
    api.official(1)
    response = client.post(registrations_url(retreat["id"]), json={"nip": "19860926-201505-1-001"}, headers=admin)
    assert response.status_code == 201
    registration = response.get_json()
    assert registration["status"] == "invited" and registration["retreat_id"] == retreat["id"]
    assert registration["official"]["nip"] == api.nip(1) and registration["group"] is None
    assert registration["room"] is None and registration["created_at"].endswith("+07:00")
    assert registration["invitation_url"].startswith("http://retret.test/portal/invitations/")
    assert not registration["invitation_url"].endswith(".")
    assert api.registration(registration["id"]) == registration


def test_an_unknown_nip_is_422_on_nip(api, client, admin):
    retreat = api.retreat()
    assert_problem(client.post(registrations_url(retreat["id"]), json={"nip": api.nip(5)}, headers=admin), 422,
                   field="nip", code="unknown_nip")


def test_register_with_the_officials_data_creates_the_official(api, client, admin):
    retreat = api.retreat()
    registration = api.register(retreat["id"], 1)
    assert registration["official"]["phone"] == "+6281234567890"
    assert client.get(f"/api/v1/officials/{api.nip(1)}", headers=admin).status_code == 200
    assert api.outbox() == []  # a draft keeps quiet


def test_participant_invited_at_once_in_a_published_retreat(api):
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    [event] = api.outbox("participant.invited")
    assert_catalogue_shape(event)
    data = event["data"]
    assert event["retreat_id"] == retreat["id"]
    assert data["registration_id"] == registration["id"] and data["status"] == "invited"
    assert data["invitation_url"] == registration["invitation_url"]
    assert set(data["official"]) == OFFICIAL_KEYS and data["official"]["email"] == "pejabat1@malangkota.go.id"
    assert data["retreat"] == {"code": "RETRET-MLG-2025", "title": retreat["title"],
                               "venue": "Poltekad, Karangploso", "timezone": "Asia/Jakarta", "language": "id",
                               "starts_on": "2025-05-16", "ends_on": "2025-05-18", "response_deadline": None}
    assert api.registration(registration["id"])["invited_at"] is not None


def test_a_drafts_registrations_are_invited_only_at_publish(api):
    retreat = api.retreat(capacity=2)
    first = api.register(retreat["id"], 1)
    second = api.register(retreat["id"], 2)
    waiting = api.register(retreat["id"], 3)
    assert (first["status"], second["status"], waiting["status"]) == ("invited", "invited", "waitlisted")
    assert first["invited_at"] is None and api.outbox() == []

    api.publish(retreat["id"])
    assert api.outbox_types() == ["retreat.published", "participant.invited", "participant.invited",
                                  "registration.waitlisted"]
    events = api.outbox()
    assert [e["data"]["registration_id"] for e in events[1:]] == [first["id"], second["id"], waiting["id"]]
    assert events[3]["data"]["invitation_url"] is None  # a waiting registration has no invitation yet
    for event in events:
        assert_catalogue_shape(event)
    assert api.registration(first["id"])["invited_at"] is not None
    assert api.registration(waiting["id"])["invited_at"] is None


def test_beyond_capacity_a_registration_waits_and_cancellation_promotes_the_longest_waiting(api, client, admin):
    retreat = api.retreat(capacity=1, publish=True)
    first = api.register(retreat["id"], 1)
    second = api.register(retreat["id"], 2)
    third = api.register(retreat["id"], 3)
    assert (second["status"], third["status"]) == ("waitlisted", "waitlisted")
    assert api.outbox_types() == ["retreat.published", "participant.invited", "registration.waitlisted",
                                  "registration.waitlisted"]

    response = client.post(f"/api/v1/registrations/{first['id']}/cancel", json={"reason": "Dibatalkan panitia"},
                           headers=admin)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert api.outbox_types()[-2:] == ["registration.cancelled", "participant.invited"]
    cancelled, invited = api.outbox()[-2:]
    assert cancelled["data"]["reason"] == "Dibatalkan panitia" and cancelled["data"]["status"] == "cancelled"
    assert invited["data"]["registration_id"] == second["id"]
    assert api.registration(second["id"])["status"] == "invited"
    assert api.registration(third["id"])["status"] == "waitlisted"


def test_cancel_twice_answers_the_same_without_a_second_event(api, client, admin):
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    url = f"/api/v1/registrations/{registration['id']}/cancel"
    assert client.post(url, headers=admin).status_code == 200
    again = client.post(url, headers=admin)
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"
    assert api.outbox_types().count("registration.cancelled") == 1


def test_capacity_counts_only_invited_and_confirmed(api, client, admin):
    retreat = api.retreat(capacity=1, publish=True)
    first = api.register(retreat["id"], 1)
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    assert api.register(retreat["id"], 2)["status"] == "invited"


def test_the_same_official_twice_is_409(api, client, admin):
    retreat = api.retreat()
    api.register(retreat["id"], 1)
    body = assert_problem(client.post(registrations_url(retreat["id"]), json={"nip": api.nip(1)}, headers=admin),
                          409, code="already_registered")
    assert body["registration_id"]
    assert_problem(client.post(registrations_url(retreat["id"]), json={"official": api.official_body(1)},
                               headers=admin), 409)


def test_the_same_official_may_join_another_retreat(api):
    first, second = api.retreat("A"), api.retreat("B")
    api.register(first["id"], 1)
    assert api.register(second["id"], 1)["status"] == "invited"


def test_a_cancelled_retreat_takes_no_registrations(api, client, admin):
    retreat = api.retreat(publish=True)
    client.post(f"/api/v1/retreats/{retreat['id']}/cancel", headers=admin)
    assert_problem(client.post(registrations_url(retreat["id"]), json={"official": api.official_body(1)},
                               headers=admin), 409, code="retreat_cancelled")


def test_known_nip_with_new_data_updates_the_official_and_emits_participant_updated(api, client, admin):
    earlier = api.retreat("EARLIER", publish=True)
    draft = api.retreat("DRAFT")
    known = api.register(earlier["id"], 1)
    api.register(draft["id"], 1)
    later = api.retreat("LATER", publish=True)
    registration = api.register(later["id"], 1, position="Kepala Dinas Kominfo", email="baru@malangkota.go.id")
    assert registration["official"]["position"] == "Kepala Dinas Kominfo"
    [updated] = api.outbox("participant.updated")
    assert updated["data"]["changed"] == ["position", "email"]
    assert updated["data"]["registration_ids"] == [known["id"]]  # not the draft's, not the new one
    assert_catalogue_shape(updated)
    types = api.outbox_types()
    assert types.index("participant.updated") < len(types) - 1 and types[-1] == "participant.invited"


def test_the_officials_own_language_is_kept_shown_and_emitted_and_null_clears_it(api, client, admin):
    first, second, third = (api.retreat(code, publish=True) for code in ("A", "B", "C"))
    registration = api.register(first["id"], 1, language="en")
    assert registration["official"]["language"] == "en"
    [invited] = api.outbox("participant.invited")
    assert invited["data"]["official"]["language"] == "en" and invited["data"]["retreat"]["language"] == "id"
    assert_catalogue_shape(invited)
    api.register(second["id"], 1)  # language left out: the official keeps theirs
    assert api.outbox("participant.invited")[-1]["data"]["official"]["language"] == "en"
    assert "participant.updated" not in api.outbox_types()
    cleared = api.register(third["id"], 1, language=None)
    assert cleared["official"]["language"] is None
    [updated] = api.outbox("participant.updated")
    assert updated["data"]["changed"] == ["language"] and updated["data"]["official"]["language"] is None
    assert_catalogue_shape(updated)
    listed = client.get(registrations_url(first["id"]), headers=admin).get_json()["items"]
    assert [r["official"]["language"] for r in listed] == [None]


def test_an_unknown_language_is_422_naming_official_language_in_bahasa_indonesia(api, client, admin):
    retreat = api.retreat(publish=True)
    for language in ("fr", "EN", "english"):  # the API takes the codes only (an import also takes the names)
        body = assert_problem(client.post(registrations_url(retreat["id"]), json={
            "official": api.official_body(1, language=language)}, headers=admin), 422, field="official.language")
        assert body["errors"]["official.language"] == [
            "Bahasa tidak valid; gunakan id (Bahasa Indonesia) atau en (bahasa Inggris)."]
    assert_problem(client.post(registrations_url(retreat["id"]), json={
        "official": api.official_body(1, language=1)}, headers=admin), 422, field="official.language")
    assert api.outbox("participant.invited") == []
    assert client.get(f"/api/v1/officials/{api.nip(1)}", headers=admin).status_code == 404


def test_known_nip_with_the_same_data_emits_no_update(api):
    first, second = api.retreat("A", publish=True), api.retreat("B", publish=True)
    api.register(first["id"], 1)
    api.register(second["id"], 1)
    assert "participant.updated" not in api.outbox_types()


def test_a_refused_registration_changes_nothing(api, client, admin):
    retreat = api.retreat()
    api.register(retreat["id"], 1)
    body = {"official": api.official_body(1, name="Nama Baru")}
    assert client.post(registrations_url(retreat["id"]), json=body, headers=admin).status_code == 409
    assert client.get(f"/api/v1/officials/{api.nip(1)}", headers=admin).get_json()["name"] != "Nama Baru"
    assert api.outbox() == []


def test_bad_registration_input(api, client, admin):
    retreat = api.retreat()
    url = registrations_url(retreat["id"])
    cases = [
        ({}, "nip"), ({"nip": "123"}, "nip"), ({"nip": 198609262015051001}, "nip"),
        ({"nip": api.nip(1), "official": api.official_body(1)}, "nip"),
        ({"official": "Budi"}, "official"), ({"official": {}}, "official.nip"),
        ({"official": {**api.official_body(1), "nip": "1"}}, "official.nip"),
        ({"official": api.official_body(1, phone="12")}, "official.phone"),
        ({"official": api.official_body(1, email="x@")}, "official.email"),
        ({"official": api.official_body(1, rank="IV/f")}, "official.rank"),
        ({"official": api.official_body(1, echelon="III.c")}, "official.echelon"),
        ({"official": api.official_body(1, position_kind="raja")}, "official.position_kind"),
        ({"official": api.official_body(1, language="fr")}, "official.language"),
        ({"official": {k: v for k, v in api.official_body(1).items() if k != "name"}}, "official.name"),
        ({"nip": api.nip(1), "status": "confirmed"}, "status"),
    ]
    for body, field in cases:
        assert_problem(client.post(url, json=body, headers=admin), 422, field=field)
    assert_problem(client.post(url, data="nip=1", content_type="application/json", headers=admin), 400)
    assert_problem(client.post(registrations_url(uuid.uuid4()), json={"official": api.official_body(1)},
                               headers=admin), 404)
    assert_problem(client.post(registrations_url("nope"), json={"nip": api.nip(1)}, headers=admin), 404)


def test_list_filters_by_status_and_pages(api, client, admin):
    retreat = api.retreat(capacity=2)
    ids = [api.register(retreat["id"], i)["id"] for i in range(1, 5)]
    url = registrations_url(retreat["id"])
    page = client.get(f"{url}?limit=3", headers=admin).get_json()
    assert [r["id"] for r in page["items"]] == ids[:3]
    rest = client.get(f"{url}?limit=3&cursor={page['next_cursor']}", headers=admin).get_json()
    assert [r["id"] for r in rest["items"]] == ids[3:] and rest["next_cursor"] is None
    waiting = client.get(f"{url}?status=waitlisted", headers=admin).get_json()["items"]
    assert [r["id"] for r in waiting] == ids[2:]
    for query, field in [("status=lost", "status"), ("limit=0", "limit"), ("limit=501", "limit"),
                         ("cursor=abc", "cursor"), ("cursor=WyJ4IiwgInkiXQ", "cursor")]:
        assert_problem(client.get(f"{url}?{query}", headers=admin), 422, field=field)
    assert_problem(client.get(registrations_url(uuid.uuid4()), headers=admin), 404)


def test_reissue_link_revokes_the_old_one(api, client, admin):
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    old_token = api.token_of(registration)
    response = client.post(f"/api/v1/registrations/{registration['id']}/reissue-link", headers=admin)
    assert response.status_code == 200
    fresh = response.get_json()
    assert fresh["token_version"] == 2 and fresh["invitation_url"] != registration["invitation_url"]
    invited = api.outbox("participant.invited")
    assert len(invited) == 2 and invited[-1]["data"]["invitation_url"] == fresh["invitation_url"]
    body = assert_problem(client.get(f"/api/v1/invitations/{old_token}"), 404)
    assert body["detail"] == "Tautan undangan tidak valid atau sudah diganti."
    assert client.get(f"/api/v1/invitations/{api.token_of(fresh)}").status_code == 200


def test_reissue_is_refused_for_waiting_and_cancelled_registrations(api, client, admin):
    retreat = api.retreat(capacity=1, publish=True)
    first = api.register(retreat["id"], 1)
    waiting = api.register(retreat["id"], 2)
    assert_problem(client.post(f"/api/v1/registrations/{waiting['id']}/reissue-link", headers=admin), 409,
                   code="waitlisted")
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    assert_problem(client.post(f"/api/v1/registrations/{first['id']}/reissue-link", headers=admin), 409,
                   code="registration_cancelled")


def test_malformed_and_unknown_registration_ids_are_404(client, admin):
    for rid in ("123", str(uuid.uuid4()), "x" * 40):
        assert_problem(client.get(f"/api/v1/registrations/{rid}", headers=admin), 404)
        assert_problem(client.post(f"/api/v1/registrations/{rid}/cancel", headers=admin), 404)
        assert_problem(client.post(f"/api/v1/registrations/{rid}/reissue-link", headers=admin), 404)


def test_cancel_body_validation(api, client, admin):
    registration = api.register(api.retreat()["id"], 1)
    url = f"/api/v1/registrations/{registration['id']}/cancel"
    assert_problem(client.post(url, json={"reason": 5}, headers=admin), 422, field="reason")
    assert_problem(client.post(url, json={"reason": "r" * 1001}, headers=admin), 422, field="reason")
    assert_problem(client.post(url, data="{", content_type="application/json", headers=admin), 400)


def test_roles(api, client, operator, secretariat):
    retreat = api.retreat()
    registration = api.register(retreat["id"], 1)
    url = registrations_url(retreat["id"])
    assert_problem(client.get(url), 401)
    assert client.get(url, headers=secretariat).status_code == 200
    assert client.get(f"/api/v1/registrations/{registration['id']}", headers=operator).status_code == 200
    assert_problem(client.post(url, json={"official": api.official_body(2)}, headers=secretariat), 403)
    assert_problem(client.post(f"/api/v1/registrations/{registration['id']}/cancel", headers=operator), 403)
    assert_problem(client.post(f"/api/v1/registrations/{registration['id']}/reissue-link", headers=secretariat),
                   403)


def test_links_health_notes_and_emergency_contacts_are_for_admins_only(api, client, admin, operator, secretariat):
    retreat = api.retreat(publish=True, starts_on="2030-05-15", ends_on="2030-05-17")
    registration = api.register(retreat["id"], 1)
    confirmed = client.post(f"/api/v1/invitations/{api.token_of(registration)}/confirm", json={
        "health_notes": "Asma ringan", "emergency_contact": "Siti (istri) 081298765432"})
    assert confirmed.status_code == 200
    single, listing = f"/api/v1/registrations/{registration['id']}", registrations_url(retreat["id"])
    full = client.get(single, headers=admin).get_json()
    assert full["health_notes"] == "Asma ringan" and full["emergency_contact"].startswith("Siti")
    assert full["invitation_url"] == registration["invitation_url"]
    assert client.get(listing, headers=admin).get_json()["items"][0]["invitation_url"] == full["invitation_url"]
    for headers in (operator, secretariat):
        for seen in (client.get(single, headers=headers).get_json(),
                     client.get(listing, headers=headers).get_json()["items"][0]):
            assert seen["id"] == registration["id"] and seen["status"] == "confirmed"
            assert seen["official"]["nip"] == registration["official"]["nip"]
            for hidden in ("invitation_url", "health_notes", "emergency_contact"):
                assert hidden not in seen, (hidden, seen)
            token = api.token_of(registration)
            assert token not in str(seen)


def test_in_a_draft_cancel_and_promotion_stay_quiet_until_publish(api, client, admin):
    retreat = api.retreat(capacity=1)
    first = api.register(retreat["id"], 1)
    second = api.register(retreat["id"], 2)
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    assert api.registration(second["id"])["status"] == "invited"
    assert api.outbox() == []
    api.publish(retreat["id"])
    assert api.outbox_types() == ["retreat.published", "participant.invited"]
    assert api.outbox()[1]["data"]["registration_id"] == second["id"]


def test_registrations_are_numbered_in_the_order_they_were_made(api):
    retreat = api.retreat()
    assert [api.register(retreat["id"], i)["number"] for i in (1, 2, 3)] == [1, 2, 3]
    assert api.register(api.retreat("OTHER")["id"], 1)["number"] == 1


def test_concurrent_registrations_never_exceed_capacity(api, app):
    from concurrent.futures import ThreadPoolExecutor
    retreat = api.retreat(capacity=3, publish=True)

    def register(i):
        response = app.test_client().post(registrations_url(retreat["id"]), json={"official": api.official_body(i)},
                                          headers=api.admin)
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(register, range(1, 11)))
    assert {status for status, _ in results} == {201}
    statuses = sorted(body["status"] for _, body in results)
    assert statuses == ["invited"] * 3 + ["waitlisted"] * 7
    assert sorted(body["number"] for _, body in results) == list(range(1, 11))
    assert len(api.outbox("participant.invited")) == 3
