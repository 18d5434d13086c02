"""Retreats: create, list, read, publish, cancel; validation and roles."""
import uuid

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
        "starts_on": "2025-05-16", "ends_on": "2025-05-18", "status": "published", "attendance_threshold": 0.9,
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
