"""Every kind of message an official gets, received over a real SMTP server (aiosmtpd): the right text, the
confirmation's QR badge and agenda open, schedule changes reach exactly whom they concern, reminders follow the
agenda under a clock the test moves (no sleeps), and nothing is sent twice."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from notifications import fanouts, sending
from notifications.domain.messages import TEMPLATED_KINDS
from notifications.domain.samples import sample_values
from notifications.handlers import HANDLERS
from notifications.models import Fanout
from notifications.templating import render_email, render_sms
from retret.events.catalogue import CATALOGUE, RETREAT_ID
from retret_testing.infra import wait_for

OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
BADGE = CATALOGUE["registration.confirmed"].sample["badge_code"]
WIB = timezone(timedelta(hours=7))


@pytest.fixture
def world(ctx, db, envelope, frozen_clock, smtp_server):
    """A published retreat (15-17 May 2025, WIB) seen from 1 May 2025, officials added with `official(...)`."""
    frozen_clock.value = datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc)
    return World(ctx, db, envelope, frozen_clock, smtp_server)


class World:
    def __init__(self, ctx, db, envelope, clock, smtp):
        self.ctx, self.db, self.envelope, self.clock, self.smtp = ctx, db, envelope, clock, smtp
        self.consume("retreat.published")

    def consume(self, type_name, **data):
        env = self.envelope(type_name, **data)
        self.ctx.bus.consume(env, HANDLERS)
        self.clock.advance(seconds=1)  # each event a moment after the previous one
        return env

    def official(self, n: int, status: str = "invited", group: str | None = None, phone: bool = False,
                 email: bool = True) -> str:
        """Registration `n` (its own id and email), in `status` (and `group`); no phone unless asked."""
        registration_id = str(uuid.UUID(int=n))
        official = {**OFFICIAL, "nip": f"1986092620150510{n:02d}", "name": f"Pejabat {n}",
                    "email": f"pejabat{n}@malangkota.go.id" if email else None,
                    "phone": f"+62812345678{n:02d}" if phone else None}
        type_name = "participant.invited" if status == "invited" else f"registration.{status}"
        self.consume(type_name, registration_id=registration_id, official=official, status=status)
        if group:
            self.consume("group.assigned", registration_id=registration_id, group=group, room=None)
        return registration_id

    def run(self) -> dict:
        """What beat's scan does: fan out what is due, then send."""
        return {**fanouts.scan_due(), **sending.send_due()}

    def received(self, kind_subject: str) -> dict[str, object]:
        """Messages whose subject starts with `kind_subject`, by recipient."""
        out = {}
        for item in self.smtp.messages:
            if item.message["Subject"].strip().startswith(kind_subject):  # a long one is folded
                assert item.rcpt_tos[0] not in out, f"{item.rcpt_tos[0]} got {kind_subject!r} twice"
                out[item.rcpt_tos[0]] = item.message
        return out


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def session_data(**changes) -> dict:
    return {**CATALOGUE["session.scheduled"].sample, **changes}


# ------------------------------------------------------------------------------------------------ templates
@pytest.mark.parametrize("kind", TEMPLATED_KINDS)
def test_every_kind_has_an_email_and_an_sms(kind):
    values = sample_values(kind)
    mail = render_email(kind, values)
    assert mail.subject and "\n" not in mail.subject and mail.language == "id"
    assert "Dr. Budi Santoso" in mail.text and mail.html and "</html>" in mail.html
    assert "\n\nHormat kami," in mail.text and "\n\n\n" not in mail.text  # paragraphs apart, one blank line
    sms = render_sms(kind, values)
    assert sms.text.startswith(("Yth. Dr. Budi", "Perubahan titik kumpul")) and sms.info.segments <= 2


@pytest.mark.parametrize("kind", TEMPLATED_KINDS)
def test_every_kind_has_an_english_email_and_sms(kind):
    values = sample_values(kind, "en")
    mail = render_email(kind, values, "en")
    assert mail.language == "en" and mail.text.startswith("Dear Dr. Budi Santoso") and 'lang="en"' in mail.html
    assert "Yth." not in mail.text + mail.html and "Hormat kami" not in mail.text + mail.html
    assert "\n\nKind regards," in mail.text and "\n\n\n" not in mail.text
    sms = render_sms(kind, values, "en")
    assert sms.language == "en" and sms.text.startswith(("Dear Dr. Budi", "Perubahan titik kumpul"))


# ------------------------------------------------------------------------------------------------ one official
def test_confirmation_carries_the_qr_badge_and_the_agenda(world):
    world.consume("session.scheduled")
    world.consume("session.scheduled", **session_data(session_id=str(uuid.uuid4()), title="Ceramah Kebangsaan",
                                                       kind="lecture", starts_at="2025-05-15T08:00:00+07:00",
                                                       ends_at="2025-05-15T10:00:00+07:00"))
    world.consume("session.cancelled", **session_data(session_id=str(uuid.uuid4()), title="Batal",
                                                       status="cancelled"))
    world.consume("registration.confirmed")
    world.run()
    [mail] = world.received("Konfirmasi kehadiran").values()
    assert "telah kami terima" in text_of(mail)
    files = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(files) == {"kartu-peserta.png", "agenda.ics"}
    assert files["kartu-peserta.png"].get_content_type() == "image/png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(files["kartu-peserta.png"].get_content())))
    assert code.text == BADGE and code.format == zxingcpp.BarcodeFormat.QRCode
    calendar = Calendar.from_ical(files["agenda.ics"].get_content())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["Apel Pagi", "Ceramah Kebangsaan"]
    assert events[0].decoded("dtstart") == datetime(2025, 5, 15, 5, 30, tzinfo=WIB)
    assert str(events[0]["location"]) == "Lapangan Poltekad"


def test_same_event_twice_is_one_message(world):
    env = world.envelope("registration.confirmed")
    world.ctx.bus.consume(env, HANDLERS)
    world.ctx.bus.consume({**env, "sequence": env["sequence"] + 100}, HANDLERS)  # past the inbox too
    world.run()
    world.run()
    assert len(world.received("Konfirmasi kehadiran")) == 1 and len(world.smtp.messages) == 1


def test_a_waitlisted_official_invited_later_gets_a_promotion(world):
    registration_id = world.official(1, "waitlisted")
    world.consume("participant.invited", registration_id=registration_id,
                  official={**OFFICIAL, "name": "Pejabat 1", "email": "pejabat1@malangkota.go.id", "phone": None})
    world.run()
    assert list(world.received("Daftar tunggu")) == ["pejabat1@malangkota.go.id"]
    [mail] = world.received("Tempat tersedia").values()
    assert "kini tersedia" in text_of(mail) and "/portal/invitations/" in text_of(mail)
    assert world.received("Undangan") == {}


def test_decline_acknowledged(world):
    world.official(1, "declined")
    world.run()
    [mail] = world.received("Ketidakhadiran tercatat").values()
    assert "Tugas dinas ke Jakarta" in text_of(mail)


def test_a_cancelled_registration_is_told_with_its_reason(world):
    world.official(1, "cancelled")
    world.run()
    [mail] = world.received("Pendaftaran dibatalkan").values()
    assert "telah dibatalkan" in text_of(mail) and "Keterangan: Dibatalkan panitia" in text_of(mail)


def test_group_and_room_assignment(world):
    registration_id = world.official(1, "confirmed")
    world.consume("group.assigned", registration_id=registration_id, group="Peleton 3", room="Barak B-12")
    world.run()
    [mail] = world.received("Pembagian peleton").values()
    assert "Peleton : Peleton 3" in text_of(mail) and "Kamar   : Barak B-12" in text_of(mail)


@pytest.mark.parametrize("verb,subject,word", [("approved", "Izin disetujui", "DISETUJUI"),
                                               ("rejected", "Izin tidak disetujui", "TIDAK DISETUJUI")])
def test_permit_decisions(world, verb, subject, word):
    registration_id = world.official(1, "confirmed")
    world.consume(f"permit.{verb}", registration_id=registration_id)
    world.run()
    [mail] = world.received(subject).values()
    text = text_of(mail)
    reason = CATALOGUE[f"permit.{verb}"].sample["decision_reason"]
    assert word in text and "izin (sakit)" in text and reason in text


def test_a_permit_the_organiser_withdrew_is_told_in_the_retreats_language(world):
    world.consume("retreat.updated", language="en")
    registration_id = world.official(1, "confirmed")
    world.consume("permit.withdrawn", registration_id=registration_id, withdrawn_by="organiser",
                  withdrawal_reason="Approved by mistake")
    world.run()
    [mail] = world.received("Permit withdrawn").values()
    text = text_of(mail)
    assert "WITHDRAWN" in text and "permit (sick leave)" in text and "Approved by mistake" in text
    assert world.received("Izin dibatalkan") == {}


def test_a_request_the_official_took_back_is_not_told(world):
    registration_id = world.official(1, "confirmed")
    world.consume("permit.withdrawn", registration_id=registration_id, status="withdrawn", withdrawn_by="official",
                  decision_reason=None, withdrawal_reason=None)
    world.run()
    assert world.received("Izin dibatalkan") == {} and world.received("Permit withdrawn") == {}
    assert list(world.received("Konfirmasi kehadiran diterima")) == ["pejabat1@malangkota.go.id"]  # mail does go out


def test_the_officials_language_then_the_retreats(world):
    world.consume("retreat.updated", language="en")
    registration_id = world.official(1, "confirmed")  # the retreat's English
    world.consume("participant.updated", registration_ids=[registration_id],
                  official={**OFFICIAL, "name": "Pejabat 1", "email": "pejabat1@malangkota.go.id", "phone": None,
                            "language": "id"})
    world.consume("group.assigned", registration_id=registration_id, group="Peleton 3", room="Barak B-12")
    world.consume("participant.invited", registration_id=str(uuid.UUID(int=2)), official={
        **OFFICIAL, "name": "Pejabat 2", "email": "pejabat2@malangkota.go.id", "phone": None, "language": "en"},
        retreat={**CATALOGUE["participant.invited"].sample["retreat"], "language": None})
    world.run()
    [confirmed] = world.received("Attendance confirmed").values()
    assert "Thursday, 15 May 2025" in text_of(confirmed) and confirmed["Content-Language"] == "en"
    assert list(world.received("Pembagian peleton")) == ["pejabat1@malangkota.go.id"]  # her own language now
    [invited] = world.received("Invitation").values()
    assert text_of(invited).startswith("Dear Pejabat 2")


# ------------------------------------------------------------------------------------------------ to many
def test_a_cancelled_retreat_reaches_every_invited_and_confirmed_official(world):
    world.official(1, "invited")
    world.official(2, "confirmed")
    world.official(3, "declined")
    env = world.consume("retreat.cancelled")
    world.ctx.bus.consume({**env, "sequence": env["sequence"] + 100}, HANDLERS)  # the same event again
    world.run()
    world.run()
    got = world.received("Pembatalan")
    assert sorted(got) == ["pejabat1@malangkota.go.id", "pejabat2@malangkota.go.id"]
    assert "dibatalkan" in text_of(got["pejabat1@malangkota.go.id"])


def test_a_rescheduled_retreat_tells_its_old_and_new_dates(world):
    world.official(1, "confirmed")
    world.consume("retreat.rescheduled", starts_on="2025-05-22", ends_on="2025-05-24",
                  old_starts_on="2025-05-15", old_ends_on="2025-05-17")
    world.run()
    [mail] = world.received("Perubahan jadwal:").values()
    assert "Semula Kamis, 15 Mei 2025 s.d. Sabtu, 17 Mei 2025" in text_of(mail)
    assert "Kamis, 22 Mei 2025 s.d. Sabtu, 24 Mei 2025" in text_of(mail)


def test_sessions_moved_with_their_retreat_are_told_once_with_the_retreat(world):
    world.official(1, "confirmed")
    world.consume("session.scheduled")
    trace = "a" * 32
    for type_name, data in (
            ("retreat.rescheduled", dict(starts_on="2025-05-22", ends_on="2025-05-24", old_starts_on="2025-05-15",
                                         old_ends_on="2025-05-17")),
            ("session.rescheduled", session_data(starts_at="2025-05-22T05:30:00+07:00",
                                                 ends_at="2025-05-22T06:30:00+07:00",
                                                 old_starts_at="2025-05-15T05:30:00+07:00"))):
        env = world.envelope(type_name, **data)
        world.ctx.bus.consume({**env, "trace_id": trace}, HANDLERS)
        world.clock.advance(seconds=1)
    world.run()
    assert len(world.received("Perubahan jadwal:")) == 1 and world.received("Perubahan jadwal sesi") == {}
    with world.ctx.db.session() as session:  # but its reminder moved with it
        [due] = session.execute(select(Fanout.due_at).where(Fanout.kind == "session_reminder")).scalars().all()
    assert due == datetime(2025, 5, 22, 4, 30, tzinfo=WIB)


def test_a_session_change_reaches_only_its_audience(world):
    world.official(1, "confirmed", group="Peleton 1")
    world.official(2, "confirmed", group="Peleton 2")
    world.official(3, "invited", group="Peleton 1")
    session = session_data(audience_groups=["Peleton 1"])
    world.consume("session.scheduled", **session)
    world.consume("session.rescheduled", **{**session, "starts_at": "2025-05-15T06:00:00+07:00",
                                            "ends_at": "2025-05-15T07:00:00+07:00",
                                            "old_starts_at": session["starts_at"], "old_ends_at": session["ends_at"]})
    world.run()
    got = world.received("Perubahan jadwal sesi")
    assert list(got) == ["pejabat1@malangkota.go.id"]
    text = text_of(got["pejabat1@malangkota.go.id"])
    assert "Semula Kamis, 15 Mei 2025 pukul 05.30 WIB" in text and "Kamis, 15 Mei 2025 pukul 06.00 WIB" in text
    world.consume("session.cancelled", **{**session, "status": "cancelled"})
    world.run()
    assert list(world.received("Sesi dibatalkan")) == ["pejabat1@malangkota.go.id"]


# ------------------------------------------------------------------------------------------------ reminders
def test_session_reminder_follows_a_reschedule_and_a_cancellation(world):
    world.official(1, "confirmed")
    world.consume("session.scheduled")  # Apel Pagi 05.30 WIB: reminded at 04.30 (60 minutes)
    other = session_data(session_id=str(uuid.uuid4()), title="Ceramah", kind="lecture",
                         starts_at="2025-05-15T09:00:00+07:00", ends_at="2025-05-15T10:00:00+07:00")
    world.consume("session.scheduled", **other)
    world.clock.value = datetime(2025, 5, 15, 4, 0, tzinfo=WIB)
    world.run()
    assert world.received("Pengingat sesi") == {}
    moved = session_data(starts_at="2025-05-15T06:00:00+07:00", ends_at="2025-05-15T07:00:00+07:00",
                         old_starts_at="2025-05-15T05:30:00+07:00", old_ends_at="2025-05-15T06:30:00+07:00")
    world.consume("session.rescheduled", **moved)
    world.consume("session.cancelled", **{**other, "status": "cancelled"})
    world.clock.value = datetime(2025, 5, 15, 4, 31, tzinfo=WIB)  # the old reminder time: nothing any more
    world.run()
    assert world.received("Pengingat sesi") == {}
    world.clock.value = datetime(2025, 5, 15, 5, 0, 30, tzinfo=WIB)
    world.run()
    [mail] = world.received("Pengingat sesi").values()
    assert "Apel Pagi" in text_of(mail) and "pukul 06.00 WIB" in text_of(mail)
    world.clock.value = datetime(2025, 5, 15, 8, 30, tzinfo=WIB)  # the cancelled one's time
    world.run()
    assert len(world.received("Pengingat sesi")) == 1
    assert len(world.smtp.messages) == 4  # and the confirmation, the reschedule, the cancellation


def session_reminders(world) -> list[tuple[str, str | None]]:
    with world.ctx.db.session() as session:
        return sorted(session.execute(select(Fanout.session_id, Fanout.outcome)
                                      .where(Fanout.kind == "session_reminder")).all())


def test_no_reminder_for_a_time_already_past(world):
    world.official(1, "confirmed")
    world.clock.value = datetime(2025, 5, 15, 5, 31, tzinfo=WIB)
    world.consume("session.scheduled")  # Apel Pagi began at 05.30: no reminder at all
    later = str(uuid.uuid4())
    world.consume("session.scheduled", **session_data(session_id=later, title="Ceramah",
                                                       starts_at="2025-05-15T09:00:00+07:00",
                                                       ends_at="2025-05-15T10:00:00+07:00"))
    assert session_reminders(world) == [(later, None)]
    world.clock.value = datetime(2025, 5, 15, 9, 5, tzinfo=WIB)  # beat was down until the session began
    world.run()
    assert session_reminders(world) == [(later, "skipped")] and world.received("Pengingat sesi") == {}


def test_a_late_scan_still_reminds_before_the_session_starts(world):
    world.official(1, "confirmed")
    world.consume("session.scheduled")
    world.clock.value = datetime(2025, 5, 15, 5, 10, tzinfo=WIB)  # due 04.30, the session is at 05.30
    world.run()
    assert len(world.received("Pengingat sesi")) == 1


def test_answer_reminders_7_and_2_days_before_answers_close(world):
    world.official(1, "invited")
    world.official(2, "confirmed")
    closes = datetime(2025, 5, 18, 0, 0, tzinfo=WIB)  # the last day (17 May) ends
    for days in (7, 2):
        world.clock.value = closes - timedelta(days=days) + timedelta(minutes=1)
        world.run()
    world.clock.value = closes + timedelta(hours=1)
    world.run()
    mails = [m.message for m in world.smtp.messages if m.message["Subject"].strip().startswith("Pengingat: mohon")]
    assert [m["To"].addresses[0].addr_spec for m in mails] == ["pejabat1@malangkota.go.id"] * 2
    assert "(7 hari lagi)" in text_of(mails[0]) and "(2 hari lagi)" in text_of(mails[1])
    assert "Sabtu, 17 Mei 2025 pukul 23.59 WIB" in text_of(mails[0]) and "/portal/invitations/" in text_of(mails[0])


def test_answer_reminder_days_come_from_the_settings(world, service_env):
    service_env.setenv("REMINDER_DAYS_BEFORE_DEADLINE", "3")
    world.consume("retreat.updated")
    with world.ctx.db.session() as session:
        pending = session.execute(select(Fanout.key).where(Fanout.kind == "response_reminder",
                                                           Fanout.done_at.is_(None))).scalars().all()
    assert pending == [f"response_reminder:{RETREAT_ID}:3"]


def test_the_day_before_the_retreat(world):
    world.official(1, "confirmed", group="Peleton 2")
    world.official(2, "invited")
    world.clock.value = datetime(2025, 5, 14, 9, 1, tzinfo=WIB)
    world.run()
    [mail] = world.received("Besok").values()
    assert "dimulai besok, Kamis, 15 Mei 2025" in text_of(mail) and "Peleton: Peleton 2" in text_of(mail)


# ------------------------------------------------------------------------------------------------ SMS, real Kannel
def test_sms_kinds_through_the_real_kannel(world, kannel):
    """Each SMS kind reaches the gateway with its text and is delivered (fakesmsc plays the operator)."""
    world.official(1, "waitlisted", phone=True)  # acknowledged by email only
    world.consume("participant.invited", registration_id=str(uuid.UUID(int=1)),
                  official={**OFFICIAL, "name": "Pejabat 1", "email": None, "phone": "+6281234567801"})  # promotion
    confirmed = world.official(2, "confirmed", phone=True)
    world.consume("group.assigned", registration_id=confirmed, group="Peleton 3", room="Barak B-12")
    world.consume("permit.approved", registration_id=confirmed)
    world.consume("session.scheduled")
    world.consume("session.rescheduled", **CATALOGUE["session.rescheduled"].sample)
    world.official(3, "declined", phone=True, email=False)  # no email: the acknowledgement by SMS
    world.clock.value = datetime(2025, 5, 14, 9, 1, tzinfo=WIB)  # the day before
    world.run()
    world.clock.value = datetime(2025, 5, 15, 5, 1, tzinfo=WIB)  # the reminder of the 06.00 session
    world.run()
    rows = wait_for(lambda: (rows := world.db.notifications(channel="sms"))
                    and all(r.status == "delivered" for r in rows) and rows, 30,
                    message=f"every SMS delivered\n{kannel.log_text()[-3000:]}")
    assert sorted((r.recipient, r.kind) for r in rows) == [
        ("+6281234567801", "promotion"),
        ("+6281234567801", "response_reminder"),  # still invited 2 days before answers close (16 May)
        ("+6281234567802", "confirmation"), ("+6281234567802", "group_assigned"),
        ("+6281234567802", "permit_approved"), ("+6281234567802", "retreat_tomorrow"),
        ("+6281234567802", "session_reminder"), ("+6281234567802", "session_rescheduled"),
        ("+6281234567803", "declined")]
    log = kannel.log_text()
    for row in rows:
        assert f"to:<{row.recipient}> msg:<{row.body_text}>" in log, row.kind
    texts = {r.kind: r.body_text for r in rows}
    assert "kamar Barak B-12" in texts["group_assigned"] and "DISETUJUI" in texts["permit_approved"]
    assert "pukul 06.00 WIB" in texts["session_reminder"] and "kini tersedia" in texts["promotion"]


# ------------------------------------------------------------------------------------------------ queues, settings
def test_fan_out_messages_are_sent_by_the_bulk_scan_not_the_event_nudge(world):
    world.official(1, "invited")
    world.consume("retreat.cancelled")
    assert sending.send_due(include_bulk=False) == {"sent": 1}  # the invitation, which an event caused
    fanouts.scan_due()
    [row] = world.db.notifications(kind="retreat_cancelled")
    assert row.bulk and row.status == "created"
    assert sending.send_due(include_bulk=False) == {}
    assert sending.send_due() == {"sent": 1}


def test_tasks_run_on_their_queues():
    from notifications import tasks
    assert tasks.scan_due.queue.endswith("notifications.bulk")
    assert tasks.send_due.queue.endswith("notifications") and not tasks.send_due.queue.endswith(".bulk")


@pytest.mark.parametrize("name,value", [("REMINDER_DAYS_BEFORE_DEADLINE", "7,x"),
                                        ("REMINDER_DAYS_BEFORE_DEADLINE", "0"), ("SESSION_REMINDER_MINUTES", "0")])
def test_reminder_settings_are_checked(monkeypatch, name, value):
    from notifications.config import load_settings
    from retret.config import ConfigError
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_reminder_settings_defaults_and_values(monkeypatch):
    from notifications.config import load_settings
    assert (load_settings().reminder_days, load_settings().session_reminder_minutes) == ((7, 2), 60)
    monkeypatch.setenv("REMINDER_DAYS_BEFORE_DEADLINE", "2, 14,7")
    monkeypatch.setenv("SESSION_REMINDER_MINUTES", "30")
    assert (load_settings().reminder_days, load_settings().session_reminder_minutes) == ((14, 7, 2), 30)


def test_one_scan_at_a_time(world):
    from notifications import tasks
    world.official(1, "invited")
    world.consume("retreat.cancelled")
    with fanouts.one_scan_at_a_time() as first:
        with fanouts.one_scan_at_a_time() as second:
            assert first and not second
        assert tasks.scan_due.apply().result == {}  # another scan holds the lock: nothing done
    assert tasks.scan_due.apply().result == {"fanout_sent": 1, "sent": 2}  # the invitation and the cancellation


def test_a_cancelled_retreat_withdraws_every_reminder(world):
    world.official(1, "confirmed")
    world.consume("session.scheduled")
    world.consume("retreat.cancelled")
    with world.ctx.db.session() as session:
        reminders = session.execute(select(Fanout.kind, Fanout.outcome).where(
            Fanout.kind.in_(["session_reminder", "response_reminder", "retreat_tomorrow"]))).all()
    assert sorted(reminders) == [("response_reminder", "withdrawn"), ("response_reminder", "withdrawn"),
                                 ("retreat_tomorrow", "withdrawn"), ("session_reminder", "withdrawn")]
    world.clock.value = datetime(2025, 5, 15, 4, 31, tzinfo=WIB)
    world.run()
    assert world.received("Pengingat") == {} and world.received("Besok") == {}
