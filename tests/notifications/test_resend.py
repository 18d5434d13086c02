"""A person acts on what went wrong: POST /notifications/{id}/resend (admin only) sends a failed message again as a
new attempt with its own history entry; GET /notifications/stats lists the officials nobody reached."""
import uuid

import pytest

from notifications import sending
from notifications.handlers import HANDLERS
from retret.auth import issue_token
from retret.events.catalogue import CATALOGUE
from retret_testing.http import assert_problem, bearer
from retret_testing.infra import wait_for

from .conftest import DLR_SECRET

OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
DLR = "/api/v1/providers/kannel/dlr"
RETREAT_ID = CATALOGUE["participant.invited"].sample["retreat_id"]


def invite(ctx, envelope, registration_id=None, **official):
    data = {"official": {**OFFICIAL, **official}}
    if registration_id:
        data["registration_id"] = registration_id
    ctx.bus.consume(envelope("participant.invited", **data), HANDLERS)


def resend(client, headers, notification_id):
    return client.post(f"/api/v1/notifications/{notification_id}/resend", headers=headers)


def test_a_failed_sms_is_resent_and_delivered(ctx, db, envelope, client, admin_headers, kannel, api_server):
    """A delivery report of failure → permanent-failure; resend → delivered (through the real Kannel)."""
    invite(ctx, envelope, email=None)
    assert sending.send_due() in ({"sent": 1}, {"delivered": 1})
    row = wait_for(lambda: (r := db.one(channel="sms")).status == "delivered" and r, 20, message="delivered")
    # A delivered SMS is final: not resendable.
    answer = resend(client, admin_headers, row.id)
    assert_problem(answer, 409)
    assert answer.get_json()["code"] == "not_resendable"

    invite(ctx, envelope, email=None, phone="+6281311112222", registration_id=str(uuid.uuid4()))
    other = db.one(channel="sms", recipient="+6281311112222")
    db.update(other.id, status="sent", attempts=1, provider="kannel")
    failed = client.get(DLR, query_string={"secret": DLR_SECRET, "id": other.id, "status": 2, "attempt": 1})
    assert failed.status_code == 200 and failed.get_json()["status"] == "permanent-failure"

    answer = resend(client, admin_headers, other.id)
    assert answer.status_code == 202
    assert answer.get_json()["status"] == "created" and answer.get_json()["id"] == other.id
    detail = client.get(f"/api/v1/notifications/{other.id}", headers=admin_headers).get_json()
    assert detail["history"][-1]["status"] == "created"
    assert detail["history"][-1]["detail"].startswith("resend requested by admin after permanent-failure")
    assert sending.send_due() in ({"sent": 1}, {"delivered": 1})
    row = wait_for(lambda: (r := db.get(type(other), other.id)).status == "delivered" and r, 20,
                   message=f"the resent SMS delivered\n{kannel.log_text()[-2000:]}")
    assert row.attempts == 2
    history = db.history(row.id)
    after = history[history.index("permanent-failure") + 1:]
    assert after[:2] == ["created", "sending"] and after[-1] == "delivered"
    events = [e["data"]["status"] for e in db.events() if e["data"]["notification_id"] == row.id]
    assert "permanent-failure" in events and events[-1] == "delivered"


def test_a_technical_failure_email_is_resent_with_the_same_message_id(ctx, db, envelope, client, admin_headers,
                                                                     smtp_server):
    invite(ctx, envelope, phone=None)
    row = db.one(channel="email")
    db.update(row.id, status="technical-failure", attempts=6, due_at=None, error="stuck")
    assert resend(client, admin_headers, row.id).status_code == 202
    assert sending.send_due() == {"sent": 1}
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == row.message_id
    assert db.get(type(row), row.id).attempts == 7


@pytest.mark.parametrize("status", ["created", "sending", "sent", "temporary-failure", "delivered"])
def test_other_statuses_are_not_resendable(ctx, db, envelope, client, admin_headers, status):
    invite(ctx, envelope, phone=None)
    row = db.one()
    db.update(row.id, status=status)
    answer = resend(client, admin_headers, row.id)
    assert_problem(answer, 409)
    assert answer.get_json()["code"] == "not_resendable" and status in answer.get_json()["detail"]
    assert db.history(row.id) == ["created"]


def test_a_message_without_a_body_is_not_resendable(ctx, db, envelope, client, admin_headers):
    invite(ctx, envelope, phone=None)
    row = db.one()
    db.update(row.id, status="technical-failure", body_text="")
    assert resend(client, admin_headers, row.id).get_json()["code"] == "not_resendable"


def test_resend_is_admin_only_and_404_for_unknown(ctx, db, envelope, client, admin_headers):
    invite(ctx, envelope, phone=None)
    row = db.one()
    db.update(row.id, status="permanent-failure")
    for role in ("operator", "secretariat"):
        token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", role, role)
        assert_problem(resend(client, bearer(token), row.id), 403)
    assert_problem(client.post(f"/api/v1/notifications/{row.id}/resend"), 401)
    assert_problem(resend(client, admin_headers, str(uuid.uuid4())), 404)
    assert_problem(resend(client, admin_headers, "not-a-uuid"), 404)
    assert db.one().status == "permanent-failure"


def test_stats_list_the_officials_nobody_reached(ctx, db, envelope, client, admin_headers):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    invite(ctx, envelope, registration_id=ids[0], email=None, phone=None, name="Tanpa Kontak", nip="1" * 18)
    invite(ctx, envelope, registration_id=ids[1], phone=None, name="Gagal Semua", nip="2" * 18)
    invite(ctx, envelope, registration_id=ids[2], name="Masih Dikirim", nip="3" * 18)
    db.update(db.one(registration_id=ids[1]).id, status="permanent-failure")
    [still_going, _] = db.notifications(registration_id=ids[2])
    db.update(still_going.id, status="technical-failure")  # the other one is on its way: not unreached
    stats = client.get("/api/v1/notifications/stats", headers=admin_headers,
                       query_string={"retreat_id": RETREAT_ID}).get_json()
    unreachable = stats["officials"]["unreachable"]
    assert [(u["name"], u["reason"], u["messages"]) for u in unreachable] == [
        ("Gagal Semua", "all_failed", 1), ("Tanpa Kontak", "no_contact", 1)]
    assert unreachable[0]["registration_id"] == ids[1] and stats["officials"]["unreachable_total"] == 2
    other = client.get("/api/v1/notifications/stats", headers=admin_headers,
                       query_string={"retreat_id": str(uuid.uuid4())}).get_json()
    assert other["officials"]["unreachable"] == []
