"""Event handlers: exactly one message per event, kind and channel, only rows written (no sending),
order-tolerant."""
import json
import time
from datetime import timedelta

import pytest

from notifications import messaging
from notifications.handlers import HANDLERS
from notifications.models import Recipient, Retreat
from notifications.templating import TemplateError
from retret import clock
from retret.bus import ConsumeResult
from retret.events.catalogue import CATALOGUE, NotificationStatusData, REGISTRATION_ID, RETREAT_ID
from retret.events.envelope import make_envelope
from retret.events.subscriptions import SUBSCRIPTIONS, filter_for
from retret.queues import queue_name
from retret_testing.infra import wait_for

INVITATION_URL = CATALOGUE["participant.invited"].sample["invitation_url"]


def test_invitation_creates_one_email_and_one_sms_even_when_consumed_twice(ctx, db, envelope):
    env = envelope("participant.invited")
    assert ctx.bus.consume(env, HANDLERS) == ConsumeResult.APPLIED
    assert ctx.bus.consume(env, HANDLERS) == ConsumeResult.DUPLICATE
    assert sorted(n.channel for n in db.notifications()) == ["email", "sms"]
    row = db.one(channel="email")
    assert row.kind == "invitation" and row.channel == "email" and row.status == "created"
    assert row.recipient == "budi.santoso@malangkota.go.id"
    assert row.recipient_name == "Dr. Budi Santoso, S.Sos., M.Si."
    assert row.retreat_id == RETREAT_ID and row.registration_id == REGISTRATION_ID
    assert row.idempotency_key == f"{env['id']}:invitation:email:budi.santoso@malangkota.go.id"
    assert row.attempts == 0 and row.provider is None
    assert clock.as_utc(row.due_at) <= clock.now()
    assert INVITATION_URL in row.body_text and INVITATION_URL in row.body_html
    assert "Kamis, 15 Mei 2025" in row.body_text and "WIB" in row.body_text
    assert row.subject == "Undangan Retret Pejabat Struktural Kota Malang 2025"
    assert db.history(row.id) == ["created"]
    sms = db.one(channel="sms")
    assert (sms.kind, sms.status, sms.recipient) == ("invitation", "created", "+6281234567890")
    assert sms.idempotency_key == f"{env['id']}:invitation:sms:+6281234567890"
    assert sms.message_id != row.message_id and sms.subject is None and sms.body_html is None
    assert INVITATION_URL in sms.body_text and sms.body_text.startswith("Yth. Dr. Budi Santoso")
    assert db.history(sms.id) == ["created"]


def test_same_event_under_another_sequence_is_still_one_message(ctx, db, envelope):
    """A replayed event that slipped past the inbox (or a repeated request) hits the idempotency key."""
    first = envelope("participant.invited")
    again = {**first, "sequence": first["sequence"] + 1}
    ctx.bus.consume(first, HANDLERS)
    assert ctx.bus.consume(again, HANDLERS) == ConsumeResult.APPLIED
    assert len(db.notifications()) == 2  # its email and its SMS, once each
    assert [(e["data"]["channel"], e["data"]["status"]) for e in db.events()] == [("email", "created"),
                                                                                 ("sms", "created")]


@pytest.mark.parametrize("type_name,kind,text", [
    ("registration.confirmed", "confirmation", "Konfirmasi kehadiran"),
    ("registration.declined", "declined", "Tugas dinas ke Jakarta"),
    ("registration.cancelled", "cancelled", "Dibatalkan panitia"),
    ("registration.waitlisted", "waitlisted", "daftar tunggu"),
])
def test_registration_status_emails(ctx, db, envelope, type_name, kind, text):
    ctx.bus.consume(envelope(type_name), HANDLERS)
    row = db.one(channel="email")
    assert row.kind == kind and row.status == "created"
    assert text in row.body_text


def test_no_email_and_no_phone_is_recorded_as_a_failure_not_sent(ctx, db, envelope):
    """Nothing to send, but the gap is a permanent-failure row (and its event for reporting), once per message."""
    official = {**CATALOGUE["participant.invited"].sample["official"], "phone": None}
    ctx.bus.consume(envelope("participant.invited", official={**official, "email": None}), HANDLERS)
    ctx.bus.consume(envelope("registration.confirmed", official={**official, "email": "", "phone": ""}), HANDLERS)
    ctx.bus.consume(envelope("registration.declined", official={**official, "email": "   "}), HANDLERS)
    rows = db.notifications()
    assert [(r.kind, r.status, r.recipient, r.due_at) for r in rows] == [
        ("invitation", "permanent-failure", "", None), ("confirmation", "permanent-failure", "", None),
        ("declined", "permanent-failure", "", None)]
    assert {r.error for r in rows} == {"no email and no phone number: nobody to send to"}
    assert [e["data"]["status"] for e in db.events()] == ["permanent-failure"] * 3


def test_no_email_but_a_phone_only_sms(ctx, db, envelope):
    official = {**CATALOGUE["participant.invited"].sample["official"], "email": None}
    ctx.bus.consume(envelope("participant.invited", official=official), HANDLERS)
    assert [(n.channel, n.kind) for n in db.notifications()] == [("sms", "invitation")]


def test_status_changed_event_recorded_with_the_row(ctx, db, envelope):
    ctx.bus.consume(envelope("participant.invited"), HANDLERS)
    row = db.one(channel="email")
    [event] = [e for e in db.events() if e["data"]["notification_id"] == row.id]
    assert event["retreat_id"] == RETREAT_ID
    assert NotificationStatusData().validate(event["data"]) == {}
    assert event["data"] == {
        "notification_id": row.id, "registration_id": REGISTRATION_ID, "retreat_id": RETREAT_ID,
        "channel": "email", "kind": "invitation", "status": "created", "attempts": 0, "error": None,
        "provider": None}


def _send_due_nudges(redis_server):
    messages = redis_server.client().lrange(queue_name("notifications"), 0, -1)
    return [m for m in messages if json.loads(m)["headers"]["task"] == "notifications.send_due"]


def test_sending_is_nudged_after_commit(ctx, envelope, redis_server, monkeypatch):
    redis_server.client().delete(queue_name("notifications"))
    ctx.bus.consume(envelope("participant.invited"), HANDLERS)
    wait_for(lambda: len(_send_due_nudges(redis_server)) == 1, 5, message="one send_due nudge")
    ctx.bus.consume(envelope("session.scheduled"), HANDLERS)  # no message, no nudge
    time.sleep(0.5)
    assert len(_send_due_nudges(redis_server)) == 1


def test_broker_down_never_blocks_the_event(ctx, db, envelope, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")
    monkeypatch.setattr(ctx.celery, "send_task", refuse)
    assert ctx.bus.consume(envelope("participant.invited"), HANDLERS) == ConsumeResult.APPLIED
    assert {n.status for n in db.notifications()} == {"created"}


def test_nothing_is_written_when_the_handler_fails(ctx, db, envelope, monkeypatch):
    """The handler runs in the inbox transaction: a failure leaves no row, no inbox entry (so a replay retries)."""
    def boom(*args, **kwargs):
        raise RuntimeError("database hiccup")
    monkeypatch.setattr(messaging.services, "create_notification", boom)
    env = envelope("participant.invited")
    with pytest.raises(RuntimeError):
        ctx.bus.consume(env, HANDLERS)
    monkeypatch.undo()
    assert db.notifications() == []
    assert ctx.bus.consume(env, HANDLERS) == ConsumeResult.APPLIED
    assert len(db.notifications()) == 2


def test_broken_template_is_recorded_not_blocking(ctx, db, envelope, monkeypatch):
    def broken(*args, **kwargs):
        raise TemplateError("placeholder without a value: 'x' is undefined")
    monkeypatch.setattr(messaging, "render_email", broken)
    assert ctx.bus.consume(envelope("participant.invited"), HANDLERS) == ConsumeResult.APPLIED
    row = db.one(channel="email")
    assert row.status == "technical-failure" and "placeholder" in row.error
    assert db.one(channel="sms").status == "created"  # the SMS does not depend on the email template


# ------------------------------------------------------------------------------------- contract
FOLLOWED = sorted(SUBSCRIPTIONS["notifications"].types)


def test_every_followed_type_has_a_handler():
    assert set(FOLLOWED) == set(HANDLERS)


@pytest.mark.parametrize("type_name", FOLLOWED)
def test_every_followed_type_is_accepted_from_its_sample(ctx, envelope, type_name):
    data = filter_for(SUBSCRIPTIONS["notifications"], type_name, CATALOGUE[type_name].sample)
    env = make_envelope(type=type_name, source=CATALOGUE[type_name].source, sequence=1, data=data,
                        retreat_id=RETREAT_ID)
    assert ctx.bus.consume(env, HANDLERS) == ConsumeResult.APPLIED


def test_every_catalogue_type_from_registration_keeps_the_sequence(ctx, db):
    """All types in sequence, stubs (data None) included: every one accepted, the cursor contiguous."""
    types = [name for name, t in CATALOGUE.items() if t.source == "registration"]
    for sequence, type_name in enumerate(types, start=1):
        data = filter_for(SUBSCRIPTIONS["notifications"], type_name, CATALOGUE[type_name].sample)
        env = make_envelope(type=type_name, source="registration", sequence=sequence, data=data)
        assert ctx.bus.consume(env, HANDLERS) in (ConsumeResult.APPLIED, ConsumeResult.STUB)
    status = ctx.bus.cursor_status()["registration"]
    assert status["last_sequence"] == len(types) and status["gaps"] == []
    kinds = sorted(n.kind for n in db.notifications(channel="email"))
    assert kinds == ["cancelled", "confirmation", "declined", "group_assigned", "invitation", "permit_approved",
                     "permit_rejected", "permit_withdrawn", "waitlisted"]
    assert sorted(n.kind for n in db.notifications(channel="sms")) == [
        "confirmation", "group_assigned", "invitation", "permit_approved", "permit_rejected", "permit_withdrawn"]


def test_data_not_matching_the_catalogue_is_ignored_not_fatal(ctx, db):
    env = make_envelope(type="participant.invited", source="registration", sequence=1,
                        data={"registration_id": "not-a-uuid"})
    assert ctx.bus.consume(env, HANDLERS) == ConsumeResult.APPLIED
    assert db.notifications() == []


# ------------------------------------------------------------------------------------- order
def test_stale_status_event_sends_nothing(ctx, db, envelope):
    """After a loss and replay, registration.confirmed (earlier) arrives after registration.cancelled (later)."""
    now = clock.now()
    ctx.bus.consume(envelope("registration.cancelled", sequence=2, occurred_at=now), HANDLERS)
    ctx.bus.consume(envelope("registration.confirmed", sequence=1, occurred_at=now - timedelta(minutes=5)),
                    HANDLERS)
    assert [n.kind for n in db.notifications()] == ["cancelled"]
    recipient = db.get(Recipient, REGISTRATION_ID)
    assert recipient.status == "cancelled"


def test_invitation_then_confirmation_both_sent(ctx, db, envelope):
    now = clock.now()
    ctx.bus.consume(envelope("participant.invited", occurred_at=now - timedelta(days=1)), HANDLERS)
    ctx.bus.consume(envelope("registration.confirmed", occurred_at=now), HANDLERS)
    assert [n.kind for n in db.notifications(channel="email")] == ["invitation", "confirmation"]
    assert [n.kind for n in db.notifications(channel="sms")] == ["invitation", "confirmation"]
    assert db.get(Recipient, REGISTRATION_ID).status == "confirmed"


def test_retreat_kept_at_its_latest_state(ctx, db, envelope):
    now = clock.now()
    ctx.bus.consume(envelope("retreat.rescheduled", sequence=2, occurred_at=now,
                             starts_on="2025-05-20", ends_on="2025-05-22"), HANDLERS)
    ctx.bus.consume(envelope("retreat.published", sequence=1, occurred_at=now - timedelta(hours=1)), HANDLERS)
    retreat = db.get(Retreat, RETREAT_ID)
    assert retreat.starts_on.isoformat() == "2025-05-20" and retreat.title.startswith("Retret")


def test_contacts_and_group_remembered(ctx, db, envelope):
    now = clock.now()
    ctx.bus.consume(envelope("participant.invited", occurred_at=now - timedelta(hours=2)), HANDLERS)
    official = {**CATALOGUE["participant.updated"].sample["official"], "email": "budi.baru@malangkota.go.id"}
    ctx.bus.consume(envelope("participant.updated", occurred_at=now - timedelta(hours=1), official=official),
                    HANDLERS)
    ctx.bus.consume(envelope("group.assigned", occurred_at=now), HANDLERS)
    recipient = db.get(Recipient, REGISTRATION_ID)
    assert recipient.email == "budi.baru@malangkota.go.id"
    assert (recipient.group, recipient.room) == ("Peleton 3", "Barak B-12")
    # The invitation's email and SMS; participant.updated and group.assigned send nothing (yet).
    assert len(db.notifications()) == 2
