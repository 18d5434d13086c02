"""Two-way SMS end to end: a handset (fakesmsc) sends "HADIR" through a real Kannel, whose catch-all sms-service
calls the notifications API on a real HTTP server; the reply travels as `sms.reply_received` to registration, which
confirms the registration like the link; `registration.confirmed` comes back and the official gets one answer SMS
(kind sms_reply) through the same Kannel, delivered — and not the usual confirmation SMS as well."""
from datetime import date, timedelta

import pytest

from retret.auth import issue_token
from retret.bus import ConsumeResult
from retret_testing.http import bearer
from retret_testing.infra import wait_for
from retret_testing.kannel import KannelGateway, require_kannel

MO_SECRET = "mo-secret-for-tests-0123456789"


class Hop:
    """Carries one service's outbox to a consumer in order (the relay's job, in process): every event, wanted
    or a stub, with its sequence."""

    def __init__(self, source_context, consumer: str):
        import importlib
        self.source, self.consumer = source_context, consumer
        self.target = importlib.import_module(f"{consumer}.context").context
        self.handlers = importlib.import_module(f"{consumer}.handlers").HANDLERS
        self.sent = 0

    def __call__(self) -> list[str]:
        table = self.source.tables.outbox
        with self.source.db.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(table.select().order_by(table.c.id)).mappings()]
        applied = []
        for sequence, row in enumerate(rows[self.sent:], start=self.sent + 1):
            envelope = self.source.bus.envelope_for({**row, "sequence": sequence}, self.consumer)
            if self.target.bus.consume(envelope, self.handlers) is ConsumeResult.APPLIED:
                applied.append(row["type"])
        self.sent = len(rows)
        return applied


@pytest.fixture
def reply_gateway(api_server):
    """A Kannel of its own whose sms-service calls this test's API server (its URL is in kannel.conf)."""
    require_kannel()
    gateway = KannelGateway(username="retret", password="p&ss/wörd kannel", mo_secret=MO_SECRET,
                            mo_url=f"{api_server.base_url}/api/v1/providers/kannel/mo").start()
    yield gateway
    gateway.cleanup()


def test_hadir_by_sms_confirms_and_is_answered_once(make_app, ctx, db, kannel_env, api_server, reply_gateway,
                                                   smtp_server):
    kannel_env.setenv("KANNEL_SENDSMS_URL", reply_gateway.sendsms_url)
    kannel_env.setenv("KANNEL_MO_SECRET", MO_SECRET)
    registration = make_app("registration").test_client()
    from notifications import sending
    from registration.context import context as registration_ctx
    to_notifications, to_registration = Hop(registration_ctx, "notifications"), Hop(ctx, "registration")

    admin = bearer(issue_token("test-jwt-secret-at-least-32-bytes-long", "admin", "admin")[0])
    starts = date.today() + timedelta(days=20)
    retreat = registration.post("/api/v1/retreats", headers=admin, json={
        "code": "RETRET-SMS", "title": "Retret SMS", "organizer": "BKPSDM", "venue": "Poltekad",
        "starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=2)).isoformat(),
        "timezone": "Asia/Jakarta", "attendance_threshold": 0.9, "late_tolerance_minutes": 5}).get_json()
    assert registration.post(f"/api/v1/retreats/{retreat['id']}/publish", headers=admin).status_code == 200
    invited = registration.post(f"/api/v1/retreats/{retreat['id']}/registrations", headers=admin, json={"official": {
        "nip": "198609262015051001", "name": "Budi Santoso", "position": "Lurah Dinoyo", "position_kind": "lurah",
        "unit_code": "35.73.05.1", "unit_name": "Kelurahan Dinoyo", "rank": "III/d", "echelon": "IV.a",
        "email": "budi@malangkota.go.id", "phone": "0812-3456-7890"}}).get_json()
    assert "participant.invited" in to_notifications()
    sending.send_due()  # the invitation email and SMS

    reply_gateway.send_from_handset("6281234567890", "hadir, insya Allah")
    reply = wait_for(lambda: db.events("sms.reply_received"), 20,
                     message=f"the reply reached the API\n{reply_gateway.log_text()[-3000:]}")[0]["data"]
    assert (reply["registration_id"], reply["answer"]) == (invited["id"], "confirm")
    assert "sms.reply_received" in to_registration()
    confirmed = registration.get(f"/api/v1/registrations/{invited['id']}", headers=admin).get_json()
    assert confirmed["status"] == "confirmed"

    assert "registration.confirmed" in to_notifications()
    assert db.notifications(kind="confirmation", channel="sms") == []  # one SMS, not two
    assert len(db.notifications(kind="confirmation", channel="email")) == 1
    sending.send_due()
    answer = wait_for(lambda: (r := db.one(kind="sms_reply")).status == "delivered" and r, 20,
                      message=f"the answer SMS delivered\n{reply_gateway.log_text()[-3000:]}")
    assert answer.recipient == "+6281234567890"
    assert "Kehadiran Anda pada Retret SMS telah kami catat" in answer.body_text
    assert db.history(answer.id)[:2] == ["created", "sending"]
    assert [n.kind for n in db.notifications(channel="sms")] == ["invitation", "sms_reply"]
