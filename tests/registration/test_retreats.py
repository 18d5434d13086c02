"""Retreats: create, list, read, publish, cancel; validation and roles."""
import uuid
from datetime import datetime, timezone

from retret_testing.http import assert_problem, bearer

URL = "/api/v1/retreats"


def test_create_answers_a_draft_with_its_times_in_its_time_zone(api, client, admin):
    response = client.post(URL, json=api.retreat_body(), headers=admin)
    assert response.status_code == 201
    body = response.get_json()
    uuid.UUID(body["id"])
    assert body["status"] == "draft" and body["code"] == "RETRET-MLG-2025"
    assert body["starts_on"] == "2025-05-16" and body["ends_on"] == "2025-05-18"
    assert body["attendance_threshold"] == 0.9 and body["late_tolerance_minutes"] == 5
    assert body["capacity"] is None and body["response_deadline"] is None
    assert body["responses_close_at"] == "2025-05-19T00:00:00+07:00"
    assert body["created_at"].endswith("+07:00")


def test_defaults_and_a_deadline_shown_in_the_retreats_zone(client, admin):
    body = {"code": "R1", "title": "Retret", "starts_on": "2025-05-16", "ends_on": "2025-05-16",
            "response_deadline": "2025-05-10T10:00:00Z"}
    created = client.post(URL, json=body, headers=admin).get_json()
    assert created["timezone"] == "Asia/Jakarta" and created["attendance_threshold"] == 0.9
    assert created["late_tolerance_minutes"] == 5 and created["organizer"] is None
    assert created["response_deadline"] == "2025-05-10T17:00:00+07:00"
    assert created["responses_close_at"] == "2025-05-10T17:00:00+07:00"


def test_the_messages_language_is_indonesian_unless_english_is_chosen(api, client, admin):
    assert api.retreat("ID1")["language"] == "id"
    english = api.retreat("EN1", language="en")
    assert english["language"] == "en"
    api.publish(english["id"])
    [event] = api.outbox("retreat.published")
    assert event["data"]["language"] == "en"
    refused = client.post(URL, json=api.retreat_body(code="XX1", language="jv"), headers=admin)
    assert_problem(refused, 422, field="language")
    assert refused.get_json()["errors"]["language"] == ["Harus salah satu dari: id, en."]


def test_past_dates_are_allowed(api):
    assert api.retreat("OLD", starts_on="2019-01-01", ends_on="2019-01-03")["status"] == "draft"


def test_a_duplicate_code_is_409(api, client, admin):
    api.retreat("DUP")
    assert_problem(client.post(URL, json=api.retreat_body("DUP"), headers=admin), 409, code="code_taken")


BAD_INPUT = [
    ({"ends_on": "2025-05-15"}, "ends_on"),
    ({"starts_on": "16-05-2025"}, "starts_on"),
    ({"ends_on": "2025-02-30"}, "ends_on"),
    ({"starts_on": None}, "starts_on"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": 7}, "timezone"),
    ({"attendance_threshold": 1.5}, "attendance_threshold"),
    ({"attendance_threshold": -0.1}, "attendance_threshold"),
    ({"attendance_threshold": "0.9"}, "attendance_threshold"),
    ({"attendance_threshold": True}, "attendance_threshold"),
    ({"late_tolerance_minutes": -1}, "late_tolerance_minutes"),
    ({"late_tolerance_minutes": 2.5}, "late_tolerance_minutes"),
    ({"late_tolerance_minutes": "5"}, "late_tolerance_minutes"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": "100"}, "capacity"),
    ({"capacity": 10 ** 30}, "capacity"),
    ({"response_deadline": "2025-05-10T10:00:00"}, "response_deadline"),
    ({"response_deadline": "besok"}, "response_deadline"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": ["Retret"]}, "title"),
    ({"title": "Retret\x00"}, "title"),
    ({"code": None}, "code"),
    ({"code": "C" * 51}, "code"),
    ({"venue": "v" * 10_000}, "venue"),
    ({"unknown_field": 1}, "unknown_field"),
]


def test_bad_input_is_422_naming_the_field(api, client, admin):
    for overrides, field in BAD_INPUT:  # one database for all cases
        assert_problem(client.post(URL, json=api.retreat_body(**overrides), headers=admin), 422, field=field)
    assert client.get(URL, headers=admin).get_json()["items"] == []


def test_missing_required_fields(api, client, admin):
    for field in ("code", "title", "starts_on", "ends_on"):
        body = api.retreat_body()
        del body[field]
        assert_problem(client.post(URL, json=body, headers=admin), 422, field=field)


def test_free_text_accepts_any_printable_text(api):
    title = "Retret <b>Pejabat</b> 'Kota' \"Malang\" — ĀŠÑ 日本 =1+1 😀"
    assert api.retreat("TXT", title=title)["title"] == title


def test_a_body_that_is_not_a_json_object_is_refused(client, admin):
    assert_problem(client.post(URL, data="{not json", content_type="application/json", headers=admin), 400)
    for data in ("[1, 2]", '"text"', "null", "12"):
        assert_problem(client.post(URL, data=data, content_type="application/json", headers=admin), 422)


def test_list_is_paginated_and_filtered(api, client, admin):
    ids = [api.retreat(f"R{i}")["id"] for i in range(3)]
    api.publish(ids[1])
    first = client.get(f"{URL}?limit=2", headers=admin).get_json()
    assert [r["id"] for r in first["items"]] == ids[:2] and first["next_cursor"]
    second = client.get(f"{URL}?limit=2&cursor={first['next_cursor']}", headers=admin).get_json()
    assert [r["id"] for r in second["items"]] == ids[2:] and second["next_cursor"] is None
    published = client.get(f"{URL}?status=published", headers=admin).get_json()
    assert [r["id"] for r in published["items"]] == [ids[1]]


def test_bad_list_arguments_are_422(client, admin):
    for query, field in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                         ("cursor=%%%", "cursor"), ("cursor=WzEsMl0", "cursor"), ("cursor=bm90LWpzb24", "cursor"),
                         ("cursor=" + "A" * 600, "cursor"), ("status=archived", "status")]:
        assert_problem(client.get(f"{URL}?{query}", headers=admin), 422, field=field)


def test_read_one(api, client, operator):
    retreat = api.retreat()
    assert client.get(f"{URL}/{retreat['id']}", headers=operator).get_json() == retreat


def test_unknown_or_malformed_ids_are_404(client, admin):
    for path in (f"{URL}/not-a-uuid", f"{URL}/{uuid.uuid4()}", f"{URL}/123/publish",
                 f"{URL}/{uuid.uuid4()}/publish", f"{URL}/{uuid.uuid4()}/cancel", f"{URL}/%00"):
        method = client.post if path.endswith(("publish", "cancel")) else client.get
        assert_problem(method(path, headers=admin), 404)


def test_publish_emits_retreat_published(api):
    retreat = api.retreat(capacity=100)
    published = api.publish(retreat["id"])
    assert published["status"] == "published" and published["published_at"].endswith("+07:00")
    [event] = api.outbox("retreat.published")
    assert event["retreat_id"] == retreat["id"]
    assert event["data"] == {
        "retreat_id": retreat["id"], "code": "RETRET-MLG-2025", "title": retreat["title"],
        "organizer": "BKPSDM Kota Malang", "venue": "Poltekad, Karangploso", "timezone": "Asia/Jakarta",
        "language": "id", "starts_on": "2025-05-16", "ends_on": "2025-05-18", "status": "published", "attendance_threshold": 0.9,
        "late_tolerance_minutes": 5, "capacity": 100, "response_deadline": None, "old_starts_on": None,
        "old_ends_on": None,
    }


def test_publish_only_a_draft(api, client, admin):
    retreat = api.retreat(publish=True)
    assert_problem(client.post(f"{URL}/{retreat['id']}/publish", headers=admin), 409, code="not_draft")
    assert api.outbox_types() == ["retreat.published"]


def test_cancel_emits_retreat_cancelled_once(api, client, admin):
    retreat = api.retreat(publish=True)
    response = client.post(f"{URL}/{retreat['id']}/cancel", headers=admin)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert api.outbox("retreat.cancelled")[0]["data"]["status"] == "cancelled"
    assert_problem(client.post(f"{URL}/{retreat['id']}/cancel", headers=admin), 409, code="already_cancelled")
    assert_problem(client.post(f"{URL}/{retreat['id']}/publish", headers=admin), 409, code="not_draft")
    assert api.outbox_types() == ["retreat.published", "retreat.cancelled"]


def test_roles(api, client, operator, secretariat):
    retreat = api.retreat()
    assert_problem(client.get(URL), 401, code="token_missing")
    assert_problem(client.get(URL, headers=bearer("garbage")), 401, code="token_invalid")
    assert_problem(client.get(URL, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), 401)
    other = api.headers("admin")
    other["Authorization"] = other["Authorization"][:-3] + "abc"
    assert_problem(client.get(URL, headers=other), 401)
    assert client.get(URL, headers=secretariat).status_code == 200
    assert client.get(f"{URL}/{retreat['id']}", headers=operator).status_code == 200
    assert_problem(client.post(URL, json=api.retreat_body("X"), headers=secretariat), 403)
    assert_problem(client.post(URL, json=api.retreat_body("X"), headers=operator), 403)
    assert_problem(client.post(f"{URL}/{retreat['id']}/publish", headers=secretariat), 403)
    assert_problem(client.post(f"{URL}/{retreat['id']}/cancel", headers=operator), 403)


def test_the_role_is_checked_before_the_body(client, secretariat):
    assert_problem(client.post(URL, json={"bad": 1}, headers=secretariat), 403)
    assert_problem(client.post(URL, json={"bad": 1}), 401)


# --------------------------------------------------------------------------- edit and reschedule (PATCH)
def sessions_of(client, admin, retreat_id, cancelled=False):
    query = "?include_cancelled=true" if cancelled else ""
    return client.get(f"{URL}/{retreat_id}/sessions{query}", headers=admin).get_json()["items"]


def test_edit_emits_retreat_updated_with_the_new_values(api, client, admin):
    retreat = api.retreat(publish=True)
    response = client.patch(f"{URL}/{retreat['id']}", json={
        "title": "Retret Kepemimpinan 2025", "venue": "Rindam V/Brawijaya", "organizer": None,
        "attendance_threshold": 0.8, "late_tolerance_minutes": 10, "response_deadline": "2025-05-10T10:00:00Z"},
        headers=admin)
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["title"] == "Retret Kepemimpinan 2025" and edited["venue"] == "Rindam V/Brawijaya"
    assert edited["organizer"] is None and edited["attendance_threshold"] == 0.8
    assert edited["response_deadline"] == "2025-05-10T17:00:00+07:00" and edited["status"] == "published"
    assert client.get(f"{URL}/{retreat['id']}", headers=admin).get_json() == edited
    [event] = api.outbox("retreat.updated")
    assert event["data"] == {**event["data"], "title": "Retret Kepemimpinan 2025", "organizer": None,
                             "venue": "Rindam V/Brawijaya", "attendance_threshold": 0.8, "late_tolerance_minutes": 10,
                             "response_deadline": "2025-05-10T10:00:00+00:00", "status": "published",
                             "old_starts_on": None, "old_ends_on": None}
    assert api.outbox("retreat.rescheduled") == []


def test_an_edit_that_changes_nothing_emits_nothing(api, client, admin):
    retreat = api.retreat(publish=True, response_deadline="2025-05-10T17:00:00+07:00")
    same = {"code": retreat["code"], "title": retreat["title"], "starts_on": "2025-05-16",
            "response_deadline": "2025-05-10T10:00:00Z", "capacity": None, "shift_sessions": True}
    for body in (same, {}):
        response = client.patch(f"{URL}/{retreat['id']}", json=body, headers=admin)
        assert response.status_code == 200 and response.get_json() == retreat
    assert api.outbox_types() == ["retreat.published"]


def test_a_draft_can_be_edited_too(api, client, admin):
    retreat = api.retreat()
    edited = client.patch(f"{URL}/{retreat['id']}", json={"capacity": 50}, headers=admin).get_json()
    assert edited["capacity"] == 50 and edited["status"] == "draft"
    assert api.outbox("retreat.updated")[0]["data"]["status"] == "draft"


PATCH_BAD_INPUT = [(overrides, field) for overrides, field in BAD_INPUT] + [
    ({"shift_sessions": "perhaps"}, "shift_sessions"), ({"status": "running"}, "status"),
    ({"starts_on": "1900-01-01"}, "starts_on"), ({"ends_on": "9999-12-31"}, "ends_on"),
    ({"response_deadline": "0001-01-01T00:00:00+14:00"}, "response_deadline"),
    ({"ends_on": "2025-05-15"}, "ends_on"),                      # before the stored start
    ({"starts_on": "2025-05-19"}, "starts_on"),                  # after the stored end
    ({"starts_on": "2025-05-20", "ends_on": "2025-05-19"}, "ends_on"),
]


def test_edit_validates_like_create_against_the_stored_values(api, client, admin):
    retreat = api.retreat()
    for overrides, field in PATCH_BAD_INPUT:
        assert_problem(client.patch(f"{URL}/{retreat['id']}", json=overrides, headers=admin), 422, field=field)
    assert client.get(f"{URL}/{retreat['id']}", headers=admin).get_json() == retreat
    assert api.outbox_types() == []


def test_create_refuses_dates_no_calendar_can_compute_with(api, client, admin):
    assert_problem(client.post(URL, json=api.retreat_body(starts_on="9999-12-30", ends_on="9999-12-31"),
                               headers=admin), 422, field="starts_on")


def test_edit_to_a_code_taken_is_409(api, client, admin):
    api.retreat("TAKEN")
    retreat = api.retreat("MINE")
    assert_problem(client.patch(f"{URL}/{retreat['id']}", json={"code": "TAKEN"}, headers=admin), 409,
                   code="code_taken")
    assert client.patch(f"{URL}/{retreat['id']}", json={"code": "MINE-2"}, headers=admin).get_json()["code"] == \
        "MINE-2"


def test_a_cancelled_or_finished_retreat_cannot_be_edited(api, client, admin):
    for code, action in (("retreat_cancelled", "cancel"), ("retreat_finished", "finish")):
        retreat = api.retreat(code, publish=True)
        client.post(f"{URL}/{retreat['id']}/{action}", headers=admin)
        assert_problem(client.patch(f"{URL}/{retreat['id']}", json={"title": "Baru"}, headers=admin), 409, code=code)
        assert client.get(f"{URL}/{retreat['id']}", headers=admin).get_json()["title"] == retreat["title"]


def test_new_dates_without_sessions_emit_retreat_rescheduled(api, client, admin):
    retreat = api.retreat(publish=True)
    moved = client.patch(f"{URL}/{retreat['id']}", json={"starts_on": "2025-06-02", "ends_on": "2025-06-04"},
                         headers=admin).get_json()
    assert (moved["starts_on"], moved["ends_on"]) == ("2025-06-02", "2025-06-04")
    assert moved["responses_close_at"] == "2025-06-05T00:00:00+07:00"
    [event] = api.outbox("retreat.rescheduled")
    assert event["data"] == {**event["data"], "starts_on": "2025-06-02", "ends_on": "2025-06-04",
                             "old_starts_on": "2025-05-16", "old_ends_on": "2025-05-18"}
    assert api.outbox("retreat.updated") == []


def test_new_dates_that_leave_sessions_outside_are_409_listing_them_and_change_nothing(api, client, admin):
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"])
    closing = api.session(retreat["id"], title="Penutupan", kind="ceremony", starts_at="2025-05-18T19:00:00+07:00",
                          ends_at="2025-05-18T21:00:00+07:00")
    middle = api.session(retreat["id"], title="Kuliah", kind="lecture", starts_at="2025-05-17T08:00:00+07:00",
                         ends_at="2025-05-17T10:00:00+07:00")
    cancelled = api.session(retreat["id"], title="Batal", starts_at="2025-05-16T20:00:00+07:00",
                            ends_at="2025-05-16T21:00:00+07:00")
    client.delete(f"/api/v1/sessions/{cancelled['id']}", headers=admin)
    before_events, before = api.outbox_types(), sessions_of(client, admin, retreat["id"], cancelled=True)
    response = client.patch(f"{URL}/{retreat['id']}", json={"starts_on": "2025-05-17", "ends_on": "2025-05-17",
                                                             "title": "Diubah"}, headers=admin)
    problem = assert_problem(response, 409, code="sessions_outside_dates")
    assert problem["sessions"] == [
        {"id": apel["id"], "title": "Apel Pagi", "starts_at": "2025-05-16T05:30:00+07:00",
         "ends_at": "2025-05-16T06:30:00+07:00"},
        {"id": closing["id"], "title": "Penutupan", "starts_at": "2025-05-18T19:00:00+07:00",
         "ends_at": "2025-05-18T21:00:00+07:00"}]
    assert middle["id"] not in {s["id"] for s in problem["sessions"]}
    current = client.get(f"{URL}/{retreat['id']}", headers=admin).get_json()
    assert (current["starts_on"], current["ends_on"], current["title"]) == ("2025-05-16", "2025-05-18",
                                                                            retreat["title"])
    assert sessions_of(client, admin, retreat["id"], cancelled=True) == before
    assert api.outbox_types() == before_events
    # A longer span that still holds every session is fine without shifting: the sessions stay.
    longer = client.patch(f"{URL}/{retreat['id']}", json={"starts_on": "2025-05-15"}, headers=admin)
    assert longer.status_code == 200 and sessions_of(client, admin, retreat["id"], cancelled=True) == before
    assert api.outbox_types() == before_events + ["retreat.rescheduled"]


def test_shift_sessions_moves_every_scheduled_session_keeping_its_local_times(api, client, admin):
    retreat = api.retreat(publish=True)
    apel = api.session(retreat["id"], checkin_opens_before_minutes=30)
    closing = api.session(retreat["id"], title="Penutupan", kind="ceremony", starts_at="2025-05-18T19:00:00+07:00",
                          ends_at="2025-05-18T21:00:00+07:00")
    cancelled = api.session(retreat["id"], title="Batal", starts_at="2025-05-16T20:00:00+07:00",
                            ends_at="2025-05-16T21:00:00+07:00")
    client.delete(f"/api/v1/sessions/{cancelled['id']}", headers=admin)
    response = client.patch(f"{URL}/{retreat['id']}", json={
        "starts_on": "2025-06-02", "ends_on": "2025-06-04", "shift_sessions": True}, headers=admin)
    assert response.status_code == 200
    moved = {s["id"]: s for s in sessions_of(client, admin, retreat["id"], cancelled=True)}
    assert (moved[apel["id"]]["starts_at"], moved[apel["id"]]["ends_at"]) == ("2025-06-02T05:30:00+07:00",
                                                                              "2025-06-02T06:30:00+07:00")
    assert moved[apel["id"]]["checkin_opens_at"] == "2025-06-02T05:00:00+07:00"  # the window follows
    assert moved[closing["id"]]["starts_at"] == "2025-06-04T19:00:00+07:00"
    assert moved[cancelled["id"]]["starts_at"] == cancelled["starts_at"]  # a cancelled session stays where it was
    types = api.outbox_types()
    assert types[-3:] == ["retreat.rescheduled", "session.rescheduled", "session.rescheduled"]
    events = {e["data"]["session_id"]: e["data"] for e in api.outbox("session.rescheduled")}
    assert events[apel["id"]]["old_starts_at"] == "2025-05-15T22:30:00+00:00"
    assert events[apel["id"]]["old_ends_at"] == "2025-05-15T23:30:00+00:00"
    assert events[apel["id"]]["starts_at"] == "2025-06-01T22:30:00+00:00"
    assert events[apel["id"]]["checkin_opens_at"] == "2025-06-01T22:00:00+00:00"
    assert events[closing["id"]]["old_starts_at"] == "2025-05-18T12:00:00+00:00"


def test_shift_sessions_with_a_shorter_span_still_409_for_what_does_not_fit(api, client, admin):
    retreat = api.retreat(publish=True)
    api.session(retreat["id"])
    closing = api.session(retreat["id"], title="Penutupan", kind="ceremony", starts_at="2025-05-18T19:00:00+07:00",
                          ends_at="2025-05-18T21:00:00+07:00")
    response = client.patch(f"{URL}/{retreat['id']}", json={"starts_on": "2025-06-02", "ends_on": "2025-06-03",
                                                             "shift_sessions": True}, headers=admin)
    problem = assert_problem(response, 409, code="sessions_outside_dates")
    assert [s["id"] for s in problem["sessions"]] == [closing["id"]]
    assert problem["sessions"][0]["starts_at"] == "2025-05-18T19:00:00+07:00"  # where it is now
    assert api.outbox("retreat.rescheduled") == [] and api.outbox("session.rescheduled") == []


def test_a_new_time_zone_is_a_reschedule(api, client, admin):
    """Moved to Makassar (WITA): with shift_sessions the agenda keeps its local times; without it the sessions keep
    their instants and must still fit the days there."""
    retreat = api.retreat(publish=True)
    late = api.session(retreat["id"], title="Renungan Malam", kind="other", starts_at="2025-05-18T23:00:00+07:00",
                       ends_at="2025-05-18T23:30:00+07:00")
    problem = assert_problem(client.patch(f"{URL}/{retreat['id']}", json={"timezone": "Asia/Makassar"},
                                          headers=admin), 409, code="sessions_outside_dates")
    assert [s["id"] for s in problem["sessions"]] == [late["id"]]  # 23:00 WIB is 00:00 WITA on the 19th
    shifted = client.patch(f"{URL}/{retreat['id']}", json={"timezone": "Asia/Makassar", "shift_sessions": True},
                           headers=admin)
    assert shifted.status_code == 200 and shifted.get_json()["timezone"] == "Asia/Makassar"
    [session] = sessions_of(client, admin, retreat["id"])
    assert (session["starts_at"], session["ends_at"]) == ("2025-05-18T23:00:00+08:00", "2025-05-18T23:30:00+08:00")
    assert [e["type"] for e in api.outbox()][-2:] == ["retreat.rescheduled", "session.rescheduled"]


def test_raising_the_capacity_invites_from_the_waitlist(api, client, admin):
    retreat = api.retreat(publish=True, capacity=1)
    api.register(retreat["id"], 1)
    waiting = [api.register(retreat["id"], i) for i in (2, 3)]
    assert {r["status"] for r in waiting} == {"waitlisted"}
    client.patch(f"{URL}/{retreat['id']}", json={"capacity": 2}, headers=admin)
    assert [api.registration(r["id"])["status"] for r in waiting] == ["invited", "waitlisted"]
    client.patch(f"{URL}/{retreat['id']}", json={"capacity": None}, headers=admin)
    assert api.registration(waiting[1]["id"])["status"] == "invited"
    invited = [e["data"]["registration_id"] for e in api.outbox("participant.invited")]
    assert invited[-2:] == [waiting[0]["id"], waiting[1]["id"]]


def test_edit_roles_and_unknown_ids(api, client, operator, secretariat, admin):
    retreat = api.retreat(publish=True)
    for path in (f"{URL}/{retreat['id']}", f"{URL}/{retreat['id']}/start", f"{URL}/{retreat['id']}/finish"):
        method = client.patch if path.endswith(retreat["id"]) else client.post
        body = {"title": "X"} if method == client.patch else None
        assert_problem(method(path, json=body), 401)
        assert_problem(method(path, json=body, headers=operator), 403)
        assert_problem(method(path, json=body, headers=secretariat), 403)
        assert_problem(method(path.replace(retreat["id"], str(uuid.uuid4())), json=body, headers=admin), 404)
    assert api.outbox_types() == ["retreat.published"]


# --------------------------------------------------------------------------- life cycle
def test_start_and_finish_by_hand(api, client, admin, frozen_clock):
    frozen_clock(datetime(2025, 5, 15, 12, tzinfo=timezone.utc))  # the day before the first day
    draft = api.retreat("DRAFT")
    assert_problem(client.post(f"{URL}/{draft['id']}/start", headers=admin), 409, code="not_published")
    assert_problem(client.post(f"{URL}/{draft['id']}/finish", headers=admin), 409, code="not_published")
    retreat = api.retreat(publish=True)
    started = client.post(f"{URL}/{retreat['id']}/start", headers=admin)
    assert started.status_code == 200 and started.get_json()["status"] == "running"
    assert_problem(client.post(f"{URL}/{retreat['id']}/start", headers=admin), 409, code="already_running")
    finished = client.post(f"{URL}/{retreat['id']}/finish", headers=admin)
    assert finished.status_code == 200 and finished.get_json()["status"] == "finished"
    assert_problem(client.post(f"{URL}/{retreat['id']}/finish", headers=admin), 409, code="already_finished")
    assert_problem(client.post(f"{URL}/{retreat['id']}/start", headers=admin), 409, code="retreat_finished")
    assert_problem(client.post(f"{URL}/{retreat['id']}/cancel", headers=admin), 409, code="already_finished")
    assert [e["data"]["status"] for e in api.outbox("retreat.updated")] == ["running", "finished"]
    cancelled = api.retreat("CANCELLED", publish=True)
    client.post(f"{URL}/{cancelled['id']}/cancel", headers=admin)
    for action in ("start", "finish"):
        assert_problem(client.post(f"{URL}/{cancelled['id']}/{action}", headers=admin), 409, code="retreat_cancelled")
    ended = api.retreat("ENDED", publish=True, starts_on="2025-05-01", ends_on="2025-05-02")
    assert_problem(client.post(f"{URL}/{ended['id']}/start", headers=admin), 409, code="retreat_ended")


def test_the_clock_moves_retreats_on_in_their_own_zones(api, client, admin, frozen_clock):
    from registration.tasks import advance_retreats
    frozen_clock(datetime(2025, 5, 1, tzinfo=timezone.utc))
    malang = api.retreat("MLG", publish=True)                                     # WIB, 16-18 May
    jayapura = api.retreat("JAYAPURA", publish=True, timezone="Asia/Jayapura")    # WIT (+09:00), 16-18 May
    draft = api.retreat("DRAFT", starts_on="2025-05-01", ends_on="2025-05-02")
    recorded = api.retreat("RECORDED", publish=True, starts_on="2019-03-01", ends_on="2019-03-02")
    cancelled = api.retreat("CANCELLED", publish=True, starts_on="2025-05-16", ends_on="2025-05-16")
    client.post(f"{URL}/{cancelled['id']}/cancel", headers=admin)

    def statuses():
        return {r["code"]: r["status"] for r in client.get(URL, headers=admin).get_json()["items"]}

    assert advance_retreats.name == "registration.advance_retreats"
    assert advance_retreats.apply().get() == 1  # the retreat recorded after it ran goes straight to finished
    assert statuses() == {"MLG": "published", "JAYAPURA": "published", "DRAFT": "draft", "RECORDED": "finished",
                          "CANCELLED": "cancelled"}
    frozen_clock(datetime(2025, 5, 15, 15, tzinfo=timezone.utc))  # 22:00 WIB, 00:00 WIT on the 16th
    assert advance_retreats() == 1 and statuses()["JAYAPURA"] == "running" and statuses()["MLG"] == "published"
    frozen_clock(datetime(2025, 5, 15, 17, tzinfo=timezone.utc))  # 00:00 WIB on the 16th
    assert advance_retreats() == 1 and statuses()["MLG"] == "running"
    assert advance_retreats() == 0  # nothing more is due: no event
    frozen_clock(datetime(2025, 5, 18, 15, tzinfo=timezone.utc))  # midnight after the 18th in Jayapura
    assert advance_retreats() == 1 and statuses()["JAYAPURA"] == "finished" and statuses()["MLG"] == "running"
    frozen_clock(datetime(2025, 5, 18, 17, tzinfo=timezone.utc))
    assert advance_retreats() == 1 and statuses()["MLG"] == "finished"
    assert statuses()["DRAFT"] == "draft" and statuses()["CANCELLED"] == "cancelled"
    moves = [(e["retreat_id"], e["data"]["status"]) for e in api.outbox("retreat.updated")]
    assert moves == [(recorded["id"], "finished"), (jayapura["id"], "running"), (malang["id"], "running"),
                     (jayapura["id"], "finished"), (malang["id"], "finished")]
    assert draft["id"] not in {r for r, _ in moves}


def test_invitations_are_answered_while_running_and_registrations_refused_once_finished(api, client, admin,
                                                                                     frozen_clock):
    from registration.tasks import advance_retreats
    frozen_clock(datetime(2025, 5, 16, 3, tzinfo=timezone.utc))  # 10:00 WIB on the first day
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    assert advance_retreats() == 1
    assert client.get(f"{URL}/{retreat['id']}", headers=admin).get_json()["status"] == "running"
    confirmed = client.post(f"/api/v1/invitations/{api.token_of(registration)}/confirm", json={})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert api.register(retreat["id"], 2)["status"] == "invited"  # a late addition while it runs
    frozen_clock(datetime(2025, 5, 18, 17, tzinfo=timezone.utc))
    assert advance_retreats() == 1
    body = {"official": api.official_body(3)}
    assert_problem(client.post(f"{URL}/{retreat['id']}/registrations", json=body, headers=admin), 409,
                   code="retreat_finished")
    assert_problem(client.post(f"/api/v1/invitations/{api.token_of(registration)}/decline", json={}), 409,
                   code="retreat_not_open")
