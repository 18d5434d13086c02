"""Events through the real inbox (`context.bus.consume`) into the projection: order tolerance, duplicates,
the contract with the catalogue, and no contacts stored."""
from __future__ import annotations

import copy
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from retret.bus import ConsumeResult
from retret.events.catalogue import CATALOGUE, REGISTRATION_ID, RETREAT_ID, SESSION_ID
from retret.events.subscriptions import SUBSCRIPTIONS

from reporting.handlers import HANDLERS
from reporting.models import (
    AgendaSession, Attendance, NotificationOutcome, Permit, Registration, Retreat, Speaker, metadata,
)

SAMPLE_OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
PERSONAL_VALUES = (
    SAMPLE_OFFICIAL["email"], SAMPLE_OFFICIAL["phone"], SAMPLE_OFFICIAL["phone"].lstrip("+"),
    CATALOGUE["participant.invited"].sample["invitation_url"],
    CATALOGUE["registration.confirmed"].sample["emergency_contact"], "081298765432",
    CATALOGUE["permit.requested"].sample["reason"],
)


def get(db, model, key):
    with db.session() as session:
        row = session.get(model, key)
        if row is not None:
            session.expunge(row)
        return row


def test_subscribed_types_have_handlers():
    assert set(HANDLERS) == set(SUBSCRIPTIONS["reporting"].types)


@pytest.mark.parametrize("type_name", sorted(SUBSCRIPTIONS["reporting"].types))
def test_every_catalogue_sample_is_accepted(events, db, type_name):
    """Contract: each sample the relay would send reporting (filtered) is applied without error."""
    assert events.send(type_name) is ConsumeResult.APPLIED


def test_all_samples_project_the_rows(events, db):
    for type_name in sorted(SUBSCRIPTIONS["reporting"].types):
        events.send(type_name)
    retreat = get(db, Retreat, RETREAT_ID)
    assert (retreat.code, retreat.status, retreat.attendance_threshold) == ("RETRET-MLG-2025", "published", 0.9)
    assert get(db, AgendaSession, SESSION_ID).title == "Apel Pagi"
    assert get(db, Speaker, CATALOGUE["speaker.updated"].sample["speaker_id"]).position == "Kepala BKN"
    registration = get(db, Registration, REGISTRATION_ID)
    assert (registration.nip, registration.unit_code, registration.group) == (
        SAMPLE_OFFICIAL["nip"], "35.73.05", "Peleton 3")
    assert get(db, Attendance, (REGISTRATION_ID, SESSION_ID)).status == "late"
    assert get(db, Permit, CATALOGUE["permit.requested"].sample["permit_id"]).kind == "sick"
    outcome = get(db, NotificationOutcome, CATALOGUE["notification.status_changed"].sample["notification_id"])
    assert (outcome.channel, outcome.status, outcome.source, outcome.sequence) == ("email", "sent", "notifications",
                                                                                    1)


def test_no_contact_columns_in_the_schema():
    forbidden = {"email", "phone", "invitation_url", "emergency_contact", "health_notes"}
    for table in metadata.tables.values():
        assert not forbidden & {c.name for c in table.columns}, table.name


def test_no_stored_row_contains_contacts(events, db):
    """Even if a producer forgot to filter (the relay does), nothing personal lands in a reporting table."""
    for type_name in sorted(SUBSCRIPTIONS["reporting"].types):
        events.send(type_name)
    unfiltered = copy.deepcopy(CATALOGUE["registration.confirmed"].sample)
    envelope = events.envelope("registration.confirmed", unfiltered)
    envelope["data"] = unfiltered  # as if unfiltered
    assert events.consume(envelope) is ConsumeResult.APPLIED
    dump = []
    with db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            dump.extend(str(tuple(row)) for row in conn.execute(select(table)))
    everything = "\n".join(dump)
    assert SAMPLE_OFFICIAL["name"] in everything  # the roster is there...
    for value in PERSONAL_VALUES:  # ...its contacts are not
        assert value not in everything


def test_duplicate_envelope_changes_nothing(events, db):
    events.send("retreat.published")
    envelope = events.envelope("participant.invited")
    assert events.consume(envelope) is ConsumeResult.APPLIED
    later = copy.deepcopy(envelope)
    later["data"]["status"] = "declined"  # same (source, sequence): must be ignored whatever it says
    assert events.consume(later) is ConsumeResult.DUPLICATE
    assert events.consume(envelope) is ConsumeResult.DUPLICATE
    assert get(db, Registration, REGISTRATION_ID).status == "invited"


def test_confirmed_before_invited_ends_confirmed_with_profile(events, db):
    """After a loss and replay: seq 5 (confirmed) arrives before seq 3 (invited)."""
    reg = str(uuid.uuid4())
    type_name, confirmed = events.status(reg, "confirmed")
    del confirmed["official"]  # even without a profile in the newer event
    assert events.send(type_name, confirmed, sequence=5) is ConsumeResult.APPLIED
    row = get(db, Registration, reg)
    assert (row.status, row.status_sequence, row.name) == ("confirmed", 5, None)
    assert get(db, Retreat, RETREAT_ID).code == "RETRET-MLG-2025"  # known from the brief until retreat.* comes

    invited = events.invited(reg, name="Drs. Agus Salim", unit_code="35.73.01", unit_name="Kecamatan Blimbing")
    assert events.send("participant.invited", invited, sequence=3) is ConsumeResult.APPLIED
    row = get(db, Registration, reg)
    assert (row.status, row.status_sequence) == ("confirmed", 5)
    assert (row.name, row.nip, row.unit_code, row.unit_name, row.position_kind, row.rank, row.echelon) == (
        "Drs. Agus Salim", SAMPLE_OFFICIAL["nip"], "35.73.01", "Kecamatan Blimbing", "camat", "IV/a", "III.a")

    # the retreat event that was also lost arrives now and fills the rest
    events.send("retreat.published", events.retreat(attendance_threshold=0.75), sequence=1)
    retreat = get(db, Retreat, RETREAT_ID)
    assert (retreat.status, retreat.attendance_threshold, retreat.last_sequence) == ("published", 0.75, 1)


def test_older_events_never_overwrite_newer_ones(events, db):
    reg = str(uuid.uuid4())
    events.send("participant.invited", events.invited(reg, name="Nama Baru"), sequence=10)
    type_name, declined = events.status(reg, "declined", name="Nama Lama")
    events.send(type_name, declined, sequence=4)
    row = get(db, Registration, reg)
    assert (row.status, row.name) == ("invited", "Nama Baru")

    updated = copy.deepcopy(CATALOGUE["participant.updated"].sample)
    updated.update(registration_ids=[], official=events.official(position="Kepala Dinas Kominfo"))
    events.send("participant.updated", updated, sequence=12)  # found by NIP
    assert get(db, Registration, reg).position == "Kepala Dinas Kominfo"
    updated["official"]["position"] = "Jabatan lama"
    events.send("participant.updated", updated, sequence=11)
    assert get(db, Registration, reg).position == "Kepala Dinas Kominfo"

    events.send("group.assigned", registration_id=reg, group="Peleton 1", room="A-1", sequence=20)
    events.send("group.assigned", registration_id=reg, group="Peleton 9", room="Z-9", sequence=15)
    assert (get(db, Registration, reg).group, get(db, Registration, reg).room) == ("Peleton 1", "A-1")

    session_new = events.session(datetime(2025, 5, 15, 8, tzinfo=timezone.utc), title="Baru", session_id=SESSION_ID)
    events.send("session.rescheduled", session_new, sequence=30)
    events.send("session.scheduled", sequence=25)
    assert get(db, AgendaSession, SESSION_ID).title == "Baru"

    events.send("attendance.updated", status="present", sequence=40)
    events.send("attendance.updated", status="late", sequence=35)
    assert get(db, Attendance, (REGISTRATION_ID, SESSION_ID)).status == "present"

    events.send("permit.approved", sequence=50)
    events.send("permit.requested", sequence=45)
    assert get(db, Permit, CATALOGUE["permit.approved"].sample["permit_id"]).status == "approved"

    events.send("retreat.cancelled", sequence=60)
    events.send("retreat.updated", sequence=55)
    assert get(db, Retreat, RETREAT_ID).status == "cancelled"


def test_a_cleared_attendance_stays_cleared_for_older_events_and_yields_to_newer_ones(events, db):
    """attendance.cleared leaves a tombstone with its sequence: an older attendance.updated replayed after it does
    not bring the excuse back; a newer one (a scan after the withdrawal) wins."""
    key = (REGISTRATION_ID, SESSION_ID)
    events.send("attendance.updated", status="excused", method="permit", scanned_at=None, device_id=None,
                sequence=10)
    assert events.cleared(*key, sequence=12) is ConsumeResult.APPLIED
    row = get(db, Attendance, key)
    assert (row.status, row.sequence, row.method, row.scanned_at) == ("cleared", 12, None, None)
    events.send("attendance.updated", status="excused", method="permit", scanned_at=None, device_id=None,
                sequence=11)
    assert get(db, Attendance, key).status == "cleared"
    events.send("attendance.updated", status="late", sequence=13)
    assert (get(db, Attendance, key).status, get(db, Attendance, key).sequence) == ("late", 13)
    events.cleared(*key, sequence=12)  # the clear itself replayed: older than the scan, ignored
    assert get(db, Attendance, key).status == "late"


def test_a_clear_arriving_before_the_excuse_it_undoes_keeps_it_away(events, db):
    registration_id = str(uuid.uuid4())
    events.cleared(registration_id, SESSION_ID, sequence=20)
    events.send("attendance.updated", registration_id=registration_id, status="excused", sequence=15)
    assert get(db, Attendance, (registration_id, SESSION_ID)).status == "cleared"


def test_notification_outcomes_follow_their_own_source(events, db):
    sample = CATALOGUE["notification.status_changed"].sample
    events.send("notification.status_changed", status="delivered", sequence=3)
    events.send("notification.status_changed", status="sending", attempts=1, sequence=2)
    row = get(db, NotificationOutcome, sample["notification_id"])
    assert (row.status, row.sequence) == ("delivered", 3)
    # a registration event with the same sequence number is another source: not a duplicate
    assert events.send("participant.invited", sequence=3) is ConsumeResult.APPLIED


def test_malformed_data_is_skipped_not_retried_forever(events, db):
    assert events.send("attendance.updated", registration_id="not-a-uuid") is ConsumeResult.APPLIED
    assert events.send("attendance.updated", status="hadir") is ConsumeResult.APPLIED
    assert events.send("session.scheduled", starts_at="yesterday") is ConsumeResult.APPLIED
    assert events.send("retreat.published", attendance_threshold=9, capacity="many") is ConsumeResult.APPLIED
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM sessions")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM bus_inbox")).scalar() == 4
    retreat = get(db, Retreat, RETREAT_ID)
    assert (retreat.attendance_threshold, retreat.capacity) == (0.9, None)


def test_stub_advances_the_cursor(events, db):
    from reporting.context import context
    envelope = events.envelope("participant.invited")
    envelope["data"] = None
    assert events.consume(envelope) is ConsumeResult.STUB
    assert context.bus.cursor_status()["registration"]["last_sequence"] == 1
