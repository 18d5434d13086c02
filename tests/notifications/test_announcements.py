"""Announcements as the contract says: Idempotency-Key, audience filters, `recipients` counted, now or at
`send_at`, fanned out by the bulk scan, delivery figures; received over a real SMTP server."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from notifications import fanouts, sending
from notifications.handlers import HANDLERS
from retret.events.catalogue import CATALOGUE, RETREAT_ID

OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
URL = "/api/v1/announcements"


@pytest.fixture
def retreat(ctx, envelope, frozen_clock, smtp_server):
    frozen_clock.value = datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc)
    ctx.bus.consume(envelope("retreat.published"), HANDLERS)

    def official(n, status, unit="35.73.05", kind="camat", group=None, email=True, phone=False):
        registration_id = str(uuid.UUID(int=n))
        data = {**OFFICIAL, "nip": f"1986092620150510{n:02d}", "name": f"Pejabat {n}", "unit_code": unit,
                "position_kind": kind, "email": f"p{n}@malangkota.go.id" if email else None,
                "phone": f"+62812345678{n:02d}" if phone else None}
        type_name = "participant.invited" if status == "invited" else f"registration.{status}"
        frozen_clock.advance(seconds=1)
        ctx.bus.consume(envelope(type_name, registration_id=registration_id, official=data, status=status), HANDLERS)
        if group:
            frozen_clock.advance(seconds=1)
            ctx.bus.consume(envelope("group.assigned", registration_id=registration_id, group=group, room=None),
                            HANDLERS)
    return official


def post(client, headers, key="k-1", **body):
    payload = {"retreat_id": RETREAT_ID, "subject": "Titik kumpul", "body": "Kumpul di Balai Kota pukul 05.00 WIB.",
               **body}
    return client.post(URL, json=payload, headers={**headers, "Idempotency-Key": key} if key else headers)


def scan():
    return {**fanouts.scan_due(), **sending.send_due()}


def announced(smtp_server):
    return sorted(m.rcpt_tos[0] for m in smtp_server.messages if m.message["Subject"].strip() == "Titik kumpul")


def test_default_audience_is_invited_and_confirmed_and_one_key_sends_once(client, admin_headers, retreat,
                                                                          smtp_server):
    retreat(1, "invited")
    retreat(2, "confirmed")
    retreat(3, "declined")
    first = post(client, admin_headers)
    assert first.status_code == 202, first.get_json()
    answer = first.get_json()
    assert answer["recipients"] == 2 and answer["status"] == "scheduled"
    again = post(client, admin_headers)
    assert again.status_code == 202 and again.get_json() == answer
    scan()
    scan()
    assert post(client, admin_headers).get_json()["id"] == answer["id"]
    scan()
    assert announced(smtp_server) == ["p1@malangkota.go.id", "p2@malangkota.go.id"]
    mail = next(m.message for m in smtp_server.messages if m.message["Subject"].strip() == "Titik kumpul")
    assert "Kumpul di Balai Kota pukul 05.00 WIB." in mail.get_body(("plain",)).get_content()
    detail = client.get(f"{URL}/{answer['id']}", headers=admin_headers).get_json()
    assert detail["status"] == "sent" and detail["messages"] == 2 and detail["recipients"] == 2
    assert detail["delivery"]["email"]["statuses"]["sent"] == 2 and detail["delivery"]["email"]["total"] == 2
    assert detail["delivery"]["sms"]["total"] == 0
    assert detail["send_at"].endswith("+07:00")


def test_same_key_other_body_is_refused(client, admin_headers, retreat):
    retreat(1, "invited")
    assert post(client, admin_headers).status_code == 202
    other = post(client, admin_headers, body="Lain")
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    missing = post(client, admin_headers, key=None)
    assert missing.status_code == 422 and "Idempotency-Key" in missing.get_json()["errors"]


def test_audience_filters(client, admin_headers, retreat, smtp_server):
    retreat(1, "confirmed", unit="A", kind="camat", group="Peleton 1")
    retreat(2, "confirmed", unit="A", kind="lurah", group="Peleton 1")
    retreat(3, "confirmed", unit="B", kind="camat", group="Peleton 1")
    retreat(4, "confirmed", unit="A", kind="camat", group="Peleton 2")
    retreat(5, "declined", unit="A", kind="camat", group="Peleton 1")
    audience = {"units": ["A"], "position_kinds": ["camat"], "groups": ["Peleton 1"]}
    assert post(client, admin_headers, audience=audience).get_json()["recipients"] == 1
    assert post(client, admin_headers, key="k-2", audience={**audience, "statuses": ["declined"]}
                ).get_json()["recipients"] == 1
    scan()
    assert announced(smtp_server) == ["p1@malangkota.go.id", "p5@malangkota.go.id"]


def test_send_at_waits_for_its_time(client, admin_headers, retreat, smtp_server, frozen_clock):
    retreat(1, "invited")
    send_at = (frozen_clock.value + timedelta(hours=2)).astimezone(timezone(timedelta(hours=7))).isoformat()
    answer = post(client, admin_headers, send_at=send_at).get_json()
    scan()
    assert announced(smtp_server) == []
    assert client.get(f"{URL}/{answer['id']}", headers=admin_headers).get_json()["status"] == "scheduled"
    frozen_clock.advance(hours=2, seconds=1)
    scan()
    assert announced(smtp_server) == ["p1@malangkota.go.id"]


def test_channels_and_the_other_channel_for_who_lacks_one(client, admin_headers, retreat, db):
    retreat(1, "invited", phone=True)
    retreat(2, "invited", email=False, phone=True)
    post(client, admin_headers, channels=["email"])
    fanouts.scan_due()
    rows = sorted((r.registration_id[-1], r.channel) for r in db.notifications(kind="announcement"))
    assert rows == [("1", "email"), ("2", "sms")]
    [sms] = db.notifications(kind="announcement", channel="sms")
    assert sms.body_text.startswith("Titik kumpul: Kumpul di Balai Kota")


@pytest.mark.parametrize("body,field", [
    ({"subject": ""}, "subject"), ({"channels": ["fax"]}, "channels.0"), ({"channels": []}, "channels"),
    ({"audience": {"statuses": ["hadir"]}}, "audience.statuses.0"), ({"send_at": "besok"}, "send_at"),
    ({"retreat_id": "x"}, "retreat_id"),
])
def test_bad_bodies_name_the_field(client, admin_headers, retreat, body, field):
    response = post(client, admin_headers, **body)
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


def test_admin_only(client):
    from retret.auth import issue_token
    from retret_testing.http import bearer
    for role in ("operator", "secretariat"):
        token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", "someone", role)
        assert post(client, bearer(token)).status_code == 403
        assert client.get(f"{URL}/{uuid.uuid4()}", headers=bearer(token)).status_code == 403
    assert post(client, {}).status_code == 401


def test_unknown_retreat_and_announcement(client, admin_headers, retreat):
    assert post(client, admin_headers, retreat_id=str(uuid.uuid4())).status_code == 404
    assert client.get(f"{URL}/{uuid.uuid4()}", headers=admin_headers).status_code == 404
    assert client.get(f"{URL}/nope", headers=admin_headers).status_code == 404


def test_a_fan_out_goes_in_short_resumable_batches(client, admin_headers, retreat, smtp_server, monkeypatch):
    monkeypatch.setattr(fanouts, "FANOUT_BATCH", 2)
    for n in range(1, 6):
        retreat(n, "confirmed")
    answer = post(client, admin_headers).get_json()
    assert fanouts.scan_due() == {"batch": 2, "sent": 1}
    assert client.get(f"{URL}/{answer['id']}", headers=admin_headers).get_json()["messages"] == 5
    sending.send_due()
    assert fanouts.scan_due() == {}
    assert announced(smtp_server) == [f"p{n}@malangkota.go.id" for n in range(1, 6)]


def test_ten_thousand_recipients_are_counted_not_written_in_the_request(client, admin_headers, retreat, ctx, db,
                                                                        envelope, smtp_server):
    """The request writes one row to fan out later on the bulk queue; events and their messages go on meanwhile."""
    from sqlalchemy import insert

    from notifications.models import Recipient
    from retret import clock
    now = clock.now()
    with ctx.db.session() as session:
        session.execute(insert(Recipient), [
            {"registration_id": str(uuid.UUID(int=100_000 + n)), "retreat_id": RETREAT_ID, "nip": f"{n:018d}",
             "name": f"Pejabat {n}", "email": f"p{n}@malangkota.go.id", "status": "confirmed", "updated_at": now}
            for n in range(10_000)])
    started = time.monotonic()
    answer = post(client, admin_headers).get_json()
    assert time.monotonic() - started < 5  # a count, not 10,000 rows
    assert answer["recipients"] == 10_000 and db.notifications() == []
    retreat(1, "invited")  # an event meanwhile: its message is written and sent at once
    assert sending.send_due(include_bulk=False) == {"sent": 1} and len(smtp_server.messages) == 1
