"""Sending over a real SMTP server (aiosmtpd): success, SMTP down, 4xx, 5xx, stuck messages, SMS log provider."""
from datetime import timedelta

import pytest

from notifications import sending, services
from notifications.config import load_settings
from notifications.domain.messages import message_id
from notifications.handlers import HANDLERS
from notifications.providers import sms_providers
from retret import clock
from retret.config import ConfigError
from retret.events.catalogue import CATALOGUE, NotificationStatusData
from retret_testing.infra import free_port

INVITATION_URL = CATALOGUE["participant.invited"].sample["invitation_url"]
# Without a phone: these tests are about email (SMS sending has its own tests, in test_sms.py).
OFFICIAL = {**CATALOGUE["participant.invited"].sample["official"], "phone": None}


def invite(ctx, envelope, email=None, **changes):
    official = {**OFFICIAL, "email": email} if email else OFFICIAL
    env = envelope("participant.invited", official=official, **changes)
    ctx.bus.consume(env, HANDLERS)
    return env


def test_send_due_sends_the_invitation(ctx, db, envelope, smtp_server):
    env = invite(ctx, envelope)
    assert sending.send_due() == {"sent": 1}
    [received] = smtp_server.messages
    mail = received.message
    assert received.rcpt_tos == ["budi.santoso@malangkota.go.id"]
    assert received.mail_from == "retret@malangkota.go.id"
    assert mail["Subject"] == "Undangan Retret Pejabat Struktural Kota Malang 2025"
    assert mail["To"].addresses[0].addr_spec == "budi.santoso@malangkota.go.id"
    assert mail["To"].addresses[0].display_name == "Dr. Budi Santoso, S.Sos., M.Si."
    assert mail["From"].addresses[0].display_name == "Panitia Retret"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert INVITATION_URL in text and f'href="{INVITATION_URL}"' in html
    assert "Kamis, 15 Mei 2025" in text
    key = f"{env['id']}:invitation:email:budi.santoso@malangkota.go.id"
    row = db.one()
    assert mail["Message-ID"] == message_id(key) == row.message_id
    assert (row.status, row.attempts, row.provider, row.error) == ("sent", 1, "smtp", None)
    assert row.sent_at is not None and row.due_at is None
    assert db.history(row.id) == ["created", "sending", "sent"]


def test_status_changed_events_for_every_step(ctx, db, envelope, smtp_server):
    invite(ctx, envelope)
    sending.send_due()
    events = db.events()
    assert [(e["data"]["status"], e["data"]["attempts"]) for e in events] == \
        [("created", 0), ("sending", 1), ("sent", 1)]
    for event in events:
        assert NotificationStatusData().validate(event["data"]) == {}
    assert events[-1]["data"]["provider"] == "smtp"


def test_one_email_however_often_events_and_runs_repeat(ctx, db, envelope, smtp_server):
    env = invite(ctx, envelope)
    ctx.bus.consume(env, HANDLERS)
    ctx.bus.consume({**env, "sequence": env["sequence"] + 5}, HANDLERS)
    for _ in range(3):
        sending.send_due()
    assert len(smtp_server.messages) == 1
    assert sending.send_one(db.one().id) is None  # sent already: not due


def test_confirmation_and_decline_flow(ctx, db, envelope, smtp_server):
    invite(ctx, envelope)
    sending.send_due()
    ctx.bus.consume(envelope("registration.confirmed", official=OFFICIAL), HANDLERS)
    ctx.bus.consume(envelope("registration.declined", official=OFFICIAL), HANDLERS)
    assert sending.send_due() == {"sent": 2}
    subjects = [m.message["Subject"].strip() for m in smtp_server.messages]  # folded: leading space
    assert subjects == ["Undangan Retret Pejabat Struktural Kota Malang 2025",
                        "Konfirmasi kehadiran diterima: Retret Pejabat Struktural Kota Malang 2025",
                        "Ketidakhadiran tercatat: Retret Pejabat Struktural Kota Malang 2025"]
    assert len({m.message["Message-ID"] for m in smtp_server.messages}) == 3


def test_smtp_down_is_a_temporary_failure_then_later_success(ctx, db, envelope, smtp_server, service_env,
                                                            frozen_clock):
    invite(ctx, envelope)
    service_env.setenv("SMTP_PORT", str(free_port()))  # nothing listens there
    assert sending.send_due() == {"temporary-failure": 1}
    row = db.one()
    assert row.status == "temporary-failure" and row.attempts == 1
    assert clock.as_utc(row.due_at) == frozen_clock.value + timedelta(seconds=30)
    assert "unreachable" in row.error
    assert sending.send_due() == {}  # not due yet
    service_env.setenv("SMTP_PORT", str(smtp_server.port))
    frozen_clock.advance(seconds=31)
    assert sending.send_due() == {"sent": 1}
    row = db.one()
    assert (row.status, row.attempts, row.error) == ("sent", 2, None)
    assert db.history(row.id) == ["created", "sending", "temporary-failure", "sending", "sent"]
    assert len(smtp_server.messages) == 1


def test_smtp_down_stops_the_run(ctx, db, envelope, service_env):
    invite(ctx, envelope)
    invite(ctx, envelope, email="siti@malangkota.go.id")
    service_env.setenv("SMTP_PORT", str(free_port()))
    assert sending.send_due() == {"temporary-failure": 1}
    assert sorted(n.status for n in db.notifications()) == ["created", "temporary-failure"]


def test_backoff_until_technical_failure(ctx, db, envelope, service_env, frozen_clock):
    invite(ctx, envelope)
    service_env.setenv("SMTP_PORT", str(free_port()))
    delays = []
    for _ in range(6):
        sending.send_due()
        row = db.one()
        if row.due_at is not None:
            delays.append((clock.as_utc(row.due_at) - frozen_clock.value).total_seconds())
        frozen_clock.advance(hours=3)
    assert delays == [30, 120, 600, 1800, 7200]
    row = db.one()
    assert (row.status, row.attempts, row.due_at) == ("technical-failure", 6, None)
    assert sending.send_due() == {}


def test_smtp_550_is_a_permanent_failure(ctx, db, envelope, smtp_server, frozen_clock):
    invite(ctx, envelope, email="reject.me@malangkota.go.id")
    assert sending.send_due() == {"permanent-failure": 1}
    row = db.one()
    assert row.status == "permanent-failure" and row.error.startswith("SMTP 550")
    frozen_clock.advance(days=1)
    assert sending.send_due() == {}
    assert smtp_server.messages == []


def test_smtp_451_is_a_temporary_failure(ctx, db, envelope, smtp_server, frozen_clock):
    invite(ctx, envelope, email="later@malangkota.go.id")
    assert sending.send_due() == {"temporary-failure": 1}
    row = db.one()
    assert row.error.startswith("SMTP 451") and clock.as_utc(row.due_at) > frozen_clock.value


def test_starttls_not_offered_is_a_configuration_problem(ctx, db, envelope, smtp_server, service_env):
    invite(ctx, envelope)
    service_env.setenv("SMTP_STARTTLS", "true")
    assert sending.send_due() == {"temporary-failure": 1}
    assert "configuration" in db.one().error


def test_stuck_email_is_resent_with_the_same_message_id(ctx, db, envelope, smtp_server, frozen_clock):
    invite(ctx, envelope)
    settings = load_settings()
    # The worker claims the message, the server accepts it, and the worker dies before recording it.
    claim = sending.claim_next(settings)
    assert sending._provider_send(claim.message, settings).outcome == "sent"
    assert db.one().status == "sending"
    frozen_clock.advance(seconds=120)
    assert sending.send_due() == {}  # not stuck yet: maybe still on its way
    frozen_clock.advance(seconds=181)
    assert sending.send_due() == {"sent": 1}
    first, second = smtp_server.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == db.one().message_id
    row = db.one()
    assert (row.status, row.attempts) == ("sent", 2)
    assert db.history(row.id) == ["created", "sending", "sending", "sent"]


def test_late_answer_of_a_stale_attempt(ctx, db, envelope, smtp_server, frozen_clock):
    """The first attempt's failure arrives after the row was re-claimed: it is ignored; a success counts."""
    invite(ctx, envelope)
    settings = load_settings()
    first = sending.claim_next(settings)
    frozen_clock.advance(seconds=301)
    second = sending.claim_next(settings)
    assert second.resent and second.message.attempts == 2
    from notifications.providers import SendResult
    assert sending.finish(first, SendResult("temporary", "smtp", error="SMTP 451 late")) == "sending"
    assert sending.finish(second, SendResult("sent", "smtp")) == "sent"
    assert sending.finish(first, SendResult("sent", "smtp")) == "sent"  # sent → sent: nothing moves
    assert db.history(db.one().id) == ["created", "sending", "sending", "sent"]


def _create_sms(ctx, event_id="00000000-0000-4000-8000-000000000001"):
    with ctx.bus.unit_of_work() as session:
        row = services.create_notification(
            session, event_id=event_id, kind="invitation", channel="sms", recipient="+6281234567890",
            body_text="Undangan retret: buka tautan", retreat_id=None, registration_id=None)
        return row.id


def test_sms_through_the_log_provider(ctx, db):
    notification_id = _create_sms(ctx)
    assert sending.send_one(notification_id) == "sent"
    row = db.one()
    assert (row.channel, row.provider, row.status) == ("sms", "log", "sent")


def test_stuck_sms_goes_to_technical_failure_not_resent(ctx, db, frozen_clock):
    notification_id = _create_sms(ctx)
    assert sending.claim_next(load_settings()).message.notification_id == notification_id
    frozen_clock.advance(seconds=301)
    assert sending.send_due() == {"technical-failure": 1}
    row = db.one()
    assert (row.status, row.attempts) == ("technical-failure", 1)


def test_log_provider_refused_in_production(service_env):
    service_env.setenv("APP_ENV", "production")
    service_env.setenv("SMS_PROVIDERS", "log")
    with pytest.raises(ConfigError, match="production"):
        sms_providers(load_settings())
    service_env.setenv("SMS_PROVIDERS", "carrier-pigeon")
    with pytest.raises(ConfigError, match="unknown"):
        sms_providers(load_settings())


def test_tasks_are_registered(ctx):
    from notifications import tasks
    names = set(tasks.celery.tasks)
    for name in ("notifications.send_due", "notifications.send_notification", "notifications.handle_event",
                 "notifications.handle_heartbeat", "notifications.request_replays", "notifications.relay_outbox",
                 "notifications.replay_events", "notifications.publish_heartbeat"):
        assert name in names


def test_send_due_task_function_runs_in_process(ctx, db, envelope, smtp_server):
    from notifications import tasks
    invite(ctx, envelope)
    assert tasks.send_due.run() == {"sent": 1}
    assert tasks.send_notification.run(db.one().id) is None


def test_embedded_sqlite_default(service_env, smtp_server, tmp_path, envelope):
    """The same flow on SQLite (make run's default): migrations, upsert, claim, send."""
    import os

    import notifications
    from notifications.context import context
    from notifications.migrate import MIGRATIONS_DIR
    from retret.auth import issue_token
    from retret.migrate import upgrade
    url = f"sqlite:///{os.path.join(tmp_path, 'notifications.db')}"
    upgrade(MIGRATIONS_DIR, url)
    service_env.setenv("NOTIFICATIONS_DATABASE_URL", url)
    service_env.setenv("SMTP_PORT", str(smtp_server.port))
    context.reset()
    try:
        env = envelope("participant.invited")  # the sample official has an email and a phone
        context.bus.consume(env, HANDLERS)
        context.bus.consume({**env, "sequence": 9}, HANDLERS)
        assert sending.send_due() == {"sent": 2}
        assert len(smtp_server.messages) == 1
        token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", "admin", "admin")
        client = notifications.create_app().test_client()
        body = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).get_json()
        assert sorted((i["channel"], i["status"]) for i in body["items"]) == [("email", "sent"), ("sms", "sent")]
        assert body["items"][0]["created_at"].endswith("+07:00")
    finally:
        context.reset()


def test_concurrent_senders_send_each_message_once(ctx, db, envelope, smtp_server):
    import threading
    for n in range(20):
        invite(ctx, envelope, email=f"peserta{n}@malangkota.go.id")
    errors = []

    def run():
        try:
            sending.send_due()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    recipients = sorted(r for m in smtp_server.messages for r in m.rcpt_tos)
    assert recipients == sorted(f"peserta{n}@malangkota.go.id" for n in range(20))
    assert {n.status for n in db.notifications()} == {"sent"}
    assert {n.attempts for n in db.notifications()} == {1}
