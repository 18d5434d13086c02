"""Two-way SMS on registration's side: `sms.reply_received` (the one event registration consumes) is applied with
the same rules and events as the invitation link, its status event carrying the reply's id."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from registration.handlers import HANDLERS
from retret.bus import ConsumeResult
from retret.events.catalogue import event_type
from retret.events.envelope import make_envelope

WIB = timezone(timedelta(hours=7))
BEFORE = datetime(2025, 5, 10, 9, 0, tzinfo=WIB)  # the retreat runs 16-18 May 2025 (Asia/Jakarta)
AFTER = datetime(2025, 5, 19, 0, 0, tzinfo=WIB)


class Replies:
    def __init__(self):
        self.sequence = 0

    def __call__(self, registration_id, answer, reason=None):
        from registration.context import context
        self.sequence += 1
        reply_id = str(uuid.uuid4())
        data = {"registration_id": registration_id, "answer": answer, "reason": reason, "reply_id": reply_id,
                "received_at": BEFORE.isoformat(), "retreat_id": None}
        envelope = make_envelope(type="sms.reply_received", source="notifications", sequence=self.sequence,
                                 data=data, retreat_id=None)
        assert context.bus.consume(envelope, HANDLERS) is ConsumeResult.APPLIED
        assert context.bus.consume(envelope, HANDLERS) is ConsumeResult.DUPLICATE  # redelivered: applied once
        return reply_id


@pytest.fixture
def reply():
    return Replies()


@pytest.fixture
def invited(api, frozen_clock):
    frozen_clock(BEFORE)
    retreat = api.retreat(publish=True)
    return api.register(retreat["id"], 1)


def test_hadir_confirms_like_the_link(api, invited, reply):
    reply_id = reply(invited["id"], "confirm")
    assert api.registration(invited["id"])["status"] == "confirmed"
    [event] = api.outbox("registration.confirmed")
    assert event["data"]["reply_id"] == reply_id and event["data"]["badge_code"]
    assert event_type("registration.confirmed").schema().validate(event["data"]) == {}


def test_tidak_declines_with_its_reason_and_frees_the_place(api, client, frozen_clock, reply):
    frozen_clock(BEFORE)
    retreat = api.retreat(publish=True, capacity=1)
    first = api.register(retreat["id"], 1)
    waiting = api.register(retreat["id"], 2)
    assert waiting["status"] == "waitlisted"
    reply_id = reply(first["id"], "decline", "Tugas dinas ke Jakarta")
    assert api.registration(first["id"])["status"] == "declined"
    [event] = api.outbox("registration.declined")
    assert (event["data"]["reply_id"], event["data"]["reason"]) == (reply_id, "Tugas dinas ke Jakarta")
    assert api.registration(waiting["id"])["status"] == "invited"  # the same rules: the waitlist moves up


def test_a_repeated_answer_changes_nothing(api, invited, reply):
    reply(invited["id"], "confirm")
    reply(invited["id"], "confirm")
    assert len(api.outbox("registration.confirmed")) == 1


def test_a_reply_after_answers_closed_is_refused_by_the_same_rules(api, invited, reply, frozen_clock):
    frozen_clock(AFTER)
    reply(invited["id"], "confirm")
    assert api.registration(invited["id"])["status"] == "invited"
    assert api.outbox("registration.confirmed") == []


def test_a_reply_for_an_unknown_registration_is_taken_and_ignored(api, reply, app):
    reply(str(uuid.uuid4()), "decline", "sakit")
    assert api.outbox("registration.declined") == []
