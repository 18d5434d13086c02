"""The answers an invitation accepts, inside the response window (pure). When the window closes is the shared
rule, tested in tests/shared/test_rules_responses.py."""
from datetime import datetime, timedelta, timezone

import pytest

from registration.domain import DomainError
from registration.domain.responses import APPLY, NOOP, can_respond, decide_confirm, decide_decline, is_open

WIB = timezone(timedelta(hours=7))
CLOSE = datetime(2025, 5, 19, 0, 0, tzinfo=WIB)  # the end of the last day in Asia/Jakarta
BEFORE = datetime(2025, 5, 10, 9, 0, tzinfo=WIB)


def test_the_window_is_open_until_the_closing_instant_excluded():
    assert is_open(CLOSE - timedelta(seconds=1), CLOSE)
    assert not is_open(CLOSE, CLOSE)


@pytest.mark.parametrize("status, expected", [
    ("invited", APPLY), ("declined", APPLY), ("confirmed", NOOP),
])
def test_confirm(status, expected):
    assert decide_confirm(status, "published", BEFORE, CLOSE) == expected


@pytest.mark.parametrize("status, expected", [
    ("invited", APPLY), ("confirmed", APPLY), ("declined", NOOP),
])
def test_decline(status, expected):
    assert decide_decline(status, "running", BEFORE, CLOSE) == expected


def test_a_repeated_confirm_answers_the_same_even_after_the_window():
    assert decide_confirm("confirmed", "published", CLOSE + timedelta(days=1), CLOSE) == NOOP


@pytest.mark.parametrize("decide", [decide_confirm, decide_decline])
@pytest.mark.parametrize("status, retreat_status, code", [
    ("waitlisted", "published", "waitlisted"),
    ("cancelled", "published", "registration_cancelled"),
    ("invited", "cancelled", "retreat_cancelled"),
    ("invited", "draft", "retreat_not_open"),
])
def test_refusals(decide, status, retreat_status, code):
    with pytest.raises(DomainError) as excinfo:
        decide(status, retreat_status, BEFORE, CLOSE)
    assert excinfo.value.code == code
    assert excinfo.value.message


@pytest.mark.parametrize("decide, status", [(decide_confirm, "invited"), (decide_confirm, "declined"),
                                            (decide_decline, "invited"), (decide_decline, "confirmed")])
def test_after_the_window_answers_are_closed(decide, status):
    with pytest.raises(DomainError) as excinfo:
        decide(status, "published", CLOSE, CLOSE)
    assert excinfo.value.code == "response_closed"


def test_can_respond():
    assert can_respond("invited", "published", BEFORE, CLOSE)
    assert can_respond("declined", "running", BEFORE, CLOSE)
    assert not can_respond("invited", "published", CLOSE, CLOSE)
    assert not can_respond("waitlisted", "published", BEFORE, CLOSE)
    assert not can_respond("cancelled", "published", BEFORE, CLOSE)
    assert not can_respond("invited", "draft", BEFORE, CLOSE)
    assert not can_respond("invited", "cancelled", BEFORE, CLOSE)
