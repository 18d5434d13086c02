"""The pure rules of a check-in (registration.domain.checkins) and of permits (registration.domain.permits)."""
from datetime import datetime, timedelta, timezone

import pytest

from registration.domain import DomainError, permits
from registration.domain.agenda import Slot
from registration.domain.checkins import (
    Refused, SessionFacts, check_person, check_session, permit_excuses, scan_status, scan_wins,
)

WIB = timezone(timedelta(hours=7))
START = datetime(2025, 5, 16, 5, 30, tzinfo=WIB)
APEL = SessionFacts("scheduled", Slot(START, START + timedelta(hours=1)), 60, 0)


def refusal(call, *args):
    with pytest.raises(Refused) as excinfo:
        call(*args)
    assert excinfo.value.message
    return excinfo.value.code


@pytest.mark.parametrize("status, elsewhere, code", [
    (None, False, "unknown_code"), (None, True, "other_retreat"), ("invited", False, "not_confirmed"),
    ("cancelled", True, "not_confirmed"),
])
def test_who_is_refused(status, elsewhere, code):
    assert refusal(check_person, status, elsewhere) == code


def test_a_confirmed_official_passes():
    check_person("confirmed", False)
    check_session(APEL, "running")


def test_sessions_refused():
    assert refusal(check_session, None, "running") == "unknown_session"
    assert refusal(check_session, SessionFacts("cancelled", APEL.slot, 60, 0), "running") == "session_cancelled"
    assert refusal(check_session, APEL, "cancelled") == "session_cancelled"  # the whole retreat is off


def test_scan_status_by_time():
    now = START + timedelta(hours=2)
    assert scan_status(APEL, START + timedelta(minutes=5), now, 5) == "present"
    assert scan_status(APEL, START + timedelta(minutes=5, seconds=1), now, 5) == "late"
    assert refusal(scan_status, APEL, START - timedelta(minutes=61), now, 5) == "outside_window"
    assert refusal(scan_status, APEL, now + timedelta(minutes=3), now, 5) == "future"


def test_the_earliest_scan_wins_and_a_scan_wins_over_a_permit():
    assert scan_wins(None, None, START)
    assert scan_wins("excused", None, START + timedelta(hours=1))
    assert scan_wins("late", START + timedelta(minutes=10), START)
    assert not scan_wins("present", START, START + timedelta(minutes=1))
    assert not scan_wins("present", START, START)  # the same time again: the recorded scan stays


def test_a_permit_excuses_only_where_nobody_scanned():
    assert permit_excuses(None)
    assert not permit_excuses("present") and not permit_excuses("late") and not permit_excuses("excused")


def test_permits_are_decided_once_and_only_for_the_confirmed():
    permits.check_decidable("pending")
    for status in ("approved", "rejected"):
        with pytest.raises(DomainError) as excinfo:
            permits.check_decidable(status)
        assert excinfo.value.code == "permit_decided"
    permits.check_requestable("confirmed", "running")
    with pytest.raises(DomainError) as excinfo:
        permits.check_requestable("invited", "running")
    assert excinfo.value.code == "not_confirmed"
    with pytest.raises(DomainError) as excinfo:
        permits.check_requestable("confirmed", "cancelled")
    assert excinfo.value.code == "retreat_cancelled"
