"""When invitations stop taking answers (DESIGN §5): the end of the retreat's last day in its own time zone,
unless response_deadline is earlier."""
from datetime import date, datetime, timedelta, timezone

from retret.rules.responses import last_day_ends_at, responses_close_at

WIB = timezone(timedelta(hours=7))
ENDS = date(2025, 5, 18)
CLOSE = datetime(2025, 5, 19, 0, 0, tzinfo=WIB)  # the end of the last day in Asia/Jakarta


def test_answers_close_when_the_last_day_ends_in_the_retreats_time_zone():
    closes = responses_close_at(ENDS, "Asia/Jakarta", None)
    assert closes == CLOSE == last_day_ends_at(ENDS, "Asia/Jakarta")
    assert closes.astimezone(timezone.utc) == datetime(2025, 5, 18, 17, 0, tzinfo=timezone.utc)


def test_another_time_zone_closes_at_its_own_midnight():
    assert responses_close_at(ENDS, "Asia/Makassar", None).astimezone(timezone.utc) == \
        datetime(2025, 5, 18, 16, 0, tzinfo=timezone.utc)
    assert responses_close_at(ENDS, "Asia/Jayapura", None).astimezone(timezone.utc) == \
        datetime(2025, 5, 18, 15, 0, tzinfo=timezone.utc)


def test_an_earlier_deadline_wins_a_later_one_does_not():
    earlier = datetime(2025, 5, 12, 17, 0, tzinfo=timezone.utc)
    assert responses_close_at(ENDS, "Asia/Jakarta", earlier) == earlier
    later = datetime(2025, 6, 1, tzinfo=timezone.utc)
    assert responses_close_at(ENDS, "Asia/Jakarta", later) == CLOSE


def test_a_deadline_at_the_same_instant_as_the_end_of_the_last_day_is_that_instant():
    same = datetime(2025, 5, 18, 17, 0, tzinfo=timezone.utc)
    assert responses_close_at(ENDS, "Asia/Jakarta", same) == CLOSE


def test_an_unknown_zone_closes_at_midnight_utc():
    assert responses_close_at(ENDS, "Not/AZone", None) == datetime(2025, 5, 19, tzinfo=timezone.utc)
