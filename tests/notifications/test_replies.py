"""Two-way SMS on the notifications side: the reply rule (HADIR / YA / TIDAK), matching the sender's phone to one
answerable invitation, `sms.reply_received`, and the answer SMS (kind sms_reply) — at once, or when registration's
status event about the reply comes back (then no second, usual confirmation SMS)."""
import uuid
from datetime import date, timedelta

import pytest

from notifications.domain import replies
from notifications.domain.replies import Candidate, Parsed, decide, parse_reply
from notifications.handlers import HANDLERS
from notifications.models import SmsReply
from retret.events.catalogue import CATALOGUE, event_type
from retret_testing.http import assert_problem

MO = "/api/v1/providers/kannel/mo"
MO_SECRET = "mo-secret-for-tests-0123456789"
OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
RETREAT_ID = CATALOGUE["participant.invited"].sample["retreat_id"]
PHONE = OFFICIAL["phone"]  # +6281234567890


# ------------------------------------------------------------------------------------------ the rule
@pytest.mark.parametrize("text, answer, reason", [
    ("HADIR", "confirm", None), ("hadir", "confirm", None), ("  Hadir.  ", "confirm", None),
    ("YA", "confirm", None), ("ya, saya hadir", "confirm", None), ("*HADIR*", "confirm", None),
    ("TIDAK", "decline", None), ("tidak  sakit", "decline", "sakit"),
    ("Tidak, tugas dinas ke   Jakarta", "decline", "tugas dinas ke Jakarta"),
    ("TIDAK HADIR karena sakit", "decline", "karena sakit"), ("tidak hadir", "decline", None),
    ("TIDAK: hadirin rapat", "decline", "hadirin rapat"),
    ("yakin", None, None), ("halo", None, None), ("", None, None), ("   ", None, None), ("123", None, None),
    ("HADIRR", None, None),
])
def test_reply_rule(text, answer, reason):
    assert parse_reply(text) == Parsed(answer, reason)


def test_a_long_reason_is_cut():
    assert len(parse_reply("TIDAK " + "x" * 900).reason) == replies.MAX_REASON


def test_matching():
    yes, no = Parsed("confirm"), Parsed("decline", "sakit")
    open_one = Candidate("r1", "invited", True)
    assert decide(Parsed(None), [open_one]).outcome == replies.NOT_UNDERSTOOD
    assert decide(yes, []).outcome == replies.NOT_MATCHED
    assert decide(yes, [Candidate("r0", "cancelled", False)]).outcome == replies.NOT_ANSWERABLE
    assert decide(yes, [open_one, Candidate("r2", "invited", True)]).outcome == replies.AMBIGUOUS
    assert decide(yes, [open_one, Candidate("r0", "invited", False)]) == replies.Decision(replies.PENDING, "r1")
    assert decide(no, [Candidate("r1", "declined", True)]) == replies.Decision(replies.ALREADY, "r1")
    assert decide(no, [Candidate("r1", "confirmed", True)]) == replies.Decision(replies.PENDING, "r1")


# ------------------------------------------------------------------------------------------ the endpoint
@pytest.fixture
def mo(client, service_env):
    service_env.setenv("KANNEL_MO_SECRET", MO_SECRET)

    def send(sender, text, secret=MO_SECRET, **extra):
        query = {"secret": secret, "from": sender, "to": "1234", "text": text, **extra}
        return client.get(MO, query_string={k: v for k, v in query.items() if v is not None})
    return send


@pytest.fixture
def retreat_open(ctx, envelope):
    """The retreat (published, in the future) and one invited official with a phone."""
    starts = date.today() + timedelta(days=30)
    ctx.bus.consume(envelope("retreat.published", starts_on=starts.isoformat(),
                             ends_on=(starts + timedelta(days=2)).isoformat()), HANDLERS)

    def invite(phone=PHONE, email=OFFICIAL["email"], registration_id=None, retreat_id=RETREAT_ID):
        registration_id = registration_id or str(uuid.uuid4())
        ctx.bus.consume(envelope("participant.invited", registration_id=registration_id, retreat_id=retreat_id,
                                 official={**OFFICIAL, "phone": phone, "email": email}), HANDLERS)
        return registration_id
    return invite


def reply_sms(db):
    return [n for n in db.notifications(kind="sms_reply")]


@pytest.mark.parametrize("secret", [None, "", "wrong"])
def test_wrong_or_missing_secret_is_403(mo, db, secret):
    answer = mo(PHONE, "HADIR", secret=secret)
    assert_problem(answer, 403, code="mo_secret_invalid")
    assert db.notifications() == []


def test_refused_when_no_secret_is_configured(client, db):
    assert_problem(client.get(MO, query_string={"secret": "", "from": PHONE, "text": "HADIR"}), 403)


def test_a_missing_sender_is_422(mo):
    assert_problem(mo(None, "HADIR"), 422, field="from")


@pytest.mark.parametrize("sender", ["6281234567890", "+6281234567890", "081234567890"])
def test_hadir_from_any_form_of_the_number_goes_to_registration(ctx, db, mo, retreat_open, sender):
    registration_id = retreat_open()
    answer = mo(sender, "hadir", id="kannel-1")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["outcome"], body["duplicate"]) == ("pending", False)
    [event] = db.events("sms.reply_received")
    data = event["data"]
    assert (data["registration_id"], data["answer"], data["reply_id"]) == (registration_id, "confirm",
                                                                           body["reply_id"])
    assert event_type("sms.reply_received").schema().validate(data) == {}
    assert reply_sms(db) == []  # answered once registration applied it
    again = mo(sender, "hadir", id="kannel-1").get_json()  # Kannel retried the callback
    assert again == {**body, "duplicate": True} and len(db.events("sms.reply_received")) == 1


def test_the_outcome_is_answered_by_sms_and_no_usual_confirmation_sms(ctx, db, mo, envelope, retreat_open):
    registration_id = retreat_open()
    reply_id = mo(PHONE, "TIDAK hadir, tugas dinas").get_json()["reply_id"]
    assert db.events("sms.reply_received")[0]["data"]["reason"] == "tugas dinas"
    ctx.bus.consume(envelope("registration.declined", registration_id=registration_id, reply_id=reply_id,
                             reason="tugas dinas"), HANDLERS)
    [answer] = reply_sms(db)
    assert answer.recipient == PHONE and answer.registration_id == registration_id
    assert "Ketidakhadiran Anda pada Retret Pejabat Struktural Kota Malang 2025 telah kami catat" in answer.body_text
    assert db.get(SmsReply, reply_id).outcome == "declined"
    assert [n.kind for n in db.notifications(channel="email")] == ["invitation", "declined"]

    confirmed = envelope("registration.confirmed", registration_id=registration_id, reply_id=reply_id)
    ctx.bus.consume(confirmed, HANDLERS)
    assert db.notifications(kind="confirmation", channel="sms") == []  # one SMS, not two
    assert len(db.notifications(kind="confirmation", channel="email")) == 1  # the email still goes
    assert len(reply_sms(db)) == 1  # one answer per reply
    ctx.bus.consume(envelope("registration.confirmed", registration_id=registration_id), HANDLERS)
    assert len(db.notifications(kind="confirmation", channel="sms")) == 1  # confirmed through the link: as ever


@pytest.mark.parametrize("text, expected", [("halo panitia", "tidak kami pahami"), ("", "tidak kami pahami")])
def test_not_understood_gets_the_how_to(db, mo, retreat_open, text, expected):
    retreat_open()
    assert mo("081234567890", text).get_json()["outcome"] == "not_understood"
    [answer] = reply_sms(db)
    assert expected in answer.body_text and "HADIR" in answer.body_text and answer.recipient == PHONE
    assert db.events("sms.reply_received") == []


def test_an_unknown_phone_is_told_how_to_answer(db, mo, retreat_open):
    retreat_open()
    assert mo("081399998888", "HADIR").get_json()["outcome"] == "not_matched"
    [answer] = reply_sms(db)
    assert answer.recipient == "+6281399998888" and "tidak terdaftar" in answer.body_text


def test_two_open_invitations_are_ambiguous(db, mo, retreat_open):
    retreat_open()
    retreat_open()
    assert mo(PHONE, "YA").get_json()["outcome"] == "ambiguous"
    assert "lebih dari satu" in reply_sms(db)[0].body_text
    assert db.events("sms.reply_received") == []


def test_a_closed_invitation_is_not_answerable(ctx, db, mo, envelope, retreat_open):
    retreat_open()
    ctx.bus.consume(envelope("retreat.cancelled", status="cancelled",
                             starts_on=(date.today() + timedelta(days=30)).isoformat(),
                             ends_on=(date.today() + timedelta(days=32)).isoformat()), HANDLERS)
    assert mo(PHONE, "HADIR").get_json()["outcome"] == "not_answerable"
    assert "tidak dapat dijawab lagi" in reply_sms(db)[0].body_text


def test_an_answer_the_registration_has_already(ctx, db, mo, envelope, retreat_open):
    registration_id = retreat_open()
    ctx.bus.consume(envelope("registration.confirmed", registration_id=registration_id), HANDLERS)
    assert mo(PHONE, "hadir").get_json()["outcome"] == "already"
    assert "sudah tercatat" in reply_sms(db)[0].body_text
    assert db.events("sms.reply_received") == []


def test_a_sender_that_is_no_phone_is_recorded_not_answered(db, mo, retreat_open):
    retreat_open()
    assert mo("TELKOMSEL", "Promo").get_json()["outcome"] == "not_understood"
    assert reply_sms(db) == []


def test_the_answer_sms_has_a_status_history(db, mo, retreat_open):
    from notifications import sending
    retreat_open()
    mo("081399998888", "HADIR")
    assert sending.send_due() == {"sent": 3}  # the invitation email and SMS, and the answer (log provider)
    [answer] = reply_sms(db)
    assert db.history(answer.id) == ["created", "sending", "sent"]
    statuses = [e["data"] for e in db.events() if e["data"]["notification_id"] == answer.id]
    assert statuses[-1]["kind"] == "sms_reply" and statuses[-1]["status"] == "sent"


def test_a_reply_registration_applied_nothing_for_is_answered_later(ctx, db, mo, envelope, retreat_open,
                                                                   frozen_clock):
    """Registration's rules refused it (no event comes back for a refusal) or registration is down: after 15
    minutes the official is told it was not recorded; a status event that still comes is answered too."""
    from notifications import tasks
    registration_id = retreat_open(email=None)
    reply_id = mo(PHONE, "HADIR").get_json()["reply_id"]
    frozen_clock.advance(minutes=14)
    tasks.scan_due.apply()  # beat's scan of due work
    assert reply_sms(db) == [] and db.get(SmsReply, reply_id).outcome == "pending"
    frozen_clock.advance(minutes=2)
    tasks.scan_due.apply()  # beat's scan of due work
    [late] = reply_sms(db)
    assert "belum dapat kami catat" in late.body_text and db.get(SmsReply, reply_id).outcome == "unapplied"
    tasks.scan_due.apply()  # beat's scan of due work
    assert len(reply_sms(db)) == 1  # answered once

    ctx.bus.consume(envelope("registration.confirmed", registration_id=registration_id, reply_id=reply_id), HANDLERS)
    assert db.get(SmsReply, reply_id).outcome == "confirmed"
    answers = {n.id: n.body_text for n in reply_sms(db)}
    assert len(answers) == 2 and "belum dapat kami catat" in answers.pop(late.id)
    assert "Kehadiran Anda pada Retret Pejabat Struktural Kota Malang 2025 telah kami catat" in answers.popitem()[1]


@pytest.mark.parametrize("sender, text", [
    ("+", "HADIR"), ("0", "YA"), ("62", "TIDAK"), ("+62812345678901234567", "HADIR"), ("🙂", "HADIR"),
    ("081234567890", "Hadir 🙏 insya Allah"), ("081234567890", "TIDAK — sakit ✓"), ("081234567890", "x" * 2000),
])
def test_odd_replies_never_fail(db, mo, retreat_open, sender, text):
    retreat_open()
    answer = mo(sender, text)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["outcome"] in replies.OUTCOMES


def test_an_overlong_text_is_422(mo):
    assert_problem(mo(PHONE, "x" * 2001), 422, field="text")


def test_how_to_is_sent_once_a_day_so_an_auto_reply_cannot_ping_pong(db, mo, retreat_open, frozen_clock):
    retreat_open()
    for text in ("Maaf, saya sedang rapat", "Maaf, saya sedang rapat", "halo"):
        assert mo("081399998888", text).get_json()["outcome"] == "not_understood"
    assert len(reply_sms(db)) == 1
    frozen_clock.advance(hours=25)
    mo("081399998888", "Maaf, saya sedang rapat")
    assert len(reply_sms(db)) == 2
    mo("081234567890", "halo")  # another sender gets their own
    assert len(reply_sms(db)) == 3
