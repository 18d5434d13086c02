"""`/api/v1/notifications`: list with filters and pages, one with its history, stats; admin only; 422 per field."""
import uuid

import pytest

from notifications import sending
from notifications.handlers import HANDLERS
from retret.auth import issue_token
from retret.events.catalogue import CATALOGUE, REGISTRATION_ID, RETREAT_ID
from retret_testing.http import assert_problem, bearer

OTHER_RETREAT = "11111111-2222-4333-8444-555555555555"
# Without a phone: the seeded messages are emails only (SMS have their own tests).
OFFICIAL = {**CATALOGUE["participant.invited"].sample["official"], "phone": None}
BASE = "/api/v1/notifications"


@pytest.fixture
def seeded(ctx, envelope, smtp_server):
    """Five emails: 3 invitations (one to another retreat), 1 confirmation, 1 rejected by the server."""
    for n in range(3):
        ctx.bus.consume(envelope("participant.invited", official={**OFFICIAL, "email": f"p{n}@malangkota.go.id"},
                                 registration_id=str(uuid.UUID(int=n + 1)),
                                 retreat_id=OTHER_RETREAT if n == 2 else RETREAT_ID), HANDLERS)
    ctx.bus.consume(envelope("registration.confirmed", official=OFFICIAL), HANDLERS)
    sending.send_due()
    ctx.bus.consume(envelope("registration.declined", official={**OFFICIAL, "email": "reject@malangkota.go.id"}),
                    HANDLERS)
    sending.send_due()


def get(client, headers, path=BASE, **query):
    return client.get(path, headers=headers, query_string=query)


def test_list_items_and_fields(client, admin_headers, seeded):
    response = get(client, admin_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_cursor"] is None and len(body["items"]) == 5
    item = body["items"][0]
    for key in ("id", "channel", "kind", "recipient", "registration_id", "status", "attempts", "provider",
                "created_at", "updated_at"):
        assert key in item
    assert item["channel"] == "email" and item["kind"] == "invitation" and item["provider"] == "smtp"
    assert item["created_at"].endswith("+07:00")  # the retreat's time zone
    assert "body_text" not in item


@pytest.mark.parametrize("query,expected", [
    ({"kind": "invitation"}, 3),
    ({"kind": "confirmation"}, 1),
    ({"kind": "announcement"}, 0),
    ({"status": "sent"}, 4),
    ({"status": "permanent-failure"}, 1),
    ({"channel": "email"}, 5),
    ({"channel": "sms"}, 0),
    ({"retreat_id": OTHER_RETREAT}, 1),
    ({"retreat_id": RETREAT_ID, "kind": "invitation"}, 2),
    ({"registration_id": REGISTRATION_ID}, 2),
    ({"registration_id": str(uuid.UUID(int=1))}, 1),
])
def test_filters(client, admin_headers, seeded, query, expected):
    response = get(client, admin_headers, **query)
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert len(items) == expected
    for key, value in query.items():
        assert all(item[key] == value for item in items)


@pytest.mark.parametrize("field,value", [
    ("channel", "fax"), ("status", "done"), ("kind", "spam"), ("retreat_id", "not-a-uuid"),
    ("registration_id", "123"), ("limit", "0"), ("limit", "501"), ("limit", "many"), ("cursor", "%%%garbage"),
])
def test_bad_filters_are_422_naming_the_field(client, admin_headers, seeded, field, value):
    assert_problem(get(client, admin_headers, **{field: value}), 422, field=field)


def test_pages(client, admin_headers, seeded):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = get(client, admin_headers, **query).get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    assert seen == [item["id"] for item in get(client, admin_headers).get_json()["items"]]


def test_one_with_history(client, admin_headers, seeded):
    rejected = get(client, admin_headers, status="permanent-failure").get_json()["items"][0]
    response = get(client, admin_headers, f"{BASE}/{rejected['id']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["recipient"] == "reject@malangkota.go.id" and body["kind"] == "declined"
    assert body["error"].startswith("SMTP 550") and body["attempts"] == 1
    assert [h["status"] for h in body["history"]] == ["created", "sending", "permanent-failure"]
    assert all(h["at"].endswith("+07:00") for h in body["history"])
    assert "Tugas dinas ke Jakarta" in body["body_text"] and body["body_html"]
    assert body["message_id"].endswith("@retret>")


@pytest.mark.parametrize("notification_id", [str(uuid.uuid4()), "not-a-uuid", "x" * 300])
def test_unknown_or_malformed_id_is_404(client, admin_headers, notification_id):
    assert_problem(get(client, admin_headers, f"{BASE}/{notification_id}"), 404)


def test_stats(client, admin_headers, seeded):
    body = get(client, admin_headers, f"{BASE}/stats").get_json()
    assert body["total"] == 5 and body["retreat_id"] is None
    email = body["channels"]["email"]
    assert email["total"] == 5 and email["statuses"]["sent"] == 4 and email["statuses"]["permanent-failure"] == 1
    assert email["statuses"]["delivered"] == 0
    assert body["channels"]["sms"]["total"] == 0
    assert body["statuses"]["sent"] == 4
    other = get(client, admin_headers, f"{BASE}/stats", retreat_id=OTHER_RETREAT).get_json()
    assert other["total"] == 1 and other["retreat_id"] == OTHER_RETREAT
    assert_problem(get(client, admin_headers, f"{BASE}/stats", retreat_id="nope"), 422, field="retreat_id")


def test_stats_list_the_officials_nobody_reached(client, admin_headers, ctx, envelope, smtp_server):
    def register(n, type_name="participant.invited", **official):
        ctx.bus.consume(envelope(type_name, registration_id=str(uuid.UUID(int=n)), official={
            **OFFICIAL, "nip": f"19860926201505100{n}", "name": f"Pejabat {n}", **official}), HANDLERS)
    register(1, email="p1@malangkota.go.id", phone="+6281234567801")
    register(2, email=None, phone="+6281234567802")  # SMS only (log provider): reached
    register(3, email=None, phone=None)  # nobody can reach this one
    register(4, email="reject@malangkota.go.id")  # the server refuses: every message failed
    register(5, type_name="registration.declined", email=None)  # declined: not counted
    sending.send_due()
    officials = get(client, admin_headers, f"{BASE}/stats", retreat_id=RETREAT_ID).get_json()["officials"]
    assert (officials["total"], officials["without_email"], officials["without_phone"]) == (4, 2, 2)
    assert [(o["name"], o["reason"]) for o in officials["unreachable"]] == [("Pejabat 3", "no_contact"),
                                                                          ("Pejabat 4", "all_failed")]
    assert officials["unreachable_total"] == 2 and officials["unreachable"][0]["nip"] == "198609262015051003"


def test_stats_of_every_retreat_count_all_officials_and_list_the_first_unreached(client, admin_headers, ctx,
                                                                                  envelope, monkeypatch):
    from notifications import services
    for n, retreat_id in ((1, RETREAT_ID), (2, RETREAT_ID), (3, OTHER_RETREAT)):
        ctx.bus.consume(envelope("participant.invited", registration_id=str(uuid.UUID(int=n)), retreat_id=retreat_id,
                                 official={**OFFICIAL, "nip": f"19860926201505100{n}", "name": f"Pejabat {n}",
                                           "email": None, "phone": None}), HANDLERS)
    monkeypatch.setattr(services, "UNREACHABLE_LIMIT", 2)
    officials = get(client, admin_headers, f"{BASE}/stats").get_json()["officials"]
    assert (officials["total"], officials["without_email"], officials["unreachable_total"]) == (3, 3, 3)
    assert len(officials["unreachable"]) == 2  # the count is whole, the list stops at the limit
    assert {o["retreat_id"] for o in officials["unreachable"]} <= {RETREAT_ID, OTHER_RETREAT}
    one = get(client, admin_headers, f"{BASE}/stats", retreat_id=OTHER_RETREAT).get_json()["officials"]
    assert (one["total"], one["unreachable_total"], [o["name"] for o in one["unreachable"]]) == (
        1, 1, ["Pejabat 3"])


@pytest.mark.parametrize("path", [BASE, f"{BASE}/stats", f"{BASE}/{uuid.uuid4()}"])
def test_admin_only(client, path):
    assert_problem(client.get(path), 401)
    assert_problem(client.get(path, headers=bearer("not.a.token")), 401)
    assert_problem(client.get(path, headers=bearer(issue_token("wrong-secret", "admin", "admin")[0])), 401)
    for role in ("operator", "secretariat"):
        token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", role, role)
        assert_problem(client.get(path, headers=bearer(token)), 403)


def test_auth_before_validation(client):
    assert_problem(client.get(BASE, query_string={"channel": "fax"}), 401)


def test_openapi_declares_the_endpoints_and_errors(client):
    spec = client.get("/openapi.json").get_json()
    for path, codes in ((BASE, {"200", "401", "403", "422"}),
                        (f"{BASE}/stats", {"200", "401", "403", "422"}),
                        (BASE + "/{notification_id}", {"200", "401", "403", "404"})):
        operation = spec["paths"][path]["get"]
        assert codes <= set(operation["responses"]), (path, operation["responses"].keys())
        assert operation["security"] == [{"bearerAuth": []}]
    params = {p["name"] for p in spec["paths"][BASE]["get"]["parameters"]}
    assert {"retreat_id", "channel", "status", "kind", "registration_id", "limit", "cursor"} <= params


def test_health(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").get_json()["database"] == "up"
