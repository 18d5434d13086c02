"""The agenda as pure rules: sessions within the retreat's days, the check-in window, following a reschedule."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from registration.domain import DomainError, agenda
from registration.domain import retreats as rules

WIB, WITA = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar")
BEGINS, ENDS = rules.span(date(2025, 5, 16), date(2025, 5, 18), "Asia/Jakarta")


def slot(day: int, hour: int, minutes: int = 60, zone=WIB) -> agenda.Slot:
    starts = datetime(2025, 5, day, hour, tzinfo=zone)
    return agenda.Slot(starts, starts + timedelta(minutes=minutes))


@pytest.mark.parametrize("candidate, expected", [
    (slot(16, 5), None),
    (agenda.Slot(BEGINS, BEGINS + timedelta(hours=1)), None),          # from the first midnight
    (agenda.Slot(ENDS - timedelta(hours=1), ENDS), None),              # up to the last midnight
    (slot(15, 23), "starts_at"),                                       # the evening before
    (slot(18, 23, minutes=90), "ends_at"),                             # runs past the last day
    (slot(19, 1), "starts_at"),                                        # the day after
    (slot(16, 6, zone=WITA), None),
    (agenda.Slot(datetime(2025, 5, 16, 0, 30, tzinfo=WITA), datetime(2025, 5, 16, 2, tzinfo=WITA)), "starts_at"),
])
def test_a_session_lies_within_the_retreats_days_in_its_zone(candidate, expected):
    assert agenda.outside_field(candidate, BEGINS, ENDS) == expected


def test_the_checkin_window_is_relative_to_the_sessions_times():
    s = slot(16, 8)
    assert agenda.checkin_window(s, 60, 0) == (s.starts_at - timedelta(hours=1), s.ends_at)
    assert agenda.checkin_window(s, 15, 30) == (s.starts_at - timedelta(minutes=15),
                                                s.ends_at + timedelta(minutes=30))


def test_a_cancelled_session_is_not_editable():
    agenda.check_session_editable("scheduled")
    with pytest.raises(DomainError) as error:
        agenda.check_session_editable("cancelled")
    assert error.value.code == "session_cancelled"


def test_unique_keeps_the_first_order():
    assert agenda.unique(["Peleton 2", "Peleton 1", "Peleton 2", "peleton 1"]) == ["Peleton 2", "Peleton 1",
                                                                                    "peleton 1"]
    assert agenda.unique([]) == []


def test_changed_fields():
    assert agenda.changed_fields({"a": 1, "b": [1], "c": None}, {"a": 1, "b": [2], "c": None}) == ["b"]
    assert agenda.changed_fields({"a": 1}, {}) == []


def test_shifted_keeps_the_local_wall_clock_time():
    seven_wib = datetime(2025, 5, 16, 7, tzinfo=WIB)
    assert agenda.shifted(seven_wib, 2, "Asia/Jakarta", "Asia/Jakarta") == datetime(2025, 5, 18, 7, tzinfo=WIB)
    assert agenda.shifted(seven_wib, -1, "Asia/Jakarta", "Asia/Jakarta") == datetime(2025, 5, 15, 7, tzinfo=WIB)
    # Moved to Makassar: still 07:00 there (one hour earlier as an instant).
    moved = agenda.shifted(seven_wib, 0, "Asia/Jakarta", "Asia/Makassar")
    assert moved == datetime(2025, 5, 16, 7, tzinfo=WITA) and moved == seven_wib - timedelta(hours=1)


def test_shifted_across_a_daylight_saving_change_keeps_the_wall_clock():
    nine = datetime(2025, 3, 8, 9, tzinfo=ZoneInfo("America/New_York"))  # EST; 9 March is EDT
    moved = agenda.shifted(nine, 1, "America/New_York", "America/New_York")
    assert moved.hour == 9
    assert moved.astimezone(timezone.utc) - nine.astimezone(timezone.utc) == timedelta(hours=23)


def test_day_offset():
    assert agenda.day_offset(date(2025, 5, 16), date(2025, 6, 2)) == 17
    assert agenda.day_offset(date(2025, 5, 16), date(2025, 5, 14)) == -2


SLOTS = {"apel": slot(16, 5), "kuliah": slot(17, 9, 120), "penutupan": slot(18, 20, 120)}


def test_without_shift_the_sessions_stay_and_those_outside_are_named():
    begins, ends = rules.span(date(2025, 5, 17), date(2025, 5, 19), "Asia/Jakarta")
    moves, outside = agenda.plan_reschedule(SLOTS, begins, ends, None, "Asia/Jakarta", "Asia/Jakarta")
    assert moves == {} and outside == ["apel"]
    begins, ends = rules.span(date(2025, 5, 15), date(2025, 5, 20), "Asia/Jakarta")
    assert agenda.plan_reschedule(SLOTS, begins, ends, None, "Asia/Jakarta", "Asia/Jakarta") == ({}, [])


def test_with_shift_every_session_moves_by_the_days_keeping_its_local_times():
    begins, ends = rules.span(date(2025, 6, 2), date(2025, 6, 4), "Asia/Jakarta")
    moves, outside = agenda.plan_reschedule(SLOTS, begins, ends, 17, "Asia/Jakarta", "Asia/Jakarta")
    assert outside == []
    assert moves["apel"] == agenda.Slot(datetime(2025, 6, 2, 5, tzinfo=WIB), datetime(2025, 6, 2, 6, tzinfo=WIB))
    assert moves["penutupan"].starts_at == datetime(2025, 6, 4, 20, tzinfo=WIB)
    assert set(moves) == set(SLOTS)


def test_with_shift_a_session_still_outside_is_named():
    begins, ends = rules.span(date(2025, 6, 2), date(2025, 6, 3), "Asia/Jakarta")  # one day shorter
    moves, outside = agenda.plan_reschedule(SLOTS, begins, ends, 17, "Asia/Jakarta", "Asia/Jakarta")
    assert outside == ["penutupan"]


def test_with_shift_and_no_change_of_day_or_zone_nothing_moves():
    begins, ends = rules.span(date(2025, 5, 16), date(2025, 5, 19), "Asia/Jakarta")
    assert agenda.plan_reschedule(SLOTS, begins, ends, 0, "Asia/Jakarta", "Asia/Jakarta") == ({}, [])


def test_with_shift_to_another_zone_the_local_times_stay():
    begins, ends = rules.span(date(2025, 5, 16), date(2025, 5, 18), "Asia/Makassar")
    moves, outside = agenda.plan_reschedule(SLOTS, begins, ends, 0, "Asia/Jakarta", "Asia/Makassar")
    assert outside == [] and moves["apel"].starts_at == datetime(2025, 5, 16, 5, tzinfo=WITA)
