"""The reporting API over a projection fed through the real inbox: summary, units, sessions, projection."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from retret.events.catalogue import RETREAT_ID
from retret_testing.http import assert_problem, bearer

BASE = "/api/v1/reports"
SUMMARY = f"{BASE}/retreats/{RETREAT_ID}/summary"
NOTIFICATIONS = f"{BASE}/retreats/{RETREAT_ID}/notifications"
REPORT_PATHS = [SUMMARY, f"{BASE}/retreats/{RETREAT_ID}/units", f"{BASE}/retreats/{RETREAT_ID}/sessions",
                NOTIFICATIONS, f"{BASE}/projection"]
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def summary(client, headers, retreat_id=RETREAT_ID):
    response = client.get(f"{BASE}/retreats/{retreat_id}/summary", headers=headers("secretariat"))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def retreat(events):
    events.send("retreat.published", events.retreat())
    return RETREAT_ID


def test_summary_counts_invited_confirmed_declined(client, headers, events, retreat):
    a, b, c, d = ids(4)
    for reg in (a, b, c, d):
        events.send("participant.invited", events.invited(reg))
    events.set_status(a, "confirmed")
    events.set_status(b, "declined")
    events.set_status(d, "cancelled")
    body = summary(client, headers)
    assert set(body) == {"retreat_id", "registrations", "attendance", "certificates", "as_of"}
    assert body["retreat_id"] == RETREAT_ID
    assert body["registrations"] == {"total": 4, "invited": 1, "confirmed": 1, "declined": 1, "cancelled": 1,
                                     "waitlisted": 0}
    assert body["attendance"] == {"sessions": 0, "records": 0, "present": 0, "late": 0, "excused": 0, "absent": 0,
                                  "rate": 0}
    assert body["certificates"] == {"lulus": 0, "telah_mengikuti": 0, "none": 1}
    assert body["as_of"] == {"registration": 8, "notifications": 0}


def test_duplicate_envelope_leaves_the_counts(client, headers, events, retreat):
    reg = ids(1)[0]
    events.send("participant.invited", events.invited(reg))
    type_name, data = events.status(reg, "confirmed")
    confirmed = events.envelope(type_name, data)
    assert events.consume(confirmed).value == "applied"
    before = summary(client, headers)
    assert events.consume(confirmed).value == "duplicate"
    assert summary(client, headers) == before
    assert before["registrations"]["confirmed"] == 1


def test_out_of_order_confirmed_before_invited(client, headers, events, retreat):
    reg = ids(1)[0]
    type_name, data = events.status(reg, "confirmed")
    events.send(type_name, data, sequence=5)
    events.send("participant.invited", events.invited(reg, name="Ir. Sri Wahyuni"), sequence=3)
    assert summary(client, headers)["registrations"] | {"total": None} == {
        "total": None, "invited": 0, "confirmed": 1, "declined": 0, "cancelled": 0, "waitlisted": 0}


def _agenda(events):
    """Four ended mandatory sessions (one only for Peleton 1), an optional one, a cancelled one, a future one."""
    def send(hours_ago, **changes):
        data = events.session(NOW - timedelta(hours=hours_ago), **changes)
        events.send("session.cancelled" if changes.get("status") == "cancelled" else "session.scheduled", data)
        return data["session_id"]
    return {
        "s1": send(30, title="Apel Pagi"), "s2": send(28, title="Ceramah Kepala BKN", kind="lecture"),
        "s3": send(26, title="Diskusi Kelompok", kind="discussion"),
        "p1": send(24, title="Latihan Fisik Peleton 1", kind="physical", audience_groups=["Peleton 1"]),
        "opt": send(20, title="Makan Malam", kind="meal", mandatory=False),
        "cancel": send(18, title="Batal", status="cancelled"),
        "future": send(-20, title="Upacara Penutupan", kind="ceremony"),
    }


def _roster(events):
    a, b, c, d = ids(4)
    for reg, unit in ((a, "35.73.05"), (b, "35.73.05"), (c, "35.73.01"), (d, "35.73.01")):
        events.send("participant.invited", events.invited(reg, unit_code=unit, unit_name=f"Unit {unit}"))
    for reg in (a, b, c):
        events.set_status(reg, "confirmed")
    events.send("group.assigned", registration_id=a, group="Peleton 1", room="B-1")
    events.send("group.assigned", registration_id=b, group="Peleton 2", room="B-2")
    return a, b, c, d


def _attendance(events, s, a, b, c):
    # A (Peleton 1): s1 present, s2 late, s3 approved permit, p1 absent  → 3/4 → telah_mengikuti
    events.attendance(a, s["s1"], "present")
    events.attendance(a, s["s2"], "late")
    events.permit(a, "approved", session_ids=[s["s3"]])
    # B (Peleton 2): present everywhere expected (s1, s2, s3) → lulus
    for key in ("s1", "s2", "s3"):
        events.attendance(b, s[key], "present")
    events.attendance(b, s["opt"], "present")
    # C: nothing, a rejected and a pending permit → absent everywhere → none
    events.permit(c, "rejected", session_ids=[s["s1"]])
    events.permit(c, "pending", session_ids=[s["s2"]])


def test_attendance_rate_and_certificates(client, headers, events, retreat):
    s = _agenda(events)
    a, b, c, _d = _roster(events)
    _attendance(events, s, a, b, c)
    body = summary(client, headers)
    # expected: s1, s2, s3 for A, B, C (9) + p1 for A (1) = 10
    assert body["attendance"] == {"sessions": 4, "records": 10, "present": 4, "late": 1, "excused": 1,
                                  "absent": 4, "rate": 0.6}
    assert body["certificates"] == {"lulus": 1, "telah_mengikuti": 1, "none": 1}
    assert body["registrations"]["confirmed"] == 3

    # an excused attendance emitted by registration counts the same as the permit
    events.attendance(c, s["s1"], "excused")
    body = summary(client, headers)
    assert (body["attendance"]["excused"], body["attendance"]["absent"]) == (2, 3)


def test_a_withdrawn_permit_and_its_cleared_excuse_count_as_absent_again(client, headers, events, retreat):
    s = _agenda(events)
    a, b, c, _d = _roster(events)
    _attendance(events, s, a, b, c)
    permit_id = str(uuid.uuid4())
    events.permit(c, "approved", session_ids=[s["s1"], s["s2"]], permit_id=permit_id)
    events.attendance(c, s["s1"], "excused", method="permit", scanned_at=None, device_id=None)
    events.attendance(c, s["s2"], "excused", method="permit", scanned_at=None, device_id=None)
    assert (summary(client, headers)["attendance"]["excused"], summary(client, headers)["attendance"]["absent"]) == (
        3, 2)
    events.permit(c, "withdrawn", session_ids=[s["s1"], s["s2"]], permit_id=permit_id)
    events.cleared(c, s["s1"])
    events.cleared(c, s["s2"])
    body = summary(client, headers)
    # As before the permit: A's s3 excused, C absent everywhere.
    assert (body["attendance"]["excused"], body["attendance"]["absent"]) == (1, 4)
    assert body["certificates"]["none"] == 1


def test_as_of_reflects_sequences(client, headers, events, retreat):
    events.send("participant.invited")
    events.send("notification.status_changed")
    events.send("notification.status_changed", status="delivered")
    assert summary(client, headers)["as_of"] == {"registration": 2, "notifications": 2}
    events.send("registration.confirmed", sequence=5)  # 3 and 4 missing
    assert summary(client, headers)["as_of"] == {"registration": 2, "notifications": 2}
    body = client.get(f"{BASE}/projection", headers=headers("secretariat")).get_json()
    assert body["sources"]["registration"] | {"max_seen": None} == {
        "last_sequence": 2, "max_seen": None, "gaps": [3, 4], "gap_count": 2}
    events.send("participant.updated", sequence=3)
    events.send("group.assigned", sequence=4)
    assert summary(client, headers)["as_of"] == {"registration": 5, "notifications": 2}


def test_projection_status(client, headers, events):
    body = client.get(f"{BASE}/projection", headers=headers("admin")).get_json()
    assert body["rebuild"] == {"state": "idle", "started_at": None, "finished_at": None, "events_replayed": 0}
    for source in ("registration", "notifications"):
        assert body["sources"][source]["last_sequence"] == 0
        assert body["sources"][source]["gaps"] == []
    events.send("retreat.published")
    body = client.get(f"{BASE}/projection", headers=headers("secretariat")).get_json()
    assert body["sources"]["registration"]["last_sequence"] == 1


def test_units_report(client, headers, events, retreat):
    s = _agenda(events)
    a, b, c, _d = _roster(events)
    _attendance(events, s, a, b, c)
    response = client.get(f"{BASE}/retreats/{RETREAT_ID}/units", headers=headers("secretariat"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_cursor"] is None
    first, second = body["items"]
    assert first | {"rate": None} == {"unit_code": "35.73.01", "unit_name": "Unit 35.73.01", "total": 2,
                                      "confirmed": 1, "declined": 0, "present": 0, "late": 0, "excused": 0,
                                      "absent": 3, "records": 3, "rate": None}
    assert first["rate"] == 0
    assert (second["unit_code"], second["total"], second["confirmed"], second["present"], second["late"],
            second["excused"], second["absent"], second["rate"]) == ("35.73.05", 2, 2, 4, 1, 1, 1, 6 / 7)

    page = client.get(f"{BASE}/retreats/{RETREAT_ID}/units?limit=1", headers=headers("secretariat")).get_json()
    assert [i["unit_code"] for i in page["items"]] == ["35.73.01"] and page["next_cursor"]
    rest = client.get(f"{BASE}/retreats/{RETREAT_ID}/units?limit=1&cursor={page['next_cursor']}",
                      headers=headers("secretariat")).get_json()
    assert [i["unit_code"] for i in rest["items"]] == ["35.73.05"] and rest["next_cursor"] is None


def test_sessions_report_in_retreat_time_zone(client, headers, events, retreat):
    s = _agenda(events)
    a, b, c, _d = _roster(events)
    _attendance(events, s, a, b, c)
    body = client.get(f"{BASE}/retreats/{RETREAT_ID}/sessions", headers=headers("secretariat")).get_json()
    items = {i["session_id"]: i for i in body["items"]}
    assert [i["session_id"] for i in body["items"]] == [s[k] for k in ("s1", "s2", "s3", "p1", "opt", "cancel",
                                                                       "future")]
    assert all(i["starts_at"].endswith("+07:00") for i in body["items"])
    assert datetime.fromisoformat(items[s["s1"]]["starts_at"]) == NOW - timedelta(hours=30)
    s1 = items[s["s1"]]
    assert (s1["title"], s1["expected"], s1["present"], s1["late"], s1["excused"], s1["absent"]) == (
        "Apel Pagi", 3, 2, 0, 0, 1)
    assert (items[s["p1"]]["expected"], items[s["p1"]]["absent"]) == (1, 1)
    assert (items[s["future"]]["expected"], items[s["future"]]["absent"]) == (3, 0)
    assert items[s["cancel"]]["absent"] == 0


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_auth(client, headers, events, retreat, path):
    assert_problem(client.get(path), 401)
    assert_problem(client.get(path, headers=bearer("not-a-jwt")), 401)
    assert_problem(client.get(path, headers=headers("operator")), 403)
    assert client.get(path, headers=headers("secretariat")).status_code == 200
    assert client.get(path, headers=headers("admin")).status_code == 200


@pytest.mark.parametrize("report", ["summary", "units", "sessions", "notifications"])
def test_unknown_or_malformed_retreat_is_404(client, headers, report):
    unknown = client.get(f"{BASE}/retreats/{uuid.uuid4()}/{report}", headers=headers("secretariat"))
    assert_problem(unknown, 404, code="retreat_not_found")
    for bad in ("not-a-uuid", "1", "%27%20OR%201%3D1", "x" * 5000):
        assert_problem(client.get(f"{BASE}/retreats/{bad}/{report}", headers=headers("secretariat")), 404)


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                                          ("cursor=%%%", "cursor"), ("cursor=" + "a" * 600, "cursor")])
def test_bad_list_arguments_are_422(client, headers, events, retreat, query, field):
    events.send("participant.invited")
    for report in ("units", "sessions"):
        response = client.get(f"{BASE}/retreats/{RETREAT_ID}/{report}?{query}", headers=headers("secretariat"))
        assert_problem(response, 422, field=field)


def test_a_forged_cursor_is_422_not_500(client, headers, events, retreat):
    from retret.http.pagination import encode_cursor
    events.send("participant.invited")
    for report, cursor in (("units", encode_cursor([{"x": 1}, None, 3])), ("sessions", encode_cursor([1, 2]))):
        response = client.get(f"{BASE}/retreats/{RETREAT_ID}/{report}?cursor={cursor}",
                              headers=headers("secretariat"))
        assert_problem(response, 422, field="cursor")


def test_openapi_lists_the_paths_with_their_errors(client):
    spec = client.get("/openapi.json").get_json()
    expected = {
        "/api/v1/reports/retreats/{retreat_id}/summary": {"200", "401", "403", "404"},
        "/api/v1/reports/retreats/{retreat_id}/units": {"200", "401", "403", "404", "422"},
        "/api/v1/reports/retreats/{retreat_id}/sessions": {"200", "401", "403", "404", "422"},
        "/api/v1/reports/retreats/{retreat_id}/notifications": {"200", "401", "403", "404"},
        "/api/v1/reports/projection": {"200", "401", "403"},
    }
    for path, statuses in expected.items():
        operation = spec["paths"][path]["get"]
        assert statuses <= set(operation["responses"]), (path, operation["responses"])
        assert operation["security"] == [{"bearerAuth": []}]
    rebuild = spec["paths"]["/api/v1/reports/projection/rebuild"]["post"]
    assert {"202", "401", "403", "409", "503"} <= set(rebuild["responses"])
    assert rebuild["security"] == [{"bearerAuth": []}]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    summary_schema = spec["components"]["schemas"]["Summary"]
    assert set(summary_schema["properties"]) == {"retreat_id", "registrations", "attendance", "certificates",
                                                 "as_of"}
    reach_schema = spec["components"]["schemas"]["Reach"]
    assert set(reach_schema["properties"]) == {"retreat_id", "channels", "kinds", "unreached", "as_of"}
    assert {"total", "temporary-failure", "permanent-failure"} <= set(spec["components"]["schemas"]["ChannelCounts"]
                                                                      ["properties"])


def test_sessions_report_pages_by_start(client, headers, events, retreat):
    s = _agenda(events)
    seen, cursor = [], None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"{BASE}/retreats/{RETREAT_ID}/sessions?{query}", headers=headers("secretariat")).get_json()
        seen += [i["session_id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [s[k] for k in ("s1", "s2", "s3", "p1", "opt", "cancel", "future")]


def test_a_retreat_known_only_from_a_registration_brief_is_reported(client, headers, events):
    events.send("participant.invited")  # retreat.published not received yet (lost, to be replayed)
    body = summary(client, headers)
    assert body["registrations"]["invited"] == 1


# ------------------------------------------------------------------------------------------ notifications report
NO_CONTACT_ERROR = "no email and no phone number: nobody to send to"


def notification(events, registration_id, status, channel="email", kind="invitation", error=None,
                 notification_id=None, retreat_id=RETREAT_ID, **changes):
    """One notification.status_changed as notifications emits it; returns its id."""
    notification_id = notification_id or str(uuid.uuid4())
    events.send("notification.status_changed", notification_id=notification_id, registration_id=registration_id,
                retreat_id=retreat_id, channel=channel, kind=kind, status=status, error=error,
                attempts=0 if error == NO_CONTACT_ERROR else 1, **changes)
    return notification_id


def _reach_roster(events):
    """nocontact: neither email nor phone; bounced: every message failed; mixed: the SMS got through;
    retrying: the email still on its way; declined: failed but no longer open; quiet: no message yet."""
    people = dict(zip(("nocontact", "bounced", "mixed", "retrying", "declined", "quiet"), ids(6)))
    units = {"nocontact": "35.73.05", "bounced": "35.73.01"}
    for key, reg in people.items():
        unit = units.get(key, "35.73.02")
        events.send("participant.invited", events.invited(reg, name=f"Pejabat {key}", unit_code=unit,
                                                          unit_name=f"Unit {unit}", nip=f"1980{key}"))
    events.set_status(people["declined"], "declined")
    events.set_status(people["bounced"], "confirmed")
    return people


def _reach_messages(events, p):
    notification(events, p["nocontact"], "permanent-failure", error=NO_CONTACT_ERROR)
    notification(events, p["nocontact"], "permanent-failure", kind="confirmation", error=NO_CONTACT_ERROR)
    bounced = notification(events, p["bounced"], "sending")
    notification(events, p["bounced"], "permanent-failure", notification_id=bounced, error="550 no such user")
    notification(events, p["bounced"], "technical-failure", channel="sms", error="Kannel 4xx", provider="kannel")
    notification(events, p["mixed"], "permanent-failure", error="550 no such user")
    notification(events, p["mixed"], "delivered", channel="sms", provider="kannel")
    notification(events, p["retrying"], "permanent-failure", channel="sms", error="rejected")
    notification(events, p["retrying"], "temporary-failure", error="421 try later")
    notification(events, p["declined"], "permanent-failure", error="550 no such user")
    notification(events, None, "sent", kind="announcement")


def test_notifications_report_counts_and_lists_who_nobody_reached(client, headers, events, retreat):
    people = _reach_roster(events)
    _reach_messages(events, people)
    response = client.get(NOTIFICATIONS, headers=headers("secretariat"))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"retreat_id", "channels", "kinds", "unreached", "as_of"}
    assert body["retreat_id"] == RETREAT_ID
    zero = {"created": 0, "sending": 0, "sent": 0, "delivered": 0, "temporary-failure": 0, "permanent-failure": 0,
            "technical-failure": 0}
    assert body["channels"] == {
        "email": {**zero, "total": 7, "sent": 1, "temporary-failure": 1, "permanent-failure": 5},
        "sms": {**zero, "total": 3, "delivered": 1, "permanent-failure": 1, "technical-failure": 1},
    }
    assert body["kinds"] == {
        "announcement": {"total": 1, "delivered": 0, "sent": 1, "pending": 0, "failed": 0},
        "confirmation": {"total": 1, "delivered": 0, "sent": 0, "pending": 0, "failed": 1},
        "invitation": {"total": 8, "delivered": 1, "sent": 0, "pending": 1, "failed": 6},
    }
    assert body["unreached"] == {"total": 2, "items": [
        {"registration_id": people["bounced"], "nip": "1980bounced", "name": "Pejabat bounced",
         "unit_code": "35.73.01", "unit_name": "Unit 35.73.01", "status": "confirmed", "reason": "all_failed",
         "messages": 2},
        {"registration_id": people["nocontact"], "nip": "1980nocontact", "name": "Pejabat nocontact",
         "unit_code": "35.73.05", "unit_name": "Unit 35.73.05", "status": "invited", "reason": "no_contact",
         "messages": 2},
    ]}
    assert body["as_of"] == {"registration": 9, "notifications": 11}
    # Reporting holds no contact: the invited events carried them, nothing of them comes back.
    official = events.official()
    text = response.get_data(as_text=True)
    assert official["email"] not in text and official["phone"] not in text


def test_a_message_that_gets_through_later_takes_the_official_off_the_list(client, headers, events, retreat):
    reg = ids(1)[0]
    events.send("participant.invited", events.invited(reg))
    sms = notification(events, reg, "technical-failure", channel="sms", error="Kannel down")
    assert client.get(NOTIFICATIONS, headers=headers("admin")).get_json()["unreached"]["total"] == 1
    notification(events, reg, "delivered", channel="sms", notification_id=sms)  # its delivery report settles it
    body = client.get(NOTIFICATIONS, headers=headers("admin")).get_json()
    assert body["unreached"] == {"total": 0, "items": []}
    assert body["channels"]["sms"] | {"total": None} == {
        "total": None, "created": 0, "sending": 0, "sent": 0, "delivered": 1, "temporary-failure": 0,
        "permanent-failure": 0, "technical-failure": 0}


def test_notifications_of_another_retreat_are_not_counted(client, headers, events, retreat):
    reg = ids(1)[0]
    events.send("participant.invited", events.invited(reg))
    notification(events, reg, "permanent-failure", error=NO_CONTACT_ERROR)
    notification(events, None, "sent", kind="announcement", retreat_id=str(uuid.uuid4()))
    # a message naming no retreat still belongs to the retreat of its registration
    notification(events, reg, "permanent-failure", kind="response_reminder", error=NO_CONTACT_ERROR,
                 retreat_id=None)
    body = client.get(NOTIFICATIONS, headers=headers("secretariat")).get_json()
    assert body["channels"]["email"]["total"] == 2
    assert set(body["kinds"]) == {"invitation", "response_reminder"}
    assert [(i["registration_id"], i["messages"]) for i in body["unreached"]["items"]] == [(reg, 2)]


def test_an_empty_retreat_has_every_status_at_zero(client, headers, events, retreat):
    body = client.get(NOTIFICATIONS, headers=headers("secretariat")).get_json()
    assert body["kinds"] == {} and body["unreached"] == {"total": 0, "items": []}
    assert all(counts == {"total": 0, "created": 0, "sending": 0, "sent": 0, "delivered": 0, "temporary-failure": 0,
                          "permanent-failure": 0, "technical-failure": 0} for counts in body["channels"].values())
    assert set(body["channels"]) == {"email", "sms"}
