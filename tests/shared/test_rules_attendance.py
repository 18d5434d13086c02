"""Unit tests for retret.rules.attendance."""

from datetime import datetime, timedelta, timezone

import pytest

from retret.rules.attendance import (
    ABSENT,
    EXCUSED,
    LATE,
    PRESENT,
    REFUSAL_FUTURE,
    REFUSAL_OUTSIDE_WINDOW,
    attendance_rate,
    checkin_window,
    derive_status,
    earliest_wins,
    permit_covers,
    scan_refusal,
    scan_status,
)

WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
START = datetime(2025, 3, 10, 8, 0, tzinfo=WIB)
END = datetime(2025, 3, 10, 10, 0, tzinfo=WIB)
NAIVE = datetime(2025, 3, 10, 8, 0)
S = timedelta(seconds=1)


def test_constants():
    assert (PRESENT, LATE, EXCUSED, ABSENT) == ("present", "late", "excused", "absent")


# --- scan_status -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scanned_at", "expected"),
    [
        (START - timedelta(minutes=30), PRESENT),
        (START, PRESENT),
        (START + timedelta(minutes=15), PRESENT),  # exactly at tolerance
        (START + timedelta(minutes=15) + S, LATE),  # one second after
        (START + timedelta(minutes=15, microseconds=1), LATE),
        (END, LATE),
    ],
)
def test_scan_status_boundaries(scanned_at, expected):
    assert scan_status(scanned_at, START, 15) == expected


def test_scan_status_zero_tolerance():
    assert scan_status(START, START, 0) == PRESENT
    assert scan_status(START + S, START, 0) == LATE


def test_scan_status_compares_instants_across_time_zones():
    # 09:15 WITA == 08:15 WIB: exactly at tolerance.
    assert scan_status(datetime(2025, 3, 10, 9, 15, tzinfo=WITA), START, 15) == PRESENT
    assert scan_status(datetime(2025, 3, 10, 9, 15, 1, tzinfo=WITA), START, 15) == LATE
    assert scan_status(datetime(2025, 3, 10, 1, 16, tzinfo=timezone.utc), START, 15) == LATE


def test_scan_status_rejects_naive_and_negative_tolerance():
    with pytest.raises(ValueError, match="scanned_at"):
        scan_status(NAIVE, START, 15)
    with pytest.raises(ValueError, match="session_starts_at"):
        scan_status(START, NAIVE, 15)
    with pytest.raises(ValueError):
        scan_status(START, START, -1)


# --- checkin_window --------------------------------------------------------


def test_checkin_window_defaults():
    assert checkin_window(START, END) == (START - timedelta(minutes=60), END)


def test_checkin_window_custom_open_and_close():
    closes = END + timedelta(minutes=30)
    assert checkin_window(START, END, opens_before_minutes=15, closes_at=closes) == (
        START - timedelta(minutes=15),
        closes,
    )
    # Closing early (e.g. only the first half hour counts) is allowed.
    early = START + timedelta(minutes=30)
    assert checkin_window(START, END, closes_at=early)[1] == early
    assert checkin_window(START, END, opens_before_minutes=0)[0] == START


def test_checkin_window_rejects_inconsistent_input():
    with pytest.raises(ValueError):
        checkin_window(END, START)
    with pytest.raises(ValueError):
        checkin_window(START, END, opens_before_minutes=-5)
    with pytest.raises(ValueError):
        checkin_window(START, END, closes_at=START - timedelta(minutes=61))
    with pytest.raises(ValueError, match="closes_at"):
        checkin_window(START, END, closes_at=datetime(2025, 3, 10, 9, 0))
    with pytest.raises(ValueError, match="starts_at"):
        checkin_window(NAIVE, END)


def test_checkin_window_closes_minutes_after_the_end():
    """Kept as minutes relative to the session's times, so the window follows a reschedule."""
    assert checkin_window(START, END, closes_after_minutes=15) == (START - timedelta(minutes=60),
                                                                   END + timedelta(minutes=15))
    moved = timedelta(days=1)
    assert checkin_window(START + moved, END + moved, opens_before_minutes=30, closes_after_minutes=15) == (
        START + moved - timedelta(minutes=30), END + moved + timedelta(minutes=15))
    # An explicit closing time wins over the relative one.
    assert checkin_window(START, END, closes_at=END, closes_after_minutes=15)[1] == END
    with pytest.raises(ValueError, match="closes_after_minutes"):
        checkin_window(START, END, closes_after_minutes=-1)


def test_checkin_window_zero_length_session():
    assert checkin_window(START, START) == (START - timedelta(hours=1), START)


# --- scan_refusal ----------------------------------------------------------

WINDOW = checkin_window(START, END)
NOW = START + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("scanned_at", "expected"),
    [
        (NOW, None),
        (WINDOW[0], None),  # bounds are inclusive
        (NOW - timedelta(minutes=30), None),
        (WINDOW[0] - S, REFUSAL_OUTSIDE_WINDOW),
        (NOW + timedelta(minutes=2), None),  # exactly at the clock-skew allowance
        (NOW + timedelta(minutes=2) + S, REFUSAL_FUTURE),
        (NOW + timedelta(days=1), REFUSAL_FUTURE),
    ],
)
def test_scan_refusal(scanned_at, expected):
    assert scan_refusal(scanned_at, NOW, WINDOW) == expected


def test_scan_refusal_after_window_when_synced_later():
    # Offline device syncs the next day: a scan after the close is refused,
    # a scan inside the window is still accepted.
    tomorrow = END + timedelta(days=1)
    assert scan_refusal(END, tomorrow, WINDOW) is None
    assert scan_refusal(END + S, tomorrow, WINDOW) == REFUSAL_OUTSIDE_WINDOW


def test_scan_refusal_future_wins_over_outside_window():
    scanned = END + timedelta(hours=1)
    assert scan_refusal(scanned, NOW, WINDOW) == REFUSAL_FUTURE


def test_scan_refusal_custom_max_future():
    assert scan_refusal(NOW + timedelta(minutes=3), NOW, WINDOW) == REFUSAL_FUTURE
    assert scan_refusal(NOW + timedelta(minutes=3), NOW, WINDOW, timedelta(minutes=5)) is None
    assert scan_refusal(NOW + S, NOW, WINDOW, timedelta(0)) == REFUSAL_FUTURE


def test_scan_refusal_rejects_naive():
    with pytest.raises(ValueError, match="now"):
        scan_refusal(NOW, NAIVE, WINDOW)
    with pytest.raises(ValueError, match="opens"):
        scan_refusal(NOW, NOW, (NAIVE, END))


# --- earliest_wins ---------------------------------------------------------


def test_earliest_wins():
    assert earliest_wins(START, START - S) is True
    assert earliest_wins(START, START) is False  # equal: keep existing
    assert earliest_wins(START, START + S) is False
    assert earliest_wins(None, START) is True


def test_earliest_wins_across_time_zones():
    same_instant = datetime(2025, 3, 10, 9, 0, tzinfo=WITA)
    assert earliest_wins(START, same_instant) is False
    assert earliest_wins(START, same_instant - S) is True


def test_earliest_wins_rejects_naive():
    with pytest.raises(ValueError):
        earliest_wins(NAIVE, START)
    with pytest.raises(ValueError):
        earliest_wins(START, NAIVE)


# --- derive_status ---------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "excused", "ended", "expected"),
    [
        # A scan wins over a permit: the official came.
        (PRESENT, True, True, PRESENT),
        (LATE, True, True, LATE),
        (PRESENT, False, False, PRESENT),
        (LATE, False, True, LATE),
        # Permit without a scan.
        (None, True, True, EXCUSED),
        (None, True, False, EXCUSED),
        (ABSENT, True, True, EXCUSED),
        # Nothing recorded, no permit.
        (None, False, True, ABSENT),
        (None, False, False, None),
        # Status set by staff stands.
        (EXCUSED, False, True, EXCUSED),
        (ABSENT, False, False, ABSENT),
    ],
)
def test_derive_status(recorded, excused, ended, expected):
    assert derive_status(recorded, excused, ended) == expected


def test_derive_status_rejects_unknown_value():
    with pytest.raises(ValueError):
        derive_status("hadir", False, True)


# --- attendance_rate -------------------------------------------------------


def test_attendance_rate():
    assert attendance_rate(6, 2, 1, 10) == pytest.approx(0.9)
    assert attendance_rate(1, 1, 1, 3) == 1.0
    assert attendance_rate(0, 0, 0, 4) == 0.0


def test_attendance_rate_no_records():
    assert attendance_rate(0, 0, 0, 0) == 0.0


def test_attendance_rate_rejects_impossible_counts():
    with pytest.raises(ValueError):
        attendance_rate(-1, 0, 0, 1)
    with pytest.raises(ValueError):
        attendance_rate(0, 0, 0, -1)
    with pytest.raises(ValueError):
        attendance_rate(3, 0, 0, 2)


@pytest.mark.parametrize("session_ids, starts, ends, covered", [
    (["s1"], None, None, True),                          # named
    (["s2"], START - 3600 * S, END + 3600 * S, False),   # names others: its period is not looked at
    ([], START - 3600 * S, START + S, True),             # overlaps the start
    ([], END - S, END + 3600 * S, True),                 # overlaps the end
    ([], END, END + 3600 * S, False),                    # touches the end only
    ([], START - 3600 * S, START, False),                # touches the start only
    ([], None, None, False),                             # neither sessions nor a period
])
def test_permit_covers(session_ids, starts, ends, covered):
    assert permit_covers("s1", START, END, session_ids, starts, ends) is covered


def test_permit_covers_wants_aware_times():
    with pytest.raises(ValueError):
        permit_covers("s1", START, END, [], NAIVE, END)
