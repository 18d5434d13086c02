"""Sessions (the agenda): add, list, read, edit and reschedule, cancel; events, validation and roles."""
import uuid
from datetime import datetime, timezone

from retret_testing.http import assert_problem


def url(retreat_id):
    return f"/api/v1/retreats/{retreat_id}/sessions"


def item(session_id):
    return f"/api/v1/sessions/{session_id}"


def test_add_answers_201_with_the_session_in_the_retreats_zone(api, client, admin):
    retreat = api.retreat()
    zudan = api.speaker(retreat["id"])
    komandan = api.speaker(retreat["id"], name="Brigjen TNI Komandan", position="Komandan Poltekad",
                           institution="Poltekad")
    body = api.session_body(speaker_ids=[komandan["id"], zudan["id"], komandan["id"]],
                            starts_at="2025-05-15T22:30:00Z", ends_at="2025-05-15T23:30:00Z",
                            description="Apel pembukaan", audience_groups=[" Peleton 1 ", "Peleton 2", "Peleton 1"])
    response = client.post(url(retreat["id"]), json=body, headers=admin)
    assert response.status_code == 201
    session = response.get_json()
    uuid.UUID(session["id"])
    assert session == {**session, "retreat_id": retreat["id"], "title": "Apel Pagi", "kind": "apel",
                       "description": "Apel pembukaan", "starts_at": "2025-05-16T05:30:00+07:00",
                       "ends_at": "2025-05-16T06:30:00+07:00", "location": "Lapangan Poltekad", "mandatory": True,
                       "audience_groups": ["Peleton 1", "Peleton 2"], "speaker_ids": [komandan["id"], zudan["id"]],
                       "checkin_opens_before_minutes": 60, "checkin_closes_after_minutes": 0,
                       "checkin_opens_at": "2025-05-16T04:30:00+07:00",
                       "checkin_closes_at": "2025-05-16T06:30:00+07:00", "status": "scheduled",
                       "cancelled_at": None}
    assert session["speakers"] == [
        {"id": komandan["id"], "name": "Brigjen TNI Komandan", "position": "Komandan Poltekad",
         "institution": "Poltekad", "status": "confirmed"},
        {"id": zudan["id"], "name": zudan["name"], "position": "Kepala BKN", "institution": zudan["institution"],
         "status": "confirmed"}]
    assert session["created_at"].endswith("+07:00")
    [event] = api.outbox("session.scheduled")
    assert event["retreat_id"] == retreat["id"]
    assert event["data"] == {
        "session_id": session["id"], "retreat_id": retreat["id"], "title": "Apel Pagi", "kind": "apel",
        "description": "Apel pembukaan", "starts_at": "2025-05-15T22:30:00+00:00",
        "ends_at": "2025-05-15T23:30:00+00:00", "location": "Lapangan Poltekad", "mandatory": True,
        "audience_groups": ["Peleton 1", "Peleton 2"], "speaker_ids": [komandan["id"], zudan["id"]],
        "checkin_opens_at": "2025-05-15T21:30:00+00:00", "checkin_closes_at": "2025-05-15T23:30:00+00:00",
        "status": "scheduled", "old_starts_at": None, "old_ends_at": None}
    assert client.get(item(session["id"]), headers=admin).get_json() == session


def test_the_contract_body_alone_and_defaults(api, client, admin):
    retreat = api.retreat()
    body = {"title": "Kuliah Umum", "kind": "lecture", "starts_at": "2025-05-17T08:00:00+07:00",
            "ends_at": "2025-05-17T10:00:00+07:00", "location": "Aula", "mandatory": True, "speaker_ids": []}
    session = client.post(url(retreat["id"]), json=body, headers=admin).get_json()
    assert session["audience_groups"] == [] and session["speakers"] == [] and session["description"] is None
    minimal = {k: body[k] for k in ("title", "kind", "starts_at", "ends_at")}
    other = client.post(url(retreat["id"]), json=minimal, headers=admin).get_json()
    assert other["mandatory"] is True and other["location"] is None and other["speaker_ids"] == []


def test_a_custom_check_in_window_and_another_time_zone(api, client, admin):
    retreat = api.retreat(timezone="Asia/Makassar")
    session = api.session(retreat["id"], starts_at="2025-05-16T07:00:00+08:00", ends_at="2025-05-16T08:00:00+08:00",
                          checkin_opens_before_minutes=15, checkin_closes_after_minutes=30, mandatory=False)
    assert session["starts_at"] == "2025-05-16T07:00:00+08:00" and session["mandatory"] is False
    assert session["checkin_opens_at"] == "2025-05-16T06:45:00+08:00"
    assert session["checkin_closes_at"] == "2025-05-16T08:30:00+08:00"


def test_past_dates_are_allowed(api):
    retreat = api.retreat("OLD", starts_on="2019-03-01", ends_on="2019-03-02")
    session = api.session(retreat["id"], starts_at="2019-03-02T20:00:00+07:00", ends_at="2019-03-03T00:00:00+07:00")
    assert session["ends_at"] == "2019-03-03T00:00:00+07:00"  # up to the midnight after the last day


BAD_INPUT = [
    ({"title": ""}, "title"), ({"title": None}, "title"), ({"title": "t" * 201}, "title"),
    ({"kind": "yoga"}, "kind"), ({"kind": None}, "kind"), ({"kind": "APEL"}, "kind"),
    ({"starts_at": "2025-05-16T05:30:00"}, "starts_at"), ({"starts_at": "besok pagi"}, "starts_at"),
    ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"), ({"ends_at": "9999-12-31T23:59:59-12:00"}, "ends_at"),
    ({"ends_at": "2025-05-16T05:00:00+07:00"}, "ends_at"), ({"ends_at": "2025-05-16T05:30:00+07:00"}, "ends_at"),
    ({"starts_at": "2025-05-15T23:30:00+07:00"}, "starts_at"),
    ({"starts_at": "2025-05-18T23:30:00+07:00", "ends_at": "2025-05-19T00:30:00+07:00"}, "ends_at"),
    ({"starts_at": "2025-05-19T05:30:00+07:00", "ends_at": "2025-05-19T06:30:00+07:00"}, "starts_at"),
    ({"starts_at": "2025-05-15T16:30:00Z", "ends_at": "2025-05-15T17:30:00Z"}, "starts_at"),  # 23:30 WIB
    ({"location": "l" * 201}, "location"), ({"description": "d" * 5001}, "description"),
    ({"mandatory": "perhaps"}, "mandatory"), ({"mandatory": None}, "mandatory"),
    ({"speaker_ids": ["not-a-uuid"]}, "speaker_ids.0"), ({"speaker_ids": "abc"}, "speaker_ids"),
    ({"speaker_ids": [str(uuid.uuid4()) for _ in range(21)]}, "speaker_ids"),
    ({"audience_groups": ["Peleton 1", " "]}, "audience_groups.1"),
    ({"audience_groups": ["g" * 101]}, "audience_groups.0"),
    ({"audience_groups": [f"Peleton {i}" for i in range(51)]}, "audience_groups"),
    ({"audience_groups": "Peleton 1"}, "audience_groups"),
    ({"checkin_opens_before_minutes": -1}, "checkin_opens_before_minutes"),
    ({"checkin_opens_before_minutes": "60"}, "checkin_opens_before_minutes"),
    ({"checkin_closes_after_minutes": 1441}, "checkin_closes_after_minutes"),
    ({"checkin_closes_after_minutes": 1.5}, "checkin_closes_after_minutes"),
    ({"room": "Aula"}, "room"),
]


def test_bad_input_is_422_naming_the_field(api, client, admin):
    retreat = api.retreat()
    existing = api.session(retreat["id"])
    for overrides, field in BAD_INPUT:
        assert_problem(client.post(url(retreat["id"]), json=api.session_body(**overrides), headers=admin), 422,
                       field=field)
        assert_problem(client.patch(item(existing["id"]), json=overrides, headers=admin), 422, field=field)
    for field in ("title", "kind", "starts_at", "ends_at"):
        body = api.session_body()
        del body[field]
        assert_problem(client.post(url(retreat["id"]), json=body, headers=admin), 422, field=field)
    assert len(api.outbox("session.scheduled")) == 1 and api.outbox("session.updated") == []
    assert client.get(item(existing["id"]), headers=admin).get_json() == existing


def test_speakers_must_be_of_the_same_retreat(api, client, admin):
    retreat, other = api.retreat(), api.retreat("OTHER")
    ours, theirs = api.speaker(retreat["id"]), api.speaker(other["id"])
    body = api.session_body(speaker_ids=[ours["id"], ours["id"], theirs["id"], str(uuid.uuid4())])
    problem = assert_problem(client.post(url(retreat["id"]), json=body, headers=admin), 422, field="speaker_ids.2")
    assert set(problem["errors"]) == {"speaker_ids.2", "speaker_ids.3"}
    assert api.outbox("session.scheduled") == []


def test_a_session_outside_the_dates_names_the_dates_in_the_message(api, client, admin):
    retreat = api.retreat()
    body = api.session_body(starts_at="2025-05-20T08:00:00+07:00", ends_at="2025-05-20T09:00:00+07:00")
    problem = assert_problem(client.post(url(retreat["id"]), json=body, headers=admin), 422, field="starts_at")
    assert "2025-05-16" in problem["errors"]["starts_at"][0] and "2025-05-18" in problem["errors"]["starts_at"][0]


def test_the_list_runs_in_order_of_start_and_pages(api, client, operator):
    retreat = api.retreat()
    times = [("17", "08"), ("16", "05"), ("16", "19"), ("16", "05"), ("18", "06")]
    created = [api.session(retreat["id"], title=f"Sesi {n}", starts_at=f"2025-05-{day}T{hour}:30:00+07:00",
                           ends_at=f"2025-05-{day}T{hour}:59:00+07:00") for n, (day, hour) in enumerate(times)]
    expected = sorted(created, key=lambda s: (s["starts_at"], s["id"]))
    api.session(api.retreat("OTHER")["id"])  # another retreat's session is not listed
    seen, cursor = [], None
    while True:
        page = client.get(url(retreat["id"]) + "?limit=2" + (f"&cursor={cursor}" if cursor else ""),
                          headers=operator).get_json()
        assert len(page["items"]) <= 2
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [s["id"] for s in seen] == [s["id"] for s in expected]
    assert all(s["starts_at"].endswith("+07:00") for s in seen)


def test_list_filters(api, client, secretariat, admin):
    retreat = api.retreat()
    apel = api.session(retreat["id"])
    night = api.session(retreat["id"], title="Malam Keakraban", kind="other", mandatory=False,
                        starts_at="2025-05-17T00:30:00+07:00", ends_at="2025-05-17T01:30:00+07:00")
    lecture = api.session(retreat["id"], title="Kuliah", kind="lecture", starts_at="2025-05-17T08:00:00+07:00",
                          ends_at="2025-05-17T10:00:00+07:00")
    client.delete(item(lecture["id"]), headers=admin)

    def ids(query):
        response = client.get(f"{url(retreat['id'])}?{query}", headers=secretariat)
        assert response.status_code == 200, response.get_json()
        return [s["id"] for s in response.get_json()["items"]]

    assert ids("") == [apel["id"], night["id"]]
    assert ids("include_cancelled=true") == [apel["id"], night["id"], lecture["id"]]
    # 00:30 WIB on the 17th is still the 16th in UTC: the day is the retreat's local day.
    assert ids("date=2025-05-17&include_cancelled=true") == [night["id"], lecture["id"]]
    assert ids("date=2025-05-16") == [apel["id"]]
    assert ids("date=2025-05-18") == []
    assert ids("kind=apel") == [apel["id"]]
    assert ids("mandatory=false") == [night["id"]]
    assert ids("mandatory=true&include_cancelled=true") == [apel["id"], lecture["id"]]
    for query, field in [("date=17-05-2025", "date"), ("date=9999-12-31", "date"), ("kind=yoga", "kind"),
                         ("include_cancelled=perhaps", "include_cancelled"), ("limit=501", "limit"),
                         ("cursor=WzEsMl0", "cursor"), ("cursor=WyJ4IiwgInkiXQ", "cursor")]:
        assert_problem(client.get(f"{url(retreat['id'])}?{query}", headers=secretariat), 422, field=field)


def test_edit_other_fields_emits_session_updated(api, client, admin, frozen_clock):
    retreat = api.retreat()
    speaker = api.speaker(retreat["id"])
    session = api.session(retreat["id"])
    response = client.patch(item(session["id"]), json={
        "title": "Apel Pembukaan", "location": "Lapangan Sapta Marga", "speaker_ids": [speaker["id"]],
        "audience_groups": ["Peleton 3"], "checkin_opens_before_minutes": 30}, headers=admin)
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["title"] == "Apel Pembukaan" and edited["location"] == "Lapangan Sapta Marga"
    assert edited["speakers"][0]["id"] == speaker["id"] and edited["audience_groups"] == ["Peleton 3"]
    assert edited["starts_at"] == session["starts_at"] and edited["checkin_opens_at"] == "2025-05-16T05:00:00+07:00"
    [event] = api.outbox("session.updated")
    assert event["data"]["title"] == "Apel Pembukaan" and event["data"]["speaker_ids"] == [speaker["id"]]
    assert event["data"]["old_starts_at"] is None and event["data"]["checkin_opens_at"] == "2025-05-15T22:00:00+00:00"
    assert api.outbox("session.rescheduled") == []
    assert client.get(item(session["id"]), headers=admin).get_json() == edited
    # Only its speakers: still a change (session.updated), and the session shows when it was changed.
    frozen_clock(datetime(2025, 4, 1, tzinfo=timezone.utc))
    again = client.patch(item(session["id"]), json={"speaker_ids": []}, headers=admin).get_json()
    assert again["speakers"] == [] and again["updated_at"] == "2025-04-01T07:00:00+07:00"
    assert api.outbox("session.updated")[-1]["data"]["speaker_ids"] == []


def test_nothing_changed_emits_nothing(api, client, admin):
    retreat = api.retreat()
    speaker = api.speaker(retreat["id"])
    session = api.session(retreat["id"], speaker_ids=[speaker["id"]])
    same = {"title": "Apel Pagi", "starts_at": "2025-05-15T22:30:00Z", "speaker_ids": [speaker["id"]],
            "mandatory": True, "location": "Lapangan Poltekad"}
    for body in (same, {}):
        response = client.patch(item(session["id"]), json=body, headers=admin)
        assert response.status_code == 200 and response.get_json() == session
    assert api.outbox_types() == ["speaker.updated", "session.scheduled"]


def test_new_times_are_a_reschedule_with_the_old_times(api, client, admin):
    retreat = api.retreat()
    session = api.session(retreat["id"], checkin_closes_after_minutes=10)
    moved = client.patch(item(session["id"]), json={"starts_at": "2025-05-16T06:00:00+07:00",
                                                    "ends_at": "2025-05-16T07:00:00+07:00", "title": "Apel"},
                         headers=admin).get_json()
    assert moved["starts_at"] == "2025-05-16T06:00:00+07:00" and moved["title"] == "Apel"
    assert moved["checkin_opens_at"] == "2025-05-16T05:00:00+07:00"
    assert moved["checkin_closes_at"] == "2025-05-16T07:10:00+07:00"
    [event] = api.outbox("session.rescheduled")
    assert event["data"]["old_starts_at"] == "2025-05-15T22:30:00+00:00"
    assert event["data"]["old_ends_at"] == "2025-05-15T23:30:00+00:00"
    assert event["data"]["starts_at"] == "2025-05-15T23:00:00+00:00" and event["data"]["title"] == "Apel"
    assert api.outbox("session.updated") == []
    # Only the end: still a reschedule.
    longer = client.patch(item(session["id"]), json={"ends_at": "2025-05-16T07:30:00+07:00"}, headers=admin)
    assert longer.get_json()["ends_at"] == "2025-05-16T07:30:00+07:00"
    assert api.outbox("session.rescheduled")[-1]["data"]["old_ends_at"] == "2025-05-16T00:00:00+00:00"


def test_new_times_are_checked_against_the_stored_ones_and_the_dates(api, client, admin):
    retreat = api.retreat()
    session = api.session(retreat["id"])
    for body, field in [({"starts_at": "2025-05-16T06:30:00+07:00"}, "starts_at"),
                        ({"ends_at": "2025-05-16T05:00:00+07:00"}, "ends_at"),
                        ({"starts_at": "2025-05-15T05:30:00+07:00"}, "starts_at"),
                        ({"ends_at": "2025-05-19T06:30:00+07:00"}, "ends_at")]:
        assert_problem(client.patch(item(session["id"]), json=body, headers=admin), 422, field=field)
    assert client.get(item(session["id"]), headers=admin).get_json() == session
    assert api.outbox_types() == ["session.scheduled"]


def test_cancel_once_then_the_same_answer_and_no_more_edits(api, client, admin):
    retreat = api.retreat()
    session = api.session(retreat["id"])
    first = client.delete(item(session["id"]), headers=admin)
    assert first.status_code == 200
    cancelled = first.get_json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"].endswith("+07:00")
    again = client.delete(item(session["id"]), headers=admin)
    assert again.status_code == 200 and again.get_json() == cancelled
    [event] = api.outbox("session.cancelled")
    assert event["data"]["status"] == "cancelled" and event["data"]["session_id"] == session["id"]
    assert_problem(client.patch(item(session["id"]), json={"title": "Lagi"}, headers=admin), 409,
                   code="session_cancelled")
    assert client.get(url(retreat["id"]), headers=admin).get_json()["items"] == []
    assert api.outbox_types() == ["session.scheduled", "session.cancelled"]


def test_no_sessions_added_or_changed_in_a_cancelled_or_finished_retreat(api, client, admin):
    for code, action in (("retreat_cancelled", "cancel"), ("retreat_finished", "finish")):
        retreat = api.retreat(code, publish=True)
        session = api.session(retreat["id"])
        assert client.post(f"/api/v1/retreats/{retreat['id']}/{action}", headers=admin).status_code == 200
        assert_problem(client.post(url(retreat["id"]), json=api.session_body(), headers=admin), 409, code=code)
        assert_problem(client.patch(item(session["id"]), json={"title": "X"}, headers=admin), 409, code=code)
        assert_problem(client.delete(item(session["id"]), headers=admin), 409, code=code)
        assert client.get(item(session["id"]), headers=admin).get_json() == session


def test_unknown_ids_are_404(client, admin, api):
    body = api.session_body()
    for method, path in [("get", item(uuid.uuid4())), ("patch", item(uuid.uuid4())), ("delete", item(uuid.uuid4())),
                         ("get", item("nope")), ("get", url(uuid.uuid4())), ("post", url(uuid.uuid4())),
                         ("post", url("123"))]:
        assert_problem(getattr(client, method)(path, json=body if method in ("post", "patch") else None,
                                               headers=admin), 404)


def test_a_body_that_is_not_a_json_object_is_refused(api, client, admin):
    retreat = api.retreat()
    session = api.session(retreat["id"])
    assert_problem(client.post(url(retreat["id"]), data="{x", content_type="application/json", headers=admin), 400)
    assert_problem(client.patch(item(session["id"]), data="[1]", content_type="application/json", headers=admin),
                   422)


def test_roles(api, client, operator, secretariat):
    retreat = api.retreat()
    session = api.session(retreat["id"])
    assert_problem(client.get(url(retreat["id"])), 401)
    assert_problem(client.get(item(session["id"])), 401)
    assert_problem(client.delete(item(session["id"])), 401)
    for headers in (operator, secretariat):
        assert client.get(url(retreat["id"]), headers=headers).status_code == 200
        assert client.get(item(session["id"]), headers=headers).get_json() == session
        assert_problem(client.post(url(retreat["id"]), json=api.session_body(), headers=headers), 403)
        assert_problem(client.patch(item(session["id"]), json={"title": "X"}, headers=headers), 403)
        assert_problem(client.delete(item(session["id"]), headers=headers), 403)
    assert api.outbox_types() == ["session.scheduled"]


def test_the_embedded_sqlite_default_keeps_the_agendas_times(tmp_path, service_env):
    """SQLite drops a time's offset: times are stored in UTC, so the agenda, the day filter and a reschedule hold."""
    import os

    from registration import create_app
    from registration.context import context
    from retret.migrate import upgrade
    from retret_testing.http import bearer
    from retret.auth import issue_token

    url_ = f"sqlite:///{tmp_path / 'registration.db'}"
    service_env.setenv("REGISTRATION_DATABASE_URL", url_)
    context.reset()
    upgrade(os.path.join(os.path.dirname(__file__), "..", "..", "services", "registration", "migrations"), url_)
    client = create_app().test_client()
    admin = bearer(issue_token("test-jwt-secret-at-least-32-bytes-long", "admin", "admin")[0])
    body = {"code": "R", "title": "T", "starts_on": "2025-05-16", "ends_on": "2025-05-18",
            "response_deadline": "2025-05-10T17:00:00+07:00"}
    retreat = client.post("/api/v1/retreats", json=body, headers=admin).get_json()
    assert client.get(f"/api/v1/retreats/{retreat['id']}", headers=admin).get_json()["response_deadline"] == \
        "2025-05-10T17:00:00+07:00"
    for start in ("2025-05-17T00:30:00+07:00", "2025-05-16T05:30:00+07:00"):
        created = client.post(url(retreat["id"]), json={"title": "S", "kind": "apel", "starts_at": start,
                                                        "ends_at": start.replace(":30:00", ":45:00")}, headers=admin)
        assert created.status_code == 201, created.get_json()
    listed = client.get(f"{url(retreat['id'])}?date=2025-05-17", headers=admin).get_json()["items"]
    assert [s["starts_at"] for s in listed] == ["2025-05-17T00:30:00+07:00"]
    moved = client.patch(f"/api/v1/retreats/{retreat['id']}", json={"starts_on": "2025-05-17", "ends_on": "2025-05-19",
                                                                    "shift_sessions": True}, headers=admin)
    assert moved.status_code == 200, moved.get_json()
    page = client.get(f"{url(retreat['id'])}?limit=1", headers=admin).get_json()
    rest = client.get(f"{url(retreat['id'])}?limit=1&cursor={page['next_cursor']}", headers=admin).get_json()
    assert [s["starts_at"] for s in page["items"] + rest["items"]] == ["2025-05-17T05:30:00+07:00",
                                                                        "2025-05-18T00:30:00+07:00"]
    context.reset()
