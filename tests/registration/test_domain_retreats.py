"""The retreat's life cycle as pure rules: its span in its zone, the clock's moves, start and finish by hand."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from registration.domain import DomainError
from registration.domain import retreats as rules

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
BEGINS, ENDS = rules.span(date(2025, 5, 16), date(2025, 5, 18), "Asia/Jakarta")
M = timedelta(microseconds=1)


def test_span_is_midnight_to_midnight_in_the_retreats_zone():
    assert BEGINS == datetime(2025, 5, 16, tzinfo=WIB) == datetime(2025, 5, 15, 17, tzinfo=timezone.utc)
    assert ENDS == datetime(2025, 5, 19, tzinfo=WIB) == datetime(2025, 5, 18, 17, tzinfo=timezone.utc)
    begins, ends = rules.span(date(2025, 5, 16), date(2025, 5, 16), "Asia/Jayapura")
    assert (begins, ends) == (datetime(2025, 5, 16, tzinfo=WIT), datetime(2025, 5, 17, tzinfo=WIT))
    assert ends - begins == timedelta(days=1)


@pytest.mark.parametrize("status, now, expected", [
    ("published", BEGINS - M, None),
    ("published", BEGINS, "running"),
    ("published", ENDS - M, "running"),
    ("published", ENDS, "finished"),  # a retreat recorded after it ran goes straight to finished
    ("running", BEGINS, None),
    ("running", ENDS - M, None),
    ("running", ENDS, "finished"),
    ("running", ENDS + timedelta(days=400), "finished"),
    ("draft", ENDS + timedelta(days=1), None),
    ("draft", BEGINS, None),
    ("cancelled", BEGINS, None),
    ("cancelled", ENDS, None),
    ("finished", ENDS, None),
])
def test_the_clock_moves_published_and_running_retreats_only(status, now, expected):
    assert rules.next_status(status, now, BEGINS, ENDS) == expected


def test_the_clock_compares_instants_whatever_the_zone_of_now():
    just_before = datetime(2025, 5, 15, 16, 59, 59, tzinfo=timezone.utc)
    assert rules.next_status("published", just_before, BEGINS, ENDS) is None
    assert rules.next_status("published", just_before + timedelta(seconds=1), BEGINS, ENDS) == "running"


@pytest.mark.parametrize("status, now, code", [
    ("draft", BEGINS, "not_published"),
    ("running", BEGINS, "already_running"),
    ("finished", BEGINS, "retreat_finished"),
    ("cancelled", BEGINS, "retreat_cancelled"),
    ("published", ENDS, "retreat_ended"),
])
def test_start_by_hand_refusals(status, now, code):
    with pytest.raises(DomainError) as error:
        rules.check_start(status, now, ENDS)
    assert error.value.code == code and error.value.message


def test_start_by_hand_is_allowed_before_the_first_day():
    rules.check_start("published", BEGINS - timedelta(hours=12), ENDS)  # the evening of arrival
    rules.check_start("published", ENDS - M, ENDS)


@pytest.mark.parametrize("status, code", [
    ("draft", "not_published"), ("finished", "already_finished"), ("cancelled", "retreat_cancelled")])
def test_finish_by_hand_refusals(status, code):
    with pytest.raises(DomainError) as error:
        rules.check_finish(status)
    assert error.value.code == code


@pytest.mark.parametrize("status", ["published", "running"])
def test_finish_by_hand_from_published_or_running(status):
    rules.check_finish(status)


@pytest.mark.parametrize("status, code", [("cancelled", "retreat_cancelled"), ("finished", "retreat_finished")])
def test_a_cancelled_or_finished_retreat_is_not_editable(status, code):
    with pytest.raises(DomainError) as error:
        rules.check_editable(status)
    assert error.value.code == code


@pytest.mark.parametrize("status", ["draft", "published", "running"])
def test_an_open_retreat_is_editable(status):
    rules.check_editable(status)
