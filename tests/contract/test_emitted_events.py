"""The events as registration really emits them reach reporting and notifications intact.

A realistic retreat is prepared through the registration API (speakers, sessions, edits, officials registered one
by one and imported from a file, answers through the invitation links, a cancellation, a reschedule with
shift_sessions, a session cancelled, the retreat started); every outbox row then goes to each consumer the way the relay
sends it (sequenced, filtered by `filter_for` through `Bus.envelope_for`), and reporting's projection must show the
same sessions and speakers as registration. The one official who chose English gets notifications' English
invitation in the retreat in Bahasa Indonesia."""
from __future__ import annotations

import importlib
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from retret import clock
from retret.auth import issue_token
from retret.bus import ConsumeResult
from retret.events import SUBSCRIPTIONS
from retret_testing.env import TEST_ENV
from retret_testing.files import csv_bytes, official_row
from retret_testing.http import bearer

ADMIN = bearer(issue_token(TEST_ENV["JWT_SECRET"], "admin", "admin")[0])
API = "/api/v1"


def call(client, method: str, path: str, body=None, expected: int = 200) -> dict:
    response = getattr(client, method)(API + path, json=body, headers=ADMIN)
    assert response.status_code == expected, (method, path, response.get_json())
    return response.get_json()


def build_agenda(client) -> str:
    retreat = call(client, "post", "/retreats", {
        "code": "RETRET-MLG-2025", "title": "Retret Pejabat Struktural Kota Malang 2025",
        "organizer": "BKPSDM Kota Malang", "venue": "Poltekad, Karangploso", "starts_on": "2025-05-16",
        "ends_on": "2025-05-18", "timezone": "Asia/Jakarta"}, 201)["id"]
    speakers = [call(client, "post", f"/retreats/{retreat}/speakers", body, 201)["id"] for body in (
        {"name": "Prof. Dr. Zudan Arif Fakrulloh", "position": "Kepala BKN", "institution": "BKN",
         "status": "confirmed", "topic": "Manajemen talenta ASN", "notes": "Ajudan: 0812-1111-2222"},
        {"name": "Dr. Ir. Siti Nurbaya", "position": "Deputi", "institution": "LAN"},
        {"name": "Brigjen TNI Komandan", "position": "Komandan Poltekad", "institution": "Poltekad",
         "status": "confirmed"})]
    session_bodies = [
        {"title": "Apel Pembukaan", "kind": "apel", "starts_at": "2025-05-16T05:30:00+07:00",
         "ends_at": "2025-05-16T06:30:00+07:00", "location": "Lapangan", "mandatory": True,
         "speaker_ids": [speakers[2]]},
        {"title": "Kuliah Umum", "kind": "lecture", "starts_at": "2025-05-16T08:00:00+07:00",
         "ends_at": "2025-05-16T10:00:00+07:00", "location": "Aula", "speaker_ids": [speakers[0], speakers[1]],
         "description": "Manajemen talenta", "checkin_opens_before_minutes": 30},
        {"title": "Diskusi Kelompok", "kind": "discussion", "starts_at": "2025-05-17T13:00:00+07:00",
         "ends_at": "2025-05-17T15:00:00+07:00", "audience_groups": ["Peleton 1", "Peleton 2"]},
        {"title": "Makan Malam", "kind": "meal", "starts_at": "2025-05-17T18:30:00+07:00",
         "ends_at": "2025-05-17T19:30:00+07:00", "mandatory": False},
        {"title": "Upacara Penutupan", "kind": "ceremony", "starts_at": "2025-05-18T19:00:00+07:00",
         "ends_at": "2025-05-18T21:00:00+07:00", "speaker_ids": [speakers[2]]},
    ]
    sessions = [call(client, "post", f"/retreats/{retreat}/sessions", body, 201)["id"] for body in session_bodies]
    call(client, "post", f"/retreats/{retreat}/publish")
    call(client, "post", f"/retreats/{retreat}/registrations", {"official": {
        "nip": "198609262015051001", "name": "Drs. Budi Santoso, M.Si.", "position": "Camat Lowokwaru",
        "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru", "email": "budi@malangkota.go.id",
        "phone": "0812-3456-7890", "language": "en"}}, 201)
    register_and_answer(client, retreat)
    call(client, "patch", f"/speakers/{speakers[1]}", {"status": "declined"})
    call(client, "patch", f"/sessions/{sessions[1]}", {"speaker_ids": [speakers[0]], "title": "Kuliah Umum BKN"})
    call(client, "patch", f"/sessions/{sessions[2]}", {"starts_at": "2025-05-17T14:00:00+07:00",
                                                       "ends_at": "2025-05-17T16:00:00+07:00"})
    call(client, "delete", f"/sessions/{sessions[3]}")
    call(client, "patch", f"/retreats/{retreat}", {"starts_on": "2025-06-02", "ends_on": "2025-06-04",
                                                   "shift_sessions": True})
    call(client, "patch", f"/retreats/{retreat}", {"venue": "Rindam V/Brawijaya"})
    call(client, "post", f"/retreats/{retreat}/start")
    attend(client, retreat, sessions)
    return retreat


def attend(client, retreat: str, sessions: list[str]) -> None:
    """On the first morning: the confirmed official is scanned at the apel (late) and excused from the lecture by
    a permit; a second permit is rejected."""
    clock.set_clock(lambda: datetime(2025, 6, 2, 6, 0, tzinfo=timezone(timedelta(hours=7))))
    [confirmed] = call(client, "get", f"/retreats/{retreat}/registrations?status=confirmed")["items"]
    nip = confirmed["official"]["nip"]
    assert call(client, "post", f"/retreats/{retreat}/checkins", {"session_id": sessions[0], "nip": nip,
                                                                   "scanned_at": "2025-06-02T05:40:00+07:00"},
                201)["status"] == "late"
    excused = call(client, "post", f"/retreats/{retreat}/permits", {
        "nip": nip, "kind": "duty", "reason": "Rapat", "session_ids": [sessions[1]]}, 201)
    call(client, "post", f"/permits/{excused['id']}/approve")
    rejected = call(client, "post", f"/retreats/{retreat}/permits", {
        "nip": nip, "kind": "other", "starts_at": "2025-06-03T00:00:00+07:00",
        "ends_at": "2025-06-03T12:00:00+07:00"}, 201)
    call(client, "post", f"/permits/{rejected['id']}/reject", {"reason": "Tanpa surat"})


def register_and_answer(client, retreat: str) -> None:
    """Officials from a file (one already known, with a new position), answers by link, a cancellation."""
    call(client, "post", "/officials", official_row(0), 201)
    rows = [official_row(0, position="Kepala Dinas Kesehatan")] + [official_row(i) for i in (1, 2, 3)]
    imported = client.post(f"{API}/retreats/{retreat}/registrations/import", headers=ADMIN,
                           data={"file": (io.BytesIO(csv_bytes(rows)), "pejabat.csv")},
                           content_type="multipart/form-data")
    assert imported.status_code == 200 and imported.get_json()["created"] == 4, imported.get_json()
    registrations = call(client, "get", f"/retreats/{retreat}/registrations")["items"]
    tokens = [r["invitation_url"].rsplit("/", 1)[1] for r in registrations]
    call(client, "post", f"/invitations/{tokens[1]}/confirm", {"shirt_size": "L", "health_notes": "Asma"})
    call(client, "post", f"/invitations/{tokens[2]}/decline", {"reason": "Tugas dinas"})
    call(client, "post", f"/registrations/{registrations[3]['id']}/cancel", {"reason": "Pindah tugas"})
    call(client, "patch", f"/registrations/{registrations[0]['id']}", {"group": "Peleton Pimpinan", "room": "VIP"})
    call(client, "post", f"/retreats/{retreat}/groups/assign", {"platoons": 2, "rooms": [
        {"name": "Barak A-1", "capacity": 4, "floor": 1, "near_clinic": True}]})


@pytest.fixture
def before_the_retreat():
    """The organiser prepares the retreat in April 2025 (and starts it by hand: allowed before its first day)."""
    clock.set_clock(lambda: datetime(2025, 4, 20, 3, tzinfo=timezone.utc))
    yield
    clock.set_clock(None)


def test_a_real_agenda_is_accepted_by_every_consumer_and_projected_by_reporting(make_app, before_the_retreat):
    registration = make_app("registration").test_client()
    make_app("reporting")
    make_app("notifications")
    retreat_id = build_agenda(registration)

    from registration.context import context as source
    table = source.tables.outbox
    with source.db.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(table.select().order_by(table.c.id)).mappings()]
    types = {row["type"] for row in rows}
    assert {"speaker.updated", "session.scheduled", "session.updated", "session.rescheduled", "session.cancelled",
            "retreat.published", "retreat.rescheduled", "retreat.updated", "participant.invited",
            "participant.updated", "registration.confirmed", "registration.declined", "registration.cancelled",
            "attendance.updated", "permit.requested", "permit.approved", "permit.rejected", "group.assigned"} <= types

    for subscriber in ("reporting", "notifications"):
        context = importlib.import_module(f"{subscriber}.context").context
        handlers = importlib.import_module(f"{subscriber}.handlers").HANDLERS
        subscription = SUBSCRIPTIONS[subscriber]
        for sequence, row in enumerate(rows, start=1):
            envelope = source.bus.envelope_for({**row, "sequence": sequence}, subscriber)
            expected = ConsumeResult.APPLIED if row["type"] in subscription.types else ConsumeResult.STUB
            assert context.bus.consume(envelope, handlers) is expected, (subscriber, row["type"])
        assert context.bus.cursor_status()["registration"] == {"last_sequence": len(rows), "max_seen": len(rows),
                                                               "gaps": []}

    sessions = call(registration, "get", f"/retreats/{retreat_id}/sessions?include_cancelled=true")["items"]
    speakers = call(registration, "get", f"/retreats/{retreat_id}/speakers")["items"]
    assert_reporting_matches(retreat_id, sessions, speakers)
    registrations = call(registration, "get", f"/retreats/{retreat_id}/registrations")["items"]
    assert_registrations_match(retreat_id, registrations)
    checkins = call(registration, "get", f"/retreats/{retreat_id}/checkins")["items"]
    assert_attendance_matches(retreat_id, checkins)
    assert_invitations_in_each_officials_language(retreat_id)
    assert_the_rejection_reason_reaches_the_official(retreat_id)


def assert_the_rejection_reason_reaches_the_official(retreat_id: str) -> None:
    """The admin's reason travels in permit.rejected and notifications says it ("Alasan: ...")."""
    from notifications.context import context
    from notifications.models import Notification

    with context.db.session() as db:
        texts = [row.body_text for row in db.scalars(select(Notification).where(
            Notification.retreat_id == retreat_id, Notification.kind == "permit_rejected"))]
    assert texts and all("Tanpa surat" in text for text in texts), texts


def assert_invitations_in_each_officials_language(retreat_id: str) -> None:
    from notifications.context import context
    from notifications.models import Notification

    with context.db.session() as db:
        invitations = {row.recipient: row for row in db.scalars(select(Notification).where(
            Notification.retreat_id == retreat_id, Notification.kind == "invitation",
            Notification.channel == "email"))}
    assert {recipient: row.language for recipient, row in invitations.items()} == {
        "budi@malangkota.go.id": "en", **{f"pejabat{i}@malangkota.go.id": "id" for i in range(4)}}
    assert invitations["budi@malangkota.go.id"].body_text.startswith("Dear ")


def assert_attendance_matches(retreat_id: str, checkins: list[dict]) -> None:
    from reporting.context import context
    from reporting.models import Attendance, Permit

    with context.db.session() as db:
        projected = {(row.registration_id, row.session_id): row.status for row in db.scalars(
            select(Attendance).where(Attendance.retreat_id == retreat_id))}
        permits = sorted(row.status for row in db.scalars(select(Permit).where(Permit.retreat_id == retreat_id)))
    assert projected == {(c["registration_id"], c["session_id"]): c["status"] for c in checkins}
    assert sorted(projected.values()) == ["excused", "late"] and permits == ["approved", "rejected"]


def assert_registrations_match(retreat_id: str, registrations: list[dict]) -> None:
    from reporting.context import context
    from reporting.models import Registration

    with context.db.session() as db:
        projected = {row.registration_id: row for row in db.scalars(select(Registration).where(
            Registration.retreat_id == retreat_id))}
    assert {r["id"]: r["status"] for r in registrations} == {key: row.status for key, row in projected.items()}
    assert sorted(r["status"] for r in registrations) == ["cancelled", "confirmed", "declined", "invited", "invited"]
    for registration in registrations:
        assert projected[registration["id"]].position == registration["official"]["position"]
        row = projected[registration["id"]]
        assert (row.group, row.room) == (registration["group"], registration["room"])
    assert sorted((r["group"], r["room"]) for r in registrations if r["group"]) == [
        ("Peleton 1", "Barak A-1"), ("Peleton Pimpinan", "VIP")]


def assert_reporting_matches(retreat_id: str, sessions: list[dict], speakers: list[dict]) -> None:
    from reporting.context import context
    from reporting.models import AgendaSession, Retreat, Speaker

    def instant(text: str):
        return clock.as_utc(datetime.fromisoformat(text))

    with context.db.session() as db:
        projected = {row.id: row for row in db.scalars(select(AgendaSession).where(
            AgendaSession.retreat_id == retreat_id))}
        assert set(projected) == {s["id"] for s in sessions}
        for session in sessions:
            row = projected[session["id"]]
            assert (row.title, row.kind, row.location, row.mandatory, row.status) == (
                session["title"], session["kind"], session["location"], session["mandatory"], session["status"])
            assert (clock.as_utc(row.starts_at), clock.as_utc(row.ends_at)) == (
                instant(session["starts_at"]), instant(session["ends_at"]))
            assert row.audience_groups == session["audience_groups"]
            assert row.speaker_ids == session["speaker_ids"]
        assert {s["starts_at"][:10] for s in sessions if s["status"] == "scheduled"} == {
            "2025-06-02", "2025-06-03", "2025-06-04"}
        by_id = {row.id: row for row in db.scalars(select(Speaker).where(Speaker.retreat_id == retreat_id))}
        assert set(by_id) == {s["id"] for s in speakers}
        for speaker in speakers:
            row = by_id[speaker["id"]]
            assert (row.name, row.position, row.institution, row.status) == (
                speaker["name"], speaker["position"], speaker["institution"], speaker["status"])
        retreat = db.get(Retreat, retreat_id)
        assert (retreat.status, retreat.venue, retreat.starts_on.isoformat(), retreat.ends_on.isoformat()) == (
            "running", "Rindam V/Brawijaya", "2025-06-02", "2025-06-04")
